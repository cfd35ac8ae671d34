#include "tealeaves/bursts/changepoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/bursts/bayesian_blocks.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/spectral/binning.hpp"

namespace tealeaves::bursts {

double poisson_cost(double n, double e) {
  if (n <= 0.0) return 0.0;
  return -2.0 * (n * std::log(n / e) - n);
}

Partition pelt_poisson(std::span<const double> counts, std::span<const double> exposure,
                       double penalty, std::size_t min_size) {
  require(counts.size() == exposure.size(), "exposure", "must have one value per bin");
  require(std::isfinite(penalty) && penalty >= 0.0, "penalty", "must be finite and >= 0");
  require(min_size >= 1, "min_size", "must be >= 1");
  const std::size_t m = counts.size();
  std::vector<double> cn(m + 1, 0.0), ce(m + 1, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    cn[i + 1] = cn[i] + counts[i];
    ce[i + 1] = ce[i] + exposure[i];
  }
  const auto cost = [&](std::size_t a, std::size_t b) {
    return poisson_cost(cn[b] - cn[a], ce[b] - ce[a]);
  };
  Partition out;
  if (m < 2 * min_size) {
    out.cost = cost(0, m);
    return out;
  }
  const double inf = std::numeric_limits<double>::infinity();
  // f[t]: optimal cost of bins [0, t) including a penalty per segment (beta is subtracted once
  // at the end, so it counts change points).
  std::vector<double> f(m + 1, inf);
  std::vector<std::size_t> last(m + 1, 0);
  f[0] = 0.0;
  std::vector<std::size_t> candidates;
  for (std::size_t t = min_size; t <= m; ++t) {
    const std::size_t s = t - min_size;  // the newest admissible last change point
    // Prune with the test at time s: if f(tau) + C(tau, s) > f(s), then for every t >= s +
    // min_size the segment start s beats tau (C(tau, t) >= C(tau, s) + C(s, t)).
    if (std::isfinite(f[s])) {
      std::erase_if(candidates, [&](std::size_t tau) { return f[tau] + cost(tau, s) > f[s]; });
      candidates.push_back(s);
    }
    double best = inf;
    std::size_t arg = 0;
    for (const std::size_t tau : candidates) {
      const double v = f[tau] + cost(tau, t) + penalty;
      if (v < best) best = v, arg = tau;
    }
    f[t] = best;
    last[t] = arg;
  }
  for (std::size_t t = m; t > 0; t = last[t]) {
    if (last[t] > 0) out.starts.push_back(last[t]);
  }
  std::reverse(out.starts.begin(), out.starts.end());
  out.cost = f[m] - penalty;
  return out;
}

double default_change_bin_width(const EventSeries& series) {
  const double n =
      std::clamp(std::floor(static_cast<double>(series.total_count()) / 2.0), 16.0, 4096.0);
  return series.duration() / n;
}

ChangePoints change_points(const EventSeries& series, const ChangePointOptions& o) {
  require(!series.empty(), "series", "has no events");
  require(std::isfinite(o.bin_width) && o.bin_width >= 0.0, "bin_width",
          "must be finite and >= 0 (0: automatic), got " + format_number(o.bin_width));
  require(o.min_size >= 1, "min_size", "must be >= 1");
  require(o.level > 0.0 && o.level < 1.0, "level", "must be in (0, 1)");
  require(series.duration() > 0.0, "series", "spans no time");
  ChangePoints out;
  out.level = o.level;
  out.bin_width = o.bin_width > 0.0 ? o.bin_width : default_change_bin_width(series);
  const spectral::BinnedCounts binned = spectral::bin_events(series, out.bin_width);
  const std::size_t m = binned.counts.size();
  out.n_bins = m;
  std::vector<double> exposure(m);
  for (std::size_t i = 0; i < m; ++i) exposure[i] = binned.exposure[i] * out.bin_width;
  if (o.penalty == "bic") {
    out.penalty = 2.0 * std::log(static_cast<double>(m));
  } else if (o.penalty == "aic") {
    out.penalty = 4.0;
  } else if (o.penalty == "value") {
    require(std::isfinite(o.penalty_value) && o.penalty_value >= 0.0, "penalty",
            "must be finite and >= 0, got " + format_number(o.penalty_value));
    out.penalty = o.penalty_value;
  } else {
    throw_invalid("penalty", "expected bic, aic or a number, got '" + o.penalty + "'");
  }
  out.penalty_name = o.penalty;
  const Partition p = pelt_poisson(binned.counts, exposure, out.penalty, o.min_size);
  out.cost = p.cost;
  std::vector<std::size_t> bounds{0};
  bounds.insert(bounds.end(), p.starts.begin(), p.starts.end());
  bounds.push_back(m);
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
    double n = 0.0, e = 0.0;
    for (std::size_t i = bounds[k]; i < bounds[k + 1]; ++i) n += binned.counts[i], e += exposure[i];
    const double a = series.origin() + static_cast<double>(bounds[k]) * out.bin_width;
    const double b = std::min(series.origin() + static_cast<double>(bounds[k + 1]) * out.bin_width,
                              series.end());
    if (k > 0) out.change_points.push_back(a);
    const PoissonInterval ci = poisson_interval(n, o.level);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.start.push_back(a);
    out.end.push_back(b);
    out.count.push_back(n);
    out.exposure.push_back(e);
    out.rate.push_back(e > 0.0 ? n / e : nan);
    out.rate_low.push_back(e > 0.0 ? ci.low / e : nan);
    out.rate_high.push_back(e > 0.0 ? ci.high / e : nan);
  }
  return out;
}

}  // namespace tealeaves::bursts
