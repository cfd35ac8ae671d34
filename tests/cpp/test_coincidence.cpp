// Event coincidence analysis: fast counts against the O(n m) reference, Donges' analytical
// p-value against the binomial sum, Westfall-Young min-P against brute force, power,
// determinism for any thread count and named errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/coincidence_naive.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/timeline/coincidence.hpp"

using namespace tealeaves::timeline;
using tealeaves::EventSeries;
using tealeaves::Rng;
using tealeaves::SeriesOptions;

namespace {

constexpr double kOrigin = 1.7e9;
constexpr double kDay = 86400.0;

EventSeries uniform_series(std::size_t n, double span, std::uint64_t seed, double origin = 0.0) {
  Rng rng(seed);
  std::vector<double> t(n);
  for (double& v : t) v = origin + rng.uniform() * span;
  SeriesOptions o;
  o.sort = true;
  o.start = origin;
  o.end = origin + span;
  return EventSeries(t, o);
}

std::vector<double> uniform_events(std::size_t m, double span, std::uint64_t seed,
                                   double origin = 0.0) {
  Rng rng(seed);
  std::vector<double> e(m);
  for (double& v : e) v = origin + rng.uniform() * span;
  return e;
}

double binomial_tail(std::size_t k, std::size_t n, double q) {
  double sum = 0.0;
  for (std::size_t i = k; i <= n; ++i) {
    const double log_c = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0);
    sum += std::exp(log_c + static_cast<double>(i) * std::log(q) +
                    static_cast<double>(n - i) * std::log1p(-q));
  }
  return sum;
}

}  // namespace

TEST_CASE("coincidence counts equal the O(n m) reference (instants and windows)") {
  const EventSeries s = uniform_series(2000, 30 * kDay, 1, kOrigin);
  const std::vector<double> rel(s.times().begin(), s.times().end());
  for (const bool windows : {false, true}) {
    auto starts = uniform_events(40, 32 * kDay, 2, kOrigin - kDay);
    std::vector<double> ends;
    if (windows) {
      Rng rng(3);
      for (double v : starts) ends.push_back(v + rng.uniform() * kDay);
    }
    std::size_t dropped = 0;
    const EventWindows w = make_event_windows(s, starts, ends, &dropped);
    std::vector<double> rs, re;
    for (std::size_t j = 0; j < w.size(); ++j) {
      rs.push_back(w.start[j]);
      re.push_back(w.end[j]);
    }
    CHECK(w.size() + dropped == starts.size());
    for (const double tol : {0.0, 600.0, 3600.0, 86400.0, 5 * kDay}) {
      for (const double lag : {-kDay, 0.0, 1800.0, 2 * kDay}) {
        const auto fast = count_coincidences(s.times(), w, tol, lag);
        const auto slow = tealeaves::reference::naive_coincidence(rel, rs, re, tol, lag);
        CHECK(fast.precursor == slow.precursor);
        CHECK(fast.trigger == slow.trigger);
      }
    }
  }
}

TEST_CASE("closed windows: a lookup exactly at s + lag or e + lag + tolerance coincides") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 1000.0;
  const std::vector<double> t{100.0, 160.0, 161.0, 500.0};
  const EventSeries s(t, o);
  const std::vector<double> starts{90.0, 400.0}, ends{100.0, 400.0};
  const EventWindows w = make_event_windows(s, starts, ends);
  const auto c = count_coincidences(s.times(), w, 50.0, 10.0);  // [100, 160] and [410, 460]
  CHECK(c.precursor == 2);
  CHECK(c.trigger == 1);
}

