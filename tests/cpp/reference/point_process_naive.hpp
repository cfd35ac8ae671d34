// Slow, obviously correct point-process likelihoods for the verdict/models tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace reference {

// Hawkes log-likelihood by the O(n^2) direct sum: lambda(t_i) = mu b_i + sum_{j < i} alpha beta
// exp(-beta (t_i - t_j)); compensator = mu B + sum_j alpha * (kernel mass of t_j inside each good
// interval after t_j).
inline double hawkes_loglik(const std::vector<double>& t,
                            const std::vector<tealeaves::Interval>& good,
                            const std::vector<double>& b, double b_integral, double mu,
                            double alpha, double beta) {
  double ll = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    double lambda = mu * b[i];
    for (std::size_t j = 0; j < i; ++j) lambda += alpha * beta * std::exp(-beta * (t[i] - t[j]));
    ll += std::log(lambda);
  }
  double comp = mu * b_integral;
  for (const double tj : t) {
    for (const auto& g : good) {
      if (g.stop < tj) continue;
      const double from = std::max(g.start, tj);
      comp += alpha * (std::exp(-beta * (from - tj)) - std::exp(-beta * (g.stop - tj)));
    }
  }
  return ll - comp;
}

// The routine log-rate written out from the absolute time, independently of the engine.
inline double routine_log_rate(double absolute, double offset, double start, double duration,
                               const std::vector<double>& coef, unsigned harmonics, bool weekly,
                               bool trend) {
  const double local = absolute + offset;
  const double day = std::floor(local / 86400.0);
  const double hour = (local - day * 86400.0) / 3600.0;
  double eta = coef[0];
  std::size_t j = 1;
  for (unsigned k = 1; k <= harmonics; ++k) {
    eta += coef[j++] * std::cos(2.0 * std::numbers::pi * k * hour / 24.0);
    eta += coef[j++] * std::sin(2.0 * std::numbers::pi * k * hour / 24.0);
  }
  if (weekly) {
    const long long weekday = ((static_cast<long long>(day) + 3) % 7 + 7) % 7;  // Monday = 0
    eta += weekday >= 5 ? coef[j] : 0.0;
    ++j;
  }
  if (trend) eta += coef[j] * ((absolute - start) / duration - 0.5);
  return eta;
}

// Composite Simpson integral of exp(log rate) over [a, b] (absolute times) in steps <= h,
// split at local midnights so the weekend jump never falls inside a panel.
template <class F>
double simpson_integral(F&& rate, double a, double b, double offset, double h) {
  double total = 0.0;
  while (a < b) {
    const double next_midnight = (std::floor((a + offset) / 86400.0) + 1.0) * 86400.0 - offset;
    const double stop = std::min(b, next_midnight);
    const auto n = static_cast<std::size_t>(std::ceil((stop - a) / h / 2.0)) * 2;
    const double step = (stop - a) / static_cast<double>(n);
    double s = rate(a + 1e-4 * step) + rate(stop - 1e-4 * step);  // inside the panel
    for (std::size_t k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * rate(a + k * step);
    total += s * step / 3.0;
    a = stop;
  }
  return total;
}

}  // namespace reference
