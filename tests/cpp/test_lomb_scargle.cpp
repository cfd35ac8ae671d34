#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference/lomb_scargle_naive.hpp"
#include "tealeaves/spectral/lomb_scargle.hpp"

using namespace tealeaves::spectral;

namespace {

struct Data {
  std::vector<double> t, y, dy;
};

// Uneven times over [0, span) with a sinusoid (period 7.3) in Gaussian noise.
Data uneven(std::size_t n, std::uint64_t seed, double span = 100.0, double offset = 0.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, span);
  std::normal_distribution<double> g(0.0, 1.0);
  Data d;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = u(rng);
    d.t.push_back(offset + t);
    d.y.push_back(3.0 + 0.7 * std::sin(2.0 * std::numbers::pi * t / 7.3) + g(rng));
    d.dy.push_back(0.5 + 0.5 * std::abs(g(rng)));
  }
  return d;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

// max |a - b| relative to max |b|
double max_error(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double e = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) e = std::max(e, std::abs(a[k] - b[k]));
  return e / max_abs(b);
}

const char* kNormalizations[] = {"standard", "model", "log", "psd"};

}  // namespace

TEST_CASE("exact Lomb-Scargle matches the long-double direct sum for every option") {
  for (std::size_t n : {5u, 64u, 200u}) {
    const Data d = uneven(n, 11 + n);
    const FrequencyGrid grid = auto_frequency_grid(d.t, {.nyquist_factor = 1.5});
    const std::vector<double> f = grid.frequencies();
    for (const char* norm : kNormalizations) {
      for (const auto& [fit_mean, center] :
           {std::pair{true, true}, {false, true}, {false, false}}) {
        for (bool with_dy : {false, true}) {
          LombScargleOptions o;
          o.normalization = parse_ls_normalization(norm);
          o.fit_mean = fit_mean;
          o.center_data = center;
          std::span<const double> dy =
              with_dy ? std::span<const double>(d.dy) : std::span<const double>();
          const auto r = lomb_scargle(d.t, d.y, dy, grid, o);
          const auto ref =
              tealeaves::reference::lomb_scargle(d.t, d.y, dy, f, norm, fit_mean, center);
          INFO("n=" << n << " " << norm << " fit_mean=" << fit_mean << " center=" << center);
          CHECK(max_error(r.power, ref) < 1e-11);
        }
      }
    }
  }
}

TEST_CASE("a non-uniform frequency list is evaluated directly and matches the reference") {
  const Data d = uneven(200, 3);
  std::vector<double> f;
  for (int k = 1; k <= 700; ++k) f.push_back(0.002 * k + 1e-4 * std::sin(k));  // irregular
  const auto r = lomb_scargle(d.t, d.y, d.dy, std::span<const double>(f));
  CHECK(r.frequency == f);
  CHECK(max_error(r.power, tealeaves::reference::lomb_scargle(d.t, d.y, d.dy, f, "standard")) <
        1e-11);
  LombScargleOptions fast;
  fast.method = LsMethod::fast;
  CHECK_THROWS_WITH_AS(lomb_scargle(d.t, d.y, d.dy, std::span<const double>(f), fast),
                       doctest::Contains("frequency: is not a uniform grid"),
                       std::invalid_argument);
}

TEST_CASE("a uniform frequency list uses the grid and keeps the caller's values") {
  const Data d = uneven(150, 5);
  const FrequencyGrid grid{0.01, 0.003, 500};
  const std::vector<double> f = grid.frequencies();
  const auto from_list = lomb_scargle(d.t, d.y, {}, std::span<const double>(f));
  const auto from_grid = lomb_scargle(d.t, d.y, {}, grid);
  CHECK(from_list.power == from_grid.power);
  CHECK(from_list.grid.count == 500);
}

TEST_CASE("the recurrence stays accurate across long grids (re-seeded every block)") {
  const Data d = uneven(97, 8, 1000.0);
  const FrequencyGrid grid{1e-4, 2e-4, 20000};  // up to 4 Hz: ~4000 cycles over the span
  const auto r = lomb_scargle(d.t, d.y, d.dy, grid);
  std::vector<double> f;
  std::vector<std::size_t> picks;
  for (std::size_t k = 0; k < grid.count; k += 997) picks.push_back(k);
  picks.push_back(grid.count - 1);
  for (auto k : picks) f.push_back(grid.frequency(k));
  const auto ref = tealeaves::reference::lomb_scargle(d.t, d.y, d.dy, f, "standard");
  const double scale = max_abs(r.power);
  for (std::size_t i = 0; i < picks.size(); ++i) {
    CHECK(std::abs(r.power[picks[i]] - ref[i]) < 1e-11 * scale);
  }
}

