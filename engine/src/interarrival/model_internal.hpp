// Pieces of the model densities shared by the fits, the samplers and the bootstrap.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "tealeaves/interarrival/special.hpp"

namespace tealeaves::interarrival::detail {

// P(X >= x) for the discrete power law on integers >= xmin; log_norm = ln zeta(alpha, xmin).
inline double discrete_power_law_survival(double alpha, double x, double log_norm) {
  return std::exp(std::log(hurwitz_zeta(alpha, x).value) - log_norm);
}

// The integer x >= xmin with P(X >= x) >= u > P(X >= x + 1): exact inversion, started from the
// continuous approximation (Clauset et al. 2009, eq. D.6) and corrected by single steps.
double draw_discrete_power_law(double alpha, double xmin, double log_norm, double u);

// Beats k whose normal component N(k period, k sigma^2) matters at x: outside [first, last]
// every component is more than 8 of its standard deviations away from x (density < 1e-14 of
// its peak), and at most 4000 components are kept.
struct BeatWindow {
  double first = 1.0;
  double last = 1.0;
};
inline BeatWindow jitter_window(double x, double period, double sigma) {
  // |x - k period| = 8 sigma sqrt(k) is a quadratic in u = sqrt(k).
  const double root = std::sqrt(64.0 * sigma * sigma + 4.0 * period * std::max(x, 0.0));
  const double lo = std::max(0.0, (root - 8.0 * sigma) / (2.0 * period));
  const double hi = (root + 8.0 * sigma) / (2.0 * period);
  BeatWindow w;
  w.first = std::max(1.0, std::floor(lo * lo));
  w.last = std::min(std::ceil(hi * hi) + 1.0, w.first + 4000.0);
  return w;
}

// Marsaglia & Tsang (2000) gamma variate with unit scale.
template <class RngT>
double standard_gamma(double shape, RngT& rng) {
  if (shape < 1.0) {
    const double boost = std::pow(rng.uniform_open(), 1.0 / shape);
    return standard_gamma(shape + 1.0, rng) * boost;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double z = rng.normal();
    const double v = 1.0 + c * z;
    if (v <= 0.0) continue;
    const double v3 = v * v * v;
    const double u = rng.uniform_open();
    if (std::log(u) < 0.5 * z * z + d - d * v3 + d * std::log(v3)) return d * v3;
  }
}

}  // namespace tealeaves::interarrival::detail
