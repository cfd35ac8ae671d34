#include "tealeaves/core/stats.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::stats {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Q(a, x) ~ x^(a-1) e^-x / Gamma(a) * sum_k (a-1)(a-2)...(a-k) / x^k, for x >> a.
double log_gamma_q_asymptotic(double a, double x) {
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 30; ++k) {
    const double next = term * (a - k) / x;
    if (std::abs(next) >= std::abs(term)) break;  // the series is asymptotic: stop at its best
    term = next;
    sum += term;
    if (std::abs(term) < 1e-17 * std::abs(sum)) break;
  }
  return (a - 1.0) * std::log(x) - x - std::lgamma(a) + std::log(sum);
}

}  // namespace

double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

double log_gamma_q(double shape, double x) {
  require(shape > 0.0 && std::isfinite(shape), "shape", "must be positive and finite");
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  if (x == std::numeric_limits<double>::infinity()) return kNegInf;
  const double q = boost::math::gamma_q(shape, x);
  if (q > 1e-250) return std::log(q);
  return log_gamma_q_asymptotic(shape, x);
}

double log_chi2_sf(double x, double dof) {
  require(dof > 0.0 && std::isfinite(dof), "dof", "must be positive and finite");
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  const double half = x / 2.0;
  const double m = dof / 2.0;
  if (m == std::floor(m) && m <= 1000.0) {
    // exp(-x/2) sum_{j<m} (x/2)^j / j!, summed in log space.
    double log_term = 0.0, log_sum = 0.0;
    for (int j = 1; j < static_cast<int>(m); ++j) {
      log_term += std::log(half) - std::log(static_cast<double>(j));
      log_sum = log_add(log_sum, log_term);
    }
    return -half + log_sum;
  }
  return log_gamma_q(m, half);
}

double log_sidak(double log_p, double n) {
  require(n >= 1.0, "n", "number of trials must be at least 1");
  if (log_p >= 0.0) return 0.0;
  const double p = std::exp(log_p);
  // 1 - (1-p)^n = n p (1 - (n-1) p / 2 + ...): exact enough, and it keeps p below 1e-308.
  if (n * p < 1e-6) return log_p + std::log(n) + std::log1p(-(n - 1.0) * p / 2.0);
  return std::log(-std::expm1(n * std::log1p(-p)));
}

}  // namespace tealeaves::stats
