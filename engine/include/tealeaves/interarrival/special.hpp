// Special functions the inter-arrival models need beyond Boost.Math.
//
// Boost.Math gives gamma, digamma, trigamma, erfc, E1 and the incomplete gamma for a > 0; the
// discrete power law needs the Hurwitz zeta function and its derivative in s (Boost only has
// Riemann's zeta), and the power law with an exponential cut-off needs the upper incomplete
// gamma function for a <= 0.
#pragma once

namespace tealeaves::interarrival {

struct HurwitzZeta {
  double value = 0.0;       // zeta(s, q) = sum_{k >= 0} (k + q)^-s
  double derivative = 0.0;  // d zeta / ds = -sum_{k >= 0} ln(k + q) (k + q)^-s
};

// Hurwitz zeta for s > 1 and q > 0 by Euler-Maclaurin summation (direct terms until k + q is
// large, then the integral, half-term and Bernoulli corrections through B_20), with its
// derivative in s from the same formula differentiated term by term. Relative error ~1e-15.
HurwitzZeta hurwitz_zeta(double s, double q);

// ln Gamma(a, x), the upper incomplete gamma function, for any real a and x > 0
// (a <= 0 included: downward recurrence from Boost's Gamma(a + m, x), or E1, for x < 1, and a
// continued fraction for x >= 1).
double log_upper_gamma(double a, double x);

// ln P(Z > z) for a standard normal Z, accurate far into the upper tail (z up to ~1e150).
double log_normal_sf(double z);

}  // namespace tealeaves::interarrival