TEST_CASE("fast (NUFFT) path agrees with the exact path within its stated bound") {
  for (std::size_t n : {20u, 100u, 2000u}) {
    const Data d = uneven(n, 21 + n, 50.0, 1.7e9);  // epoch-like offset: origin is removed
    for (std::size_t count : {1u, 2u, 7u, 1000u, 20001u}) {
      const FrequencyGrid grid{0.013, 0.011, count};
      for (double tol : {1e-6, 1e-9, 1e-12}) {
        for (bool fit_mean : {true, false}) {
          LombScargleOptions o;
          o.fit_mean = fit_mean;
          const auto exact = lomb_scargle(d.t, d.y, d.dy, grid, o);
          o.method = LsMethod::fast;
          o.tolerance = tol;
          const auto fast = lomb_scargle(d.t, d.y, d.dy, grid, o);
          CHECK(fast.sum_error_bound <= tol);
          INFO("n=" << n << " F=" << count << " tol=" << tol << " fit_mean=" << fit_mean);
          // Sums within tol x sum|w y| move a power of order 1/n by ~tol x sqrt(n) at worst.
          CHECK(max_error(fast.power, exact.power) < 100.0 * tol);
        }
      }
    }
  }
}

TEST_CASE("results are bit-identical for 1, 2 and 8 threads, exact and fast") {
  // Large enough that both paths really use several threads (small problems run on one).
  const Data d = uneven(3001, 9);
  const FrequencyGrid exact_grid = auto_frequency_grid(d.t);
  const FrequencyGrid fast_grid{0.001, 0.0021, 400000};
  for (LsMethod method : {LsMethod::exact, LsMethod::fast}) {
    const FrequencyGrid& grid = method == LsMethod::exact ? exact_grid : fast_grid;
    LombScargleOptions o;
    o.method = method;
    o.threads = 1;
    const auto one = lomb_scargle(d.t, d.y, d.dy, grid, o);
    for (std::size_t threads : {2u, 8u}) {
      o.threads = threads;
      CHECK(lomb_scargle(d.t, d.y, d.dy, grid, o).power == one.power);
    }
  }
}

TEST_CASE("invariances: time origin, order of the points, units of y") {
  const Data d = uneven(120, 13);
  const FrequencyGrid grid = auto_frequency_grid(d.t);
  const auto base = lomb_scargle(d.t, d.y, d.dy, grid);
  Data shifted = d, scaled = d, shuffled = d;
  for (double& t : shifted.t) t += 12345.0;
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    scaled.y[i] *= 1e3;
    scaled.dy[i] *= 1e3;
  }
  std::mt19937_64 rng(1);
  std::vector<std::size_t> order(d.t.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t i = 0; i < order.size(); ++i) {
    shuffled.t[i] = d.t[order[i]];
    shuffled.y[i] = d.y[order[i]];
    shuffled.dy[i] = d.dy[order[i]];
  }
  CHECK(max_error(lomb_scargle(shifted.t, shifted.y, shifted.dy, grid).power, base.power) < 1e-9);
  CHECK(max_error(lomb_scargle(scaled.t, scaled.y, scaled.dy, grid).power, base.power) < 1e-12);
  CHECK(max_error(lomb_scargle(shuffled.t, shuffled.y, shuffled.dy, grid).power, base.power) <
        1e-12);
}

TEST_CASE("auto frequency grid follows astropy's autofrequency") {
  const std::vector<double> t = {0.0, 1.0, 3.0, 10.0};
  const FrequencyGrid g = auto_frequency_grid(t);
  CHECK(g.step == doctest::Approx(1.0 / 10.0 / 5.0));
  CHECK(g.minimum == doctest::Approx(0.01));
  CHECK(g.count ==
        1 + static_cast<std::size_t>(std::nearbyint((5.0 * 0.5 * 4 / 10.0 - 0.01) / 0.02)));
  const FrequencyGrid h = auto_frequency_grid(
      t, {.samples_per_peak = 10.0, .minimum_frequency = 0.2, .maximum_frequency = 0.5});
  CHECK(h.minimum == 0.2);
  CHECK(h.maximum() == doctest::Approx(0.5));
  CHECK(h.count == 31);
}

