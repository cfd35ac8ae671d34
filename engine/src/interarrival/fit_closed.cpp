// Fits with closed forms or a one-dimensional score equation, and the fit_model entry point.
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "fit_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ModelFit fitted(Model model, std::vector<double> params, const FitOptions& o, double n,
                double log_likelihood, std::vector<double> std_errors) {
  ModelFit f = make_model(model, std::move(params), o.xmin, o.discrete);
  f.n = static_cast<std::size_t>(n);
  f.log_likelihood = log_likelihood;
  f.std_errors = std::move(std_errors);
  return f;
}

// Root of the Weibull shape equation sum w ln y / sum w = 1/k, with ln y centred on the mean
// log and w = y^k scaled by its largest term (no overflow for any k).
double weibull_shape(std::span<const double> centred_log, double max_log, double start) {
  auto score = [&](double k) {
    double a = 0.0, b = 0.0;
    for (const double ly : centred_log) {
      const double w = std::exp(k * (ly - max_log));
      a += w;
      b += w * ly;
    }
    return b / a - 1.0 / k;
  };
  double lo = start, hi = start;
  for (int i = 0; i < 200 && score(lo) > 0.0; ++i) lo *= 0.5;
  for (int i = 0; i < 200 && score(hi) < 0.0; ++i) hi *= 2.0;
  if (!(score(lo) <= 0.0 && score(hi) >= 0.0)) return kNaN;
  std::uintmax_t iterations = 300;
  const auto bracket = boost::math::tools::toms748_solve(
      score, lo, hi, boost::math::tools::eps_tolerance<double>(51), iterations);
  return 0.5 * (bracket.first + bracket.second);
}

}  // namespace

Moments moments(std::span<const double> x) {
  Moments m;
  m.n = static_cast<double>(x.size());
  if (x.empty()) return m;
  m.min = x.front();
  m.max = x.back();
  for (const double v : x) {
    m.sum += v;
    m.sum_log += std::log(v);
  }
  return m;
}

ModelFit failed_fit(Model model, std::size_t n, FitStatus status, const FitOptions& o) {
  ModelFit f;
  f.model = model;
  f.xmin = o.xmin;
  f.discrete = o.discrete;
  f.n = n;
  f.status = status;
  f.params.assign(param_names(model).size(), kNaN);
  f.std_errors.assign(f.params.size(), kNaN);
  return f;
}

ModelFit fit_exponential(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (x.empty()) return failed_fit(Model::exponential, 0, FitStatus::insufficient_data, o);
  double excess = 0.0;
  for (const double v : x) excess += v - o.xmin;
  if (!(excess > 0.0)) return failed_fit(Model::exponential, x.size(), FitStatus::degenerate, o);
  const double rate = m.n / excess;
  return fitted(Model::exponential, {rate}, o, m.n, m.n * std::log(rate) - m.n,
                {rate / std::sqrt(m.n)});
}

ModelFit fit_shifted_exponential(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (x.size() < 2) {
    return failed_fit(Model::shifted_exponential, x.size(), FitStatus::insufficient_data, o);
  }
  double excess = 0.0;
  for (const double v : x) excess += v - m.min;
  if (!(excess > 0.0)) {
    return failed_fit(Model::shifted_exponential, x.size(), FitStatus::degenerate, o);
  }
  const double rate = m.n / excess;
  // The floor estimate (the minimum) is not asymptotically normal: its spread is that of the
  // minimum of n exponentials, 1 / (n rate).
  return fitted(Model::shifted_exponential, {rate, m.min}, o, m.n, m.n * std::log(rate) - m.n,
                {rate / std::sqrt(m.n), 1.0 / (m.n * rate)});
}

ModelFit fit_gamma(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (x.size() < 2) return failed_fit(Model::gamma, x.size(), FitStatus::insufficient_data, o);
  const double mean = m.sum / m.n;
  const double s = std::log(mean) - m.sum_log / m.n;
  if (!(s > 0.0) || !(m.min < m.max)) {
    return failed_fit(Model::gamma, x.size(), FitStatus::degenerate, o);
  }
  // Newton on ln k - digamma(k) = s from Minka's approximation; the function is convex and
  // decreasing, so the iteration converges monotonically.
  double k = (3.0 - s + std::sqrt((s - 3.0) * (s - 3.0) + 24.0 * s)) / (12.0 * s);
  bool converged = false;
  for (int i = 0; i < 200 && !converged; ++i) {
    const double f = std::log(k) - boost::math::digamma(k) - s;
    const double slope = 1.0 / k - boost::math::trigamma(k);
    double next = k - f / slope;
    if (!(next > 0.0)) next = 0.5 * k;
    converged = std::abs(next - k) <= 4e-16 * k;
    k = next;
  }
  const double scale = mean / k;
  const double ll =
      (k - 1.0) * m.sum_log - m.sum / scale - m.n * k * std::log(scale) - m.n * std::lgamma(k);
  const double tri = boost::math::trigamma(k);
  const double det = m.n * (k * tri - 1.0);
  ModelFit f = fitted(Model::gamma, {k, scale}, o, m.n, ll,
                      {std::sqrt(k / det), scale * std::sqrt(tri / det)});
  if (!converged) f.status = FitStatus::not_converged;
  return f;
}

