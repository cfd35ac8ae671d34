#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/stats.hpp"
#include "tealeaves/events/rayleigh.hpp"

using namespace tealeaves;
using namespace tealeaves::events;

namespace {

EventSeries poisson_series(std::size_t n, double duration, std::uint64_t seed,
                           std::vector<Interval> gaps = {}) {
  Rng rng(seed);
  std::vector<double> t;
  while (t.size() < n) {
    const double x = rng.uniform() * duration;
    bool in_gap = false;
    for (const auto& g : gaps) in_gap = in_gap || (x > g.start && x < g.stop);
    if (!in_gap) t.push_back(x);
  }
  SeriesOptions o;
  o.sort = true;
  o.start = 0.0;
  o.end = duration;
  o.gaps = gaps;
  return EventSeries(t, o);
}

// Textbook Z^2_n in long double, no window correction.
double naive_z2(const EventSeries& s, double f, unsigned n) {
  long double total = 0.0L;
  for (unsigned k = 1; k <= n; ++k) {
    long double c = 0.0L, si = 0.0L;
    for (double t : s.times()) {
      const long double phase = 2.0L * std::numbers::pi_v<long double> * k * f * t;
      c += std::cos(phase);
      si += std::sin(phase);
    }
    total += c * c + si * si;
  }
  return static_cast<double>(2.0L * total / static_cast<long double>(s.size()));
}

}  // namespace

TEST_CASE("grid search equals the direct sum at every frequency") {
  const EventSeries s = poisson_series(1500, 5000.0, 1);
  for (unsigned h : {1u, 2u, 5u}) {
    GridOptions go;
    go.fmax = 0.2;
    const FrequencyGrid grid = make_grid(s.duration(), go);
    Z2Options zo;
    zo.harmonics = h;
    zo.window_correction = false;
    const Z2Result r = z2n_search(s, grid, zo);
    CHECK(r.power.size() == grid.n);
    for (std::size_t k = 0; k < grid.n; k += 97) {
      const double expected = naive_z2(s, grid.frequency(k), h);
      CHECK(r.power[k] == doctest::Approx(expected).epsilon(1e-9).scale(1.0));
    }
    zo.window_correction = true;
    const Z2Result corrected = z2n_search(s, grid, zo);
    for (std::size_t k = 0; k < grid.n; k += 101) {
      const auto exact = z2_cumulative(s, grid.frequency(k), h, true);
      CHECK(corrected.power[k] == doctest::Approx(exact[h - 1]).epsilon(1e-9).scale(1.0));
    }
  }
}

TEST_CASE("grid search is bit-identical for any thread count") {
  const EventSeries s = poisson_series(3000, 10000.0, 2, {{2000.0, 3000.0}});
  GridOptions go;
  go.fmax = 0.3;
  const FrequencyGrid grid = make_grid(s.duration(), go);
  Z2Options zo;
  zo.threads = 1;
  const auto one = z2n_search(s, grid, zo).power;
  for (std::size_t threads : {2u, 3u, 8u}) {
    zo.threads = threads;
    CHECK(z2n_search(s, grid, zo).power == one);
  }
}

TEST_CASE("window correction removes the bias of low frequencies and gaps") {
  // Off-grid low frequency, where the window's mean phasor is large: Z^2_1 must average 2.
  const double duration = 1000.0;
  const double f = 1.5 / duration;
  double raw = 0.0, corrected = 0.0;
  const int trials = 400;
  for (int i = 0; i < trials; ++i) {
    const EventSeries s = poisson_series(400, duration, 100 + i, {{300.0, 450.0}});
    raw += naive_z2(s, f, 1);
    corrected += z2_cumulative(s, f, 1, true)[0];
  }
  raw /= trials;
  corrected /= trials;
  CHECK(raw > 20.0);  // 2 N |W|^2 ~ 36: the textbook statistic is badly biased here
  CHECK(corrected == doctest::Approx(2.0).epsilon(0.15));  // chi^2_2 mean, +-3 sigma
}

