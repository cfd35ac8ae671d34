// Local clock, sessions, exposure and the rhythm analysis (profiles and tests).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/rhythm/circadian.hpp"

namespace tealeaves::rhythm {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTwoPi = 2.0 * std::numbers::pi;

double positive_mod(double x, double period) {
  double r = std::fmod(x, period);
  if (r < 0.0) r += period;
  if (r >= period) r = 0.0;
  return r;
}

std::size_t bin_of(double local, double period, double phase0, std::size_t bins) {
  const double u = positive_mod(local + phase0, period) / period;
  return std::min(static_cast<std::size_t>(u * static_cast<double>(bins)), bins - 1);
}

Profile make_profile(std::vector<double> counts, std::vector<double> exposure) {
  Profile p;
  p.rate.resize(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    p.rate[i] = exposure[i] > 0.0 ? counts[i] / exposure[i] : kNaN;
  }
  p.counts = std::move(counts);
  p.exposure = std::move(exposure);
  return p;
}

}  // namespace

void validate_clock(const LocalClock& clock, std::string_view argument) {
  const double max_offset = 26.0 * 3600.0;
  require(std::isfinite(clock.utc_offset) && std::abs(clock.utc_offset) <= max_offset, argument,
          "offsets must be finite seconds within +-26 h");
  require(clock.change_times.size() == clock.change_offsets.size(), argument,
          "change_times and change_offsets must have the same length");
  for (std::size_t i = 0; i < clock.change_times.size(); ++i) {
    require(std::isfinite(clock.change_times[i]), argument, "change times must be finite");
    require(i == 0 || clock.change_times[i] > clock.change_times[i - 1], argument,
            "change times must be strictly increasing");
    require(
        std::isfinite(clock.change_offsets[i]) && std::abs(clock.change_offsets[i]) <= max_offset,
        argument, "offsets must be finite seconds within +-26 h");
  }
}

double offset_at(const LocalClock& clock, double utc_time) {
  const auto it = std::upper_bound(clock.change_times.begin(), clock.change_times.end(), utc_time);
  if (it == clock.change_times.begin()) return clock.utc_offset;
  return clock.change_offsets[static_cast<std::size_t>(it - clock.change_times.begin()) - 1];
}

std::vector<std::size_t> session_starts(const EventSeries& series, double collapse_within) {
  require(std::isfinite(collapse_within), "collapse_within", "must be finite");
  const auto t = series.times();
  std::vector<std::size_t> idx;
  idx.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i == 0 || collapse_within <= 0.0 || t[i] - t[i - 1] > collapse_within) idx.push_back(i);
  }
  return idx;
}

void add_exposure(double a, double b, double period, double phase0, std::span<double> out) {
  require(period > 0.0, "period", "must be positive");
  require(!out.empty(), "out", "needs at least one bin");
  if (!(b > a)) return;
  const std::size_t bins = out.size();
  const double w = period / static_cast<double>(bins);
  const double cycles = std::floor((b - a) / period);
  if (cycles > 0.0) {
    for (double& v : out) v += cycles * w;
    a += cycles * period;
  }
  double remaining = b - a;
  double pos = positive_mod(a + phase0, period);
  std::size_t k = std::min(static_cast<std::size_t>(pos / w), bins - 1);
  while (remaining > 0.0) {
    const double end = static_cast<double>(k + 1) * w;
    const double take = std::min(remaining, std::max(end - pos, 0.0));
    out[k] += take;
    remaining -= take;
    k = (k + 1) % bins;
    pos = k == 0 ? 0.0 : end;
  }
}

std::vector<LocalSegment> local_segments(const EventSeries& series, const LocalClock& clock) {
  std::vector<LocalSegment> out;
  const double origin = series.origin();
  for (const auto& g : series.good_intervals()) {
    double a = origin + g.start;
    const double b = origin + g.stop;
    auto it = std::upper_bound(clock.change_times.begin(), clock.change_times.end(), a);
    while (a < b) {
      const double next = it == clock.change_times.end() ? b : std::min(b, *it);
      const double off = offset_at(clock, a);
      if (next > a) out.push_back({a + off, next + off});
      a = next;
      if (it != clock.change_times.end()) ++it;
    }
  }
  return out;
}

