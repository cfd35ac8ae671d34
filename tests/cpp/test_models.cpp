// Point-process models (verdict/models): likelihoods against slow references, parameter recovery
// on seeded simulations, time-rescaling calibration, model selection and determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "reference/point_process_naive.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/verdict/models.hpp"

using namespace tealeaves::verdict;
using tealeaves::EventSeries;
using tealeaves::Interval;
using tealeaves::Rng;

namespace {

constexpr double kEpoch = 1.7e9;  // 2023-11-14 22:13:20 UTC, a Tuesday

EventSeries make_series(const std::vector<double>& t, double start, double end,
                        std::vector<Interval> gaps = {}) {
  tealeaves::SeriesOptions o;
  o.start = start;
  o.end = end;
  o.gaps = std::move(gaps);
  o.time_origin = 0.0;
  return EventSeries(t, o);
}

std::vector<double> shifted(const std::vector<double>& t, double by) {
  std::vector<double> out(t);
  for (double& v : out) v += by;
  return out;
}

const ProcessFit& fit_of(const ModelComparison& c, ProcessModel m) {
  for (const auto& f : c.fits) {
    if (f.model == m) return f;
  }
  throw std::runtime_error("model not fitted");
}

}  // namespace

TEST_CASE("models: Hawkes likelihood equals the O(n^2) direct sum, with outages") {
  const std::vector<Interval> good = {{0.0, 1.2e5}, {1.5e5, 2.6e5}};
  RoutineOptions ro;
  ro.utc_offset_seconds = 3600.0;
  const RoutineDesign design(kEpoch, 2.6e5, ro);  // 3 days from a Tuesday: no weekend term
  const std::vector<double> shape = {0.0, 0.4, -0.3, 0.2, 0.1, -0.1, 0.05, 0.3};
  REQUIRE(design.size() == shape.size());
  Rng rng(11);
  const auto t = simulate_hawkes(design, shape, {0.001, 0.6, 0.01}, good, rng);
  REQUIRE(t.size() > 300);
  for (const double v : t) CHECK(((v >= 0.0 && v <= 1.2e5) || (v >= 1.5e5 && v <= 2.6e5)));
  std::vector<double> b(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) b[i] = std::exp(design.log_rate(t[i], shape));
  const double b_integral = 7777.0;  // any value: it enters both linearly
  for (const HawkesParams p : {HawkesParams{0.001, 0.6, 0.01}, HawkesParams{0.1, 0.05, 2.0},
                               HawkesParams{0.001, 0.95, 0.001}}) {
    double g[3];
    const double fast = hawkes_log_likelihood(t, good, b, b_integral, p, {g, 3});
    const double slow = reference::hawkes_loglik(t, good, b, b_integral, p.mu, p.alpha, p.beta);
    CHECK(fast == doctest::Approx(slow).epsilon(1e-9));
    // Analytic gradient vs central differences.
    const double h[3] = {1e-6 * p.mu, 1e-6 * p.alpha, 1e-6 * p.beta};
    for (int k = 0; k < 3; ++k) {
      HawkesParams up = p, down = p;
      (k == 0 ? up.mu : k == 1 ? up.alpha : up.beta) += h[k];
      (k == 0 ? down.mu : k == 1 ? down.alpha : down.beta) -= h[k];
      const double fd = (hawkes_log_likelihood(t, good, b, b_integral, up) -
                         hawkes_log_likelihood(t, good, b, b_integral, down)) /
                        (2.0 * h[k]);
      CHECK(g[k] == doctest::Approx(fd).epsilon(1e-5).scale(1.0));
    }
  }
}

TEST_CASE("models: routine likelihood equals Simpson quadrature of the written-out rate") {
  const double start = kEpoch, duration = 9.0 * 86400.0;  // spans a weekend
  const std::vector<Interval> gaps = {{kEpoch + 2.3e5, kEpoch + 3.1e5}};
  RoutineOptions ro;
  ro.harmonics = 3;
  ro.utc_offset_seconds = -5.0 * 3600.0;
  const std::vector<double> coef = {-5.0, 0.8, -0.6, 0.3, 0.2, -0.1, 0.15, -1.2, 0.4};
  const std::vector<double> times = {kEpoch + 100.0, kEpoch + 5e4, kEpoch + 4e5, kEpoch + 7e5};
  const auto series = make_series(times, start, start + duration, gaps);
  const RoutineDesign design(series.origin(), series.duration(), ro);
  const double fast = routine_log_likelihood(design, coef, series.times(), series.good_intervals());
  auto rate = [&](double absolute) {
    return std::exp(reference::routine_log_rate(absolute, ro.utc_offset_seconds, start, duration,
                                                coef, 3, true, true));
  };
  double slow = 0.0;
  for (const double t : times) slow += std::log(rate(t));
  slow -= reference::simpson_integral(rate, start, kEpoch + 2.3e5, ro.utc_offset_seconds, 10.0);
  slow -= reference::simpson_integral(rate, kEpoch + 3.1e5, start + duration, ro.utc_offset_seconds,
                                      10.0);
  CHECK(fast == doctest::Approx(slow).epsilon(1e-9));
}