TEST_CASE("Donges' analytical p equals the binomial tail computed by hand") {
  // n = 10 lookups, 5 events, width 2 s in span 100 s: q = 1 - 0.98^5 = 0.0960792...
  const double q = 1.0 - std::pow(0.98, 5.0);
  CHECK(q == doctest::Approx(0.096079203).epsilon(1e-8));
  CHECK(donges_p_value(3, 10, 5, 2.0, 100.0) ==
        doctest::Approx(binomial_tail(3, 10, q)).epsilon(1e-12));
  CHECK(donges_p_value(0, 10, 5, 2.0, 100.0) == 1.0);
  CHECK(donges_p_value(10, 10, 5, 2.0, 100.0) == doctest::Approx(std::pow(q, 10.0)).epsilon(1e-10));
  CHECK(donges_p_value(1, 4, 2, 200.0, 100.0) == 1.0);  // width >= span: certain coincidence
}

TEST_CASE("Westfall-Young min-P equals the brute-force definition") {
  Rng rng(7);
  const std::size_t rows = 60, cols = 5;
  std::vector<double> stats(rows * cols);
  // Discrete values, so ties are exercised.
  for (double& v : stats) v = std::floor(rng.uniform() * 6.0);
  std::vector<double> p, adj;
  westfall_young_min_p(stats, cols, p, adj);
  std::vector<double> min_p(rows, 1.0);
  std::vector<double> p_obs(cols);
  for (std::size_t s = 0; s < rows; ++s) {
    for (std::size_t j = 0; j < cols; ++j) {
      double k = 0.0;
      for (std::size_t r = 0; r < rows; ++r) k += stats[r * cols + j] >= stats[s * cols + j];
      min_p[s] = std::min(min_p[s], k / rows);
      if (s == 0) p_obs[j] = k / rows;
    }
  }
  for (std::size_t j = 0; j < cols; ++j) {
    double k = 0.0;
    for (std::size_t s = 0; s < rows; ++s) k += min_p[s] <= p_obs[j];
    CHECK(p[j] == doctest::Approx(p_obs[j]).epsilon(1e-15));
    CHECK(adj[j] == doctest::Approx(k / rows).epsilon(1e-15));
    CHECK(adj[j] >= p[j]);
  }
}

TEST_CASE("Westfall-Young max-T on standardised counts equals the brute-force definition") {
  Rng rng(8);
  const std::size_t rows = 40, cols = 4;
  std::vector<double> stats(rows * cols);
  for (std::size_t i = 0; i < stats.size(); ++i) {
    stats[i] = std::floor(rng.uniform() * (3.0 + 10.0 * static_cast<double>(i % cols)));
  }
  std::vector<double> p, adj;
  westfall_young_max_t(stats, cols, p, adj);
  std::vector<double> z(stats.size()), row_max(rows, -1e300);
  for (std::size_t j = 0; j < cols; ++j) {
    double mean = 0.0, ss = 0.0;
    for (std::size_t s = 0; s < rows; ++s) mean += stats[s * cols + j] / rows;
    for (std::size_t s = 0; s < rows; ++s) ss += std::pow(stats[s * cols + j] - mean, 2.0);
    const double sd = std::sqrt(ss / (rows - 1.0));
    for (std::size_t s = 0; s < rows; ++s) {
      z[s * cols + j] = (stats[s * cols + j] - mean) / sd;
      row_max[s] = std::max(row_max[s], z[s * cols + j]);
    }
  }
  for (std::size_t j = 0; j < cols; ++j) {
    double k = 0.0, k_marginal = 0.0;
    for (std::size_t s = 0; s < rows; ++s) {
      k += row_max[s] >= z[j] - 1e-12;
      k_marginal += stats[s * cols + j] >= stats[j];
    }
    CHECK(adj[j] == doctest::Approx(k / rows).epsilon(1e-15));
    CHECK(p[j] == doctest::Approx(k_marginal / rows).epsilon(1e-15));
  }
}

