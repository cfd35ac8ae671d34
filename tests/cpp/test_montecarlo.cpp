// Monte-Carlo tests: calibration under each null, determinism across threads, stopping.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/nullmodel/montecarlo.hpp"

using namespace tealeaves;
using namespace tealeaves::nullmodel;

namespace {

// n events uniform on [0, 1000] s with an outage [400, 450].
EventSeries uniform_series(std::size_t n, Rng& rng) {
  std::vector<double> t;
  while (t.size() < n) {
    const double x = rng.uniform() * 1000.0;
    if (x < 400.0 || x > 450.0) t.push_back(x);
  }
  std::sort(t.begin(), t.end());
  SeriesOptions o;
  o.start = 0.0;
  o.end = 1000.0;
  o.gaps = {{400.0, 450.0}};
  return EventSeries(t, o);
}

// A renewal process with i.i.d. gamma(shape 0.5) gaps: bursty, but no memory.
EventSeries renewal_series(std::size_t n, Rng& rng) {
  std::vector<double> t{0.0};
  while (t.size() < n) {
    const double g = 0.5 * std::pow(rng.normal(), 2);  // chi^2_1 / 2 = gamma(0.5, 1)
    t.push_back(t.back() + g + 1e-6);
  }
  return EventSeries(t);
}

// Rejection rate at alpha = 0.05 over `series_count` series simulated from the null.
template <class Simulate>
double rejection_rate(Simulate simulate, Statistic statistic, Null null, McOptions o,
                      std::size_t series_count) {
  std::size_t rejected = 0;
  for (std::size_t s = 0; s < series_count; ++s) {
    Rng rng(20240, s);
    const EventSeries series = simulate(rng);
    o.seed = 1000 + s;
    const McResult r = mc_test(series, statistic, null, o);
    CHECK(r.p_value >= 1.0 / static_cast<double>(o.n + 1));
    rejected += r.p_value <= 0.05 ? 1 : 0;
  }
  return static_cast<double>(rejected) / static_cast<double>(series_count);
}

}  // namespace

TEST_CASE("calibration: poisson null, max Z^2 statistic") {
  McOptions o;
  o.n = 19;
  o.statistic.fmax = 0.05;
  o.keep_null_values = false;
  const double rate = rejection_rate([](Rng& rng) { return uniform_series(40, rng); },
                                     Statistic::max_z2, Null::poisson, o, 2000);
  std::printf("calibration poisson/max_z2 (2000 series, n=19): %.4f\n", rate);
  CHECK(rate >= 0.035);
  CHECK(rate <= 0.065);
}

TEST_CASE("calibration: poisson null, burstiness statistic") {
  McOptions o;
  o.n = 19;
  o.keep_null_values = false;
  const double rate = rejection_rate([](Rng& rng) { return uniform_series(50, rng); },
                                     Statistic::burstiness, Null::poisson, o, 2000);
  std::printf("calibration poisson/burstiness (2000 series, n=19): %.4f\n", rate);
  CHECK(rate >= 0.035);
  CHECK(rate <= 0.065);
}

TEST_CASE("calibration: shuffle null, memory statistic") {
  McOptions o;
  o.n = 19;
  o.keep_null_values = false;
  const double rate = rejection_rate([](Rng& rng) { return renewal_series(60, rng); },
                                     Statistic::memory, Null::shuffle, o, 2000);
  std::printf("calibration shuffle/memory (2000 series, n=19): %.4f\n", rate);
  CHECK(rate >= 0.035);
  CHECK(rate <= 0.065);
}

TEST_CASE("a strictly periodic series is significant against poisson; p and CI are sane") {
  std::vector<double> t;
  for (int i = 0; i < 100; ++i) t.push_back(10.0 * i + 0.5);
  SeriesOptions so;
  so.start = 0.0;
  so.end = 1000.0;
  const EventSeries s(t, so);
  McOptions o;
  o.n = 99;
  o.statistic.fmax = 0.2;
  const McResult r = mc_test(s, Statistic::max_z2, Null::poisson, o);
  CHECK(r.k == 0);
  CHECK(r.n == 99);
  CHECK(r.p_value == doctest::Approx(0.01));
  CHECK(r.ci_low == 0.0);
  CHECK(r.ci_high == doctest::Approx(1.0 - std::pow(0.025, 1.0 / 99.0)));
  CHECK(r.null == "poisson");
  CHECK(r.statistic == "max_z2");
  CHECK(r.null_values.size() == 99);
  // The Leahy power of 1 s bins and the ACF at lag 10 say the same.
  o.statistic = {};
  o.statistic.bin_width = 1.0;
  CHECK(mc_test(s, Statistic::max_leahy, Null::poisson, o).k == 0);
  o.statistic.lag = 10;
  CHECK(mc_test(s, Statistic::acf, Null::poisson, o).k == 0);
  // Fano factor of a schedule is ~0: never above Poisson surrogates.
  o.statistic.fano_window = 25.0;
  CHECK(mc_test(s, Statistic::fano, Null::poisson, o).p_value > 0.9);
}