TEST_CASE("models: the renewal density is proper on gaps > 0 and its survival functions agree") {
  for (const RenewalParams p : {RenewalParams{10.0, 1.0, 0.0}, RenewalParams{10.0, 4.5, 0.3},
                                RenewalParams{60.0, 0.5, 0.6}}) {
    // Trapezoid over (0, 60 P] in steps of ~jitter / 40 (1.5 P falls on the grid): error
    // ~h^2 f'(0+) / 12 < 1e-5.
    const double h = 1.5 * p.period / std::ceil(60.0 * p.period / p.jitter);
    const auto steps = static_cast<std::size_t>(std::llround(60.0 * p.period / h));
    const auto at_1p5 = static_cast<std::size_t>(std::llround(1.5 * p.period / h));
    const double top = static_cast<double>(steps) * h;
    double mass = 0.0, first = 0.0, cdf_at_1p5 = 0.0;
    for (std::size_t k = 1; k <= steps; ++k) {
      const double x = static_cast<double>(k) * h;
      // The density is positive at 0+ (truncated components): evaluate just inside.
      const double f = std::exp(renewal_log_pdf(x, p));
      const double f0 = std::exp(renewal_log_pdf(std::max(x - h, 1e-12), p));
      mass += 0.5 * h * (f + f0);
      first += 0.5 * h * (x * f + (x - h) * f0);
      if (k == at_1p5) cdf_at_1p5 = mass;
    }
    CHECK(mass == doctest::Approx(1.0).epsilon(1e-5));
    CHECK(first == doctest::Approx(renewal_mean(p)).epsilon(1e-5));
    CHECK(std::exp(renewal_log_sf(1.5 * p.period, p)) ==
          doctest::Approx(1.0 - cdf_at_1p5).epsilon(1e-4));
    // S_e(x) = integral_x^inf S(u) du / E[g]: check at x = 0.7 P by trapezoid of S.
    double tail = 0.0;
    const double x0 = 0.7 * p.period;
    for (double x = x0 + h; x <= top; x += h) {
      tail += 0.5 * h * (std::exp(renewal_log_sf(x, p)) + std::exp(renewal_log_sf(x - h, p)));
    }
    CHECK(std::exp(renewal_log_equilibrium_sf(x0, p)) ==
          doctest::Approx(tail / renewal_mean(p)).epsilon(1e-4));
  }
}

TEST_CASE("models: the renewal window likelihood is the written-out product of its terms") {
  const std::vector<Interval> good = {{0.0, 1000.0}, {1500.0, 1600.0}, {2000.0, 5000.0}};
  const std::vector<double> t = {3.0, 14.0, 25.0, 60.0, 990.0, 2001.0, 2011.5, 2100.0, 4999.0};
  for (const RenewalParams p : {RenewalParams{10.0, 1.0, 0.2}, RenewalParams{10.0, 4.9, 0.9},
                                RenewalParams{30.0, 0.01, 0.0}}) {
    const double log_mean = std::log(renewal_mean(p));
    double slow = 0.0;
    // Interval 1: first event (equilibrium density), gaps, censored end.
    slow += renewal_log_sf(3.0, p) - log_mean;
    for (std::size_t i = 1; i < 5; ++i) slow += renewal_log_pdf(t[i] - t[i - 1], p);
    slow += renewal_log_sf(10.0, p);
    slow += renewal_log_equilibrium_sf(100.0, p);  // interval 2: no event
    slow += renewal_log_sf(1.0, p) - log_mean;
    for (std::size_t i = 6; i < 9; ++i) slow += renewal_log_pdf(t[i] - t[i - 1], p);
    slow += renewal_log_sf(1.0, p);
    CHECK(renewal_log_likelihood(t, good, p) == doctest::Approx(slow).epsilon(1e-12));
  }
}

