// Tail probabilities in log space, so p-values far below 1e-300 keep their value.
#pragma once

#include <cstddef>

namespace tealeaves::stats {

// log P(chi^2_dof > x), for any dof > 0. Exact closed form for even dof, Boost's incomplete
// gamma otherwise, with an asymptotic expansion where the probability underflows a double.
double log_chi2_sf(double x, double dof);

// log P(Gamma(shape, 1) > x) = log Q(shape, x), the regularised upper incomplete gamma.
double log_gamma_q(double shape, double x);

// log(1 - (1 - p)^n) from log p: the chance that the best of n independent tests, each with
// single-trial p-value p, is at least this extreme (Sidak).
double log_sidak(double log_p, double n);

// log(exp(a) + exp(b)) without overflow.
double log_add(double a, double b);

}  // namespace tealeaves::stats