TEST_CASE("false-alarm probabilities: monotone, log space, and inverse") {
  FapModel m{1000, 5.0, 100.0, 833.0, LsNormalization::standard, true};
  for (auto method : {FapMethod::single, FapMethod::naive, FapMethod::davies, FapMethod::baluev}) {
    double previous = 1.0;
    for (double z = 0.0; z <= 1.0; z += 0.001) {
      const double l = log_false_alarm_probability(z, m, method);
      if (std::exp(l) <= 0.5) {
        CHECK(l <= previous);
        previous = l;
      }
    }
    // Far in the tail the probability underflows double but its log does not.
    const double tail = log_false_alarm_probability(0.9, m, method);
    CHECK(std::isfinite(tail));
    CHECK(tail < -1000.0);
    for (double p : {0.5, 0.01, 1e-6, 1e-100}) {
      const double z = false_alarm_level(p, m, method);
      CHECK(log_false_alarm_probability(z, m, method) ==
            doctest::Approx(std::log(p)).epsilon(1e-9));
    }
  }
  // Single-frequency standard: (1 - z)^((N - 3) / 2).
  CHECK(log_false_alarm_probability(0.01, m, FapMethod::single) ==
        doctest::Approx(0.5 * 997.0 * std::log1p(-0.01)));
  FapModel raw = m;
  raw.centered = false;
  CHECK_THROWS_WITH_AS(log_false_alarm_probability(0.1, raw, FapMethod::baluev),
                       doctest::Contains("fit_mean:"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(false_alarm_level(1.5, m, FapMethod::naive),
                       doctest::Contains("probability:"), std::invalid_argument);
}

TEST_CASE("bad Lomb-Scargle input names the argument") {
  const std::vector<double> t = {0.0, 1.0, 2.5}, y = {1.0, 2.0, 0.5};
  const FrequencyGrid grid{0.1, 0.1, 3};
  auto throws = [](auto&& call, const std::string& start) {
    CHECK_THROWS_WITH_AS(call(), doctest::Contains(start.c_str()), std::invalid_argument);
  };
  const std::vector<double> short_y = {1.0}, nan_t = {0.0, NAN, 1.0}, zero_dy = {1.0, 0.0, 1.0};
  throws([&] { lomb_scargle(t, short_y, {}, grid); }, "y: has 1 values but t has 3");
  throws([&] { lomb_scargle(nan_t, y, {}, grid); }, "t: value at index 1");
  throws([&] { lomb_scargle(t, y, zero_dy, grid); }, "dy: value at index 1");
  throws([&] { lomb_scargle(std::vector<double>{}, std::vector<double>{}, {}, grid); },
         "t: is empty");
  throws([&] { lomb_scargle(t, y, {}, FrequencyGrid{-1.0, 0.1, 3}); }, "minimum_frequency:");
  const std::vector<double> bad_f = {0.1, -0.2};
  throws([&] { lomb_scargle(t, y, {}, std::span<const double>(bad_f)); },
         "frequency: value at index 1");
  LombScargleOptions o;
  o.method = LsMethod::fast;
  o.tolerance = 0.0;
  throws([&] { lomb_scargle(t, y, {}, grid, o); }, "tolerance:");
  const std::vector<double> same = {2.0, 2.0};
  throws([&] { auto_frequency_grid(same); }, "t: all times are equal");
  throws([&] { auto_frequency_grid(t, {.samples_per_peak = 0.0}); }, "samples_per_peak:");
  throws([&] { auto_frequency_grid(t, {.maximum_frequency = 1e-9}); }, "maximum_frequency:");
  throws([&] { parse_ls_normalization("chi2"); }, "normalization: unknown");
  throws([&] { parse_fap_method("bootstrap"); }, "method: unknown");
  throws([&] { lomb_scargle(t, y, {}, FrequencyGrid{1e15, 1e15, 3}); }, "frequency: the highest");
}

// White-box: the bound the fast path states is on the weighted sums themselves.
#include "../../engine/src/spectral/lomb_scargle_internal.hpp"

TEST_CASE("NUFFT sums are within tolerance x sum |strength| of the exact sums") {
  namespace detail = tealeaves::spectral::detail;
  const Data d = uneven(1500, 31, 80.0);
  detail::LsData data;
  data.n = d.t.size();
  data.padded = (data.n + 7) / 8 * 8;
  data.t.assign(data.padded, 0.0);
  data.w.assign(data.padded, 0.0);
  data.wy.assign(data.padded, 0.0);
  const double t0 = *std::min_element(d.t.begin(), d.t.end());
  double abs_wy = 0.0;
  for (std::size_t i = 0; i < data.n; ++i) {
    data.t[i] = d.t[i] - t0;
    data.w[i] = 1.0 / static_cast<double>(data.n);
    data.wy[i] = data.w[i] * (d.y[i] - 3.0);
    abs_wy += std::abs(data.wy[i]);
  }
  const FrequencyGrid grid{0.0125, 0.0025, 30001};
  std::vector<detail::TrigSums> exact(grid.count), fast(grid.count);
  auto into = [](std::vector<detail::TrigSums>& out) {
    return [&out](std::size_t first, std::span<const detail::TrigSums> s) {
      std::copy(s.begin(), s.end(), out.begin() + static_cast<std::ptrdiff_t>(first));
    };
  };
  detail::exact_sums(data, grid, 0, into(exact));
  for (double tol : {1e-4, 3e-7, 1e-8, 1e-10, 1e-12}) {
    const double bound = detail::nufft_sums(data, grid, tol, true, 0, into(fast));
    CHECK(bound == tol);
    double worst_y = 0.0, worst_1 = 0.0;
    for (std::size_t k = 0; k < grid.count; ++k) {
      worst_y = std::max(
          {worst_y, std::abs(fast[k].yc - exact[k].yc), std::abs(fast[k].ys - exact[k].ys)});
      worst_1 =
          std::max({worst_1, std::abs(fast[k].c - exact[k].c), std::abs(fast[k].s - exact[k].s),
                    std::abs(fast[k].c2 - exact[k].c2), std::abs(fast[k].s2 - exact[k].s2)});
    }
    INFO("tol=" << tol << " y-sums " << worst_y / abs_wy << " weight sums " << worst_1);
    // Half the bound, except at 1e-12 where the exact sums' own rounding (~2e-13) counts too.
    const double margin = tol < 1e-11 ? 1.0 : 0.5;
    CHECK(worst_y <= margin * bound * abs_wy);
    CHECK(worst_1 <= margin * bound);
  }
}
