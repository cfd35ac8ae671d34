// Random variates from every model (for the parametric bootstraps), from tealeaves::Rng only,
// so that draws are identical on every platform.
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "model_internal.hpp"
#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {
namespace detail {

double draw_discrete_power_law(double alpha, double xmin, double log_norm, double u) {
  // Continuous approximation first; beyond 2^50 the integers are too sparse in double for the
  // exact steps to matter, and the approximation's relative error is negligible.
  double x = std::floor((xmin - 0.5) * std::pow(u, -1.0 / (alpha - 1.0)) + 0.5);
  x = std::max(x, xmin);
  if (!(x < 0x1p50)) return x;
  while (x > xmin && discrete_power_law_survival(alpha, x, log_norm) < u) x -= 1.0;
  while (discrete_power_law_survival(alpha, x + 1.0, log_norm) >= u) x += 1.0;
  return x;
}

}  // namespace detail

namespace {

double draw_truncated_lognormal(const ModelFit& f, Rng& rng) {
  const double mu = f.params[0], sigma = f.params[1];
  const double z_min = (std::log(f.xmin) - mu) / sigma;
  double z;
  if (f.log_norm > -700.0) {
    // Inverse survival at u S(z_min).
    const boost::math::normal standard;
    const double target = rng.uniform_open() * std::exp(f.log_norm);
    z = boost::math::quantile(boost::math::complement(standard, target));
    z = std::max(z, z_min);
  } else {
    z = z_min + rng.exponential() / z_min;  // far tail: the excess over z_min is ~ Exp(z_min)
  }
  return std::exp(mu + sigma * z);
}

double draw_cutoff(const ModelFit& f, Rng& rng) {
  const double alpha = f.params[0], rate = f.params[1], xmin = f.xmin;
  if (alpha > 1.0 && rate * xmin < 1.0) {
    // Power-law proposal, accepted with the cut-off factor.
    for (;;) {
      const double x = xmin * std::pow(rng.uniform_open(), -1.0 / (alpha - 1.0));
      if (rng.uniform() < std::exp(-rate * (x - xmin))) return x;
    }
  }
  if (alpha >= 0.0) {
    // Exponential proposal above xmin, accepted with the power-law factor (Clauset's randht).
    for (;;) {
      const double x = xmin + rng.exponential(rate);
      if (rng.uniform() < std::pow(x / xmin, -alpha)) return x;
    }
  }
  // Rising density: a gamma variate truncated to x >= xmin.
  for (;;) {
    const double x = detail::standard_gamma(1.0 - alpha, rng) / rate;
    if (x >= xmin) return x;
  }
}

double draw_jittered(const std::vector<double>& p, Rng& rng) {
  double beats = 1.0;
  while (beats < 1e6 && rng.uniform() < p[2]) beats += 1.0;
  return beats * p[0] + p[1] * std::sqrt(beats) * rng.normal();
}

}  // namespace

double draw(const ModelFit& f, Rng& rng) {
  const auto& p = f.params;
  switch (f.model) {
    case Model::exponential: return f.xmin + rng.exponential(p[0]);
    case Model::shifted_exponential: return p[1] + rng.exponential(p[0]);
    case Model::gamma: return detail::standard_gamma(p[0], rng) * p[1];
    case Model::weibull:
      return p[1] * std::pow(rng.exponential() + std::pow(f.xmin / p[1], p[0]), 1.0 / p[0]);
    case Model::lognormal:
      if (f.xmin == 0.0) return std::exp(p[0] + p[1] * rng.normal());
      return draw_truncated_lognormal(f, rng);
    case Model::power_law:
      if (f.discrete) {
        return detail::draw_discrete_power_law(p[0], f.xmin, f.log_norm, rng.uniform_open());
      }
      return f.xmin * std::pow(rng.uniform_open(), -1.0 / (p[0] - 1.0));
    case Model::power_law_cutoff: return draw_cutoff(f, rng);
    case Model::jittered_period: return draw_jittered(p, rng);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace tealeaves::interarrival