TEST_CASE("identical results for 1, 2 and 8 threads") {
  Rng rng(5);
  const EventSeries s = uniform_series(200, rng);
  for (Statistic st : {Statistic::max_z2, Statistic::memory}) {
    for (Null nl : {Null::poisson, Null::shuffle, Null::routine}) {
      McOptions o;
      o.n = 99;
      o.seed = 42;
      o.statistic.fmax = 0.1;
      o.threads = 1;
      const McResult a = mc_test(s, st, nl, o);
      o.threads = 2;
      const McResult b = mc_test(s, st, nl, o);
      o.threads = 8;
      const McResult c = mc_test(s, st, nl, o);
      CHECK(a.p_value == b.p_value);
      CHECK(a.p_value == c.p_value);
      CHECK(a.null_values == b.null_values);
      CHECK(a.null_values == c.null_values);
    }
  }
}

TEST_CASE("Besag-Clifford stopping: clear null cases stop early, deterministically") {
  Rng rng(8);
  const EventSeries s = uniform_series(100, rng);
  McOptions o;
  o.n = 999;
  o.sequential_h = 10;
  o.statistic.fmax = 0.05;
  o.threads = 1;
  const McResult a = mc_test(s, Statistic::max_z2, Null::poisson, o);
  o.threads = 4;
  const McResult b = mc_test(s, Statistic::max_z2, Null::poisson, o);
  CHECK(a.stopped_early);
  CHECK(a.k == 10);
  CHECK(a.n < 999);
  CHECK(a.p_value == doctest::Approx(10.0 / static_cast<double>(a.n)));
  CHECK(a.n == b.n);
  CHECK(a.p_value == b.p_value);
  CHECK(a.ci_low <= a.p_value);
  CHECK(a.ci_high >= a.p_value);
}

TEST_CASE("clopper-pearson matches known values") {
  double lo = 0.0, hi = 0.0;
  clopper_pearson(5, 100, 0.95, lo, hi);
  CHECK(lo == doctest::Approx(0.01643).epsilon(1e-3));
  CHECK(hi == doctest::Approx(0.11284).epsilon(1e-3));
  CHECK_THROWS(parse_statistic("nope"));
  CHECK(statistic_name(parse_statistic("fano")) == "fano");
}

TEST_CASE("coincidence rate matches a brute-force count and is calibrated under circular_shift") {
  Rng rng(77, 0);
  std::vector<double> t, events;
  for (int i = 0; i < 500; ++i) t.push_back(std::floor(rng.uniform() * 40000.0) / 4.0);
  for (int i = 0; i < 40; ++i) events.push_back(std::floor(rng.uniform() * 40000.0) / 4.0);
  std::sort(t.begin(), t.end());
  std::vector<double> sorted_events = events;
  std::sort(sorted_events.begin(), sorted_events.end());
  for (const double lag : {0.0, 3.0, -2.5}) {
    for (const auto dir : {CoincidenceDirection::trigger, CoincidenceDirection::precursor,
                           CoincidenceDirection::both}) {
      std::size_t hits = 0;
      for (const double x : t) {
        bool hit = false;
        for (const double e : events) {
          const double after = x - (e + lag), before = (e - lag) - x;
          if (dir != CoincidenceDirection::precursor && after >= 0.0 && after <= 60.0) hit = true;
          if (dir != CoincidenceDirection::trigger && before >= 0.0 && before <= 60.0) hit = true;
        }
        hits += hit ? 1 : 0;
      }
      CHECK(coincidence_rate(t, sorted_events, 60.0, lag, dir) ==
            static_cast<double>(hits) / static_cast<double>(t.size()));
    }
  }

  McOptions o;
  o.n = 19;
  o.threads = 1;
  o.statistic.events = events;
  o.statistic.tolerance = 30.0;
  const auto poisson = [](Rng& r) {
    std::vector<double> x;
    for (int i = 0; i < 2000; ++i) x.push_back(r.uniform() * 10000.0);
    std::sort(x.begin(), x.end());
    SeriesOptions so;
    so.start = 0.0;
    so.end = 10000.0;
    return EventSeries(x, so);
  };
  const double rate =
      rejection_rate(poisson, Statistic::coincidence, Null::circular_shift, o, 1000);
  std::printf("circular_shift/coincidence rejection rate at 0.05: %.3f\n", rate);
  CHECK(rate >= 0.035);
  CHECK(rate <= 0.065);

  // Lookups 5 s after each outside event: p = 1 / (n + 1); identical for 1, 2 and 8 threads.
  std::vector<double> aligned;
  for (const double e : sorted_events) aligned.push_back(std::min(e + 5.0, 10000.0));
  SeriesOptions so;
  so.start = 0.0;
  so.end = 10000.0;
  const EventSeries s(aligned, so);
  o.n = 99;
  o.statistic.tolerance = 10.0;
  std::vector<McResult> results;
  for (const std::size_t threads : {1, 2, 8}) {
    o.threads = threads;
    results.push_back(mc_test(s, Statistic::coincidence, Null::circular_shift, o));
  }
  CHECK(results[0].observed == 1.0);
  CHECK(results[0].p_value == doctest::Approx(0.01));
  for (const auto& r : results) CHECK(r.null_values == results[0].null_values);

  o.statistic.events.clear();
  CHECK_THROWS_WITH(mc_test(s, Statistic::coincidence, Null::circular_shift, o),
                    doctest::Contains("events"));
  o.statistic.events = events;
  o.statistic.tolerance = -1.0;
  CHECK_THROWS_WITH(mc_test(s, Statistic::coincidence, Null::circular_shift, o),
                    doctest::Contains("tolerance"));
  CHECK_THROWS_WITH(parse_direction("sideways"), doctest::Contains("direction"));
}

