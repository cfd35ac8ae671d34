#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/events/folding.hpp"
#include "tealeaves/periodicity/detect.hpp"

using namespace tealeaves;

namespace {

EventSeries series_of(std::vector<double> t, double start, double end) {
  SeriesOptions o;
  o.sort = true;
  o.start = start;
  o.end = end;
  return EventSeries(t, o);
}

}  // namespace

TEST_CASE("a jittered beacon in noise is found once, with its shape") {
  Rng rng(4);
  std::vector<double> t;
  for (int k = 0; k < 1000; ++k) {
    if (rng.uniform() < 0.5) t.push_back(60.0 * k + 3.0 * rng.normal());
  }
  for (int i = 0; i < 500; ++i) t.push_back(rng.uniform() * 60000.0);
  periodicity::DetectOptions o;
  o.grid.fmax = 0.1;
  const auto r = periodicity::detect_periods(series_of(t, -20.0, 60000.0), o);
  REQUIRE(r.status == "ok");
  REQUIRE(r.periods.size() == 1);
  const auto& p = r.periods[0];
  CHECK(p.period_s == doctest::Approx(60.0).epsilon(0.001));
  CHECK(p.interval_s == doctest::Approx(60.0).epsilon(0.01));
  CHECK(p.jitter_s == doctest::Approx(3.0).epsilon(0.25));
  CHECK(p.pulsed_fraction == doctest::Approx(0.5).epsilon(0.2));
  CHECK(p.log_p_global < std::log(1e-10));
  CHECK(p.log_p_single <= p.log_p_global);
}

TEST_CASE("too few events or too short a window is insufficient, not a period") {
  const auto few = periodicity::detect_periods(series_of({0, 10, 20, 30}, 0, 30));
  CHECK(few.status == "insufficient");
  CHECK(few.periods.empty());
  std::vector<double> dense;
  for (int i = 0; i < 50; ++i) dense.push_back(i * 0.01);
  const auto short_window = periodicity::detect_periods(series_of(dense, 0, 0.49));
  CHECK(short_window.status == "insufficient");
}

TEST_CASE("the TTL floor: cache expiry vs a schedule vs chance") {
  Rng rng(9);
  std::vector<double> cache, chance;
  for (double x = rng.exponential(1.0 / 60.0); x < 500000.0;
       x += 600.0 + rng.exponential(1.0 / 60.0))
    cache.push_back(x);
  for (double x = rng.exponential(1.0 / 660.0); x < 500000.0; x += rng.exponential(1.0 / 660.0))
    chance.push_back(x);
  const auto c = periodicity::ttl_floor(series_of(cache, 0, 500000.0), 600.0);
  CHECK(c.detected);
  CHECK(c.interpretation == "cache-expiry driven");
  CHECK(c.consistent_with_log_ttl);
  CHECK(c.floor_s == 600.0);
  CHECK(c.excess_cv == doctest::Approx(1.0).epsilon(0.2));
  const auto p = periodicity::ttl_floor(series_of(chance, 0, 500000.0));
  CHECK_FALSE(p.detected);
  CHECK(p.interpretation == "none");
}

TEST_CASE("folding: uniform expectation over whole cycles, counts by phase") {
  std::vector<double> t;
  for (int k = 0; k < 100; ++k) t.push_back(10.0 * k + 2.5);  // phase 0.25 of a 10 s period
  const auto s = series_of(t, 0.0, 1000.0);
  const auto f = events::fold(s, 0.1, 4);
  CHECK(f.counts[1] == 100.0);
  for (double e : f.expected) CHECK(e == doctest::Approx(25.0));
  CHECK(f.chi2 == doctest::Approx(300.0));  // (100-25)^2/25 + 3 * 25
  CHECK(f.log_p < -100.0);
  const auto shape = events::pulse_shape(s, 0.1);
  CHECK(shape.peak_phase == doctest::Approx(0.25).epsilon(1e-6));
  CHECK(shape.pulsed_fraction == doctest::Approx(1.0).epsilon(0.02));
  CHECK(shape.jitter_cycles < 0.02);
}
