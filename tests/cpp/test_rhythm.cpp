// Rhythm: circular statistics against published values and slow references, p-value
// calibration under the null, exposure against brute-force integration, profiles and sessions.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/math/special_functions/bessel.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/rhythm/circadian.hpp"

using namespace tealeaves::rhythm;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kMonday = 1699833600.0;  // 2023-11-13 00:00:00 UTC, a Monday

std::vector<double> uniform_angles(std::size_t n, Rng& rng) {
  std::vector<double> a(n);
  for (double& v : a) v = kTwoPi * rng.uniform();
  return a;
}

// One-sample KS distance of p-values against U(0, 1).
double ks_uniform(std::vector<double> p) {
  std::sort(p.begin(), p.end());
  const double n = static_cast<double>(p.size());
  double d = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - p[i], p[i] - static_cast<double>(i) / n});
  }
  return d;
}

// Brute force: exposure of [a, b) in `bins` bins of a cycle, integrated in steps of 0.25 s
// (every boundary used below is a multiple of 0.25 s, so the steps never straddle a bin edge).
std::vector<double> exposure_brute(double a, double b, double period, double phase0,
                                   std::size_t bins) {
  std::vector<double> out(bins, 0.0);
  for (double x = a; x < b; x += 0.25) {
    const double step = std::min(0.25, b - x);
    double u = std::fmod(x + phase0, period);
    if (u < 0) u += period;
    out[static_cast<std::size_t>(u / period * static_cast<double>(bins))] += step;
  }
  return out;
}

}  // namespace

TEST_CASE("rhythm: Rayleigh test matches astropy's documented example") {
  // astropy.stats.rayleightest([130, 90, 0, 145] deg) = 0.2563487733797317 (its docstring).
  const double deg = std::numbers::pi / 180.0;
  const std::vector<double> a{130 * deg, 90 * deg, 0.0, 145 * deg};
  const auto t = rayleigh_test(a);
  CHECK(t.p_value == doctest::Approx(0.2563487733797317).epsilon(1e-12));
  CHECK(t.n == 4);
  // Z = n Rbar^2 from a direct sum.
  double c = 0, s = 0;
  for (double x : a) c += std::cos(x), s += std::sin(x);
  CHECK(t.statistic == doctest::Approx((c * c + s * s) / 4.0).epsilon(1e-14));
}

TEST_CASE("rhythm: Rayleigh, V-test and Kuiper p-values are uniform under the null") {
  // 500 seeded samples of 30 uniform phases (the small-n branch) and 500 of 80.
  for (const std::size_t n : {30u, 80u}) {
    std::vector<double> pr, pv, pk;
    for (std::uint64_t i = 0; i < 500; ++i) {
      Rng rng(20261129, i + 1000 * n);
      const auto a = uniform_angles(n, rng);
      pr.push_back(rayleigh_test(a).p_value);
      pv.push_back(v_test(a, 1.0).p_value);
      std::vector<double> u(a.size());
      for (std::size_t k = 0; k < a.size(); ++k) u[k] = a[k] / kTwoPi;
      pk.push_back(kuiper_test(u).p_value);
    }
    // KS critical value at alpha = 0.01 for 500 draws: 1.63 / sqrt(500) = 0.073.
    CHECK(ks_uniform(pr) < 0.073);
    CHECK(ks_uniform(pv) < 0.073);
    CHECK(ks_uniform(pk) < 0.073);
  }
}

TEST_CASE("rhythm: Kuiper against a gridded uniform CDF equals the plain test") {
  Rng rng(7, 0);
  std::vector<double> u(200);
  for (double& v : u) v = rng.uniform();
  std::vector<double> grid(1441);
  for (std::size_t k = 0; k < grid.size(); ++k) grid[k] = static_cast<double>(k) / 1440.0;
  const auto a = kuiper_test(u), b = kuiper_test(u, grid);
  CHECK(a.statistic == doctest::Approx(b.statistic).epsilon(1e-12));
  CHECK(a.p_value == doctest::Approx(b.p_value).epsilon(1e-10));
  // V by brute force over all pairs of CDF steps.
  std::sort(u.begin(), u.end());
  double dp = 0, dm = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    dp = std::max(dp, (i + 1.0) / 200.0 - u[i]);
    dm = std::max(dm, u[i] - i / 200.0);
  }
  CHECK(a.statistic == doctest::Approx(dp + dm).epsilon(1e-14));
  // Concentrated data: tiny p.
  std::vector<double> c(200);
  for (double& v : c) v = 0.4 + 0.05 * rng.uniform();
  CHECK(kuiper_test(c).p_value < 1e-20);
}

