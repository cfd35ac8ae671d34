// The individual fits behind fit_model, without input validation (the bootstraps call them on
// samples they generated themselves).
#pragma once

#include <cstddef>
#include <span>

#include "tealeaves/interarrival/fit.hpp"

namespace tealeaves::interarrival::detail {

struct Moments {
  double n = 0.0;
  double sum = 0.0;      // sum x
  double sum_log = 0.0;  // sum ln x
  double min = 0.0;
  double max = 0.0;
};
Moments moments(std::span<const double> sorted);

ModelFit failed_fit(Model model, std::size_t n, FitStatus status, const FitOptions& o);

ModelFit fit_exponential(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_shifted_exponential(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_gamma(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_weibull(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_lognormal(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_power_law(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_power_law_cutoff(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_truncated_weibull(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_truncated_lognormal(std::span<const double> x, const Moments& m, const FitOptions& o);
ModelFit fit_jittered_period(std::span<const double> x, const Moments& m, const FitOptions& o);

// Continuous power-law exponent for the tail sum_ln = sum ln(x / xmin) of n values.
inline double continuous_alpha(double n, double sum_ln) {
  return 1.0 + n / sum_ln;
}
// Discrete power-law MLE: the alpha with E_alpha[ln X] = mean_log on integers >= xmin
// (NaN when mean_log <= ln xmin).
double discrete_alpha(double mean_log, double xmin);
// Var_alpha[ln X] of the discrete power law (the Fisher information per value).
double discrete_log_variance(double alpha, double xmin);
// Clauset's plfit.m: the best of the grid 1.50, 1.51, ..., 3.50 (the likelihood is concave, so
// one of the two grid points around the exact maximum, or the nearest end of the grid).
double plfit_grid_alpha(double alpha, double mean_log, double xmin);
// The discrete power law with a given alpha on `tail` (log-likelihood and standard error).
ModelFit discrete_power_law_at(std::span<const double> tail, double xmin, double alpha);

ModelFit fit_unchecked(Model model, std::span<const double> sorted, const FitOptions& o);

}  // namespace tealeaves::interarrival::detail
