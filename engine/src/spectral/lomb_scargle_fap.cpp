// Analytic false-alarm probabilities of Lomb-Scargle peaks: astropy's formulas (Baluev 2008,
// Table 1 and eqs. 5-6), rewritten in log space so that tiny probabilities are not rounded to 0.
#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/spectral/lomb_scargle.hpp"

namespace tealeaves::spectral {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = -40.0;  // below e^-40, log(1 - e^-u) = log u and log1p(-p) = -p

// log(1 - e^x) for x <= 0, accurate at both ends.
double log1mexp(double x) {
  return x > -std::numbers::ln2 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

double logaddexp(double a, double b) {
  if (a == -kInf) return b;
  if (b == -kInf) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(-std::abs(a - b)));
}

// log of astropy's _gamma(N) = sqrt(2 / N) Gamma(N / 2) / Gamma((N - 1) / 2).
double log_gamma_factor(double n) {
  return 0.5 * std::log(2.0 / n) + boost::math::lgamma(0.5 * n) -
         boost::math::lgamma(0.5 * (n - 1.0));
}

void check_model(const FapModel& m) {
  require(m.centered, "fit_mean",
          "false-alarm probabilities need centred data (fit_mean or center_data), as in astropy");
  require(m.n > 3, "t",
          "false-alarm probabilities need more than 3 points, got " + std::to_string(m.n));
  require(std::isfinite(m.fmax) && m.fmax > 0.0, "fmax",
          "must be positive and finite, got " + format_number(m.fmax));
}

// Powers outside the normalisation's range only arise from rounding: clamp them.
double clamp_power(double z, LsNormalization norm) {
  if (std::isnan(z)) return z;
  z = std::max(z, 0.0);
  return norm == LsNormalization::standard ? std::min(z, 1.0) : z;
}

double log_fap_single(double z, const FapModel& m) {
  const double nk = static_cast<double>(m.n) - 3.0;
  switch (m.normalization) {
    case LsNormalization::psd: return -z;
    case LsNormalization::standard: return z >= 1.0 ? -kInf : 0.5 * nk * std::log1p(-z);
    case LsNormalization::model: return -0.5 * nk * std::log1p(z);
    case LsNormalization::log: return -0.5 * nk * z;
  }
  return std::nan("");
}

// log of Baluev's tau (astropy's tau_davies): the expected number of upcrossings of z.
double log_tau(double z, const FapModel& m) {
  if (z <= 0.0 || m.t_variance <= 0.0) return -kInf;
  const double n = static_cast<double>(m.n), nh = n - 1.0, nk = n - 3.0;
  const double log_w = std::log(m.fmax) + 0.5 * std::log(4.0 * std::numbers::pi * m.t_variance);
  switch (m.normalization) {
    case LsNormalization::psd: return log_w - z + 0.5 * std::log(z);
    case LsNormalization::standard:
      if (z >= 1.0) return -kInf;
      return log_gamma_factor(nh) + log_w + 0.5 * (nk - 1.0) * std::log1p(-z) +
             0.5 * std::log(0.5 * nh * z);
    case LsNormalization::model:
      return log_gamma_factor(nk) + log_w - 0.5 * nk * std::log1p(z) + 0.5 * std::log(0.5 * nk * z);
    case LsNormalization::log: {
      const double x = 0.5 * z;  // log sinh x without overflow
      const double log_sinh = x < 20.0 ? std::log(std::sinh(x))
                                       : x - std::numbers::ln2 + std::log1p(-std::exp(-2.0 * x));
      return log_gamma_factor(nk) + log_w - 0.5 * z * (nk - 0.5) + 0.5 * (std::log(nk) + log_sinh);
    }
  }
  return std::nan("");
}

// log(1 - exp(-e^l)) = log of -expm1(-u) with u = e^l.
double log_one_minus_exp_neg(double l) {
  return l < kTiny ? l : log1mexp(-std::exp(l));
}

double log_fap(double z, const FapModel& m, FapMethod method) {
  if (std::isnan(z)) return z;
  z = clamp_power(z, m.normalization);
  const double lfs = log_fap_single(z, m);
  switch (method) {
    case FapMethod::single: return lfs;
    case FapMethod::naive: {
      // 1 - (1 - fap_s)^N_eff, N_eff = fmax T
      const double n_eff = m.fmax * m.baseline;
      if (lfs == 0.0) return 0.0;
      const double log_minus_log1p = lfs < kTiny ? lfs : std::log(-std::log1p(-std::exp(lfs)));
      return log_one_minus_exp_neg(std::log(n_eff) + log_minus_log1p);
    }
    case FapMethod::davies: return logaddexp(lfs, log_tau(z, m));
    case FapMethod::baluev: {
      // 1 - (1 - fap_s) e^-tau = (1 - e^-tau) + fap_s e^-tau
      const double lt = log_tau(z, m);
      return logaddexp(log_one_minus_exp_neg(lt), lfs - std::exp(lt));
    }
  }
  return std::nan("");
}

// Inverse of the single-frequency probability, from log p.
double level_single(double log_p, const FapModel& m) {
  const double nk = static_cast<double>(m.n) - 3.0;
  switch (m.normalization) {
    case LsNormalization::psd: return -log_p;
    case LsNormalization::standard: return -std::expm1(2.0 * log_p / nk);
    case LsNormalization::model: return std::expm1(-2.0 * log_p / nk);
    case LsNormalization::log: return -2.0 * log_p / nk;
  }
  return std::nan("");
}

double level_naive(double p, const FapModel& m) {
  const double n_eff = m.fmax * m.baseline;
  return level_single(log1mexp(std::log1p(-p) / n_eff), m);
}

// Bisection on log FAP (monotone above the level where FAP ~ 0.6), from the naive level.
double level_by_root(double p, const FapModel& m, FapMethod method) {
  const double target = std::log(p);
  auto excess = [&](double z) { return log_fap(z, m, method) - target; };
  const bool bounded = m.normalization == LsNormalization::standard;
  double z0 = level_naive(p, m);
  if (!(z0 > 0.0) || !std::isfinite(z0)) z0 = bounded ? 0.5 : 1.0;
  double hi = z0;
  for (int i = 0; excess(hi) > 0.0; ++i) {
    if (i == 200) return std::nan("");
    hi = bounded ? 0.5 * (hi + 1.0) : 2.0 * hi + 1.0;
  }
  double lo = std::min(z0, hi);
  while (excess(lo) < 0.0) {
    lo *= 0.5;
    if (lo < 1e-300) {
      lo = 0.0;
      break;
    }
  }
  for (int i = 0; i < 300 && hi - lo > 4.0 * std::numeric_limits<double>::epsilon() * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double log_false_alarm_probability(double power, const FapModel& model, FapMethod method) {
  check_model(model);
  return log_fap(power, model, method);
}

double false_alarm_level(double probability, const FapModel& model, FapMethod method) {
  check_model(model);
  require(probability > 0.0 && probability < 1.0, "probability",
          "must be in (0, 1), got " + format_number(probability));
  switch (method) {
    case FapMethod::single: return level_single(std::log(probability), model);
    case FapMethod::naive: return level_naive(probability, model);
    case FapMethod::davies:
    case FapMethod::baluev: return level_by_root(probability, model, method);
  }
  return std::nan("");
}

}  // namespace tealeaves::spectral