TEST_CASE("shuffle + max_leahy fast path equals the generic surrogate path bit for bit") {
  // The named (shuffle, max_leahy) pair skips building an EventSeries per surrogate; the
  // generic path (a callable statistic on SurrogateGenerator's surrogates) must agree exactly:
  // with an outage, an interval with < 3 events, collapsed duplicates (multiplicity > 1)
  // and a searched band.
  Rng rng(77);
  std::vector<double> t;
  for (int i = 0; i < 300; ++i) {
    const double x = rng.uniform() * 1000.0;
    if (x < 400.0 || x > 450.0) t.push_back(x);
  }
  t.push_back(420.0);  // the only event of the interval [410, 430]
  t.push_back(t[3]);   // a duplicate
  t.push_back(t[3]);
  std::sort(t.begin(), t.end());
  SeriesOptions so;
  so.start = 0.0;
  so.end = 1000.0;
  so.gaps = {{400.0, 410.0}, {430.0, 450.0}};
  so.duplicates = DuplicatePolicy::collapse;
  const EventSeries s(t, so);
  REQUIRE(s.total_count() > s.size());
  for (double fmax : {0.0, 0.2}) {
    McOptions o;
    o.n = 50;
    o.seed = 9;
    o.statistic.bin_width = 0.5;
    o.statistic.fmin = fmax > 0.0 ? 0.01 : 0.0;
    o.statistic.fmax = fmax;
    const StatisticFunction stat(s, Statistic::max_leahy, o.statistic);
    const SurrogateGenerator generator(s, Null::shuffle);
    o.threads = 1;
    const McResult generic = mc_test(
        s, [&stat](const EventSeries& x) { return stat(x); }, generator, o);
    for (std::size_t threads : {1u, 2u, 8u}) {
      o.threads = threads;
      const McResult fast = mc_test(s, Statistic::max_leahy, Null::shuffle, o);
      CHECK(fast.null_values == generic.null_values);
      CHECK(fast.observed == generic.observed);
      CHECK(fast.k == generic.k);
      CHECK(fast.null == "shuffle");
    }
    CHECK(std::isfinite(generic.null_values[0]));
    CHECK(generic.null_values[0] != generic.null_values[1]);
  }
}

TEST_CASE("mc_replicates: streams from first_stream, the same stop for any thread count") {
  // Replicate i is a uniform from Rng(seed, 1000 + i); observed 0.9: exceedances are rare-ish.
  const auto draw = [](Rng& rng) { return rng.uniform(); };
  McOptions o;
  o.n = 199;
  o.seed = 5;
  o.sequential_h = 10;
  std::vector<double> reference;
  std::size_t k = 0, stop = 0;
  for (std::size_t i = 0; i < o.n && stop == 0; ++i) {
    Rng rng(5, 1000 + i);
    reference.push_back(rng.uniform());
    if (reference.back() >= 0.9 && ++k == 10) stop = i + 1;
  }
  REQUIRE(stop > 0);
  for (std::size_t threads : {1, 2, 8}) {
    o.threads = threads;
    const auto r = mc_replicates(0.9, "uniform", o, 1000, draw);
    CHECK(r.stopped_early);
    CHECK(r.n == stop);
    CHECK(r.k == 10);
    CHECK(r.p_value == doctest::Approx(10.0 / static_cast<double>(stop)));
    REQUIRE(r.null_values.size() == stop);
    CHECK(r.null_values == reference);
  }
  // Without stopping: (k + 1) / (n + 1) over all 199.
  o.sequential_h = 0;
  const auto full = mc_replicates(0.9, "uniform", o, 1000, draw);
  CHECK(full.n == 199);
  CHECK_FALSE(full.stopped_early);
  CHECK(full.p_value == doctest::Approx((full.k + 1.0) / 200.0));
  o.n = 0;
  CHECK_THROWS_AS(mc_replicates(0.9, "uniform", o, 0, draw), std::invalid_argument);
}
