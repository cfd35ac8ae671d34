#include "tealeaves/events/rayleigh.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "phasor.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "window.hpp"

namespace tealeaves::events {

FrequencyGrid make_grid(double duration, const GridOptions& o) {
  require(std::isfinite(duration) && duration > 0.0, "series",
          "spans no time (duration " + format_number(duration) +
              " s); a frequency grid needs "
              "events spread over time");
  require(o.oversample >= 1.0 && std::isfinite(o.oversample), "oversample",
          "must be at least 1, got " + format_number(o.oversample));
  require(o.min_cycles > 0.0, "min_cycles", "must be positive");
  const double fmin = o.fmin > 0.0 ? o.fmin : o.min_cycles / duration;
  require(std::isfinite(o.fmax) && o.fmax > fmin, "fmax",
          format_number(o.fmax) + " Hz must exceed the lowest frequency " + format_number(fmin) +
              " Hz (" + format_number(o.min_cycles) + " cycles over the window)");
  FrequencyGrid grid;
  grid.f0 = fmin;
  grid.df = 1.0 / (o.oversample * duration);
  const double n = std::floor((o.fmax - fmin) / grid.df) + 1.0;
  require(n <= static_cast<double>(o.max_frequencies), "fmax",
          "the grid would have " + format_number(n) + " frequencies, over the limit of " +
              std::to_string(o.max_frequencies) + "; lower fmax or the oversampling");
  grid.n = static_cast<std::size_t>(n);
  return grid;
}

double null_time_variance(const EventSeries& series) {
  double e = 0.0, m1 = 0.0, m2 = 0.0;
  for (const Interval& g : series.good_intervals()) {
    e += g.length();
    m1 += (g.stop * g.stop - g.start * g.start) / 2.0;
    m2 += (g.stop * g.stop * g.stop - g.start * g.start * g.start) / 3.0;
  }
  if (e <= 0.0) return 0.0;
  const double mean = m1 / e;
  return std::max(0.0, m2 / e - mean * mean);
}

std::vector<double> z2_cumulative(const EventSeries& series, double frequency, unsigned harmonics,
                                  bool window_correction) {
  require(harmonics >= 1 && harmonics <= 20, "harmonics",
          "must be in 1..20, got " + std::to_string(harmonics));
  require(std::isfinite(frequency) && frequency > 0.0, "frequency",
          "must be positive and finite, got " + format_number(frequency));
  std::vector<double> c(harmonics, 0.0), s(harmonics, 0.0);
  for (const double t : series.times()) {
    const detail::Phasor z = detail::cis_cycles(detail::cycles(frequency, t));
    detail::Phasor p = z;
    for (unsigned k = 0; k < harmonics; ++k) {
      c[k] += p.re;
      s[k] += p.im;
      p = p * z;
    }
  }
  const auto edges = detail::window_edges(series);
  const double n = static_cast<double>(series.size());
  std::vector<double> cumulative(harmonics);
  double total = 0.0;
  for (unsigned k = 0; k < harmonics; ++k) {
    const double fk = frequency * (k + 1);
    const detail::Phasor w1 = window_correction ? detail::window_at(edges, fk) : detail::Phasor{};
    const detail::Phasor w2 =
        window_correction ? detail::window_at(edges, 2.0 * fk) : detail::Phasor{};
    total += detail::whitened_power(c[k], s[k], n, w1, w2);
    cumulative[k] = total;
  }
  return cumulative;
}

double z2_log_p_single(double z, unsigned harmonics) {
  return stats::log_chi2_sf(z, 2.0 * harmonics);
}

namespace {

double log_tau(double z, unsigned n, double fmin, double fmax, double time_variance) {
  const double mean_k2 = (n + 1.0) * (2.0 * n + 1.0) / 6.0;
  const double lambda = 4.0 * std::numbers::pi * std::numbers::pi * time_variance * mean_k2;
  if (!(fmax > fmin) || !(lambda > 0.0) || !(z > 0.0)) return -INFINITY;
  return std::log(fmax - fmin) + 0.5 * std::log(lambda / std::numbers::pi) +
         (n - 0.5) * std::log(z / 2.0) - z / 2.0 - std::lgamma(static_cast<double>(n));
}

}  // namespace

double z2_log_p_global(double z, unsigned harmonics, double fmin, double fmax,
                       double time_variance) {
  const double log_p = z2_log_p_single(z, harmonics);
  const double lt = log_tau(z, harmonics, fmin, fmax, time_variance);
  // log(1 - e^{-tau}); for tiny tau it is log(tau).
  const double log_excess = lt < -30.0 ? lt : std::log(-std::expm1(-std::exp(lt)));
  // FAP = p + (1 - p)(1 - e^{-tau})
  const double log_one_minus_p =
      log_p > -1e-12 ? std::log(-std::expm1(log_p)) : std::log1p(-std::exp(log_p));
  return std::min(0.0, stats::log_add(log_p, log_one_minus_p + log_excess));
}

double z2_effective_trials(double z, unsigned harmonics, double fmin, double fmax,
                           double time_variance) {
  const double log_p = z2_log_p_single(z, harmonics);
  const double log_global = z2_log_p_global(z, harmonics, fmin, fmax, time_variance);
  if (log_p > -1e-3) return 1.0;
  // Solve 1 - (1 - p)^M = FAP for M.
  const double p = std::exp(log_p), fap = std::exp(log_global);
  if (fap < 1e-6) return std::max(1.0, std::exp(log_global - log_p));
  return std::max(1.0, std::log1p(-fap) / std::log1p(-p));
}

HTest htest(const EventSeries& series, double frequency, unsigned max_harmonics,
            bool window_correction) {
  const auto z = z2_cumulative(series, frequency, max_harmonics, window_correction);
  HTest out;
  out.h = -INFINITY;
  for (unsigned m = 1; m <= max_harmonics; ++m) {
    const double h = z[m - 1] - 4.0 * m + 4.0;
    if (h > out.h) {
      out.h = h;
      out.harmonics = m;
    }
  }
  out.log_p = std::min(0.0, -0.4 * out.h);
  return out;
}

}  // namespace tealeaves::events
