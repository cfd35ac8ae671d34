// Tail models on x >= xmin without closed forms: truncated log-normal, truncated Weibull
// (Clauset's stretched exponential) and the power law with exponential cut-off. Each is
// maximised numerically in unconstrained coordinates (logs of positive parameters) from a few
// starting points; standard errors come from the observed information in natural parameters.
#include <cmath>
#include <limits>
#include <numbers>

#include "fit_internal.hpp"
#include "optimize.hpp"
#include "tealeaves/interarrival/special.hpp"

namespace tealeaves::interarrival::detail {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

struct Candidate {
  Optimum best;
  bool found = false;
  void consider(const Optimum& o) {
    if (std::isfinite(o.value) && (!found || o.value > best.value)) best = o, found = true;
  }
};

ModelFit finish(Model model, std::vector<double> natural, double ll, bool converged,
                const Objective& natural_ll, std::vector<double> scale, const FitOptions& o,
                std::size_t n) {
  for (const double v : natural) {
    // An optimiser that ran off to a boundary (a shape of 0, an infinite scale) found no
    // interior maximum.
    if (!std::isfinite(v) || v == 0.0) return failed_fit(model, n, FitStatus::not_converged, o);
  }
  ModelFit f = make_model(model, std::move(natural), o.xmin, false);
  f.n = n;
  f.log_likelihood = ll;
  f.std_errors = standard_errors(observed_information(natural_ll, f.params, scale));
  if (!converged) f.status = FitStatus::not_converged;
  return f;
}

}  // namespace

ModelFit fit_truncated_lognormal(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (x.size() < 2) return failed_fit(Model::lognormal, x.size(), FitStatus::insufficient_data, o);
  const double centre = m.sum_log / m.n;
  double spread = 0.0;  // sum (ln x - centre)^2
  for (const double v : x) spread += (std::log(v) - centre) * (std::log(v) - centre);
  if (!(spread > 0.0)) return failed_fit(Model::lognormal, x.size(), FitStatus::degenerate, o);
  const double log_xmin = std::log(o.xmin);
  const double half_log_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  auto ll = [&](double mu, double sigma) {
    if (!(sigma > 0.0)) return kNegInf;
    const double squares = spread + m.n * (centre - mu) * (centre - mu);
    return -m.sum_log - m.n * (std::log(sigma) + half_log_2pi) - squares / (2.0 * sigma * sigma) -
           m.n * log_normal_sf((log_xmin - mu) / sigma);
  };
  const Objective unconstrained = [&](std::span<const double> p) {
    return ll(p[0], std::exp(p[1]));
  };
  const double sd = std::sqrt(spread / m.n);
  Candidate c;
  const double starts[][2] = {{centre, std::log(sd)},
                              {log_xmin, std::log(2.0 * sd)},
                              {centre - 2.0 * sd, std::log(1.5 * sd)}};
  for (const auto& s : starts) {
    c.consider(maximize(unconstrained, {s[0], s[1]}, {0.5 * sd, 0.3}));
  }
  if (!c.found) return failed_fit(Model::lognormal, x.size(), FitStatus::not_converged, o);
  const Objective natural = [&](std::span<const double> p) { return ll(p[0], p[1]); };
  return finish(Model::lognormal, {c.best.x[0], std::exp(c.best.x[1])}, c.best.value,
                c.best.converged, natural, {1.0, 1e-3}, o, x.size());
}

