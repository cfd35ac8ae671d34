// Surrogate event series keep what they claim to keep, and change the rest.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

using namespace tealeaves;
using namespace tealeaves::nullmodel;

namespace {

// Events at multiples of 1/4 s (exact in binary, so gap sums are exact), with two outages.
EventSeries gappy_series() {
  Rng rng(7);
  std::vector<double> t;
  double x = 1000.0;
  while (x < 20000.0) {
    x += 0.25 * static_cast<double>(1 + rng.below(400));
    const bool in_gap = (x > 5000.0 && x < 6000.0) || (x > 12000.0 && x < 12500.0);
    if (!in_gap && x < 20000.0) t.push_back(x);
  }
  SeriesOptions o;
  o.start = 500.0;
  o.end = 20000.0;
  o.gaps = {{5000.0, 6000.0}, {12000.0, 12500.0}};
  o.time_origin = 1.7e9;
  return EventSeries(t, o);
}

void check_same_observation(const EventSeries& a, const EventSeries& b) {
  CHECK(b.size() == a.size());
  CHECK(b.origin() == a.origin());
  CHECK(b.duration() == a.duration());
  REQUIRE(b.good_intervals().size() == a.good_intervals().size());
  for (std::size_t j = 0; j < a.good_intervals().size(); ++j) {
    CHECK(b.good_intervals()[j].start == a.good_intervals()[j].start);
    CHECK(b.good_intervals()[j].stop == a.good_intervals()[j].stop);
  }
  // No event in a gap: the EventSeries constructor enforces it; check again explicitly.
  for (double t : b.times()) {
    bool inside = false;
    for (const Interval& g : b.good_intervals()) inside |= (t >= g.start && t <= g.stop);
    CHECK(inside);
  }
  const auto ta = a.times(), tb = b.times();
  CHECK(!std::equal(ta.begin(), ta.end(), tb.begin(), tb.end()));
}

std::vector<std::vector<double>> gaps_per_interval(const EventSeries& s) {
  std::vector<std::vector<double>> out(s.good_intervals().size());
  const auto t = s.times();
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    for (std::size_t j = 0; j < out.size(); ++j) {
      const Interval& g = s.good_intervals()[j];
      if (t[i] >= g.start && t[i + 1] <= g.stop) out[j].push_back(t[i + 1] - t[i]);
    }
  }
  for (auto& v : out) std::sort(v.begin(), v.end());
  return out;
}

}  // namespace

TEST_CASE("every surrogate keeps count, window and gaps, and changes the times") {
  const EventSeries s = gappy_series();
  REQUIRE(s.size() > 100);
  for (const char* name : {"poisson", "routine", "smoothed_rate", "shuffle", "dither",
                           "circular_shift", "block_bootstrap"}) {
    CAPTURE(name);
    NullOptions o;
    o.delta = 30.0;
    o.bandwidth = 600.0;
    o.block_length = 5;
    o.smoothing_hours = 1.0;
    const SurrogateGenerator gen(s, parse_null(name), o);
    Rng rng(11, 3);
    check_same_observation(s, gen(rng));
    CHECK(null_name(parse_null(name)) == name);
  }
  CHECK_THROWS_AS(parse_null("nope"), std::invalid_argument);
}

TEST_CASE("shuffle keeps each interval's first event and gap multiset exactly") {
  const EventSeries s = gappy_series();
  Rng rng(1);
  const EventSeries x = shuffle_surrogate(s, rng);
  CHECK(x.times().front() == s.times().front());
  CHECK(gaps_per_interval(x) == gaps_per_interval(s));
}

TEST_CASE("dither and block bootstrap keep the count in every good interval") {
  const EventSeries s = gappy_series();
  Rng rng(2);
  for (const EventSeries& x :
       {dither_surrogate(s, rng, 500.0), block_bootstrap_surrogate(s, rng, 4)}) {
    for (const Interval& g : s.good_intervals()) {
      const auto in = [&](const EventSeries& e) {
        return std::count_if(e.times().begin(), e.times().end(),
                             [&](double t) { return t >= g.start && t <= g.stop; });
      };
      CHECK(in(x) == in(s));
    }
  }
  Rng r0(3);
  const EventSeries none = dither_surrogate(s, r0, 0.0);
  CHECK(std::equal(none.times().begin(), none.times().end(), s.times().begin()));
}

TEST_CASE("circular shift keeps the gaps up to the wrap point") {
  const EventSeries s = gappy_series();
  Rng rng(5);
  const EventSeries x = circular_shift_surrogate(s, rng);
  // Gaps measured in good time (outages removed) are a rotation: same multiset except the
  // one or two gaps at the wrap and at outages.
  std::vector<double> a, b;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) a.push_back(s.times()[i + 1] - s.times()[i]);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) b.push_back(x.times()[i + 1] - x.times()[i]);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t common = 0;
  for (double g : b) common += std::binary_search(a.begin(), a.end(), g) ? 1 : 0;
  CHECK(static_cast<double>(common) > 0.9 * static_cast<double>(b.size()));
}

TEST_CASE("routine surrogate keeps the hour-of-day profile; poisson flattens it") {
  // Events only between 09:00 and 17:00 UTC, 30 days.
  Rng rng(9);
  std::vector<double> t;
  const double day0 = 1.7e9 - std::fmod(1.7e9, 86400.0);
  for (int d = 0; d < 30; ++d) {
    for (int i = 0; i < 40; ++i)
      t.push_back(day0 + d * 86400.0 + 9 * 3600.0 + rng.uniform() * 8 * 3600.0);
  }
  std::sort(t.begin(), t.end());
  SeriesOptions o;
  o.start = day0;
  o.end = day0 + 30 * 86400.0;
  const EventSeries s(t, o);
  const auto day_fraction = [](const EventSeries& e) {
    std::size_t work = 0;
    for (double x : e.times()) {
      const double h = std::fmod(e.origin() + x, 86400.0) / 3600.0;
      work += (h >= 9.0 && h <= 17.0) ? 1 : 0;
    }
    return static_cast<double>(work) / static_cast<double>(e.size());
  };
  Rng r1(1), r2(2);
  CHECK(day_fraction(routine_surrogate(s, r1)) == doctest::Approx(1.0));
  CHECK(day_fraction(routine_surrogate(s, r1, 0.0, 0.0, false)) == doctest::Approx(1.0));
  CHECK(day_fraction(poisson_surrogate(s, r2)) == doctest::Approx(8.0 / 24.0).epsilon(0.1));
  // A 3-hour UTC offset moves the bins but the profile is still estimated from the same data.
  CHECK(day_fraction(routine_surrogate(s, r1, 3 * 3600.0)) == doctest::Approx(1.0));
  // Smoothing leaks some rate outside working hours.
  CHECK(day_fraction(routine_surrogate(s, r1, 0.0, 2.0)) < 0.97);
}

TEST_CASE("surrogates are a pure function of the stream") {
  const EventSeries s = gappy_series();
  const SurrogateGenerator gen(s, Null::routine);
  Rng a(4, 10), b(4, 10), c(4, 11);
  const EventSeries x = gen(a), y = gen(b), z = gen(c);
  CHECK(std::equal(x.times().begin(), x.times().end(), y.times().begin()));
  CHECK(!std::equal(x.times().begin(), x.times().end(), z.times().begin()));
}