TEST_CASE("planted trigger effect: lookups 10-30 min after each outside event") {
  Rng rng(11);
  const double span = 60 * kDay;
  std::vector<double> t;
  for (int i = 0; i < 600; ++i) t.push_back(rng.uniform() * span);
  const auto events = uniform_events(15, span - kDay, 12);
  for (double e : events) {
    for (int i = 0; i < 3; ++i) t.push_back(e + 600.0 + rng.uniform() * 1200.0);
  }
  SeriesOptions o;
  o.sort = true;
  o.start = 0.0;
  o.end = span;
  const EventSeries s(t, o);
  CoincidenceOptions co;
  co.tolerances = {3600.0, kDay};
  co.lags = {0.0, kDay};
  co.n_surrogates = 199;
  co.max_lag = 3;
  const auto r = coincidence_analysis(s, events, {}, co);
  CHECK(r.n_tests == 8);
  CHECK(r.global_p < 0.01);
  CHECK(r.global_p == doctest::Approx(1.0 / 200.0));
  CHECK(r.cells[0].trigger_rate == 1.0);
  CHECK(r.cells[0].p_adjusted_trigger < 0.01);
  CHECK(r.correlation.lags.size() == 7);
}

TEST_CASE("family-wise global p is calibrated under the null (1000 Poisson series)") {
  // Lookups and outside events independent; 2 tolerances x 2 lags x 2 directions = 8 tests,
  // 39 circular-shift surrogates: global p <= 0.05 means the observed row ranks in the top 2
  // of 40, which happens with probability exactly 0.05 under exchangeability.
  CoincidenceOptions o;
  o.tolerances = {1800.0, kDay};
  o.lags = {0.0, 3600.0};
  o.n_surrogates = 39;
  o.correlation = false;
  o.threads = 1;
  int rejected = 0, rejected_conservative = 0;
  const int n_series = 1000;
  for (int i = 0; i < n_series; ++i) {
    const auto seed = static_cast<std::uint64_t>(i);
    const EventSeries s = uniform_series(150, 20 * kDay, 1000 + seed);
    const auto events = uniform_events(8, 20 * kDay, 5000 + seed);
    o.seed = seed;
    o.randomize_ties = true;
    rejected += coincidence_analysis(s, events, {}, o).global_p <= 0.05 ? 1 : 0;
    o.randomize_ties = false;
    rejected_conservative += coincidence_analysis(s, events, {}, o).global_p <= 0.05 ? 1 : 0;
  }
  const double rate = rejected / static_cast<double>(n_series);
  const double conservative = rejected_conservative / static_cast<double>(n_series);
  MESSAGE("timeline FWER at 0.05: " << rate << " (ties against: " << conservative << ")");
  CHECK(rate >= 0.035);
  CHECK(rate <= 0.065);
  CHECK(conservative <= rate);
}

TEST_CASE("same seed: identical results for 1, 2 and 8 threads; origin does not matter") {
  const EventSeries s = uniform_series(800, 20 * kDay, 21, kOrigin);
  const auto events = uniform_events(12, 20 * kDay, 22, kOrigin);
  CoincidenceOptions o;
  o.tolerances = {600.0, 3600.0, kDay};
  o.lags = {0.0, 3600.0};
  o.n_surrogates = 99;
  o.seed = 5;
  o.bin_width = 3600.0;
  o.max_lag = 4;
  std::vector<CoincidenceResult> rs;
  for (std::size_t th : {1, 2, 8}) {
    o.threads = th;
    rs.push_back(coincidence_analysis(s, events, {}, o));
  }
  for (const auto& r : rs) {
    CHECK(r.global_p == rs[0].global_p);
    for (std::size_t c = 0; c < r.cells.size(); ++c) {
      CHECK(r.cells[c].p_precursor == rs[0].cells[c].p_precursor);
      CHECK(r.cells[c].p_adjusted_trigger == rs[0].cells[c].p_adjusted_trigger);
      CHECK(r.cells[c].q_precursor == rs[0].cells[c].q_precursor);
    }
    for (std::size_t l = 0; l < r.correlation.p.size(); ++l) {
      CHECK(r.correlation.p[l] == rs[0].correlation.p[l]);
    }
  }
  // The same data measured from another origin: the same answer.
  std::vector<double> t2(s.times().begin(), s.times().end());
  std::vector<double> e2;
  for (double e : events) e2.push_back(e - kOrigin);
  SeriesOptions so;
  so.start = 0.0;
  so.end = s.duration();
  const auto r0 = coincidence_analysis(EventSeries(t2, so), e2, {}, o);
  for (std::size_t c = 0; c < r0.cells.size(); ++c) {
    CHECK(r0.cells[c].k_precursor == rs[0].cells[c].k_precursor);
    CHECK(r0.cells[c].p_trigger == rs[0].cells[c].p_trigger);
  }
}

