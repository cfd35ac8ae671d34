#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "reference/naive.hpp"
#include "tealeaves/spectral/periodogram.hpp"
#include "test_helpers.hpp"

using namespace tealeaves::spectral;

namespace {

// Periodogram straight from the definition: |DFT(w (x - mean))|^2 scaled and folded.
std::vector<double> reference_density(const std::vector<double>& x, Window window, double fs) {
  const auto w = make_window(window, x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  std::vector<double> y(x.size());
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = (x[i] - mean) * w[i];
    sum_sq += w[i] * w[i];
  }
  const auto spectrum = tealeaves::reference::dft(y);
  std::vector<double> p(spectrum.size());
  for (std::size_t k = 0; k < p.size(); ++k) {
    const bool doubled = k > 0 && !(x.size() % 2 == 0 && k == p.size() - 1);
    p[k] = std::norm(spectrum[k]) / (fs * sum_sq) * (doubled ? 2.0 : 1.0);
  }
  return p;
}

}  // namespace

TEST_CASE("periodogram matches a naive DFT for odd and even lengths and each window") {
  for (std::size_t n : {1u, 2u, 7u, 64u, 101u, 1000u}) {
    for (Window window : {Window::boxcar, Window::hann, Window::hamming, Window::blackman}) {
      const auto x = tealeaves::testing::random_normal(n, 42 + n);
      PeriodogramOptions o;
      o.fs = 4.0;
      o.window = window;
      const Spectrum s = periodogram(x, o);
      const auto expected = reference_density(x, window, 4.0);
      REQUIRE(s.power.size() == expected.size());
      const double scale = *std::max_element(expected.begin(), expected.end()) + 1e-300;
      for (std::size_t k = 0; k < expected.size(); ++k) {
        CHECK(std::abs(s.power[k] - expected[k]) <= 1e-12 * scale);
      }
      CHECK(s.frequency(1) == doctest::Approx(4.0 / static_cast<double>(n)));
    }
  }
}

TEST_CASE("Parseval: the summed power spectrum equals the variance") {
  for (std::size_t n : {256u, 999u}) {
    const auto x = tealeaves::testing::random_normal(n, 7);
    PeriodogramOptions o;
    o.scaling = Scaling::power;
    const Spectrum s = periodogram(x, o);
    // With scaling=power the two-sided spectrum sums to mean(y^2); one-sided folding keeps it.
    const double total = std::accumulate(s.power.begin(), s.power.end(), 0.0);
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
    double variance = 0.0;
    for (double v : x) variance += (v - mean) * (v - mean);
    variance /= static_cast<double>(n);
    CHECK(total == doctest::Approx(variance).epsilon(1e-12));
  }
}

TEST_CASE("Leahy powers of Poisson counts average 2 (chi^2 with 2 dof)") {
  const auto counts = tealeaves::testing::random_poisson(1 << 16, 3.0, 11);
  PeriodogramOptions o;
  o.scaling = Scaling::leahy;
  const Spectrum s = periodogram(counts, o);
  double mean = 0.0, mean_sq = 0.0;
  const std::size_t m = s.power.size() - 2;  // drop DC and Nyquist
  for (std::size_t k = 1; k <= m; ++k) {
    mean += s.power[k];
    mean_sq += s.power[k] * s.power[k];
  }
  mean /= static_cast<double>(m);
  mean_sq /= static_cast<double>(m);
  // Mean 2 and variance 4 of chi^2_2; standard error of the mean is 2 / sqrt(m) ~ 0.011.
  CHECK(mean == doctest::Approx(2.0).epsilon(0.03));
  CHECK(mean_sq - mean * mean == doctest::Approx(4.0).epsilon(0.08));
  CHECK(s.power[0] == 0.0);  // mean removed
}

TEST_CASE("zero padding and writing into a caller's buffer") {
  const auto x = tealeaves::testing::random_normal(100, 3);
  PeriodogramOptions o;
  o.nfft = 256;
  const Spectrum s = periodogram(x, o);
  CHECK(s.power.size() == 129);
  std::vector<double> out(129);
  const Spectrum info = periodogram_into(x, out, o);
  CHECK(info.power.empty());
  CHECK(out == s.power);
  std::vector<double> wrong(10);
  CHECK_THROWS_WITH_AS(periodogram_into(x, wrong, o), doctest::Contains("power:"),
                       std::invalid_argument);
  o.nfft = 50;
  CHECK_THROWS_WITH_AS(periodogram(x, o), doctest::Contains("nfft:"), std::invalid_argument);
}

TEST_CASE("welch with one segment equals the periodogram, and segments average") {
  const auto x = tealeaves::testing::random_normal(512, 5);
  WelchOptions w;
  w.nperseg = 512;
  w.window = Window::hann;
  PeriodogramOptions p;
  p.window = Window::hann;
  const Spectrum a = welch(x, w);
  const Spectrum b = periodogram(x, p);
  CHECK(a.n_segments == 1);
  for (std::size_t k = 0; k < a.power.size(); ++k) CHECK(a.power[k] == doctest::Approx(b.power[k]));

  WelchOptions segs;
  segs.nperseg = 128;
  const Spectrum avg = welch(x, segs);
  CHECK(avg.n_segments == 7);  // (512 - 64) / 64
  CHECK(avg.noverlap == 64);
  // Mean of the per-segment periodograms, computed by hand.
  std::vector<double> manual(65, 0.0);
  for (std::size_t s = 0; s < 7; ++s) {
    PeriodogramOptions one;
    one.window = Window::hann;
    const auto seg = periodogram(std::span<const double>(x).subspan(s * 64, 128), one);
    for (std::size_t k = 0; k < 65; ++k) manual[k] += seg.power[k] / 7.0;
  }
  for (std::size_t k = 0; k < 65; ++k) CHECK(avg.power[k] == doctest::Approx(manual[k]));
}

TEST_CASE("bad spectral input names the argument") {
  const std::vector<double> empty;
  CHECK_THROWS_WITH_AS(periodogram(empty), doctest::Contains("x: is empty"), std::invalid_argument);
  const std::vector<double> nan{1.0, std::nan("")};
  CHECK_THROWS_WITH_AS(periodogram(nan), doctest::Contains("x: value at index 1"),
                       std::invalid_argument);
  const std::vector<double> ok{1.0, 2.0, 3.0};
  PeriodogramOptions o;
  o.fs = 0.0;
  CHECK_THROWS_WITH_AS(periodogram(ok, o), doctest::Contains("fs:"), std::invalid_argument);
  WelchOptions w;
  w.nperseg = 2;
  w.noverlap = 2;
  CHECK_THROWS_WITH_AS(welch(ok, w), doctest::Contains("noverlap:"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_window("kaiser"), doctest::Contains("window: unknown"),
                       std::invalid_argument);
  const std::vector<double> negative{1.0, -1.0};
  PeriodogramOptions leahy;
  leahy.scaling = Scaling::leahy;
  CHECK_THROWS_WITH_AS(periodogram(negative, leahy), doctest::Contains("negative"),
                       std::invalid_argument);
}
