#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

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