std::vector<double> local_event_times(const EventSeries& series,
                                      std::span<const double> event_offsets,
                                      const LocalClock& clock) {
  require(event_offsets.empty() || event_offsets.size() == series.size(), "event_offsets",
          "must have one offset per stored event (or be empty)");
  const auto t = series.times();
  std::vector<double> local(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double utc = series.origin() + t[i];
    double off = 0.0;
    if (event_offsets.empty()) {
      off = offset_at(clock, utc);
    } else {
      off = event_offsets[i];
      require(std::isfinite(off) && std::abs(off) <= 26.0 * 3600.0, "event_offsets",
              "offsets must be finite seconds within +-26 h");
    }
    local[i] = utc + off;
  }
  return local;
}

RhythmResult analyze_rhythm(const EventSeries& series, std::span<const double> event_offsets,
                            const RhythmOptions& options) {
  require(options.bins >= 2 && options.bins <= 86400, "bins", "must be in [2, 86400]");
  require(std::isfinite(options.collapse_within) && options.collapse_within >= 0.0,
          "collapse_within", "must be finite and >= 0");
  require(options.level > 0.0 && options.level < 1.0, "level", "must be in (0, 1)");
  if (options.mean_direction_hours) {
    require(std::isfinite(*options.mean_direction_hours), "mean_direction_hours", "must be finite");
  }
  validate_clock(options.clock, "clock");
  const auto local = local_event_times(series, event_offsets, options.clock);
  const auto sessions = session_starts(series, options.collapse_within);

  RhythmResult r;
  r.n_events = series.size();
  r.n_raw = series.total_count();
  r.n_sessions = sessions.size();

  std::vector<double> dc(options.bins, 0.0), de(options.bins, 0.0);
  std::vector<double> wc(7, 0.0), we(7, 0.0);
  r.week_counts.assign(168, 0.0);
  r.week_exposure.assign(168, 0.0);
  std::vector<double> angles, u;
  angles.reserve(sessions.size());
  u.reserve(sessions.size());
  for (const std::size_t i : sessions) {
    const double x = local[i];
    dc[bin_of(x, seconds_per_day, 0.0, options.bins)] += 1.0;
    wc[bin_of(x, seconds_per_week, week_phase0, 7)] += 1.0;
    r.week_counts[bin_of(x, seconds_per_week, week_phase0, 168)] += 1.0;
    const double frac = positive_mod(x, seconds_per_day) / seconds_per_day;
    u.push_back(frac);
    angles.push_back(kTwoPi * frac);
  }
  // Exposure, with a fine daily grid (1-minute cells) for the Kuiper CDF.
  std::vector<double> fine(1440, 0.0);
  for (const auto& seg : local_segments(series, options.clock)) {
    add_exposure(seg.a, seg.b, seconds_per_day, 0.0, de);
    add_exposure(seg.a, seg.b, seconds_per_week, week_phase0, we);
    add_exposure(seg.a, seg.b, seconds_per_week, week_phase0, r.week_exposure);
    add_exposure(seg.a, seg.b, seconds_per_day, 0.0, fine);
  }
  std::vector<double> cdf(fine.size() + 1, 0.0);
  double total = 0.0;
  for (const double f : fine) total += f;
  if (total > 0.0) {
    for (std::size_t k = 0; k < fine.size(); ++k) cdf[k + 1] = cdf[k] + fine[k] / total;
    cdf.back() = 1.0;
  }
  r.chi2_daily = chi_square_exposure(dc, de);
  r.chi2_weekly = chi_square_exposure(wc, we);
  r.daily = make_profile(std::move(dc), std::move(de));
  r.weekly = make_profile(std::move(wc), std::move(we));
  r.rayleigh = rayleigh_test(angles);
  r.kuiper = total > 0.0 ? kuiper_test(u, cdf) : kuiper_test(u);
  r.von_mises = von_mises_fit(angles, options.level);
  r.mean_hour = angles.empty() ? kNaN : r.von_mises.mu / kTwoPi * 24.0;
  if (options.mean_direction_hours) {
    r.v_test = v_test(angles, *options.mean_direction_hours / 24.0 * kTwoPi);
  }
  return r;
}

}  // namespace tealeaves::rhythm
