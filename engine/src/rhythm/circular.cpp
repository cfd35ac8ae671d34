// Circular statistics of phases: Rayleigh, V-test, Kuiper and the von Mises ML fit.
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "tealeaves/rhythm/circadian.hpp"

namespace tealeaves::rhythm {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTwoPi = 2.0 * std::numbers::pi;
const char* const kUniformCircle = "daily phase uniform on the circle, independent sessions";

void check_finite(std::span<const double> x, std::string_view argument) {
  for (const double v : x) require(std::isfinite(v), argument, "values must be finite");
}

// Mean cosine and sine.
void mean_cs(std::span<const double> angles, double& c, double& s) {
  c = 0.0;
  s = 0.0;
  for (const double a : angles) {
    c += std::cos(a);
    s += std::sin(a);
  }
  const double n = static_cast<double>(angles.size());
  c /= n;
  s /= n;
}

// A1(kappa) = I1(kappa) / I0(kappa).
double a1(double kappa) {
  if (kappa <= 0.0) return 0.0;
  if (kappa > 500.0) {
    const double k = kappa;
    return 1.0 - 1.0 / (2.0 * k) - 1.0 / (8.0 * k * k) - 1.0 / (8.0 * k * k * k);
  }
  return boost::math::cyl_bessel_i(1, kappa) / boost::math::cyl_bessel_i(0, kappa);
}

double a1_prime(double kappa, double a) {
  if (kappa <= 0.0) return 0.5;
  return 1.0 - a / kappa - a * a;
}

// Solves A1(kappa) = r by safeguarded Newton on a bracket.
double a1_inverse(double r) {
  if (r <= 0.0) return 0.0;
  if (r >= 1.0) return std::numeric_limits<double>::infinity();
  double lo = 0.0, hi = 1.0;
  while (a1(hi) < r) hi *= 2.0;
  double k = 0.5 * (lo + hi);
  for (int it = 0; it < 200; ++it) {
    const double a = a1(k);
    const double f = a - r;
    if (f > 0.0)
      hi = k;
    else
      lo = k;
    double next = k - f / a1_prime(k, a);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - k) <= 1e-14 * std::max(1.0, k)) return next;
    k = next;
  }
  return k;
}

double log_factorial(double n) {
  return std::lgamma(n + 1.0);
}

}  // namespace

CircularTest rayleigh_test(std::span<const double> angles) {
  check_finite(angles, "angles");
  CircularTest t;
  t.n = angles.size();
  t.null = kUniformCircle;
  if (angles.empty()) {
    t.statistic = kNaN;
    return t;
  }
  double c = 0.0, s = 0.0;
  mean_cs(angles, c, s);
  const double n = static_cast<double>(angles.size());
  const double z = n * (c * c + s * s);
  double corr = 1.0;
  if (angles.size() < 50) {
    corr = 1.0 + (2.0 * z - z * z) / (4.0 * n) -
           (24.0 * z - 132.0 * z * z + 76.0 * z * z * z - 9.0 * z * z * z * z) / (288.0 * n * n);
  }
  t.statistic = z;
  t.p_value = std::clamp(std::exp(-z) * corr, 0.0, 1.0);
  return t;
}

CircularTest v_test(std::span<const double> angles, double mu) {
  check_finite(angles, "angles");
  require(std::isfinite(mu), "mu", "must be finite");
  CircularTest t;
  t.n = angles.size();
  t.null = std::string(kUniformCircle) + "; alternative: concentrated at the given direction";
  if (angles.empty()) {
    t.statistic = kNaN;
    return t;
  }
  const double n = static_cast<double>(angles.size());
  double r0 = 0.0;
  for (const double a : angles) r0 += std::cos(a - mu);
  r0 /= n;
  const double z = std::sqrt(2.0 * n) * r0;
  const double pz = 0.5 * std::erfc(-z / std::numbers::sqrt2);
  const double fz = std::exp(-0.5 * z * z) / std::sqrt(kTwoPi);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  const double p = 1.0 - pz +
                   fz * ((3.0 * z - z3) / (16.0 * n) +
                         (15.0 * z + 305.0 * z3 - 125.0 * z5 + 9.0 * z7) / (4608.0 * n * n));
  t.statistic = z;
  t.p_value = std::clamp(p, 0.0, 1.0);
  return t;
}

double kuiper_false_positive_probability(double d, std::size_t n_events) {
  require(d >= 0.0 && d <= 2.0, "v", "must be in [0, 2]");
  require(n_events > 0, "n", "must be positive");
  const double n = static_cast<double>(n_events);
  if (d < 2.0 / n) {
    if (d <= 1.0 / n) return 1.0;
    return 1.0 - std::exp(log_factorial(n) + (n - 1.0) * std::log(d - 1.0 / n));
  }
  if (d < 3.0 / n) {
    const double k = -(n * d - 1.0) / 2.0;
    const double r = std::sqrt(k * k - (n * d - 2.0) * (n * d - 2.0) / 2.0);
    const double a = -k + r, b = -k - r;
    return 1.0 - std::exp(log_factorial(n - 1.0) - (n - 2.0) * std::log(n)) *
                     (std::pow(b, n - 1.0) * (1.0 - a) - std::pow(a, n - 1.0) * (1.0 - b)) /
                     (b - a);
  }
  const bool even = n_events % 2 == 0;
  if ((d > 0.5 && even) || (d > (n - 1.0) / (2.0 * n) && !even)) {
    double sum = 0.0;
    const double tmax = std::floor(n * (1.0 - d));
    for (double t = 0.0; t <= tmax; t += 1.0) {
      const double y = d + t / n;
      const double tt = std::pow(y, t - 3.0) * (y * y * y * n - y * y * t * (3.0 - 2.0 / n) +
                                                y * t * (t - 1.0) * (3.0 - 2.0 / n) / n -
                                                t * (t - 1.0) * (t - 2.0) / (n * n));
      const double base = 1.0 - d - t / n;
      if (base <= 0.0 && n - t - 1.0 > 0.0) continue;
      const double log_comb = log_factorial(n) - log_factorial(t) - log_factorial(n - t);
      sum += tt * std::exp(log_comb) * std::pow(base, n - t - 1.0);
    }
    return sum;
  }
  const double z = d * std::sqrt(n);
  double s1 = 0.0, s2 = 0.0;
  for (double m = 1.0; m < 18.82 / z; m += 1.0) {
    const double e = std::exp(-2.0 * m * m * z * z);
    s1 += 2.0 * (4.0 * m * m * z * z - 1.0) * e;
    s2 += m * m * (4.0 * m * m * z * z - 3.0) * e;
  }
  return s1 - 8.0 * d / 3.0 * s2;
}