TEST_CASE("models: Hawkes parameters are recovered from n ~ 2000 (mu 20%, alpha 0.08, beta 35%)") {
  const HawkesParams truth{0.05, 0.5, 0.2};
  const std::vector<Interval> good = {{0.0, 20000.0}};
  const RoutineDesign flat(kEpoch, 20000.0, {0, false, false, 0.0, 300.0});
  const std::vector<double> shape = {0.0};
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Rng rng(seed);
    const auto t = simulate_hawkes(flat, shape, truth, good, rng);
    const auto series = make_series(shifted(t, kEpoch), kEpoch, kEpoch + 20000.0);
    const auto f = fit_hawkes(series, {}, false);
    INFO("n = " << t.size() << " mu " << f.params[0] << " alpha " << f.params[1] << " beta "
                << f.params[2]);
    CHECK(t.size() > 1500);
    CHECK(f.status == "ok");
    CHECK(f.params[0] == doctest::Approx(truth.mu).epsilon(0.2));
    CHECK(std::abs(f.params[1] - truth.alpha) < 0.08);
    CHECK(f.params[2] == doctest::Approx(truth.beta).epsilon(0.35));
  }
}

TEST_CASE("models: routine coefficients are recovered within 4 standard errors (0.15)") {
  RoutineOptions ro;
  ro.harmonics = 2;
  ro.utc_offset_seconds = 2.0 * 3600.0;
  const double duration = 28.0 * 86400.0;
  const RoutineDesign design(kEpoch, duration, ro);
  const std::vector<double> truth = {std::log(0.01), 1.0, -0.5, 0.3, 0.2, -0.7, 0.4};
  Rng rng(5);
  const auto t = simulate_routine(design, truth, {{0.0, duration}}, rng);
  const auto series = make_series(shifted(t, kEpoch), kEpoch, kEpoch + duration);
  const auto f = fit_routine(series, ro);
  CHECK(f.status == "ok");
  CHECK(f.converged);
  // ~25000 events: the standard error of each shape coefficient is ~0.01-0.03.
  for (std::size_t j = 0; j < truth.size(); ++j) {
    INFO(f.param_names[j] << " " << f.params[j] << " vs " << truth[j]);
    CHECK(std::abs(f.params[j] - truth[j]) < 0.15);
  }
  // Invariance to the time origin: a whole week later the local times are the same.
  const auto later = make_series(shifted(t, kEpoch + 7 * 86400.0), kEpoch + 7 * 86400.0,
                                 kEpoch + 7 * 86400.0 + duration);
  const auto g = fit_routine(later, ro);
  CHECK(g.log_likelihood == doctest::Approx(f.log_likelihood).epsilon(1e-9));
}

TEST_CASE("models: renewal period, jitter and miss rate are recovered (0.1%, 15%, 0.04)") {
  const RenewalParams truth{60.0, 2.0, 0.1};
  const std::vector<Interval> good = {{0.0, 30000.0}, {40000.0, 70000.0}};
  Rng rng(9);
  const auto t = simulate_renewal(truth, good, rng);
  const auto series = make_series(shifted(t, kEpoch), kEpoch, kEpoch + 70000.0,
                                  {{kEpoch + 30000.0, kEpoch + 40000.0}});
  const auto f = fit_renewal(series, 0.0);
  INFO("P " << f.params[0] << " s " << f.params[1] << " q " << f.params[2]);
  CHECK(f.status == "ok");
  CHECK(f.params[0] == doctest::Approx(truth.period).epsilon(1e-3));
  CHECK(f.params[1] == doctest::Approx(truth.jitter).epsilon(0.15));
  CHECK(std::abs(f.params[2] - truth.miss) < 0.04);
  CHECK(f.ks_p > 0.01);
}