ModelFit fit_truncated_weibull(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (x.size() < 2) return failed_fit(Model::weibull, x.size(), FitStatus::insufficient_data, o);
  if (!(m.min < m.max)) return failed_fit(Model::weibull, x.size(), FitStatus::degenerate, o);
  std::vector<double> lx(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) lx[i] = std::log(x[i]);
  const double log_xmin = std::log(o.xmin);
  auto ll = [&](double k, double log_scale) {
    if (!(k > 0.0) || !std::isfinite(log_scale)) return kNegInf;
    double powers = 0.0;
    for (const double v : lx) powers += std::exp(k * (v - log_scale));
    return m.n * std::log(k) - m.n * k * log_scale + (k - 1.0) * m.sum_log - powers +
           m.n * std::exp(k * (log_xmin - log_scale));
  };
  // Shapes below 0.01 are not followed: there the truncated Weibull is indistinguishable from a
  // power law (x^{k-1} e^{-c x^k} -> x^{-1-ck} as k -> 0) and its scale underflows; the fit is
  // then reported at_bound.
  const double lowest_log_shape = std::log(0.01);
  const Objective unconstrained = [&](std::span<const double> p) {
    return ll(std::exp(std::max(p[0], lowest_log_shape)), p[1]);
  };
  FitOptions whole = o;
  whole.xmin = 0.0;
  const ModelFit untruncated = fit_weibull(x, m, whole);
  Candidate c;
  if (untruncated.usable()) {
    c.consider(maximize(unconstrained,
                        {std::log(untruncated.params[0]), std::log(untruncated.params[1])},
                        {0.2, 0.5}));
  }
  c.consider(maximize(unconstrained, {std::log(0.5), log_xmin}, {0.2, 0.5}));
  if (!c.found) return failed_fit(Model::weibull, x.size(), FitStatus::not_converged, o);
  const bool at_bound = c.best.x[0] <= lowest_log_shape + 1e-6;
  const Objective natural = [&](std::span<const double> p) { return ll(p[0], std::log(p[1])); };
  ModelFit f = finish(Model::weibull,
                      {std::exp(std::max(c.best.x[0], lowest_log_shape)), std::exp(c.best.x[1])},
                      c.best.value, c.best.converged, natural, {1e-3, 1e-3 * o.xmin}, o, x.size());
  if (at_bound && f.usable()) f.status = FitStatus::at_bound;
  return f;
}

ModelFit fit_power_law_cutoff(std::span<const double> x, const Moments& m, const FitOptions& o) {
  constexpr Model model = Model::power_law_cutoff;
  if (x.size() < 2) return failed_fit(model, x.size(), FitStatus::insufficient_data, o);
  if (!(m.min < m.max)) return failed_fit(model, x.size(), FitStatus::degenerate, o);
  const double log_xmin = std::log(o.xmin);
  // The cut-off scale is kept above 1e-13 of xmin's inverse: below that it changes nothing
  // measurable, and the fit is reported at_bound (the pure power law).
  const double lowest = -30.0 - log_xmin;
  auto ll = [&](double alpha, double rate) {
    if (!(rate > 0.0) || !std::isfinite(alpha) || std::abs(alpha) > 50.0) return kNegInf;
    const double log_norm =
        (alpha - 1.0) * std::log(rate) + log_upper_gamma(1.0 - alpha, rate * o.xmin);
    return -alpha * m.sum_log - rate * m.sum - m.n * log_norm;
  };
  const Objective unconstrained = [&](std::span<const double> p) {
    return ll(p[0], std::exp(std::max(p[1], lowest)));
  };
  double sum_ln = 0.0;
  for (const double v : x) sum_ln += std::log(v) - log_xmin;
  const double hill = continuous_alpha(m.n, sum_ln);
  const double mean_rate = m.n / m.sum;
  Candidate c;
  for (const double alpha : {hill, 1.0}) {
    for (const double log_rate :
         {std::log(mean_rate) - 6.0, std::log(mean_rate) - 2.0, std::log(mean_rate)}) {
      c.consider(maximize(unconstrained, {alpha, log_rate}, {0.2, 1.0}));
    }
  }
  if (!c.found) return failed_fit(model, x.size(), FitStatus::not_converged, o);
  const double rate = std::exp(std::max(c.best.x[1], lowest));
  const Objective natural = [&](std::span<const double> p) { return ll(p[0], p[1]); };
  ModelFit f = finish(model, {c.best.x[0], rate}, c.best.value, c.best.converged, natural,
                      {1e-3, 0.0}, o, x.size());
  if (c.best.x[1] <= lowest + 1e-6) {
    f.status = FitStatus::at_bound;
    f.std_errors[1] = std::numeric_limits<double>::quiet_NaN();
  }
  return f;
}

}  // namespace tealeaves::interarrival::detail
