// The verdict: the local-median tail formulas against brute-force Monte Carlo and an independent
// quadrature, the sliding median against nth_element, labels on simulated beacons and Poisson
// series, calibration of the rhythm tests under their null, bad options, determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/verdict/models.hpp"
#include "tealeaves/verdict/verdict.hpp"

using namespace tealeaves::verdict;
using tealeaves::EventSeries;
using tealeaves::Rng;
using tealeaves::SeriesOptions;

namespace {

constexpr double kDay = 86400.0;
constexpr double kStart = 1'700'006'400.0;  // a UTC midnight

double gamma_mean(Rng& rng, int k) {  // mean of k iid Exp(1)
  double s = 0.0;
  for (int i = 0; i < k; ++i) s += rng.exponential();
  return s / k;
}

// P(X > r M) by brute force: X the mean of k Exp(1), M the 32nd smallest of 64 such.
double brute_force_tail(double r, int k, int n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> nb(64);
  int hits = 0;
  for (int i = 0; i < n; ++i) {
    const double x = gamma_mean(rng, k);
    for (double& v : nb) v = gamma_mean(rng, k);
    std::nth_element(nb.begin(), nb.begin() + 31, nb.end());
    hits += x > r * nb[31];
  }
  return static_cast<double>(hits) / n;
}

// The former Python quadrature (trapezoid over M's order-statistic density on [1e-9, 8]), for
// integer k: an independent reference.
double trapezoid_tail(double r, int k) {
  const int m = 64, j = 32, n = 8001;
  auto gamma_sf = [k](double x) {
    double term = std::exp(-x), total = term;
    for (int i = 1; i < k; ++i) total += (term *= x / i);
    return total;
  };
  const double log_choose =
      std::log(j) + std::lgamma(m + 1) - std::lgamma(j + 1) - std::lgamma(m - j + 1);
  double sum = 0.0, prev = 0.0;
  const double h = (8.0 - 1e-9) / (n - 1);
  for (int i = 0; i < n; ++i) {
    const double u = 1e-9 + i * h;
    const double cdf = 1.0 - gamma_sf(k * u);
    const double log_pdf = k * std::log(k) + (k - 1) * std::log(u) - k * u - std::lgamma(k);
    const double dens = std::exp(log_choose + (j - 1) * std::log(std::max(cdf, 1e-300)) +
                                 (m - j) * std::log(std::max(1.0 - cdf, 1e-300)) + log_pdf);
    const double f = dens * gamma_sf(k * r * u);
    if (i > 0) sum += 0.5 * h * (f + prev);
    prev = f;
  }
  return sum;
}

EventSeries series_of(std::vector<double> t, double duration) {
  SeriesOptions o;
  o.time_origin = kStart;
  o.start = 0.0;
  o.end = duration;
  return EventSeries(t, o);
}

EventSeries poisson(double rate, double duration, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> t;
  for (double now = rng.exponential(rate); now < duration; now += rng.exponential(rate)) {
    t.push_back(now);
  }
  return series_of(std::move(t), duration);
}

EventSeries beacon(double period, double jitter, double duration, std::uint64_t seed) {
  Rng rng(seed);
  auto t = simulate_renewal({period, jitter, 0.0}, {{0.0, duration}}, rng);
  return series_of(std::move(t), duration);
}

bool same(double a, double b) {  // bit-identical, NaN (no p-value) included
  return a == b || (std::isnan(a) && std::isnan(b));
}

}  // namespace

TEST_CASE("verdict: Renyi closed form (k = 1) against brute-force Monte Carlo") {
  for (double r : {1.5, 3.0}) {
    const double p = std::exp(log_sf_ratio(r));
    const double mc = brute_force_tail(r, 1, 100000, 7);
    INFO("r=" << r << " p=" << p << " mc=" << mc);
    CHECK(std::abs(mc - p) < 4 * std::sqrt(p * (1 - p) / 100000));
  }
  CHECK(log_sf_ratio(0.0) == 0.0);
}

