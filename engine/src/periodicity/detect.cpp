#include "tealeaves/periodicity/detect.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "candidates.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "tealeaves/events/folding.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/binning.hpp"

namespace tealeaves::periodicity {
namespace {

using detail::Candidate;

constexpr const char* kNull =
    "homogeneous Poisson process over the observed time (uniform phases); each stored event "
    "counts once";
constexpr const char* kGlobalMethod =
    "Davies upcrossing bound in Baluev's form for the chi^2_2n process over the band searched";

struct Group {
  Candidate fundamental;
  double precision = 0.0;  // Hz: its peak half-width over the harmonics that sharpen it
  std::vector<unsigned> harmonics;
};

// A weaker candidate inside a stronger one's peak (its half-power width, its first sidelobes
// within 3/T, or within 5 % in frequency, where a jittered or drifting period spreads) is that
// peak seen again, not another period.
std::vector<Candidate> deduplicate(std::vector<Candidate> cands, double resolution) {
  std::sort(cands.begin(), cands.end(),
            [](const Candidate& a, const Candidate& b) { return a.power > b.power; });
  std::vector<Candidate> kept;
  for (const Candidate& c : cands) {
    auto same = std::find_if(kept.begin(), kept.end(), [&](const Candidate& k) {
      const double spread = std::max({k.half_width, resolution, 0.05 * k.frequency});
      return std::abs(c.frequency - k.frequency) <= spread;
    });
    if (same == kept.end()) {
      kept.push_back(c);
    } else {
      same->from_events = same->from_events || c.from_events;
      same->from_binned = same->from_binned || c.from_binned;
    }
  }
  return kept;
}

// A sharp pulse keeps many harmonics (the H-test counts them): refining the frequency on all
// of them pins it m times better than the search's own harmonics, which is what lets high
// harmonics be matched to it. The reported power stays Z^2_n at the sharpened frequency.
Group sharpen(const EventSeries& series, Candidate c, unsigned harmonics) {
  const unsigned m = events::htest(series, c.frequency).harmonics;
  if (m > harmonics) {
    const double f = detail::refine(series, c.frequency, c.half_width, m).frequency;
    c.frequency = f;
    c.power = events::z2_cumulative(series, f, harmonics, true)[harmonics - 1];
  }
  return {c, c.half_width / std::max(m, harmonics), {}};
}

bool rayleigh_significant(const EventSeries& series, double f, double alpha) {
  const double z1 = events::z2_cumulative(series, f, 1, true)[0];
  return stats::log_chi2_sf(z1, 2.0) < std::log(alpha);
}

// A fundamental must be significant over the band (its Z^2_n) and show a real repetition at
// its own frequency (a significant first harmonic): Z^2_n with n > 1 also has power at half the
// true frequency, where the first harmonic is empty. Taken from the lowest frequency up, each
// significant candidate either is a harmonic of a fundamental already found or starts a new one.
std::vector<Group> group_harmonics(const EventSeries& series, std::vector<Candidate> cands,
                                   double alpha, const PeriodDetection& result) {
  std::sort(cands.begin(), cands.end(),
            [](const Candidate& a, const Candidate& b) { return a.frequency < b.frequency; });
  std::vector<Group> groups;
  for (const Candidate& c : cands) {
    bool harmonic = false;
    for (Group& g : groups) {
      const unsigned k =
          detail::harmonic_number(g.fundamental.frequency, g.precision, c, series.duration());
      if (k > 0) {
        g.harmonics.push_back(k);
        harmonic = true;
        break;
      }
    }
    if (harmonic) continue;
    const double log_p_global = events::z2_log_p_global(c.power, result.harmonics, result.grid.f0,
                                                        result.grid.fmax(), result.time_variance);
    if (log_p_global < std::log(alpha) && rayleigh_significant(series, c.frequency, alpha)) {
      Group fresh = sharpen(series, c, result.harmonics);
      const double resolution = 3.0 / series.duration();
      const bool seen = std::any_of(groups.begin(), groups.end(), [&](const Group& g) {
        return std::abs(g.fundamental.frequency - fresh.fundamental.frequency) < resolution;
      });
      if (!seen) groups.push_back(std::move(fresh));
    }
  }
  return groups;
}

bool acf_hill(const EventSeries& series, double period) {
  double width = period / 8.0;
  if (series.duration() / width > double(1 << 22)) return false;  // too fine to bin
  const auto counts = spectral::bin_events(series, width);
  const double k0 = period / width;
  const auto max_lag = static_cast<std::size_t>(std::ceil(1.5 * k0)) + 1;
  if (counts.counts.size() < 3 * max_lag) return false;
  spectral::AcfOptions o;
  o.max_lag = max_lag;
  spectral::AcfResult r;
  try {
    r = spectral::acf(counts.counts, o);
  } catch (const std::invalid_argument&) {
    return false;  // constant counts: no autocorrelation to speak of
  }
  const auto lo = static_cast<std::size_t>(std::floor(k0)) - 1;
  std::size_t best = lo;
  for (std::size_t i = lo; i <= lo + 2 && i < max_lag; ++i) {
    if (r.acf[i] > r.acf[best]) best = i;
  }
  const auto half = static_cast<std::size_t>(std::round(k0 / 2.0));
  return r.acf[best] > 0.0 && r.acf[best] >= r.acf[best - 1] && r.acf[best] >= r.acf[best + 1] &&
         r.acf[best] > r.acf[half];
}

double event_time_sd(const EventSeries& series) {
  const auto t = series.times();
  const double n = static_cast<double>(t.size());
  const double mean = std::accumulate(t.begin(), t.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : t) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / n);
}

double typical_interval(const EventSeries& series, double period) {
  const auto t = series.times();
  std::vector<double> beats;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double gap = t[i] - t[i - 1];
    const double k = std::round(gap / period);
    if (k >= 1.0 && k <= 3.0 && std::abs(gap / (k * period) - 1.0) < 0.2) beats.push_back(gap / k);
  }
  if (beats.size() < 3) return 0.0;
  const auto mid = beats.begin() + static_cast<std::ptrdiff_t>(beats.size() / 2);
  std::nth_element(beats.begin(), mid, beats.end());
  return *mid;
}

