#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"
#include "tealeaves/timeline/lockstep.hpp"

using namespace tealeaves;

namespace {

EventSeries series_of(std::vector<double> t, double start, double end,
                      std::vector<Interval> gaps = {}) {
  SeriesOptions o;
  o.sort = true;
  o.start = start;
  o.end = end;
  o.gaps = std::move(gaps);
  o.drop_outside = true;
  return EventSeries(t, o);
}

// Sessions of lookups (a few, seconds apart) at random times over `span` seconds.
std::vector<double> sessions(Rng& rng, double span, std::size_t n) {
  std::vector<double> t;
  for (std::size_t i = 0; i < n; ++i) {
    double x = rng.uniform() * span;
    do {
      t.push_back(x);
      x += 5.0 * -std::log(rng.uniform());
    } while (rng.uniform() < 0.7 && x < span);
  }
  std::sort(t.begin(), t.end());
  return t;
}

}  // namespace

TEST_CASE("lockstep: matched shares and lags equal an all-pairs count") {
  Rng rng(2);
  const auto a = sessions(rng, 86400.0, 300);
  std::vector<double> b;
  for (double x : a)
    if (rng.uniform() < 0.8) b.push_back(x + 1.5 * rng.uniform() - 0.2);
  for (int i = 0; i < 100; ++i) b.push_back(rng.uniform() * 86400.0);
  std::sort(b.begin(), b.end());
  const auto sa = series_of(a, 0.0, 86400.0), sb = series_of(b, 0.0, 86400.0);
  timeline::LockstepOptions o;
  o.n_surrogates = 0;
  const auto r = timeline::lockstep(sa, sb, o);
  std::size_t k_a = 0, k_b = 0;
  std::vector<double> lags;
  const auto ta = sa.times(), tb = sb.times();
  for (double x : ta) {
    double best = INFINITY;
    for (double y : tb)
      if (std::abs(y - x) < std::abs(best) || (std::abs(y - x) == std::abs(best) && y - x < best))
        best = y - x;
    if (std::abs(best) <= 2.0) ++k_a, lags.push_back(best);
  }
  for (double y : tb)
    k_b += std::any_of(ta.begin(), ta.end(), [&](double x) { return std::abs(y - x) <= 2.0; });
  CHECK(r.k_a == k_a);
  CHECK(r.k_b == k_b);
  CHECK(r.fraction_a == doctest::Approx(static_cast<double>(k_a) / ta.size()));
  CHECK(r.lags == lags);
  CHECK(r.matched_a.size() == k_a);
  CHECK(std::isnan(r.p_value));
}

TEST_CASE("lockstep: a jittered copy reaches the floor; any thread count gives the same p") {
  Rng rng(5);
  const auto a = sessions(rng, 7 * 86400.0, 400);
  std::vector<double> b;
  for (double x : a)
    if (rng.uniform() < 0.8) b.push_back(x + rng.uniform());
  const auto sa = series_of(a, 0.0, 7 * 86400.0), sb = series_of(b, 0.0, 7 * 86400.0);
  timeline::LockstepOptions o;
  o.n_surrogates = 199;
  o.seed = 3;
  o.threads = 1;
  const auto one = timeline::lockstep(sa, sb, o);
  o.threads = 2;
  const auto two = timeline::lockstep(sa, sb, o);
  CHECK(one.p_value == doctest::Approx(1.0 / 200.0));
  CHECK(one.p_value == two.p_value);
  CHECK(one.p_a == two.p_a);
  CHECK(one.fraction_b == 1.0);
  CHECK(one.fraction_a == doctest::Approx(0.8).epsilon(0.05));
  CHECK(one.median_lag > 0.3);
  CHECK(one.median_lag < 0.7);
}

TEST_CASE("lockstep: independent session series are rejected at about the nominal rate") {
  int rejected = 0;
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    Rng rng(40, static_cast<std::uint64_t>(i));
    const auto sa = series_of(sessions(rng, 7 * 86400.0, 150), 0.0, 7 * 86400.0);
    const auto sb = series_of(sessions(rng, 7 * 86400.0, 150), 0.0, 7 * 86400.0);
    timeline::LockstepOptions o;
    o.n_surrogates = 99;
    o.seed = static_cast<std::uint64_t>(i);
    o.threads = 1;
    rejected += timeline::lockstep(sa, sb, o).p_value <= 0.05;
  }
  MESSAGE("rejected at 5 %: " << rejected << " of " << n);
  CHECK(rejected <= 27);  // binomial(300, 0.05) 99.9 % upper bound; ties make it conservative
}

TEST_CASE("rotated_times: stays in good time, turns back, and is the circular_shift surrogate") {
  Rng rng(8);
  std::vector<double> t;
  for (int i = 0; i < 400; ++i) t.push_back(rng.uniform() * 10000.0);
  t.push_back(1000.0);  // on gap edges
  t.push_back(6000.0);
  const std::vector<Interval> gaps = {{1000.0, 2500.0}, {6000.0, 6100.0}};
  const auto s = series_of(t, 0.0, 10000.0, gaps);
  const double exposure = s.exposure();
  CHECK(exposure == doctest::Approx(10000.0 - 1600.0));
  const std::vector<double> original(s.times().begin(), s.times().end());
  // A lookup on a gap's edge may come out on its other edge: the same good time.
  const auto good_time = [&](double x) {
    for (auto it = gaps.rbegin(); it != gaps.rend(); ++it)
      if (x >= it->stop) x -= it->stop - it->start;
    return x;
  };
  const auto unturned = nullmodel::rotated_times(s, 0.0);
  for (std::size_t i = 0; i < unturned.size(); ++i)
    CHECK(good_time(unturned[i]) == doctest::Approx(good_time(original[i])));
  for (double shift : {-3000.0, 1.5, 450.0, 7777.0}) {
    const auto r = nullmodel::rotated_times(s, shift);
    REQUIRE(r.size() == original.size());
    CHECK(std::is_sorted(r.begin(), r.end()));
    for (const auto& g : gaps)
      CHECK(std::none_of(r.begin(), r.end(), [&](double x) { return x > g.start && x < g.stop; }));
    const auto back = nullmodel::rotated_times(series_of(r, 0.0, 10000.0, gaps), -shift);
    for (std::size_t i = 0; i < back.size(); ++i)
      CHECK(good_time(back[i]) == doctest::Approx(good_time(original[i])));
  }
  Rng draw(21), same(21);
  const auto surrogate = nullmodel::circular_shift_surrogate(s, draw);
  const auto rotated = nullmodel::rotated_times(s, same.uniform() * exposure);
  CHECK(std::equal(rotated.begin(), rotated.end(), surrogate.times().begin()));
}

TEST_CASE("lockstep: bad arguments are named") {
  const auto s = series_of({1.0, 2.0, 3.0}, 0.0, 100.0);
  const auto empty = series_of({}, 0.0, 100.0);
  timeline::LockstepOptions o;
  CHECK_THROWS_WITH_AS(timeline::lockstep(empty, s), doctest::Contains("a"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(timeline::lockstep(s, empty), doctest::Contains("b"), std::invalid_argument);
  o.tolerance = 0.0;
  CHECK_THROWS_WITH_AS(timeline::lockstep(s, s, o), doctest::Contains("tolerance"),
                       std::invalid_argument);
  o = {};
  o.max_shift = 3.0;
  CHECK_THROWS_WITH_AS(timeline::lockstep(s, s, o), doctest::Contains("max_shift"),
                       std::invalid_argument);
  o.n_surrogates = 0;  // counts only: no rotation, so no shift to check
  CHECK(timeline::lockstep(s, s, o).k_a == 3);
}