ModelFit fit_weibull(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (o.xmin > 0.0) return fit_truncated_weibull(x, m, o);
  if (x.size() < 2) return failed_fit(Model::weibull, x.size(), FitStatus::insufficient_data, o);
  if (!(m.min < m.max)) return failed_fit(Model::weibull, x.size(), FitStatus::degenerate, o);
  const double mean_log = m.sum_log / m.n;
  std::vector<double> ly(x.size());
  double max_log = -std::numeric_limits<double>::infinity(), ss = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    ly[i] = std::log(x[i]) - mean_log;
    max_log = std::max(max_log, ly[i]);
    ss += ly[i] * ly[i];
  }
  const double start = o.initial.empty()
                           ? std::numbers::pi / std::sqrt(6.0 * ss / m.n)  // moments of ln X
                           : o.initial[0];
  const double k = weibull_shape(ly, max_log, start);
  if (!std::isfinite(k)) return failed_fit(Model::weibull, x.size(), FitStatus::not_converged, o);
  double a = 0.0;
  for (const double v : ly) a += std::exp(k * (v - max_log));
  const double log_scale = mean_log + max_log + std::log(a / m.n) / k;
  // At the optimum sum (x/scale)^k = n.
  const double ll = m.n * std::log(k) - m.n * k * log_scale + (k - 1.0) * m.sum_log - m.n;
  // Expected information: Var k = 6 k^2 / (pi^2 n), Var scale = scale^2 (1 + 6 (1-gamma)^2 /
  // pi^2) / (k^2 n).
  const double scale = std::exp(log_scale);
  const double pi2 = std::numbers::pi * std::numbers::pi;
  const double one_minus_gamma = 1.0 - std::numbers::egamma;
  return fitted(
      Model::weibull, {k, scale}, o, m.n, ll,
      {k * std::sqrt(6.0 / (pi2 * m.n)),
       scale / k * std::sqrt((1.0 + 6.0 * one_minus_gamma * one_minus_gamma / pi2) / m.n)});
}

ModelFit fit_lognormal(std::span<const double> x, const Moments& m, const FitOptions& o) {
  if (o.xmin > 0.0) return fit_truncated_lognormal(x, m, o);
  if (x.size() < 2) {
    return failed_fit(Model::lognormal, x.size(), FitStatus::insufficient_data, o);
  }
  const double mu = m.sum_log / m.n;
  double ss = 0.0;
  for (const double v : x) ss += (std::log(v) - mu) * (std::log(v) - mu);
  const double sigma = std::sqrt(ss / m.n);
  if (!(sigma > 0.0) || !(m.min < m.max)) {
    return failed_fit(Model::lognormal, x.size(), FitStatus::degenerate, o);
  }
  const double ll =
      -m.sum_log - m.n * std::log(sigma) - 0.5 * m.n * std::log(2.0 * std::numbers::pi) - 0.5 * m.n;
  return fitted(Model::lognormal, {mu, sigma}, o, m.n, ll,
                {sigma / std::sqrt(m.n), sigma / std::sqrt(2.0 * m.n)});
}

ModelFit fit_unchecked(Model model, std::span<const double> x, const FitOptions& o) {
  const Moments m = moments(x);
  switch (model) {
    case Model::exponential: return fit_exponential(x, m, o);
    case Model::shifted_exponential: return fit_shifted_exponential(x, m, o);
    case Model::gamma: return fit_gamma(x, m, o);
    case Model::weibull: return fit_weibull(x, m, o);
    case Model::lognormal: return fit_lognormal(x, m, o);
    case Model::power_law: return fit_power_law(x, m, o);
    case Model::power_law_cutoff: return fit_power_law_cutoff(x, m, o);
    case Model::jittered_period: return fit_jittered_period(x, m, o);
  }
  return failed_fit(model, x.size(), FitStatus::degenerate, o);
}

}  // namespace tealeaves::interarrival::detail

namespace tealeaves::interarrival {

ModelFit fit_model(Model model, std::span<const double> values, const FitOptions& options) {
  FitOptions o = options;
  require(std::isfinite(o.xmin) && o.xmin >= 0.0, "xmin", "must be finite and >= 0");
  require(std::isfinite(o.resolution) && o.resolution >= 0.0, "resolution",
          "must be finite and >= 0");
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(std::isfinite(v) && v > 0.0)) {
      throw_invalid("values", "value at index " + std::to_string(i) + " is " + format_number(v) +
                                  "; every value must be finite and > 0");
    }
    if (i > 0 && v < values[i - 1]) {
      throw_invalid("values", "must be sorted ascending (index " + std::to_string(i) + ")");
    }
    if (o.discrete && v != std::floor(v)) {
      throw_invalid("values", "discrete data must be integers; value at index " +
                                  std::to_string(i) + " is " + format_number(v));
    }
  }
  if ((model == Model::power_law || model == Model::power_law_cutoff) && o.xmin == 0.0 &&
      !values.empty()) {
    o.xmin = values.front();  // the power law above the smallest value
  }
  require(values.empty() || values.front() >= o.xmin, "values",
          "every value must be >= xmin = " + format_number(o.xmin));
  require(!o.discrete || model == Model::power_law, "discrete", "only the power law is discrete");
  return detail::fit_unchecked(model, values, o);
}

}  // namespace tealeaves::interarrival