CircularTest kuiper_test(std::span<const double> u, std::span<const double> cdf_grid) {
  check_finite(u, "u");
  CircularTest t;
  t.n = u.size();
  t.null = cdf_grid.empty()
               ? "uniform in local clock time, independent sessions"
               : "uniform in local clock time, exposure-weighted, independent sessions";
  if (u.empty()) {
    t.statistic = kNaN;
    return t;
  }
  require(cdf_grid.empty() || cdf_grid.size() >= 2, "cdf_grid", "needs at least 2 points");
  std::vector<double> f(u.size());
  const std::size_t m = cdf_grid.empty() ? 0 : cdf_grid.size() - 1;
  for (std::size_t i = 0; i < u.size(); ++i) {
    require(u[i] >= 0.0 && u[i] <= 1.0, "u", "values must be in [0, 1]");
    if (m == 0) {
      f[i] = u[i];
    } else {
      const double x = u[i] * static_cast<double>(m);
      const std::size_t k = std::min(static_cast<std::size_t>(x), m - 1);
      const double w = x - static_cast<double>(k);
      f[i] = cdf_grid[k] + w * (cdf_grid[k + 1] - cdf_grid[k]);
    }
  }
  std::sort(f.begin(), f.end());
  const double n = static_cast<double>(f.size());
  double dp = -std::numeric_limits<double>::infinity(), dm = dp;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double k = static_cast<double>(i);
    dp = std::max(dp, f[i] - k / n);
    dm = std::max(dm, (k + 1.0) / n - f[i]);
  }
  t.statistic = dp + dm;
  t.p_value = std::clamp(kuiper_false_positive_probability(t.statistic, f.size()), 0.0, 1.0);
  return t;
}

VonMisesFit von_mises_fit(std::span<const double> angles, double level) {
  check_finite(angles, "angles");
  require(level > 0.0 && level < 1.0, "level", "must be in (0, 1)");
  VonMisesFit f;
  f.level = level;
  f.n = angles.size();
  if (angles.empty()) {
    f.mu = f.kappa = f.r_bar = kNaN;
    f.mu_low = f.mu_high = f.kappa_low = f.kappa_high = kNaN;
    return f;
  }
  double c = 0.0, s = 0.0;
  mean_cs(angles, c, s);
  f.r_bar = std::hypot(c, s);
  f.mu = std::atan2(s, c);
  if (f.mu < 0.0) f.mu += kTwoPi;
  f.kappa = a1_inverse(f.r_bar);
  const double zq =
      boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + 0.5 * level);
  const double n = static_cast<double>(angles.size());
  if (angles.size() >= 2 && f.kappa > 0.0 && std::isfinite(f.kappa)) {
    const double a = a1(f.kappa);
    const double se_mu = 1.0 / std::sqrt(n * f.kappa * a);
    const double se_kappa = 1.0 / std::sqrt(n * a1_prime(f.kappa, a));
    f.mu_low = f.mu - zq * se_mu;
    f.mu_high = f.mu + zq * se_mu;
    f.kappa_low = std::max(0.0, f.kappa - zq * se_kappa);
    f.kappa_high = f.kappa + zq * se_kappa;
  } else {
    f.mu_low = f.mu_high = f.kappa_low = f.kappa_high = kNaN;
  }
  return f;
}

ChiSquareTest chi_square_exposure(std::span<const double> counts,
                                  std::span<const double> exposure) {
  require(counts.size() == exposure.size(), "exposure", "must have one value per count");
  ChiSquareTest t;
  t.null = "uniform in local clock time, exposure-weighted, independent sessions";
  double n = 0.0, e_total = 0.0;
  std::size_t used = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    require(std::isfinite(counts[i]) && counts[i] >= 0.0, "counts", "must be finite and >= 0");
    require(std::isfinite(exposure[i]) && exposure[i] >= 0.0, "exposure",
            "must be finite and >= 0");
    if (exposure[i] > 0.0) {
      ++used;
      e_total += exposure[i];
    } else {
      require(counts[i] == 0.0, "counts", "events in a bin with zero exposure");
    }
    n += counts[i];
  }
  if (used < 2 || n <= 0.0) {
    t.statistic = kNaN;
    t.dof = used > 0 ? static_cast<double>(used - 1) : 0.0;
    return t;
  }
  double x2 = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (exposure[i] <= 0.0) continue;
    const double e = n * exposure[i] / e_total;
    x2 += (counts[i] - e) * (counts[i] - e) / e;
  }
  t.statistic = x2;
  t.dof = static_cast<double>(used - 1);
  t.log_p_value = stats::log_chi2_sf(x2, t.dof);
  t.p_value = std::exp(t.log_p_value);
  return t;
}

}  // namespace tealeaves::rhythm