TEST_CASE("models: time-rescaling KS p-values are uniform at the true parameters") {
  const HawkesParams truth{0.1, 0.4, 0.5};
  const RoutineDesign flat(0.0, 3000.0, {0, false, false, 0.0, 300.0});
  const std::vector<double> shape = {0.0};
  int rejected_true = 0, below_half_true = 0, rejected_fit = 0;
  const int trials = 200;
  for (int s = 0; s < trials; ++s) {
    Rng rng(1000, static_cast<std::uint64_t>(s));
    const auto t = simulate_hawkes(flat, shape, truth, {{0.0, 3000.0}}, rng);
    const auto series = make_series(t, 0.0, 3000.0);
    // Known parameters: the rescaled gaps are exactly Exp(1), the KS p uniform.
    std::vector<double> cumulative(series.times().begin(), series.times().end());
    double d, p;
    ks_exponential(hawkes_rescaled(series.times(), series.good_intervals(), cumulative, truth), d,
                   p);
    rejected_true += p < 0.05 ? 1 : 0;
    below_half_true += p < 0.5 ? 1 : 0;
    // Fitted parameters: the p-value is optimistic (conservative).
    const auto f = fit_hawkes(series, {}, false);
    rejected_fit += f.ks_p < 0.05 ? 1 : 0;
  }
  const double fpr_true = static_cast<double>(rejected_true) / trials;
  const double fpr_fit = static_cast<double>(rejected_fit) / trials;
  std::printf(
      "[models] Hawkes time-rescaling KS FPR at 0.05: true params %.3f (p<0.5: %.3f), "
      "fitted %.3f\n",
      fpr_true, static_cast<double>(below_half_true) / trials, fpr_fit);
  CHECK(fpr_true >= 0.015);
  CHECK(fpr_true <= 0.095);
  CHECK(static_cast<double>(below_half_true) / trials == doctest::Approx(0.5).epsilon(0.2));
  CHECK(fpr_fit <= 0.08);
}

TEST_CASE("models: Poisson data, Hawkes LR bootstrap FPR at 0.05 within [0.01, 0.10]") {
  int rejected = 0, poisson_best = 0;
  const int trials = 100;
  CompareOptions o;
  o.models = {ProcessModel::poisson, ProcessModel::hawkes};
  o.n_bootstrap = 19;
  o.threads = 1;
  for (int s = 0; s < trials; ++s) {
    Rng rng(77, static_cast<std::uint64_t>(s));
    std::vector<double> t;
    for (double now = rng.exponential(0.1); now < 1500.0; now += rng.exponential(0.1)) {
      t.push_back(now);
    }
    o.seed = static_cast<std::uint64_t>(s);
    const auto c = compare_models(make_series(t, 0.0, 1500.0), o);
    REQUIRE(c.lr_tests.size() == 1);
    rejected += c.lr_tests[0].p_value <= 0.05 ? 1 : 0;
    poisson_best += c.best_bic == "poisson" ? 1 : 0;
  }
  const double fpr = static_cast<double>(rejected) / trials;
  std::printf(
      "[models] Poisson vs Hawkes LR bootstrap FPR at 0.05: %.3f; poisson best by BIC "
      "%d/%d\n",
      fpr, poisson_best, trials);
  CHECK(fpr >= 0.01);
  CHECK(fpr <= 0.10);
  CHECK(poisson_best >= 90);
}

TEST_CASE("models: Poisson data, routine LR FPR at 0.05 within [0.01, 0.10] (bootstrap, chi2)") {
  int rejected_boot = 0, rejected_chi2 = 0;
  const int trials = 100;
  CompareOptions o;
  o.models = {ProcessModel::poisson, ProcessModel::routine};
  o.routine.harmonics = 2;
  o.n_bootstrap = 19;
  o.threads = 1;
  const double duration = 3.0 * 86400.0;
  for (int s = 0; s < trials; ++s) {
    Rng rng(78, static_cast<std::uint64_t>(s));
    std::vector<double> t;
    for (double now = rng.exponential(0.002); now < duration; now += rng.exponential(0.002)) {
      t.push_back(kEpoch + now);
    }
    o.seed = static_cast<std::uint64_t>(s);
    const auto c = compare_models(make_series(t, kEpoch, kEpoch + duration), o);
    REQUIRE(c.lr_tests.size() == 1);
    rejected_boot += c.lr_tests[0].p_bootstrap <= 0.05 ? 1 : 0;
    rejected_chi2 += c.lr_tests[0].p_chi2 <= 0.05 ? 1 : 0;
  }
  const double fpr_boot = static_cast<double>(rejected_boot) / trials;
  const double fpr_chi2 = static_cast<double>(rejected_chi2) / trials;
  std::printf("[models] Poisson vs routine LR FPR at 0.05: bootstrap %.3f, chi2 %.3f\n", fpr_boot,
              fpr_chi2);
  CHECK(fpr_boot >= 0.01);
  CHECK(fpr_boot <= 0.10);
  CHECK(fpr_chi2 >= 0.01);
  CHECK(fpr_chi2 <= 0.10);
}

