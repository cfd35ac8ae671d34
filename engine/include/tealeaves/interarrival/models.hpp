// The inter-arrival models: what each parameter means, and their densities, distribution
// functions and samplers. A fitted model is a plain ModelFit; functions dispatch on its Model.
//
//   model                parameters            density on its support
//   exponential          rate                  rate e^{-rate (x - xmin)},            x >= xmin
//   shifted_exponential  rate, floor           rate e^{-rate (x - floor)},           x >= floor
//   gamma                shape, scale          x^{k-1} e^{-x/scale} / (Gamma(k) scale^k), x > 0
//   weibull              shape, scale          (k/scale)(x/scale)^{k-1} e^{-(x/scale)^k} / S(xmin)
//   lognormal            mu, sigma             phi((ln x - mu)/sigma) / (x sigma S(xmin))
//   power_law            alpha                 (alpha-1)/xmin (x/xmin)^-alpha (continuous), or
//                                              x^-alpha / zeta(alpha, xmin) (discrete, integers)
//   power_law_cutoff     alpha, rate           x^-alpha e^{-rate x} / (rate^{alpha-1}
//   Gamma(1-alpha, rate xmin)) jittered_period      period, sigma, miss   sum_k (1-miss) miss^{k-1}
//   N(x; k period, k sigma^2)
//
// `xmin` > 0 truncates exponential, weibull (then Clauset's "stretched exponential") and
// lognormal to x >= xmin, the way tail alternatives to a power law are fitted; the power laws
// always live on x >= xmin. The jittered period is a renewal beat of `period` seconds whose
// intervals wobble by `sigma`, of which each beat is missed (unobserved) with probability `miss`:
// a gap then spans k beats with probability (1-miss) miss^{k-1} and k sigma^2 of variance. Its
// normal components reach below zero with negligible mass when sigma << period. Fits keep
// sigma <= period / 4 and miss <= 0.9 (beyond, there is no period to speak of).
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "tealeaves/core/rng.hpp"

namespace tealeaves::interarrival {

enum class Model {
  exponential,
  shifted_exponential,
  gamma,
  weibull,
  lognormal,
  power_law,
  power_law_cutoff,
  jittered_period,
};

enum class FitStatus {
  ok,
  at_bound,           // a parameter sits on its boundary (e.g. jitter at the resolution floor)
  degenerate,         // the data cannot identify the model (e.g. zero variance); params NaN
  not_converged,      // the optimiser stopped early; params are its best point
  insufficient_data,  // too few values for this model
};

struct ModelFit {
  Model model = Model::exponential;
  double xmin = 0.0;      // lower end of the support (0: the whole positive half-line)
  bool discrete = false;  // power_law only: integer data
  std::vector<double> params;
  std::vector<double> std_errors;  // asymptotic (inverse Fisher information); NaN if unknown
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;  // values the model was fitted to
  FitStatus status = FitStatus::ok;
  // ln of the normalising constant (or truncation mass) cached by make_model; internal.
  double log_norm = 0.0;

  std::size_t n_params() const { return params.size(); }
  bool usable() const;  // ok, at_bound or not_converged, with a finite log-likelihood
  double aic() const;
  double bic() const;
};

std::string_view model_name(Model model);
std::span<const std::string_view> param_names(Model model);
Model parse_model(std::string_view name);  // throws std::invalid_argument naming "model"
std::string_view status_name(FitStatus status);

// A model with given parameters, validated, with its normalising constant cached.
ModelFit make_model(Model model, std::vector<double> params, double xmin = 0.0,
                    bool discrete = false);

// Log density (log probability for the discrete power law); -inf outside the support.
double log_pdf(const ModelFit& model, double x);
double cdf(const ModelFit& model, double x);  // P(X <= x)
double sf(const ModelFit& model, double x);   // P(X > x), without cancellation in the tail
double draw(const ModelFit& model, Rng& rng);

}  // namespace tealeaves::interarrival
