// Time-zone fit: log-likelihood against a slow per-cell reference, two-zone false-alarm rate,
// circular-shift calibration on Poisson series, thread independence and bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/rhythm/timezone.hpp"

using namespace tealeaves::rhythm;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

constexpr double kMonday = 1699833600.0;  // 2023-11-13 00:00:00 UTC, a Monday

// A person at work (as tealeaves.datasets.simulate.human_times): Poisson(8) sessions per local
// weekday, uniform over 09-18 local, each 1 + Poisson(7) lookups with log-normal gaps (median
// 20 s, sigma 1).
std::vector<double> human(double start, double end, double offset_hours, Rng& rng) {
  std::vector<double> t;
  const double off = offset_hours * 3600.0;
  for (double day = std::floor((start + off) / 86400.0); day * 86400.0 - off < end; day += 1.0) {
    if ((static_cast<long long>(day) + 3) % 7 >= 5) continue;
    const auto n = rng.poisson(8.0);
    for (std::uint64_t s = 0; s < n; ++s) {
      double x = day * 86400.0 + 9 * 3600.0 - off + rng.uniform() * 9 * 3600.0;
      const auto k = 1 + rng.poisson(7.0);
      for (std::uint64_t j = 0; j < k; ++j) {
        if (x >= start && x <= end) t.push_back(x);
        x += 20.0 * std::exp(rng.normal());
      }
    }
  }
  std::sort(t.begin(), t.end());
  return t;
}

EventSeries window_series(std::vector<double> t, double start, double end) {
  tealeaves::SeriesOptions o;
  o.start = start;
  o.end = end;
  o.sort = true;
  return EventSeries(t, o);
}

}  // namespace

TEST_CASE("timezone: log-likelihood curve equals a slow per-cell Poisson reference") {
  Rng rng(5, 0);
  const double start = kMonday + 5000.0, end = kMonday + 16 * 86400.0 + 777.0;
  const auto series = window_series(human(start, end, 2.5, rng), start, end);
  TimezoneOptions o;
  o.two_zones = false;
  o.n_surrogates = 0;
  o.collapse_within = 300.0;
  const auto f = fit_timezone(series, o);
  const WeekTable utc = week_table(series, 300.0);
  for (std::size_t g = 0; g < f.offsets_hours.size(); g += 7) {
    const double off = f.offsets_hours[g];
    // Reference: class of each UTC cell from its local clock time, levels n_k / E_k.
    std::vector<int> cls(week_cells);
    double n[3] = {}, e[3] = {};
    for (std::size_t c = 0; c < week_cells; ++c) {
      const double local = kMonday + c * 900.0 + off * 3600.0;  // cell start, local seconds
      const auto day = static_cast<long long>(std::floor(local / 86400.0));
      const double hour = (local - day * 86400.0) / 3600.0;
      const bool weekday = (day + 3) % 7 < 5;
      cls[c] = !weekday ? 2 : (hour >= 9.0 && hour < 18.0 ? 0 : 1);
      n[cls[c]] += utc.counts[c];
      e[cls[c]] += utc.exposure[c];
    }
    double ll = 0.0;
    for (std::size_t c = 0; c < week_cells; ++c) {
      const double lam = e[cls[c]] > 0 ? n[cls[c]] / e[cls[c]] : 0.0;
      const double mu = lam * utc.exposure[c];
      if (utc.counts[c] > 0) ll += utc.counts[c] * std::log(mu) - std::lgamma(utc.counts[c] + 1);
      ll -= mu;
    }
    CHECK(f.loglik[g] == doctest::Approx(ll).epsilon(1e-10));
    // The same through the public rotation + template log-likelihood.
    const auto j = static_cast<std::ptrdiff_t>(std::lround(off * 4.0));
    CHECK(template_loglik(rotate(utc, j), o.templ) == doctest::Approx(ll).epsilon(1e-10));
  }
  CHECK(std::abs(f.best_offset_hours - 2.5) <= 1.0);
  CHECK(f.interval_low_hours <= f.best_offset_hours);
  CHECK(f.interval_high_hours >= f.best_offset_hours);
  // A given template equal to the office shape with fixed ratios has one free scale.
  TimezoneOptions g = o;
  g.templ.office = false;
  g.templ.rates.assign(168, 0.01);
  for (std::size_t d = 0; d < 5; ++d)
    for (std::size_t h = 9; h < 18; ++h) g.templ.rates[d * 24 + h] = 1.0;
  const auto fg = fit_timezone(series, g);
  CHECK(std::abs(fg.best_offset_hours - 2.5) <= 1.0);
}