DetectedPeriod describe(const EventSeries& series, const Group& g, const PeriodDetection& result) {
  const Candidate& c = g.fundamental;
  const unsigned n = result.harmonics;
  DetectedPeriod p;
  p.frequency_hz = c.frequency;
  p.period_s = 1.0 / c.frequency;
  p.power = c.power;
  p.log_p_single = events::z2_log_p_single(c.power, n);
  p.log_p_global =
      events::z2_log_p_global(c.power, n, result.grid.f0, result.grid.fmax(), result.time_variance);
  p.effective_trials = events::z2_effective_trials(c.power, n, result.grid.f0, result.grid.fmax(),
                                                   result.time_variance);
  const auto h = events::htest(series, c.frequency);
  p.htest_h = h.h;
  p.htest_log_p = h.log_p;
  p.fold_log_p = events::fold(series, c.frequency, 10).log_p;
  const auto shape = events::pulse_shape(series, c.frequency);
  p.phase = shape.peak_phase;
  p.jitter_s = shape.jitter_cycles * p.period_s;
  p.pulsed_fraction = shape.pulsed_fraction;
  // A phase-vs-time regression over the pulsed events: sigma_f = sigma_phase / (sqrt(N) sd(t)).
  const double pulsed = std::max(1.0, shape.pulsed_fraction * static_cast<double>(series.size()));
  const double sigma_f =
      std::max(shape.jitter_cycles, 1e-3) / (std::sqrt(pulsed) * event_time_sd(series));
  p.period_err_s = sigma_f / (c.frequency * c.frequency);
  p.acf_hill = acf_hill(series, p.period_s);
  p.interval_s = typical_interval(series, p.period_s);
  p.harmonics_seen = g.harmonics;
  std::sort(p.harmonics_seen.begin(), p.harmonics_seen.end());
  p.source = c.from_events && c.from_binned ? "both" : c.from_binned ? "binned" : "events";
  return p;
}

PeriodDetection insufficient(PeriodDetection result, std::string reason) {
  result.status = "insufficient";
  result.reason = std::move(reason);
  return result;
}

}  // namespace

PeriodDetection detect_periods(const EventSeries& series, const DetectOptions& o) {
  PeriodDetection result;
  result.null = kNull;
  result.global_method = kGlobalMethod;
  result.n_events = series.size();
  result.duration = series.duration();
  result.harmonics = o.harmonics;
  result.ttl_floor = ttl_floor(series, o.log_ttl);
  if (series.size() < std::max<std::size_t>(o.min_events, 2)) {
    return insufficient(result, std::to_string(series.size()) + " events, fewer than the " +
                                    std::to_string(o.min_events) + " needed");
  }
  const double fmin = o.grid.fmin > 0.0 ? o.grid.fmin : o.grid.min_cycles / series.duration();
  if (!(series.duration() > 0.0) || fmin >= o.grid.fmax) {
    return insufficient(result, "the window is too short to see " +
                                    format_number(o.grid.min_cycles) + " cycles below fmax");
  }
  result.grid = events::make_grid(series.duration(), o.grid);
  events::Z2Options zo;
  zo.harmonics = o.harmonics;
  zo.threads = o.threads;
  const auto z2 = events::z2n_search(series, result.grid, zo);
  result.time_variance = z2.time_variance;
  std::vector<Candidate> cands = detail::event_candidates(z2, o.max_candidates);
  if (o.binned_candidates) {
    for (double f :
         detail::binned_candidates(series, result.grid.f0, result.grid.fmax(), o.max_candidates)) {
      cands.push_back({f, 0.0, false, true});
    }
  }
  for (Candidate& c : cands) {
    const Candidate refined = detail::refine(series, c.frequency, result.grid.df, o.harmonics);
    c.frequency = refined.frequency;
    c.power = refined.power;
    c.half_width = detail::peak_half_width(z2, c.frequency, c.power);
  }
  // Frequencies closer than a few 1/T are not resolved from each other.
  const double resolution = 3.0 / series.duration();
  const auto groups =
      group_harmonics(series, deduplicate(std::move(cands), resolution), o.alpha, result);
  for (const Group& g : groups) {
    DetectedPeriod p = describe(series, g, result);
    if (o.require_acf && !p.acf_hill) continue;
    result.periods.push_back(std::move(p));
  }
  std::sort(result.periods.begin(), result.periods.end(),
            [](const DetectedPeriod& a, const DetectedPeriod& b) {
              return a.log_p_global < b.log_p_global;
            });
  if (result.periods.size() > o.max_periods) result.periods.resize(o.max_periods);
  result.status = "ok";
  return result;
}

}  // namespace tealeaves::periodicity