TEST_CASE("a strict 60 s beacon is found with an overwhelming global p-value") {
  std::vector<double> t;
  Rng rng(5);
  for (int k = 0; k < 500; ++k) t.push_back(60.0 * k + 0.5 * rng.normal());
  SeriesOptions so;
  so.sort = true;
  const EventSeries s(t, so);
  GridOptions go;
  go.fmax = 0.1;
  const auto grid = make_grid(s.duration(), go);
  const auto r = z2n_search(s, grid, {});
  std::size_t best = 0;
  for (std::size_t k = 1; k < grid.n; ++k)
    if (r.power[k] > r.power[best]) best = k;
  const double f = grid.frequency(best);
  CHECK(std::abs(60.0 * f - std::round(60.0 * f)) < 0.01);
  const double lp = z2_log_p_global(r.power[best], 2, grid.f0, grid.fmax(), r.time_variance);
  CHECK(lp < std::log(1e-100));
  CHECK(z2_log_p_single(r.power[best], 2) <= lp);
  const HTest h = htest(s, 1.0 / 60.0);
  CHECK(h.h > 500.0);
  CHECK(h.log_p == doctest::Approx(-0.4 * h.h));
}

TEST_CASE("log-space tail probabilities") {
  CHECK(stats::log_chi2_sf(3.0, 2.0) == doctest::Approx(-1.5));
  // chi^2_4 survival: e^{-x/2}(1 + x/2)
  CHECK(stats::log_chi2_sf(10.0, 4.0) == doctest::Approx(-5.0 + std::log(6.0)));
  // Far tails stay finite where the probability underflows a double.
  CHECK(stats::log_chi2_sf(2000.0, 4.0) == doctest::Approx(-1000.0 + std::log(1001.0)));
  CHECK(stats::log_chi2_sf(2000.0, 3.0) < -990.0);
  CHECK(std::isfinite(stats::log_chi2_sf(2000.0, 3.0)));
  // chi^2_1 survival of 4 = erfc(sqrt(2)).
  CHECK(stats::log_chi2_sf(4.0, 1.0) == doctest::Approx(std::log(std::erfc(std::sqrt(2.0)))));
  CHECK(stats::log_sidak(std::log(0.01), 10.0) ==
        doctest::Approx(std::log(1.0 - std::pow(0.99, 10.0))));
  CHECK(stats::log_sidak(-1000.0, 1e6) == doctest::Approx(-1000.0 + std::log(1e6)));
}

TEST_CASE("grid and inputs are validated") {
  GridOptions go;
  go.fmax = 0.001;
  CHECK_THROWS_WITH_AS(make_grid(100.0, go), doctest::Contains("fmax:"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_grid(0.0, {}), doctest::Contains("series:"), std::invalid_argument);
  const EventSeries s = poisson_series(10, 100.0, 3);
  Z2Options zo;
  zo.harmonics = 21;
  CHECK_THROWS_WITH_AS(z2n_search(s, make_grid(100.0, {}), zo), doctest::Contains("harmonics:"),
                       std::invalid_argument);
}

TEST_CASE("the NUFFT fast path stays within its stated bound of the exact search") {
  const EventSeries s = poisson_series(20000, 50000.0, 7, {{10000.0, 12000.0}});
  GridOptions go;
  go.fmax = 0.5;
  const FrequencyGrid grid = make_grid(s.duration(), go);
  for (unsigned h : {1u, 3u}) {
    for (double tolerance : {1e-4, 1e-10}) {
      Z2Options exact;
      exact.harmonics = h;
      Z2Options fast = exact;
      fast.fast = true;
      fast.tolerance = tolerance;
      const auto a = z2n_search(s, grid, exact);
      const auto b = z2n_search(s, grid, fast);
      CHECK(b.error_bound > 0.0);
      double worst = 0.0;
      for (std::size_t k = 0; k < grid.n; ++k)
        worst = std::max(worst, std::abs(a.power[k] - b.power[k]));
      CHECK(worst <= b.error_bound);
      // The bound is useful, not vacuous: at 1e-10 it is far below any power that matters.
      if (tolerance == 1e-10) CHECK(b.error_bound < 1e-4);
    }
  }
  Z2Options bad;
  bad.fast = true;
  bad.tolerance = 1e-15;
  CHECK_THROWS_WITH_AS(z2n_search(s, grid, bad), doctest::Contains("tolerance:"),
                       std::invalid_argument);
}