TEST_CASE("verdict: averaged-ordinate tail against Monte Carlo, quadrature and k = 1") {
  // Integer k: the independent trapezoid reference agrees to its own accuracy.
  for (int k : {2, 4, 16}) {
    for (double r : {2.0, 5.0}) {
      const double ref = trapezoid_tail(r, k);
      CHECK(std::exp(log_sf_ratio_averaged(r, k)) == doctest::Approx(ref).epsilon(1e-8));
    }
  }
  // Brute force: k = 4, r = 2 (about 0.0026) and k = 2, r = 3.
  for (auto [k, r] : {std::pair{4, 2.0}, std::pair{2, 3.0}}) {
    const int n = 60000;
    const double p = std::exp(log_sf_ratio_averaged(r, k));
    const double mc = brute_force_tail(r, k, n, 11 + static_cast<std::uint64_t>(k));
    INFO("k=" << k << " r=" << r << " p=" << p << " mc=" << mc);
    CHECK(std::abs(mc - p) < 4 * std::sqrt(p / n));
  }
  // Continuity at k = 1: the quadrature just above k = 1 meets the closed form.
  for (double r : {1.0, 4.0, 20.0}) {
    CHECK(log_sf_ratio_averaged(r, 1.0 + 1e-9) == doctest::Approx(log_sf_ratio(r)).epsilon(1e-6));
  }
  // Averaging thins the tail, monotonically in k (also for non-integer k).
  double prev = log_sf_ratio(5.0);
  for (double k : {1.5, 2.0, 3.7, 64.0, 100.0, 300.0}) {
    const double v = log_sf_ratio_averaged(5.0, k);
    CHECK(v < prev);
    prev = v;
  }
}

TEST_CASE("verdict: exchangeability, P(X > M) = 33/65 for every k") {
  for (double k : {1.0, 1.5, 2.0, 4.0, 16.0, 64.0, 200.0, 1000.0}) {
    CHECK(std::exp(log_sf_ratio_averaged(1.0, k)) == doctest::Approx(33.0 / 65.0).epsilon(1e-9));
  }
  CHECK_THROWS_AS(log_sf_ratio_averaged(2.0, 0.5), std::invalid_argument);
}

TEST_CASE("verdict: sliding local median equals a fresh nth_element") {
  Rng rng(3);
  std::vector<double> power(500);
  for (double& p : power) p = std::floor(rng.exponential() * 4);  // many ties
  const auto ratio = ratio_to_local_median(power);
  for (std::size_t i = 0; i < power.size(); ++i) {
    if (i < 33 || i + 33 >= power.size()) {
      CHECK(ratio[i] == 0.0);
      continue;
    }
    std::vector<double> nb;
    for (std::size_t j = i - 33; j <= i + 33; ++j) {
      if (j + 1 < i || j > i + 1) nb.push_back(power[j]);
    }
    REQUIRE(nb.size() == 64);
    std::nth_element(nb.begin(), nb.begin() + 31, nb.end());
    CHECK(ratio[i] == (nb[31] > 0 ? power[i] / nb[31] : 0.0));
  }
}

TEST_CASE("verdict: a beacon is periodic at its fundamental") {
  const auto v = verdict(beacon(3600.0, 2.0, 14 * kDay, 5));
  CHECK(v.label == "periodic");
  CHECK(v.period_s == doctest::Approx(3600.0).epsilon(0.01));
  CHECK(v.p_line < 1e-6);
  REQUIRE(v.evidence.size() >= 3);
  CHECK(v.evidence[0].test == "spectral line");
  CHECK(v.evidence[0].null.find("Sidak") != std::string::npos);
  // A 5-minute poller: the strongest line may be a harmonic, the period is the fundamental.
  const auto w = verdict(beacon(300.0, 1.0, 3 * kDay, 9));
  CHECK(w.label == "periodic");
  CHECK(w.period_s == doctest::Approx(300.0).epsilon(0.01));
}

TEST_CASE("verdict: Poisson series are random; the rhythm tests are calibrated") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto v = verdict(poisson(1.0 / 600, 14 * kDay, seed));
    INFO("seed " << seed);
    CHECK(v.label == "random");
    CHECK(std::isnan(v.period_s));
    CHECK(v.p_any >= v.alpha);
  }
  // Under homogeneous Poisson the day rotations and weekday permutations are exact nulls:
  // P(p <= 0.1) <= 0.1 for Monte-Carlo p = (k+1)/(n+1).
  VerdictOptions o;
  o.n_surrogates = 99;
  const int n = 150;
  int low_hours = 0, low_week = 0;
  for (int i = 0; i < n; ++i) {
    const auto v = verdict(poisson(1.0 / 3000, 8 * kDay, 100 + static_cast<std::uint64_t>(i)), o);
    for (const auto& e : v.evidence) {
      if (e.test == "same hours every day") low_hours += e.p_value <= 0.1;
      if (e.test == "weekday pattern") low_week += e.p_value <= 0.1;
    }
  }
  // Binomial(150, 0.1): mean 15, sd 3.7.
  CHECK(low_hours <= 26);
  CHECK(low_week <= 26);
  CHECK(low_hours + low_week >= 8);  // not degenerate
}

