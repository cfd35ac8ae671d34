// Synthetic data sets for the power-law bootstraps, generated already sorted in O(n): sorted
// uniforms come from normalised partial sums of exponential spacings, and the inverse CDF is
// monotone; resampled values come from a counting pass over the (sorted) data.
#include "powerlaw_bootstrap.hpp"

#include <cmath>

#include "model_internal.hpp"

namespace tealeaves::interarrival::detail {

void append_power_law_tail(const TailModel& t, std::size_t count, Rng& rng, Sample& out) {
  if (count == 0) return;
  // Survival levels S_(1) > ... > S_(count) of sorted uniforms: S_(k) = sum_{i>=k} E_i / sum E.
  out.spacing.resize(count + 1);
  for (double& e : out.spacing) e = rng.exponential();
  const std::size_t base = out.x.size();
  out.x.resize(base + count);
  out.log_x.resize(base + count);
  double acc = 0.0;
  for (std::size_t k = count; k >= 1; --k) acc += out.spacing[k];
  const double total = acc + out.spacing[0];
  double from_top = 0.0;
  for (std::size_t k = count; k >= 1; --k) {
    from_top += out.spacing[k];
    const double level = from_top / total;  // in (0, 1), decreasing in k
    const std::size_t slot = base + k - 1;
    if (t.discrete) {
      out.x[slot] = draw_discrete_power_law(t.alpha, t.xmin, t.log_norm, level);
      out.log_x[slot] = std::log(out.x[slot]);
    } else {
      out.log_x[slot] = std::log(t.xmin) - std::log(level) / (t.alpha - 1.0);
      out.x[slot] = std::exp(out.log_x[slot]);
    }
  }
}

void semi_parametric(std::span<const double> x, std::span<const double> log_x, const TailModel& t,
                     std::size_t index, Rng& rng, Sample& out) {
  const std::size_t n = x.size();
  const double tail_share = static_cast<double>(n - index) / static_cast<double>(n);
  std::size_t in_tail = n;
  if (index > 0) {
    in_tail = 0;
    for (std::size_t j = 0; j < n; ++j) in_tail += rng.uniform() < tail_share;
  }
  // Body: uniform draws from the values below x_min, counted per index so they come out sorted.
  out.counts.assign(index, 0);
  for (std::size_t j = in_tail; j < n; ++j) ++out.counts[rng.below(index)];
  out.x.clear();
  out.log_x.clear();
  for (std::size_t i = 0; i < index; ++i) {
    for (std::uint32_t c = 0; c < out.counts[i]; ++c) {
      out.x.push_back(x[i]);
      out.log_x.push_back(log_x[i]);
    }
  }
  append_power_law_tail(t, in_tail, rng, out);
}

void resample(std::span<const double> x, std::span<const double> log_x, Rng& rng, Sample& out) {
  const std::size_t n = x.size();
  out.counts.assign(n, 0);
  for (std::size_t j = 0; j < n; ++j) ++out.counts[rng.below(n)];
  out.x.clear();
  out.log_x.clear();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint32_t c = 0; c < out.counts[i]; ++c) {
      out.x.push_back(x[i]);
      out.log_x.push_back(log_x[i]);
    }
  }
}

double tail_anderson_darling(std::span<const double> x, std::span<const double> log_x, double xmin,
                             double alpha) {
  const double log_xmin = std::log(xmin);
  std::size_t start = 0;
  while (start < x.size() && x[start] <= xmin) ++start;
  const std::size_t n = x.size() - start;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  auto log_sf = [&](std::size_t i) { return -(alpha - 1.0) * (log_x[start + i] - log_xmin); };
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double log_f = std::max(std::log(-std::expm1(log_sf(i))), -745.0);
    sum += (2.0 * static_cast<double>(i) + 1.0) * (log_f + log_sf(n - 1 - i));
  }
  const double nd = static_cast<double>(n);
  return -nd - sum / nd;
}

}  // namespace tealeaves::interarrival::detail