TEST_CASE("circular shift in whole days keeps each lookup's time of day and the gaps") {
  Rng rng(41);
  std::vector<double> t;
  for (int d = 0; d < 14; ++d) {
    if (d == 5) continue;  // the outage day below
    for (int i = 0; i < 20; ++i) t.push_back(d * kDay + 9 * 3600.0 + rng.uniform() * 9 * 3600.0);
  }
  SeriesOptions o;
  o.sort = true;
  o.start = 0.0;
  o.end = 14 * kDay;
  o.gaps = {{5 * kDay, 6 * kDay}};
  const EventSeries s(t, o);
  std::vector<double> seen;
  for (std::uint64_t i = 0; i < 20; ++i) {
    Rng r(3, i);
    const EventSeries x = stepped_shift_surrogate(s, kDay, r);
    REQUIRE(x.size() == s.size());
    CHECK(x.good_intervals().size() == 2);
    for (const double v : x.times()) {
      const double hour = std::fmod(v, kDay) / 3600.0;
      CHECK(hour >= 9.0 - 1e-9);
      CHECK(hour <= 18.0 + 1e-9);
      CHECK((v <= 5 * kDay || v >= 6 * kDay));
    }
    seen.push_back(x.times()[0]);
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::unique(seen.begin(), seen.end()) - seen.begin() > 5);  // really rotated
  Rng r(1);
  CHECK_THROWS_AS(stepped_shift_surrogate(s, 10 * kDay, r), std::invalid_argument);
}

TEST_CASE("coincidence analysis: bad input names the argument") {
  const EventSeries s = uniform_series(50, kDay, 31);
  const std::vector<double> e{100.0, 200.0};
  const auto message = [&](auto call) {
    try {
      call();
    } catch (const std::invalid_argument& ex) {
      return std::string(ex.what());
    }
    return std::string();
  };
  CoincidenceOptions o;
  o.n_surrogates = 9;
  o.tolerances = {-1.0};
  CHECK(message([&] { coincidence_analysis(s, e, {}, o); }).rfind("tolerances", 0) == 0);
  o.tolerances = {60.0};
  o.lags = {};
  CHECK(message([&] { coincidence_analysis(s, e, {}, o); }).rfind("lags", 0) == 0);
  o.lags = {0.0};
  CHECK(message([&] { coincidence_analysis(s, {}, {}, o); }).rfind("events", 0) == 0);
  const std::vector<double> bad_end{50.0};
  CHECK(message([&] { coincidence_analysis(s, e, bad_end, o); }).rfind("event_ends", 0) == 0);
  const std::vector<double> far{1e9};
  CHECK(message([&] { coincidence_analysis(s, far, {}, o); }).rfind("events", 0) == 0);
  o.bin_width = 0.0;
  CHECK(message([&] { coincidence_analysis(s, e, {}, o); }).rfind("bin_width", 0) == 0);
  o.bin_width = 3600.0;
  o.shift_step = 2 * kDay;
  CHECK(message([&] { coincidence_analysis(s, e, {}, o); }).rfind("shift_step", 0) == 0);
  o.shift_step = 600.0;
  o.null = tealeaves::nullmodel::Null::poisson;
  CHECK(message([&] { coincidence_analysis(s, e, {}, o); }).rfind("shift_step", 0) == 0);
  CHECK_THROWS_AS(parse_direction("sideways"), std::invalid_argument);
  CHECK_THROWS_AS(parse_correction("holm"), std::invalid_argument);
}
