// Maximum-likelihood fits of the inter-arrival models, with asymptotic standard errors.
//
// Closed forms where they exist (exponential, shifted exponential, log-normal, continuous power
// law); one-dimensional root finding on the score equation for gamma (ln k - digamma(k) =
// ln mean - mean ln x), Weibull and the discrete power law (Hurwitz zeta); Nelder-Mead with a
// Newton polish for the truncated (tail) models and the power law with cut-off; EM for the
// jittered period. Standard errors come from the expected Fisher information where it is known
// in closed form, else from the observed information (numerical Hessian of the log-likelihood).
#pragma once

#include <span>
#include <vector>

#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {

struct FitOptions {
  // Fit the model truncated to x >= xmin (the tail alternatives of a power law); every value
  // must be >= xmin. 0: the whole sample.
  double xmin = 0.0;
  bool discrete = false;  // power law only: integer data, zeta normalisation
  // Jittered period: a starting period (e.g. a periodogram peak), 0 to search from the data.
  double period_hint = 0.0;
  // Timestamp resolution in seconds: the jitter sigma is not allowed below resolution / sqrt(12)
  // (a strict schedule then fits with status at_bound instead of an infinite likelihood).
  // 0: 1e-9 of the period.
  double resolution = 0.0;
  // Starting parameters for the iterative fits (bootstrap refits start at the original fit).
  std::vector<double> initial;
};

// `values` must be sorted ascending, finite and positive (integers >= 1 when discrete); too few
// values or zero spread give a ModelFit with status insufficient_data or degenerate, not an
// exception.
ModelFit fit_model(Model model, std::span<const double> values, const FitOptions& options = {});

}  // namespace tealeaves::interarrival