TEST_CASE("rhythm: von Mises fit solves the ML equation and recovers kappa") {
  // Best & Fisher (1979) sampler for von Mises(mu, kappa).
  const double mu = 2.0, kappa = 3.0;
  Rng rng(11, 0);
  const double tau = 1 + std::sqrt(1 + 4 * kappa * kappa);
  const double rho = (tau - std::sqrt(2 * tau)) / (2 * kappa);
  const double r = (1 + rho * rho) / (2 * rho);
  std::vector<double> a;
  while (a.size() < 4000) {
    const double u1 = rng.uniform(), u2 = rng.uniform(), u3 = rng.uniform();
    const double z = std::cos(std::numbers::pi * u1);
    const double f = (1 + r * z) / (r + z);
    const double c = kappa * (r - f);
    if (c * (2 - c) - u2 > 0 || std::log(c / u2) + 1 - c >= 0) {
      a.push_back(mu + (u3 > 0.5 ? 1 : -1) * std::acos(f));
    }
  }
  const auto fit = von_mises_fit(a);
  const double a1 =
      boost::math::cyl_bessel_i(1, fit.kappa) / boost::math::cyl_bessel_i(0, fit.kappa);
  CHECK(a1 == doctest::Approx(fit.r_bar).epsilon(1e-12));
  CHECK(fit.mu == doctest::Approx(mu).epsilon(0.02));
  CHECK(fit.kappa_low < kappa);
  CHECK(fit.kappa_high > kappa);
  CHECK(fit.mu_low < mu);
  CHECK(fit.mu_high > mu);
  CHECK(fit.kappa == doctest::Approx(kappa).epsilon(0.06));
}

TEST_CASE("rhythm: chi-square against exposure equals a direct computation") {
  const std::vector<double> counts{10, 20, 5, 0, 15};
  const std::vector<double> exposure{100, 100, 50, 0, 150};
  const auto t = chi_square_exposure(counts, exposure);
  // expected: n = 50, exposure 400 -> 12.5, 12.5, 6.25, -, 18.75; dof 3.
  const double x2 =
      (2.5 * 2.5) / 12.5 + (7.5 * 7.5) / 12.5 + (1.25 * 1.25) / 6.25 + (3.75 * 3.75) / 18.75;
  CHECK(t.statistic == doctest::Approx(x2).epsilon(1e-14));
  CHECK(t.dof == 3.0);
  // chi2 survival with 3 dof: erfc(sqrt(x/2)) + sqrt(2x/pi) exp(-x/2).
  const double p3 =
      std::erfc(std::sqrt(x2 / 2)) + std::sqrt(2 * x2 / std::numbers::pi) * std::exp(-x2 / 2);
  CHECK(t.p_value == doctest::Approx(p3).epsilon(1e-9));
  CHECK_THROWS_AS(chi_square_exposure(std::vector<double>{1, 1}, std::vector<double>{1, 0}),
                  std::invalid_argument);
}

TEST_CASE("rhythm: exposure by bin equals brute-force integration") {
  for (const auto& [a, b] :
       std::vector<std::pair<double, double>>{{kMonday + 1234.5, kMonday + 3 * 86400 + 999.25},
                                              {kMonday - 40000.0, kMonday + 7 * 86400 + 30000.0},
                                              {kMonday + 100.0, kMonday + 200.0}}) {
    std::vector<double> day(24, 0.0), week(7, 0.0);
    add_exposure(a, b, seconds_per_day, 0.0, day);
    add_exposure(a, b, seconds_per_week, week_phase0, week);
    const auto rd = exposure_brute(a, b, seconds_per_day, 0.0, 24);
    const auto rw = exposure_brute(a, b, seconds_per_week, week_phase0, 7);
    for (std::size_t k = 0; k < 24; ++k) CHECK(day[k] == doctest::Approx(rd[k]).epsilon(1e-9));
    for (std::size_t k = 0; k < 7; ++k) CHECK(week[k] == doctest::Approx(rw[k]).epsilon(1e-9));
  }
  // Monday 00:00 UTC falls in weekday bin 0.
  std::vector<double> w(7, 0.0);
  add_exposure(kMonday, kMonday + 3600, seconds_per_week, week_phase0, w);
  CHECK(w[0] == doctest::Approx(3600.0));
}