TEST_CASE("verdict: few events are insufficient; bad options are named") {
  std::vector<double> t;
  for (int i = 0; i < 10; ++i) t.push_back(60.0 * i);
  const auto v = verdict(series_of(t, 600.0));
  CHECK(v.label == "insufficient");
  REQUIRE(v.evidence.size() == 1);
  CHECK(v.evidence[0].test == "count");
  CHECK(std::isnan(v.evidence[0].p_value));
  const auto s = poisson(1.0 / 100, kDay, 4);
  auto throws_naming = [&](VerdictOptions o, const std::string& name) {
    try {
      verdict(s, o);
      FAIL("no exception for " << name);
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).rfind(name + ":", 0) == 0);
    }
  };
  VerdictOptions o;
  o.alpha = 1.5;
  throws_naming(o, "alpha");
  o = {};
  o.alpha = 0.0;
  throws_naming(o, "alpha");
  o = {};
  o.bin_width = -1.0;
  throws_naming(o, "bin_width");
  o = {};
  o.bin_width = 100.0;
  o.max_period = 150.0;
  throws_naming(o, "max_period");
  o = {};
  o.collapse_within = 0.0;
  throws_naming(o, "collapse_within");
  o = {};
  o.n_surrogates = 0;
  throws_naming(o, "n_surrogates");
  o = {};
  o.n_bootstrap = 0;
  throws_naming(o, "n_bootstrap");
}

TEST_CASE("verdict: deterministic for a seed and any thread count") {
  // One day: the self-excitation bootstrap (compare_models, threaded) stands in for the rhythm.
  Rng rng(21);
  std::vector<double> t;
  for (double now = 0.0; now < kDay;) {
    now += rng.exponential(1.0 / 900);
    const int burst = 1 + static_cast<int>(rng.below(6));
    for (int b = 0; b < burst && now < kDay; ++b) t.push_back(now += 2.0 + rng.exponential(0.1));
  }
  t.erase(std::remove_if(t.begin(), t.end(), [](double x) { return x >= kDay; }), t.end());
  const auto s = series_of(t, kDay);
  VerdictOptions o;
  o.n_bootstrap = 19;
  o.seed = 3;
  const auto a = verdict(s, o);
  o.threads = 2;
  const auto b = verdict(s, o);
  REQUIRE(a.evidence.size() == b.evidence.size());
  bool has_bursts = false;
  for (std::size_t i = 0; i < a.evidence.size(); ++i) {
    has_bursts = has_bursts || a.evidence[i].test == "self-excitation";
    CHECK(a.evidence[i].statistic == b.evidence[i].statistic);
    CHECK(same(a.evidence[i].p_value, b.evidence[i].p_value));
  }
  CHECK(has_bursts);
  CHECK(a.label == b.label);
  const auto h1 = verdict(poisson(1.0 / 2000, 6 * kDay, 8), o);
  const auto h2 = verdict(poisson(1.0 / 2000, 6 * kDay, 8), o);
  REQUIRE(h1.evidence.size() == h2.evidence.size());
  for (std::size_t i = 0; i < h1.evidence.size(); ++i) {
    CHECK(same(h1.evidence[i].p_value, h2.evidence[i].p_value));
  }
}

TEST_CASE("verdict: invariant to moving the window by whole weeks") {
  // Spectra, gaps, hours of day and weekdays are all unchanged by a shift of 7 days.
  Rng rng(17);
  std::vector<double> t;
  for (double now = 0.0; now < 9 * kDay; now += rng.exponential(1.0 / 1500)) {
    if (std::fmod(now, kDay) < 10 * 3600.0) t.push_back(now);  // a daily routine: mornings
  }
  auto at = [&](double origin) {
    SeriesOptions o;
    o.time_origin = origin;
    o.start = 0.0;
    o.end = 9 * kDay;
    return verdict(EventSeries(t, o));
  };
  const auto a = at(kStart), b = at(kStart + 7 * kDay);
  CHECK(a.label == "human");
  CHECK(a.label == b.label);
  REQUIRE(a.evidence.size() == b.evidence.size());
  for (std::size_t i = 0; i < a.evidence.size(); ++i) {
    CHECK(same(a.evidence[i].p_value, b.evidence[i].p_value));
    CHECK(a.evidence[i].statistic == doctest::Approx(b.evidence[i].statistic).epsilon(1e-12));
  }
}
