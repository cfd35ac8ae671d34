#include "tealeaves/interarrival/special.hpp"

#include <array>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/expint.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {
namespace {

// B_{2j} / (2j)! for j = 1 .. 10: the Euler-Maclaurin correction coefficients.
constexpr std::array<double, 10> kBernoulliOverFactorial = {
    1.0 / 12.0,
    -1.0 / 720.0,
    1.0 / 30240.0,
    -1.0 / 1209600.0,
    1.0 / 47900160.0,
    -691.0 / 1307674368000.0,
    1.0 / 74724249600.0,
    -3617.0 / 10670622842880000.0,
    43867.0 / 5109094217170944000.0,
    -174611.0 / 802857662698291200000.0,
};

// Modified Lentz evaluation of Legendre's continued fraction; valid for any a when x > a + 1.
double log_upper_gamma_fraction(double a, double x) {
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-16) break;
  }
  return -x + a * std::log(x) + std::log(h);
}

// Gamma(a, x) for a <= 0 and 0 < x < 1: start above zero (or at Gamma(0, x) = E1(x)) and step
// down with Gamma(b, x) = (Gamma(b + 1, x) - x^b e^-x) / b. For x < 1 the two terms differ
// enough that little precision is lost.
double log_upper_gamma_recurrence(double a, double x) {
  const double steps = std::ceil(-a);
  double b = a + steps;  // in [0, 1)
  double value = b == 0.0 ? boost::math::expint(1, x) : boost::math::tgamma(b, x);
  const double decay = std::exp(-x);
  for (double k = 0.0; k < steps; k += 1.0) {
    b -= 1.0;
    value = (value - std::pow(x, b) * decay) / b;
  }
  return std::log(value);
}

}  // namespace

HurwitzZeta hurwitz_zeta(double s, double q) {
  require(std::isfinite(s) && s > 1.0, "s", "must be finite and > 1, got " + format_number(s));
  require(std::isfinite(q) && q > 0.0, "q", "must be finite and > 0, got " + format_number(q));
  // Sum directly until the base is large enough for the asymptotic corrections to converge
  // to double precision (their ratio is about ((s + 2j) / (2 pi a))^2).
  const double target = 15.0 + s;
  const double n_direct = q < target ? std::ceil(target - q) : 0.0;
  HurwitzZeta z;
  for (double k = 0.0; k < n_direct; k += 1.0) {
    const double base = q + k;
    const double log_base = std::log(base);
    const double term = std::exp(-s * log_base);
    z.value += term;
    z.derivative -= log_base * term;
  }
  const double a = q + n_direct;
  const double la = std::log(a);
  const double a_pow = std::exp(-s * la);  // a^-s
  const double integral = a * a_pow / (s - 1.0);
  z.value += integral + 0.5 * a_pow;
  z.derivative += integral * (-la - 1.0 / (s - 1.0)) - 0.5 * la * a_pow;
  double rising = s;               // (s)_{2j-1}
  double log_rising_ds = 1.0 / s;  // d ln (s)_{2j-1} / ds
  double power = a_pow / a;        // a^{-s-2j+1}
  const double inv_a2 = 1.0 / (a * a);
  for (std::size_t j = 0; j < kBernoulliOverFactorial.size(); ++j) {
    const double term = kBernoulliOverFactorial[j] * rising * power;
    z.value += term;
    z.derivative += term * (log_rising_ds - la);
    if (std::abs(term) < 1e-18 * z.value) break;
    const double m = 2.0 * static_cast<double>(j) + 1.0;  // 2j - 1 for the next j, 1-based
    rising *= (s + m) * (s + m + 1.0);
    log_rising_ds += 1.0 / (s + m) + 1.0 / (s + m + 1.0);
    power *= inv_a2;
  }
  return z;
}

double log_upper_gamma(double a, double x) {
  require(std::isfinite(a), "a", "must be finite, got " + format_number(a));
  require(std::isfinite(x) && x > 0.0, "x", "must be finite and > 0, got " + format_number(x));
  if (x >= a + 1.0 && x >= 1.0) return log_upper_gamma_fraction(a, x);
  if (a > 0.0) return std::log(boost::math::tgamma(a, x));
  if (x >= 1.0) return log_upper_gamma_fraction(a, x);
  return log_upper_gamma_recurrence(a, x);
}

double log_normal_sf(double z) {
  if (std::isnan(z)) return z;
  if (z < -5.0) return std::log1p(-0.5 * boost::math::erfc(-z / std::numbers::sqrt2));
  if (z < 37.0) return std::log(0.5 * boost::math::erfc(z / std::numbers::sqrt2));
  // Asymptotic (Mills ratio) series; the next term is below 1e-12 relative at z = 37.
  const double r = 1.0 / (z * z);
  const double series = 1.0 - r * (1.0 - 3.0 * r * (1.0 - 5.0 * r * (1.0 - 7.0 * r)));
  return -0.5 * z * z - std::log(z) - 0.5 * std::log(2.0 * std::numbers::pi) + std::log(series);
}

}  // namespace tealeaves::interarrival
