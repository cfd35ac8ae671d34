#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/naive.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "test_helpers.hpp"

using namespace tealeaves::spectral;

TEST_CASE("FFT autocorrelation equals the O(N^2) sum at every lag (no wrap-around)") {
  for (std::size_t n : {2u, 3u, 17u, 128u, 1001u}) {
    for (bool adjusted : {false, true}) {
      const auto x = tealeaves::testing::random_normal(n, 100 + n);
      AcfOptions o;
      o.max_lag = n - 1;
      o.adjusted = adjusted;
      const AcfResult r = acf(x, o);
      const auto cov = tealeaves::reference::autocovariance(x, n - 1, adjusted);
      REQUIRE(r.acf.size() == n);
      for (std::size_t k = 0; k < n; ++k) {
        CHECK(r.autocovariance[k] == doctest::Approx(cov[k]).epsilon(1e-10).scale(cov[0]));
        CHECK(r.acf[k] == doctest::Approx(cov[k] / cov[0]).epsilon(1e-10).scale(1.0));
      }
    }
  }
}

TEST_CASE("a periodic signal has its ACF peak at the period") {
  std::vector<double> x(600);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 30 == 0) ? 1.0 : 0.0;
  AcfOptions o;
  o.max_lag = 100;
  const AcfResult r = acf(x, o);
  CHECK(r.acf[30] > 0.9);
  CHECK(r.acf[60] > 0.8);
  CHECK(std::abs(r.acf[15]) < 0.1);
}

TEST_CASE("default max lag follows statsmodels: min(10 log10 n, n - 1)") {
  const auto x = tealeaves::testing::random_normal(1000, 1);
  CHECK(acf(x).acf.size() == 31);
  const auto small = tealeaves::testing::random_normal(5, 1);
  CHECK(acf(small).acf.size() == 5);
}

TEST_CASE("Ljung-Box: Q by hand and chi^2 survival") {
  const std::vector<double> r{1.0, 0.5, 0.25};
  const LjungBox lb = ljung_box(r, 10);
  CHECK(lb.q[0] == doctest::Approx(10.0 * 12.0 * 0.25 / 9.0));
  CHECK(lb.q[1] == doctest::Approx(10.0 * 12.0 * (0.25 / 9.0 + 0.0625 / 8.0)));
  // chi^2_1 survival of 3.3333 = erfc(sqrt(Q/2)).
  CHECK(lb.p_value[0] == doctest::Approx(std::erfc(std::sqrt(lb.q[0] / 2.0))));
  // chi^2_2 survival is exp(-Q/2).
  CHECK(lb.p_value[1] == doctest::Approx(std::exp(-lb.q[1] / 2.0)));
  const LjungBox fitted = ljung_box(r, 10, 1);
  CHECK(std::isnan(fitted.p_value[0]));
  CHECK(fitted.p_value[1] == doctest::Approx(std::erfc(std::sqrt(fitted.q[1] / 2.0))));
}

TEST_CASE("bad ACF input names the argument") {
  const std::vector<double> one{1.0};
  CHECK_THROWS_WITH_AS(acf(one), doctest::Contains("x: needs at least 2"), std::invalid_argument);
  const std::vector<double> flat{2.0, 2.0, 2.0};
  CHECK_THROWS_WITH_AS(acf(flat), doctest::Contains("x: is constant"), std::invalid_argument);
  const std::vector<double> x{1.0, 2.0, 4.0};
  AcfOptions o;
  o.max_lag = 3;
  CHECK_THROWS_WITH_AS(acf(x, o), doctest::Contains("max_lag:"), std::invalid_argument);
}
