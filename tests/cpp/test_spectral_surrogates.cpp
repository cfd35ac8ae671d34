#include <doctest/doctest.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/spectral_surrogates.hpp"
#include "test_helpers.hpp"

using namespace tealeaves::nullmodel;

namespace {

// A series with structure: AR(1)-like smoothing of noise plus a sinusoid, skewed by exp.
std::vector<double> structured(std::size_t n, std::uint64_t seed) {
  auto x = tealeaves::testing::random_normal(n, seed);
  for (std::size_t i = 1; i < n; ++i) x[i] += 0.8 * x[i - 1];
  for (std::size_t i = 0; i < n; ++i) x[i] = std::exp(0.3 * x[i] + std::sin(0.2 * double(i)));
  return x;
}

std::vector<double> row(const BinnedSurrogates& s, std::size_t i) {
  return {s.values.begin() + long(i * s.length), s.values.begin() + long((i + 1) * s.length)};
}

std::vector<double> sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("phase randomisation keeps the power spectrum and changes the series") {
  for (std::size_t n : {1u, 2u, 7u, 64u, 1001u}) {
    const auto x = structured(n, n);
    BinnedSurrogateOptions o;
    o.seed = 3;
    o.n_surrogates = 3;
    const BinnedSurrogates s = phase_randomized(x, o);
    REQUIRE(s.values.size() == 3 * n);
    CHECK(s.iterations.empty());
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(relative_spectral_error(x, row(s, i)) < 1e-12);
      if (n > 2) CHECK(row(s, i) != x);
    }
  }
}

TEST_CASE("AAFT and IAAFT keep the values exactly, IAAFT matches the spectrum") {
  const auto x = structured(512, 9);
  BinnedSurrogateOptions o;
  o.seed = 11;
  o.n_surrogates = 4;
  const BinnedSurrogates a = aaft(x, o);
  const BinnedSurrogates s = iaaft(x, o);
  REQUIRE(s.iterations.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(sorted(row(a, i)) == sorted(x));
    CHECK(sorted(row(s, i)) == sorted(x));
    CHECK(row(s, i) != x);
    CHECK(s.iterations[i] >= 1);
    CHECK(s.iterations[i] <= o.max_iterations);
    CHECK(s.spectral_error[i] < 1e-2);
    CHECK(relative_spectral_error(x, row(s, i)) == doctest::Approx(s.spectral_error[i]));
    // IAAFT improves on AAFT's spectrum.
    CHECK(s.spectral_error[i] < relative_spectral_error(x, row(a, i)));
  }
}

TEST_CASE("IAAFT stops at max_iterations and reports it") {
  const auto x = structured(256, 2);
  BinnedSurrogateOptions o;
  o.max_iterations = 2;
  const BinnedSurrogates s = iaaft(x, o);
  CHECK(s.iterations[0] <= 2);
}

TEST_CASE("binned surrogates are bit-identical for any thread count") {
  const auto x = structured(300, 5);
  for (auto generate : {&phase_randomized, &aaft, &iaaft}) {
    BinnedSurrogateOptions o;
    o.seed = 42;
    o.n_surrogates = 9;
    o.threads = 1;
    const BinnedSurrogates one = generate(x, o);
    for (std::size_t threads : {2u, 8u}) {
      o.threads = threads;
      const BinnedSurrogates many = generate(x, o);
      CHECK(many.values == one.values);
      CHECK(many.iterations == one.iterations);
      CHECK(many.spectral_error == one.spectral_error);
    }
  }
}