TEST_CASE("models: Hawkes data -> hawkes preferred; beacon -> renewal preferred") {
  Rng rng(21);
  const RoutineDesign flat(0.0, 10000.0, {0, false, false, 0.0, 300.0});
  const auto t =
      simulate_hawkes(flat, std::vector<double>{0.0}, {0.05, 0.6, 0.1}, {{0.0, 10000.0}}, rng);
  CompareOptions o;
  o.n_bootstrap = 49;
  o.routine.harmonics = 1;
  const auto c = compare_models(make_series(shifted(t, kEpoch), kEpoch, kEpoch + 10000.0), o);
  CHECK(c.best_aic == "hawkes");
  CHECK(c.best_bic == "hawkes");
  REQUIRE(c.lr_tests.size() == 2);
  CHECK(c.lr_tests[1].alternative == "hawkes");
  CHECK(c.lr_tests[1].p_value == doctest::Approx(1.0 / 50.0));
  CHECK(std::abs(c.branching_ratio - 0.6) < 0.15);

  Rng rng2(22);
  const auto beacon = simulate_renewal({300.0, 3.0, 0.05}, {{0.0, 86400.0}}, rng2);
  const auto d = compare_models(make_series(shifted(beacon, kEpoch), kEpoch, kEpoch + 86400.0), o);
  CHECK(d.best_aic == "renewal");
  CHECK(d.best_bic == "renewal");
  CHECK(fit_of(d, ProcessModel::renewal).params[0] == doctest::Approx(300.0).epsilon(1e-3));
}

TEST_CASE("models: results are identical for 1 and 2 threads") {
  Rng rng(31);
  const RoutineDesign flat(0.0, 5000.0, {0, false, false, 0.0, 300.0});
  const auto t =
      simulate_hawkes(flat, std::vector<double>{0.0}, {0.05, 0.3, 0.1}, {{0.0, 5000.0}}, rng);
  const auto series = make_series(shifted(t, kEpoch), kEpoch, kEpoch + 5000.0);
  CompareOptions o;
  o.n_bootstrap = 16;
  o.routine.harmonics = 1;
  o.seed = 4;
  o.threads = 1;
  const auto a = compare_models(series, o);
  o.threads = 2;
  const auto b = compare_models(series, o);
  REQUIRE(a.lr_tests.size() == b.lr_tests.size());
  for (std::size_t i = 0; i < a.lr_tests.size(); ++i) {
    CHECK(a.lr_tests[i].k == b.lr_tests[i].k);
    CHECK(a.lr_tests[i].p_value == b.lr_tests[i].p_value);
  }
  for (std::size_t i = 0; i < a.fits.size(); ++i) {
    CHECK(a.fits[i].log_likelihood == b.fits[i].log_likelihood);
  }
}

TEST_CASE("models: bad input names the argument") {
  const auto series = make_series({1.0, 2.0, 3.0, 5.0}, 0.0, 10.0);
  CompareOptions o;
  o.models = {};
  CHECK_THROWS_WITH_AS(compare_models(series, o), doctest::Contains("models"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_process_model("gamma"), doctest::Contains("models"),
                       std::invalid_argument);
  o = {};
  o.period_hint = -1.0;
  CHECK_THROWS_WITH_AS(compare_models(series, o), doctest::Contains("period_hint"),
                       std::invalid_argument);
  o = {};
  o.routine.utc_offset_seconds = 2e5;
  CHECK_THROWS_WITH_AS(compare_models(series, o), doctest::Contains("utc_offset"),
                       std::invalid_argument);
  o = {};
  o.routine.grid_step = 0.0;
  CHECK_THROWS_WITH_AS(compare_models(series, o), doctest::Contains("grid_step"),
                       std::invalid_argument);
  Rng rng(1);
  CHECK_THROWS_WITH_AS(simulate_renewal({10.0, 6.0, 0.0}, {{0.0, 100.0}}, rng),
                       doctest::Contains("jitter"), std::invalid_argument);
  // Too few events: a status, not an exception.
  const auto tiny = make_series({1.0, 2.0}, 0.0, 10.0);
  const auto c = compare_models(tiny, CompareOptions{});
  for (const auto& f : c.fits) CHECK(f.status == "insufficient_data");
  CHECK(c.best_aic.empty());
}
