// Log densities, distribution and survival functions of every model.
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "model_internal.hpp"
#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kLogSqrt2Pi = 0.5 * std::log(2.0 * std::numbers::pi);

double normal_cdf(double z) {
  return 0.5 * boost::math::erfc(-z / std::numbers::sqrt2);
}

double normal_sf(double z) {
  return 0.5 * boost::math::erfc(z / std::numbers::sqrt2);
}

double jitter_log_pdf(const std::vector<double>& p, double x) {
  const double period = p[0], sigma = p[1], miss = p[2];
  const detail::BeatWindow w = detail::jitter_window(x, period, sigma);
  const double first = miss == 0.0 ? 1.0 : w.first;
  const double last = miss == 0.0 ? 1.0 : w.last;
  const double log_keep = std::log1p(-miss);
  const double log_miss = miss == 0.0 ? 0.0 : std::log(miss);
  double peak = -kInf;
  auto term = [&](double k) {
    const double var = k * sigma * sigma;
    const double d = x - k * period;
    return log_keep + (k - 1.0) * log_miss - kLogSqrt2Pi - 0.5 * std::log(var) - 0.5 * d * d / var;
  };
  for (double k = first; k <= last; k += 1.0) peak = std::max(peak, term(k));
  if (!std::isfinite(peak)) return peak;
  double sum = 0.0;
  for (double k = first; k <= last; k += 1.0) sum += std::exp(term(k) - peak);
  return peak + std::log(sum);
}

// F(x) or S(x) of the jittered period: components left of the window count fully in F,
// components right of it fully in S.
double jitter_tail(const std::vector<double>& p, double x, bool upper) {
  const double period = p[0], sigma = p[1], miss = p[2];
  const detail::BeatWindow w = detail::jitter_window(x, period, sigma);
  double total = upper ? std::pow(miss, w.last) : 1.0 - std::pow(miss, w.first - 1.0);
  for (double k = w.first; k <= w.last; k += 1.0) {
    const double weight = (1.0 - miss) * std::pow(miss, k - 1.0);
    const double z = (x - k * period) / (sigma * std::sqrt(k));
    total += weight * (upper ? normal_sf(z) : normal_cdf(z));
  }
  return std::min(1.0, std::max(0.0, total));
}

// ln P(X > x) on the support of the truncatable continuous models (x >= xmin).
double log_survival(const ModelFit& f, double x) {
  const auto& p = f.params;
  switch (f.model) {
    case Model::exponential: return -p[0] * (x - f.xmin);
    case Model::shifted_exponential: return -p[0] * (x - p[1]);
    case Model::weibull: return -std::pow(x / p[1], p[0]) - f.log_norm;
    case Model::lognormal: return log_normal_sf((std::log(x) - p[0]) / p[1]) - f.log_norm;
    case Model::power_law: return (1.0 - p[0]) * std::log(x / f.xmin);
    case Model::power_law_cutoff:
      return (p[0] - 1.0) * std::log(p[1]) + log_upper_gamma(1.0 - p[0], p[1] * x) - f.log_norm;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

double lower_bound(const ModelFit& f) {
  return f.model == Model::shifted_exponential ? f.params[1] : f.xmin;
}

}  // namespace

double log_pdf(const ModelFit& f, double x) {
  const auto& p = f.params;
  if (f.model == Model::jittered_period) return jitter_log_pdf(p, x);
  if (x < lower_bound(f) || x <= 0.0) return -kInf;
  switch (f.model) {
    case Model::exponential: return std::log(p[0]) - p[0] * (x - f.xmin);
    case Model::shifted_exponential: return std::log(p[0]) - p[0] * (x - p[1]);
    case Model::gamma:
      return (p[0] - 1.0) * std::log(x) - x / p[1] - p[0] * std::log(p[1]) - std::lgamma(p[0]);
    case Model::weibull: {
      const double r = x / p[1];
      return std::log(p[0] / p[1]) + (p[0] - 1.0) * std::log(r) - std::pow(r, p[0]) - f.log_norm;
    }
    case Model::lognormal: {
      const double lx = std::log(x);
      const double z = (lx - p[0]) / p[1];
      return -lx - std::log(p[1]) - kLogSqrt2Pi - 0.5 * z * z - f.log_norm;
    }
    case Model::power_law:
      if (f.discrete) return x == std::floor(x) ? -p[0] * std::log(x) - f.log_norm : -kInf;
      return f.log_norm - p[0] * std::log(x / f.xmin);
    case Model::power_law_cutoff: return -p[0] * std::log(x) - p[1] * x - f.log_norm;
    case Model::jittered_period: break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double sf(const ModelFit& f, double x) {
  const auto& p = f.params;
  switch (f.model) {
    case Model::jittered_period: return jitter_tail(p, x, true);
    case Model::gamma: return x <= 0.0 ? 1.0 : boost::math::gamma_q(p[0], x / p[1]);
    case Model::power_law:
      if (x < f.xmin) return 1.0;
      if (f.discrete)
        return detail::discrete_power_law_survival(p[0], std::floor(x) + 1.0, f.log_norm);
      break;
    default:
      if (x < lower_bound(f) || x <= 0.0) return 1.0;
  }
  return std::exp(log_survival(f, x));
}

double cdf(const ModelFit& f, double x) {
  const auto& p = f.params;
  switch (f.model) {
    case Model::jittered_period: return jitter_tail(p, x, false);
    case Model::gamma: return x <= 0.0 ? 0.0 : boost::math::gamma_p(p[0], x / p[1]);
    case Model::lognormal:
      if (f.xmin == 0.0) return x <= 0.0 ? 0.0 : normal_cdf((std::log(x) - p[0]) / p[1]);
      break;
    case Model::power_law:
      if (f.discrete) return 1.0 - sf(f, x);
      break;
    default: break;
  }
  if (x < lower_bound(f) || x <= 0.0) return 0.0;
  return -std::expm1(log_survival(f, x));
}

}  // namespace tealeaves::interarrival