TEST_CASE("timezone: two people are two zones; one person's false two-zone rate") {
  const double start = kMonday, end = kMonday + 21 * 86400.0;
  TimezoneOptions o;
  o.collapse_within = 300.0;
  o.n_surrogates = 0;
  o.n_bootstrap = 19;  // p <= 0.05 iff no replicate reaches the observed LR: exact 5% level
  o.step_minutes = 60.0;
  o.threads = 1;
  {
    Rng rng(1, 0);
    auto t = human(start, end, -4.0, rng);
    const auto t2 = human(start, end, 3.0, rng);
    t.insert(t.end(), t2.begin(), t2.end());
    const auto f = fit_timezone(window_series(t, start, end), o);
    CHECK(f.two_preferred_bic);
    CHECK(f.two_preferred_test);
    CHECK(std::abs(f.two_offset1_hours + 4.0) <= 1.0);
    CHECK(std::abs(f.two_offset2_hours - 3.0) <= 1.0);
    CHECK(f.two_weight == doctest::Approx(0.5).epsilon(0.25));
  }
  int false_test = 0, false_bic = 0;
  const int trials = 100;
  for (int i = 0; i < trials; ++i) {
    Rng rng(100, static_cast<std::uint64_t>(i));
    const double off = -12.0 + static_cast<double>(rng.below(27));
    o.seed = static_cast<std::uint64_t>(i);
    const auto f = fit_timezone(window_series(human(start, end, off, rng), start, end), o);
    false_test += f.two_preferred_test;
    false_bic += f.two_preferred_bic;
  }
  MESSAGE("false two-zone rate over ", trials, " one-person series: test ", false_test, "%, BIC ",
          false_bic, "%");
  CHECK(false_test <= 10);  // nominal 5% (binomial 99.7% bound ~ 11)
  CHECK(false_bic <= 10);
}

TEST_CASE("timezone: circular-shift and Poisson p-values are calibrated on Poisson series") {
  const double start = kMonday + 3600.0, end = start + 14 * 86400.0;
  TimezoneOptions o;
  o.two_zones = false;
  o.n_surrogates = 19;  // p <= 0.05 iff no surrogate reaches the observed value
  o.threads = 1;
  int below_shift = 0, below_poisson = 0;
  const int trials = 200;
  for (int i = 0; i < trials; ++i) {
    Rng rng(77, static_cast<std::uint64_t>(i));
    std::vector<double> t;
    for (double x = start + rng.exponential(80.0 / (end - start)); x < end;
         x += rng.exponential(80.0 / (end - start)))
      t.push_back(x);
    o.seed = static_cast<std::uint64_t>(i);
    const auto f = fit_timezone(window_series(t, start, end), o);
    below_shift += f.p_value <= 0.05;
    below_poisson += f.p_value_poisson <= 0.05;
  }
  MESSAGE("Poisson series with p <= 0.05 (of ", trials, "): circular shift ", below_shift,
          ", poisson null ", below_poisson);
  CHECK(below_shift >= 4);  // [0.02, 0.08] x 200
  CHECK(below_shift <= 16);
  CHECK(below_poisson >= 4);
  CHECK(below_poisson <= 16);
}

