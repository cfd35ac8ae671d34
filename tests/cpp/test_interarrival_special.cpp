// Hurwitz zeta, the upper incomplete gamma for any a, and the normal log-survival, against
// closed forms, recurrences and direct quadrature.
#include <doctest/doctest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/zeta.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "tealeaves/interarrival/special.hpp"

using namespace tealeaves::interarrival;

namespace {

// Slow reference: Gamma(a, x) = int_x^inf t^(a-1) e^-t dt by double-exponential quadrature.
double upper_gamma_quadrature(double a, double x) {
  boost::math::quadrature::exp_sinh<double> integrator;
  auto f = [&](double u) { return std::pow(x + u, a - 1.0) * std::exp(-(x + u)); };
  return integrator.integrate(f);
}

// Slow reference: zeta(s, q) by direct summation to K terms plus the integral tail with its
// first two Euler-Maclaurin terms (error ~ s(s+1)(s+2)/720 K^-(s+3)).
double hurwitz_direct(double s, double q) {
  long double sum = 0.0L;
  const double k_max = 40000.0;
  for (double k = 0.0; k < k_max; k += 1.0) sum += std::pow(static_cast<long double>(q + k), -s);
  const double a = q + k_max;
  sum +=
      std::pow(a, 1.0 - s) / (s - 1.0) + 0.5 * std::pow(a, -s) + s / 12.0 * std::pow(a, -s - 1.0);
  return static_cast<double>(sum);
}

}  // namespace

TEST_CASE("Hurwitz zeta equals Riemann zeta at q = 1 and known closed forms") {
  for (double s : {1.01, 1.5, 2.0, 2.5, 3.0, 4.5, 10.0, 30.0}) {
    CHECK(hurwitz_zeta(s, 1.0).value == doctest::Approx(boost::math::zeta(s)).epsilon(1e-14));
  }
  const double pi2 = std::numbers::pi * std::numbers::pi;
  CHECK(hurwitz_zeta(2.0, 0.5).value == doctest::Approx(pi2 / 2.0).epsilon(1e-14));
  CHECK(hurwitz_zeta(4.0, 1.0).value == doctest::Approx(pi2 * pi2 / 90.0).epsilon(1e-14));
  // zeta'(2) = -0.93754825431584375370...
  CHECK(hurwitz_zeta(2.0, 1.0).derivative ==
        doctest::Approx(-0.93754825431584375370).epsilon(1e-13));
}

TEST_CASE("Hurwitz zeta matches direct summation and the shift recurrence") {
  for (double s : {1.2, 1.95, 2.5, 3.7}) {
    for (double q : {0.3, 1.0, 7.0, 52.5, 1e4, 1e9}) {
      const double z = hurwitz_zeta(s, q).value;
      CHECK(z == doctest::Approx(hurwitz_zeta(s, q + 1.0).value + std::pow(q, -s)).epsilon(1e-13));
      if (q < 1e3) CHECK(z == doctest::Approx(hurwitz_direct(s, q)).epsilon(1e-11));
    }
  }
}

TEST_CASE("Hurwitz zeta derivative in s matches a central difference") {
  for (double s : {1.3, 2.0, 3.5}) {
    for (double q : {1.0, 6.0, 230.0}) {
      const double h = 1e-5;
      const double numeric =
          (hurwitz_zeta(s + h, q).value - hurwitz_zeta(s - h, q).value) / (2.0 * h);
      CHECK(hurwitz_zeta(s, q).derivative == doctest::Approx(numeric).epsilon(1e-8));
    }
  }
  CHECK_THROWS_AS(hurwitz_zeta(1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(hurwitz_zeta(2.0, 0.0), std::invalid_argument);
}

TEST_CASE("upper incomplete gamma for negative and positive a matches quadrature") {
  for (double a : {-3.7, -2.0, -1.5, -0.5, 0.0, 0.3, 1.0, 2.5}) {
    for (double x : {0.01, 0.3, 0.99, 1.0, 2.5, 10.0, 60.0}) {
      const double reference = upper_gamma_quadrature(a, x);
      CAPTURE(a);
      CAPTURE(x);
      CHECK(log_upper_gamma(a, x) == doctest::Approx(std::log(reference)).epsilon(1e-11));
    }
  }
  // Recurrence Gamma(a + 1, x) = a Gamma(a, x) + x^a e^-x across the branch switch at x = 1.
  for (double x : {0.5, 0.999, 1.001, 4.0}) {
    const double a = -1.25;
    const double lhs = std::exp(log_upper_gamma(a + 1.0, x));
    const double rhs = a * std::exp(log_upper_gamma(a, x)) + std::pow(x, a) * std::exp(-x);
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
  }
}

TEST_CASE("normal log-survival is accurate from the body to the far tail") {
  for (double z : {-10.0, -3.0, 0.0, 1.0, 5.0, 20.0, 36.9}) {
    const double direct = std::log(0.5 * boost::math::erfc(z / std::numbers::sqrt2));
    CHECK(log_normal_sf(z) == doctest::Approx(direct).epsilon(1e-13));
  }
  // The asymptotic series from z = 37 on agrees with erfc where both still work, and stays
  // finite far beyond underflow.
  for (double z : {37.0, 37.5}) {
    CHECK(
        log_normal_sf(z) ==
        doctest::Approx(std::log(0.5 * boost::math::erfc(z / std::numbers::sqrt2))).epsilon(1e-12));
  }
  CHECK(std::isfinite(log_normal_sf(1e5)));
  CHECK(log_normal_sf(1e5) ==
        doctest::Approx(-0.5e10 - std::log(1e5 * std::sqrt(2.0 * std::numbers::pi))));
}