TEST_CASE("binned surrogates: bad input names the argument") {
  BinnedSurrogateOptions o;
  CHECK_THROWS_WITH_AS(iaaft(std::vector<double>{}, o), doctest::Contains("x:"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(aaft(std::vector<double>{1.0, std::nan("")}, o),
                       doctest::Contains("x: value at index 1"), std::invalid_argument);
  o.n_surrogates = 0;
  CHECK_THROWS_WITH_AS(phase_randomized(std::vector<double>{1.0, 2.0}, o),
                       doctest::Contains("n_surrogates"), std::invalid_argument);
  o.n_surrogates = 1;
  o.max_iterations = 0;
  CHECK_THROWS_WITH_AS(iaaft(std::vector<double>{1.0, 2.0}, o), doctest::Contains("max_iterations"),
                       std::invalid_argument);
  o.max_iterations = 10;
  o.tolerance = -1.0;
  CHECK_THROWS_WITH_AS(iaaft(std::vector<double>{1.0, 2.0}, o), doctest::Contains("tolerance"),
                       std::invalid_argument);
}

namespace {

// x = y^3, y a stationary Gaussian AR(1) (phi 0.7): a static monotone transform of a linear
// Gaussian process, exactly the null of AAFT and IAAFT.
std::vector<double> cubed_ar1(std::size_t n, std::uint64_t seed) {
  tealeaves::Rng rng(seed);
  std::vector<double> x(n);
  double y = rng.normal() / std::sqrt(1.0 - 0.49);
  for (std::size_t i = 0; i < n; ++i) {
    y = 0.7 * y + rng.normal();
    x[i] = y * y * y;
  }
  return x;
}

// Skewness of the increments, |mean d^3| / mean(d^2)^1.5: ~0 for a time-reversible series.
double time_asymmetry(const double* x, std::size_t n) {
  double m2 = 0.0, m3 = 0.0;
  for (std::size_t i = 1; i < n; ++i) {
    const double d = x[i] - x[i - 1];
    m2 += d * d;
    m3 += d * d * d;
  }
  const double k = static_cast<double>(n - 1);
  return std::abs(m3 / k) / std::pow(m2 / k, 1.5);
}

// The series with each value replaced by the normal score of its rank,
// Phi^-1((rank + 1) / (n + 1)) (no ties here: the values are continuous).
std::vector<double> gaussianised(const double* x, std::size_t n, const std::vector<double>& score) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [x](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> g(n);
  for (std::size_t r = 0; r < n; ++r) g[order[r]] = score[r];
  return g;
}

struct Rates {
  double raw = 0.0, gaussianised = 0.0;
};

// Rejection rates at alpha = 0.05 (19 surrogates: p = (k + 1) / 20 <= 0.05 iff no surrogate
// reaches the observed statistic) over `count` series from the null, for the time asymmetry
// of the values and of the rank-Gaussianised values.
template <class Generate>
Rates rejection_rates(Generate generate, std::size_t count, std::size_t n) {
  const boost::math::normal normal;
  std::vector<double> score(n);
  for (std::size_t r = 0; r < n; ++r) {
    score[r] = boost::math::quantile(normal, double(r + 1) / double(n + 1));
  }
  std::size_t raw = 0, gauss = 0;
  for (std::size_t series = 0; series < count; ++series) {
    const auto x = cubed_ar1(n, 5000 + series);
    BinnedSurrogateOptions o;
    o.seed = series;
    o.n_surrogates = 19;
    const BinnedSurrogates s = generate(x, o);
    const double t_raw = time_asymmetry(x.data(), n);
    const double t_gauss = time_asymmetry(gaussianised(x.data(), n, score).data(), n);
    std::size_t k_raw = 0, k_gauss = 0;
    for (std::size_t i = 0; i < 19; ++i) {
      const double* row = s.values.data() + i * n;
      k_raw += time_asymmetry(row, n) >= t_raw ? 1 : 0;
      k_gauss += time_asymmetry(gaussianised(row, n, score).data(), n) >= t_gauss ? 1 : 0;
    }
    raw += k_raw == 0 ? 1 : 0;
    gauss += k_gauss == 0 ? 1 : 0;
  }
  return {double(raw) / double(count), double(gauss) / double(count)};
}

}  // namespace

// The null of AAFT / IAAFT is "a static monotone transform of a linear Gaussian process"; a
// statistic that is invariant under such transforms (computed on the rank-Gaussianised series)
// is calibrated: measured here AAFT 4.3 %, IAAFT 5.7 %. The same statistic on the raw,
// heavy-tailed values x = y^3 is not: 7.5 % (AAFT) and 15.5 % (IAAFT) here, the limitation
// documented in spectral_surrogates.hpp; the IAAFT one is asserted so that the docs are
// revisited if the algorithm changes it.
TEST_CASE("calibration: AAFT and IAAFT with the time asymmetry of the rank-Gaussianised series") {
  constexpr std::size_t kSeries = 1000, kLength = 256;
  const Rates a = rejection_rates(&aaft, kSeries, kLength);
  const Rates s = rejection_rates(&iaaft, kSeries, kLength);
  std::printf(
      "calibration AAFT/IAAFT (1000 series of 256, 19 surrogates): AAFT %.3f (raw values "
      "%.3f), IAAFT %.3f (raw values %.3f)\n",
      a.gaussianised, a.raw, s.gaussianised, s.raw);
  CHECK(a.gaussianised >= 0.035);
  CHECK(a.gaussianised <= 0.065);
  CHECK(s.gaussianised >= 0.035);
  CHECK(s.gaussianised <= 0.065);
  CHECK(s.raw > 0.1);  // the documented over-rejection of a raw-value statistic
}
