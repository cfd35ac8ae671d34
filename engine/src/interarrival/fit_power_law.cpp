// Power-law exponent for a given xmin: Hill's closed form (continuous) and the Hurwitz-zeta
// score equation (discrete), Clauset, Shalizi & Newman (2009) eqs. 3.1 and 3.5.
#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>

#include "fit_internal.hpp"
#include "tealeaves/interarrival/special.hpp"

namespace tealeaves::interarrival::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// E_alpha[ln X] of the discrete power law: -zeta'(alpha, xmin) / zeta(alpha, xmin).
double expected_log(double alpha, double xmin) {
  const HurwitzZeta z = hurwitz_zeta(alpha, xmin);
  return -z.derivative / z.value;
}

}  // namespace

double discrete_alpha(double mean_log, double xmin) {
  if (!(mean_log > std::log(xmin))) return kNaN;
  // E[ln X] falls from +infinity at alpha = 1 to ln xmin as alpha grows.
  auto score = [&](double alpha) { return expected_log(alpha, xmin) - mean_log; };
  const double guess = 1.0 + 1.0 / (mean_log - std::log(xmin - 0.5));
  double hi = std::max(guess, 1.05);
  for (int i = 0; i < 60 && score(hi) > 0.0; ++i) hi = 1.0 + 2.0 * (hi - 1.0);
  double lo = 1.0 + 0.5 * (hi - 1.0);
  for (int i = 0; i < 60 && score(lo) < 0.0; ++i) lo = 1.0 + 0.5 * (lo - 1.0);
  if (!(score(lo) >= 0.0 && score(hi) <= 0.0)) return kNaN;
  std::uintmax_t iterations = 200;
  const auto bracket = boost::math::tools::toms748_solve(
      score, lo, hi, boost::math::tools::eps_tolerance<double>(50), iterations);
  return 0.5 * (bracket.first + bracket.second);
}

double discrete_log_variance(double alpha, double xmin) {
  const double h = 1e-4 * (alpha - 1.0);
  return (expected_log(alpha - h, xmin) - expected_log(alpha + h, xmin)) / (2.0 * h);
}

double plfit_grid_alpha(double alpha, double mean_log, double xmin) {
  if (!std::isfinite(alpha)) return alpha;
  const double step = 0.01;
  const double lo = std::clamp(std::floor(alpha / step) * step, 1.5, 3.5);
  const double hi = std::clamp(lo + step, 1.5, 3.5);
  auto per_value = [&](double a) { return -a * mean_log - std::log(hurwitz_zeta(a, xmin).value); };
  const double lo_grid = std::round(lo / step) * step, hi_grid = std::round(hi / step) * step;
  return per_value(hi_grid) > per_value(lo_grid) ? hi_grid : lo_grid;
}

ModelFit discrete_power_law_at(std::span<const double> tail, double xmin, double alpha) {
  ModelFit f = make_model(Model::power_law, {alpha}, xmin, true);
  double sum_log = 0.0;
  for (const double v : tail) sum_log += std::log(v);
  const double n = static_cast<double>(tail.size());
  f.n = tail.size();
  f.log_likelihood = -alpha * sum_log - n * f.log_norm;
  f.std_errors = {1.0 / std::sqrt(n * discrete_log_variance(alpha, xmin))};
  return f;
}

ModelFit fit_power_law(std::span<const double> x, const Moments& m, const FitOptions& options) {
  FitOptions o = options;
  if (o.xmin <= 0.0 && !x.empty()) o.xmin = m.min;
  if (x.size() < 2) return failed_fit(Model::power_law, x.size(), FitStatus::insufficient_data, o);
  const double log_xmin = std::log(o.xmin);
  if (o.discrete) {
    const double alpha = discrete_alpha(m.sum_log / m.n, o.xmin);
    if (!std::isfinite(alpha)) {
      return failed_fit(Model::power_law, x.size(), FitStatus::degenerate, o);
    }
    return discrete_power_law_at(x, o.xmin, alpha);
  }
  double sum_ln = 0.0;
  for (const double v : x) sum_ln += std::log(v) - log_xmin;
  if (!(sum_ln > 0.0)) return failed_fit(Model::power_law, x.size(), FitStatus::degenerate, o);
  const double alpha = continuous_alpha(m.n, sum_ln);
  ModelFit f = make_model(Model::power_law, {alpha}, o.xmin, false);
  f.n = x.size();
  f.log_likelihood = m.n * std::log((alpha - 1.0) / o.xmin) - alpha * sum_ln;
  f.std_errors = {(alpha - 1.0) / std::sqrt(m.n)};
  return f;
}

}  // namespace tealeaves::interarrival::detail