TEST_CASE("timezone: identical results for any thread count; invariance to a week's shift") {
  const double start = kMonday, end = kMonday + 14 * 86400.0;
  Rng rng(9, 0);
  const auto t = human(start, end, 5.5, rng);
  TimezoneOptions o;
  o.collapse_within = 300.0;
  o.n_surrogates = 19;
  o.n_bootstrap = 19;
  o.step_minutes = 60.0;
  o.seed = 3;
  o.threads = 1;
  const auto a = fit_timezone(window_series(t, start, end), o);
  o.threads = 2;
  const auto b = fit_timezone(window_series(t, start, end), o);
  CHECK(a.loglik == b.loglik);
  CHECK(a.p_value == b.p_value);
  CHECK(a.p_value_poisson == b.p_value_poisson);
  CHECK(a.two_p_value == b.two_p_value);
  CHECK(a.two_loglik == b.two_loglik);
  std::vector<double> t2(t);
  for (double& x : t2) x += seconds_per_week;
  const auto c =
      fit_timezone(window_series(t2, start + seconds_per_week, end + seconds_per_week), o);
  for (std::size_t g = 0; g < a.loglik.size(); ++g)
    CHECK(c.loglik[g] == doctest::Approx(a.loglik[g]).epsilon(1e-9));
}

TEST_CASE("timezone: sleep classes; a daily-only template's interval wraps by 24 h") {
  Template sl;
  sl.sleep = true;
  const auto cells = template_cells(sl);
  CHECK(cells[3 * 4] == 0.0);               // Monday 03:00: asleep
  CHECK(cells[12 * 4] == 1.0);              // Monday 12:00: weekday awake
  CHECK(cells[5 * 96 + 12 * 4] == 2.0);     // Saturday 12:00: weekend awake
  CHECK(cells[6 * 96 + 7 * 4 + 3] == 0.0);  // Sunday 07:45: asleep
  // The same smooth daily profile every day: offsets 24 h apart fit identically, and a
  // person near the -12 h end of the grid gets an interval that continues at +12 h.
  const double start = kMonday, end = kMonday + 7 * 86400.0;
  Rng rng(3, 0);
  const auto t = human(start, end, -11.5, rng);
  TimezoneOptions o;
  o.templ.office = false;
  o.templ.rates.resize(168);
  for (std::size_t k = 0; k < 168; ++k) {
    o.templ.rates[k] = 1.0 + std::cos(2.0 * 3.141592653589793 * (double(k % 24) - 13.0) / 24.0);
  }
  o.two_zones = false;
  o.n_surrogates = 0;
  o.collapse_within = 300.0;
  const auto f = fit_timezone(window_series(t, start, end), o);
  const std::size_t day = 96;  // grid steps of 15 min
  for (std::size_t g = 0; g + day < f.loglik.size(); ++g) {
    CHECK(f.loglik[g] == doctest::Approx(f.loglik[g + day]).epsilon(1e-9));
  }
  MESSAGE("daily template: best ", f.best_offset_hours, " h, interval [", f.interval_low_hours,
          ", ", f.interval_high_hours, "] wraps ", f.interval_wraps);
  CHECK(std::abs(f.best_offset_hours + 11.5) <= 1.0);
  CHECK(f.interval_wraps);
  CHECK(f.interval_low_hours > f.interval_high_hours);  // e.g. [+11.5, -10.5]
  CHECK(f.interval_low_hours >= 10.0);
}

TEST_CASE("timezone: bad input names the argument") {
  const std::vector<double> t{kMonday, kMonday + 10.0, kMonday + 5000.0};
  const EventSeries s(t);
  TimezoneOptions o;
  o.step_minutes = 25.0;
  CHECK_THROWS_WITH_AS(fit_timezone(s, o), doctest::Contains("step_minutes"),
                       std::invalid_argument);
  o.step_minutes = 45.0;
  CHECK_THROWS_WITH_AS(fit_timezone(s, o), doctest::Contains("step_minutes"),
                       std::invalid_argument);
  o = {};
  o.templ.office = false;
  o.templ.rates.assign(24, 1.0);
  CHECK_THROWS_WITH_AS(fit_timezone(s, o), doctest::Contains("template"), std::invalid_argument);
}
