// Coincidence counting, Donges' analytical p-value and the binned timeline (see coincidence.hpp).
#include "tealeaves/timeline/coincidence.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <numeric>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::timeline {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

Direction parse_direction(std::string_view name) {
  if (name == "both") return Direction::both;
  if (name == "precursor") return Direction::precursor;
  if (name == "trigger") return Direction::trigger;
  throw_invalid("direction", "unknown direction '" + std::string(name) +
                                 "'; expected both, precursor or trigger");
}

std::string direction_name(Direction direction) {
  switch (direction) {
    case Direction::both: return "both";
    case Direction::precursor: return "precursor";
    case Direction::trigger: return "trigger";
  }
  return "unknown";
}

Correction parse_correction(std::string_view name) {
  if (name == "max_t") return Correction::max_t;
  if (name == "min_p") return Correction::min_p;
  throw_invalid("correction",
                "unknown correction '" + std::string(name) + "'; expected max_t or min_p");
}

std::string correction_name(Correction correction) {
  return correction == Correction::max_t ? "max_t" : "min_p";
}

EventWindows make_event_windows(const EventSeries& series, std::span<const double> starts,
                                std::span<const double> ends, std::size_t* n_dropped) {
  require(!starts.empty(), "events", "must not be empty");
  require(ends.empty() || ends.size() == starts.size(), "event_ends",
          "must be empty or have one end per event (" + std::to_string(starts.size()) + "), got " +
              std::to_string(ends.size()));
  std::vector<std::pair<double, double>> w;
  w.reserve(starts.size());
  std::size_t dropped = 0;
  for (std::size_t j = 0; j < starts.size(); ++j) {
    const double s = starts[j];
    const double e = ends.empty() ? s : ends[j];
    require(std::isfinite(s), "events", "must be finite, got " + format_number(s));
    require(std::isfinite(e), "event_ends", "must be finite, got " + format_number(e));
    require(e >= s, "event_ends",
            "each end must be >= its start; event " + std::to_string(j) + " ends " +
                format_number(e - s) + " s before it starts");
    const double a = s - series.origin();
    const double b = e - series.origin();
    if (b < 0.0 || a > series.duration()) {
      ++dropped;
      continue;
    }
    w.emplace_back(a, b);
  }
  std::sort(w.begin(), w.end());
  EventWindows out;
  for (const auto& [a, b] : w) {
    out.start.push_back(a);
    out.end.push_back(b);
  }
  if (n_dropped != nullptr) *n_dropped = dropped;
  return out;
}

CoincidenceCounts count_coincidences(std::span<const double> times, const EventWindows& events,
                                     double tolerance, double lag) {
  CoincidenceCounts c;
  if (times.empty() || events.size() == 0) return c;
  const auto count_in = [&](double a, double b) {
    const auto lo = std::lower_bound(times.begin(), times.end(), a);
    const auto hi = std::upper_bound(lo, times.end(), b);
    return static_cast<std::size_t>(hi - lo);
  };
  // Precursor: lookups inside the union of [s + lag, e + lag + tolerance] (merged in start
  // order, so no lookup is counted twice).
  double cur_a = events.start[0] + lag;
  double cur_b = events.end[0] + lag + tolerance;
  for (std::size_t j = 0; j < events.size(); ++j) {
    const double a = events.start[j] + lag;
    const double b = events.end[j] + lag + tolerance;
    // Trigger: does the event's response window hold a lookup?
    const auto it = std::lower_bound(times.begin(), times.end(), a);
    if (it != times.end() && *it <= b) ++c.trigger;
    if (j == 0) continue;
    if (a > cur_b) {
      c.precursor += count_in(cur_a, cur_b);
      cur_a = a;
      cur_b = b;
    } else {
      cur_b = std::max(cur_b, b);
    }
  }
  c.precursor += count_in(cur_a, cur_b);
  return c;
}

double donges_p_value(std::size_t k, std::size_t n, std::size_t n_other, double width,
                      double span) {
  require(k <= n, "k", "must be <= n");
  if (k == 0) return 1.0;
  if (!(span > 0.0) || width >= span) return 1.0;  // every trial coincides for sure
  const double per_trial =
      -std::expm1(static_cast<double>(n_other) * std::log1p(-std::max(width, 0.0) / span));
  if (!(per_trial > 0.0)) return 0.0;
  // P(Binomial(n, q) >= k) = I_q(k, n - k + 1).
  return boost::math::ibeta(static_cast<double>(k), static_cast<double>(n - k + 1), per_trial);
}

BinnedTimeline bin_timeline(const EventSeries& series, std::span<const double> times,
                            const EventWindows& events, double bin_width) {
  const double duration = series.duration();
  const auto n_bins =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(duration / bin_width)));
  std::vector<double> exposure(n_bins, 0.0), counts(n_bins, 0.0);
  for (const Interval& g : series.good_intervals()) {
    double a = g.start;
    while (a < g.stop) {
      const auto k = std::min(n_bins - 1, static_cast<std::size_t>(std::floor(a / bin_width)));
      const double b = std::min(g.stop, static_cast<double>(k + 1) * bin_width);
      exposure[k] += std::max(b - a, 0.0);
      if (!(b > a)) break;
      a = b;
    }
  }
  for (const double t : times) {
    counts[std::min(n_bins - 1, static_cast<std::size_t>(std::floor(t / bin_width)))] += 1.0;
  }
  BinnedTimeline out;
  out.rate.assign(n_bins, 0.0);
  out.indicator.assign(n_bins, 0.0);
  out.mask.assign(n_bins, 0.0);
  for (std::size_t k = 0; k < n_bins; ++k) {
    // The last bin may be short: its length is what lies inside the window.
    const double length = std::min(bin_width, duration - static_cast<double>(k) * bin_width);
    if (length > 0.0 && exposure[k] >= 0.5 * length) {
      out.mask[k] = 1.0;
      out.rate[k] = counts[k] / exposure[k];
    }
  }
  if (duration <= 0.0) out.mask[0] = 0.0;
  for (std::size_t j = 0; j < events.size(); ++j) {
    const double a = std::max(events.start[j], 0.0);
    const double b = std::min(events.end[j], duration);
    if (b < a) continue;
    const auto first = std::min(n_bins - 1, static_cast<std::size_t>(std::floor(a / bin_width)));
    const auto last = std::min(n_bins - 1, static_cast<std::size_t>(std::floor(b / bin_width)));
    for (std::size_t k = first; k <= last; ++k) out.indicator[k] = 1.0;
  }
  return out;
}

double lagged_pearson(const BinnedTimeline& b, long lag) {
  const auto n = static_cast<long>(b.rate.size());
  double sx = 0.0, sy = 0.0, m = 0.0;
  for (long k = std::max(0L, -lag); k < n && k + lag < n; ++k) {
    const auto i = static_cast<std::size_t>(k), j = static_cast<std::size_t>(k + lag);
    if (b.mask[i] == 0.0 || b.mask[j] == 0.0) continue;
    sx += b.indicator[i];
    sy += b.rate[j];
    m += 1.0;
  }
  if (m < 3.0) return kNaN;
  const double mx = sx / m, my = sy / m;
  double sxx = 0.0, syy = 0.0, sxy = 0.0;
  for (long k = std::max(0L, -lag); k < n && k + lag < n; ++k) {
    const auto i = static_cast<std::size_t>(k), j = static_cast<std::size_t>(k + lag);
    if (b.mask[i] == 0.0 || b.mask[j] == 0.0) continue;
    const double dx = b.indicator[i] - mx, dy = b.rate[j] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0.0) || !(syy > 0.0)) return kNaN;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace tealeaves::timeline