TEST_CASE("rhythm: profiles, sessions, clock and time-origin invariance") {
  // Sessions at 10:00 local (UTC-5) every weekday for two weeks, each a burst of 3 lookups.
  std::vector<double> t;
  for (int d = 0; d < 14; ++d) {
    if (d % 7 >= 5) continue;
    const double s = kMonday + d * 86400.0 + 15 * 3600.0;  // 10:00 at UTC-5
    for (double g : {0.0, 20.0, 50.0}) t.push_back(s + g);
  }
  tealeaves::SeriesOptions so;
  so.start = kMonday;
  so.end = kMonday + 14 * 86400.0;
  const EventSeries series(t, so);
  RhythmOptions o;
  o.collapse_within = 300.0;
  o.clock.utc_offset = -5 * 3600.0;
  o.mean_direction_hours = 10.0;
  const auto r = analyze_rhythm(series, {}, o);
  CHECK(r.n_events == 30);
  CHECK(r.n_sessions == 10);
  CHECK(r.daily.counts[10] == 10.0);
  CHECK(r.weekly.counts[0] == 2.0);
  CHECK(r.weekly.counts[5] == 0.0);
  CHECK(r.mean_hour == doctest::Approx(10.0).epsilon(1e-9));
  double e = 0.0;
  for (double x : r.daily.exposure) e += x;
  CHECK(e == doctest::Approx(14 * 86400.0));
  CHECK(r.daily.exposure[3] == doctest::Approx(14 * 3600.0));
  CHECK(r.rayleigh.p_value < 1e-3);
  REQUIRE(r.v_test.has_value());
  CHECK(r.v_test->p_value < 1e-3);
  CHECK(r.chi2_daily.p_value < 1e-10);
  CHECK(r.week_counts[10] == 2.0);  // Monday 10:00
  // Per-event offsets give the same result as the clock.
  const std::vector<double> offs(series.size(), -5 * 3600.0);
  const auto r2 = analyze_rhythm(series, offs, o);
  CHECK(r2.daily.counts == r.daily.counts);
  CHECK(r2.rayleigh.statistic == r.rayleigh.statistic);
  // Shifting every time and the window by one week changes nothing.
  std::vector<double> t2(t);
  for (double& x : t2) x += seconds_per_week;
  tealeaves::SeriesOptions so2 = so;
  so2.start = *so.start + seconds_per_week;
  so2.end = *so.end + seconds_per_week;
  const auto r3 = analyze_rhythm(EventSeries(t2, so2), {}, o);
  CHECK(r3.daily.counts == r.daily.counts);
  CHECK(r3.weekly.exposure[2] == doctest::Approx(r.weekly.exposure[2]));
  CHECK(r3.rayleigh.statistic == doctest::Approx(r.rayleigh.statistic).epsilon(1e-9));
  // A DST-like change: exposure still sums to the observed time, split around the change.
  RhythmOptions od = o;
  od.clock.change_times = {kMonday + 7 * 86400.0};
  od.clock.change_offsets = {-4 * 3600.0};
  const auto rd = analyze_rhythm(series, {}, od);
  double ed = 0.0;
  for (double x : rd.daily.exposure) ed += x;
  CHECK(ed == doctest::Approx(14 * 86400.0));
  CHECK(rd.daily.counts[11] == 5.0);  // second week read one hour later
}

TEST_CASE("rhythm: bad input names the argument") {
  const std::vector<double> t{1.0, 2.0, 3.0};
  const EventSeries s(t);
  RhythmOptions o;
  o.bins = 1;
  CHECK_THROWS_WITH_AS(analyze_rhythm(s, {}, o), doctest::Contains("bins"), std::invalid_argument);
  o = {};
  o.clock.change_times = {1.0};
  CHECK_THROWS_WITH_AS(analyze_rhythm(s, {}, o), doctest::Contains("clock"), std::invalid_argument);
  const std::vector<double> offs{0.0};
  CHECK_THROWS_WITH_AS(analyze_rhythm(s, offs, {}), doctest::Contains("event_offsets"),
                       std::invalid_argument);
  o = {};
  o.collapse_within = -1.0;
  CHECK_THROWS_WITH_AS(analyze_rhythm(s, {}, o), doctest::Contains("collapse_within"),
                       std::invalid_argument);
}
