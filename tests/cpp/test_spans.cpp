#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/periodicity/spans.hpp"

using namespace tealeaves;

namespace {

constexpr double kDay = 86400.0;

EventSeries series_of(std::vector<double> t, double start, double end,
                      std::vector<Interval> gaps = {}) {
  SeriesOptions o;
  o.sort = true;
  o.start = start;
  o.end = end;
  o.gaps = std::move(gaps);
  return EventSeries(t, o);
}

std::vector<double> poisson_times(Rng& rng, double rate, double start, double end) {
  std::vector<double> t;
  for (double x = start - std::log(rng.uniform()) / rate; x < end;
       x -= std::log(rng.uniform()) / rate)
    t.push_back(x);
  return t;
}

// Slow reference: sum the binomial(n, 1/3) pmf from k up.
double binomial_tail_reference(std::size_t k, std::size_t n) {
  double sum = 0.0;
  for (std::size_t j = k; j <= n; ++j) {
    double log_choose = std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0);
    sum += std::exp(log_choose + j * std::log(1.0 / 3.0) + (n - j) * std::log(2.0 / 3.0));
  }
  return sum;
}

}  // namespace

TEST_CASE("period spans: counts, p-values and Tarone's K equal a direct computation") {
  Rng rng(11);
  std::vector<double> t = poisson_times(rng, 1.0 / 7200.0, 0.0, 6 * kDay);
  for (double x = 2 * kDay; x < 3.5 * kDay; x += 3600.0 + 40.0 * rng.normal()) t.push_back(x);
  const auto s = series_of(t, 0.0, 6 * kDay);
  periodicity::SpanOptions o;
  o.window = kDay / 2;
  const auto r = periodicity::period_spans(s, 3600.0, o);
  REQUIRE(r.windows.size() == 12);
  CHECK(r.half_width == 180.0);
  CHECK(r.collapse == 360.0);
  // Reference: ticks, gaps, bands and windows by hand.
  std::vector<double> times(s.times().begin(), s.times().end());
  std::vector<double> ticks;
  for (double x : times)
    if (ticks.empty() || x - ticks.back() > 360.0) ticks.push_back(x);
  CHECK(r.n_ticks == ticks.size());
  std::vector<std::size_t> on(12, 0), beside(12, 0);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    if (ticks[i] + 3600.0 + 540.0 > 6 * kDay) continue;  // band not observed
    std::size_t j = i + 1;
    while (j < ticks.size() && ticks[j] < ticks[i] + 3600.0 - 540.0) ++j;
    if (j == ticks.size()) continue;
    const double off = std::abs(ticks[j] - ticks[i] - 3600.0);
    const auto w = static_cast<std::size_t>(ticks[i] / (kDay / 2));
    if (off <= 180.0)
      ++on[w];
    else if (off <= 540.0)
      ++beside[w];
  }
  std::vector<double> p_min;
  for (std::size_t w = 0; w < 12; ++w) {
    CHECK(r.windows[w].n_on == on[w]);
    CHECK(r.windows[w].n_beside == beside[w]);
    CHECK(r.windows[w].p_value ==
          doctest::Approx(binomial_tail_reference(on[w], on[w] + beside[w])).epsilon(1e-12));
    if (on[w] + beside[w] > 0) p_min.push_back(std::pow(1.0 / 3.0, on[w] + beside[w]));
  }
  std::size_t k_ref = 1;
  while (std::count_if(p_min.begin(), p_min.end(), [&](double p) {
           return p <= 0.01 / static_cast<double>(k_ref);
         }) > static_cast<long>(k_ref))
    ++k_ref;
  CHECK(r.n_testable == k_ref);
  // The beacon runs from day 2 to day 3.5 (windows 4..6): only they can be significant.
  REQUIRE_FALSE(r.spans.empty());
  CHECK(r.spans.front().start >= 2 * kDay);
  CHECK(r.spans.back().end <= 3.5 * kDay);
  CHECK(r.first_beat >= 2 * kDay);
  CHECK(r.last_beat > 3.4 * kDay);
  CHECK(r.last_beat < 3.5 * kDay);
}

TEST_CASE("period spans: a beat that starts mid-log is dated, on absolute daily windows") {
  Rng rng(3);
  const double t0 = 1.4683e9;  // windows align on whole UTC days of absolute time
  const double start = t0 + 5000.0, end = t0 + 20 * kDay;
  std::vector<double> t = poisson_times(rng, 1.0 / 3600.0, start, end);
  const double onset = t0 + 9 * kDay + 3 * 3600.0;
  for (double x = onset; x < end; x += 3600.0 + 60.0 * -std::log(rng.uniform()))
    for (int k = 0; k < 1 + static_cast<int>(rng.uniform() < 0.2); ++k)
      t.push_back(x + 10.0 * k);  // a retry now and then: one tick
  const auto r = periodicity::period_spans(series_of(t, start, end), 3660.0);
  CHECK(r.window == kDay);
  CHECK(r.windows.front().start == start);
  CHECK(std::fmod(r.windows[1].start, kDay) == 0.0);
  REQUIRE(!r.spans.empty());
  // Dated to the day: the first beat seen is within a day of the onset, and the beat is found
  // in most days after it and in none before.
  CHECK(r.first_beat >= onset);
  CHECK(r.first_beat < onset + kDay);
  std::size_t after = 0, found = 0;
  for (const auto& w : r.windows) {
    if (w.end <= onset) CHECK_FALSE(w.significant);
    if (w.start >= onset) {
      ++after;
      found += w.significant;
    }
  }
  MESSAGE("days with the beat found: " << found << " of " << after);
  CHECK(found >= after * 3 / 4);
}

TEST_CASE("period spans: no gap across an outage") {
  std::vector<double> t;
  for (int k = 0; k < 48; ++k) t.push_back(3600.0 * k);
  // An outage swallowing every other hour: the remaining gaps all straddle it.
  std::vector<Interval> gaps;
  for (int k = 0; k < 48; k += 2) gaps.push_back({3600.0 * k + 10.0, 3600.0 * (k + 1) - 10.0});
  std::vector<double> kept;
  for (double x : t) {
    const bool inside = std::any_of(gaps.begin(), gaps.end(),
                                    [&](const Interval& g) { return x > g.start && x < g.stop; });
    if (!inside) kept.push_back(x);
  }
  const auto r = periodicity::period_spans(series_of(kept, 0.0, 48 * 3600.0, gaps), 3600.0);
  std::size_t n = 0;
  for (const auto& w : r.windows) n += w.n_on + w.n_beside;
  CHECK(n == 0);
  CHECK(r.spans.empty());
  CHECK(std::isnan(r.first_beat));
}

TEST_CASE("period spans: family-wise error at most alpha for Poisson and bursty lookups") {
  // 400 null series of two weeks at an arbitrary period: any significant window is a false
  // claim. Binomial 99.9 % upper bound for 400 trials at 1 %: 13.
  int false_claims = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    Rng rng(100, i);
    const double rate = 1.0 / (200.0 + 3000.0 * rng.uniform());
    std::vector<double> t;
    for (double x : poisson_times(rng, rate / 3.0, 0.0, 14 * kDay)) {
      t.push_back(x);  // sessions: 1 + Poisson-ish extra lookups over a few minutes
      while (rng.uniform() < 0.6) t.push_back(t.back() + 200.0 * -std::log(rng.uniform()));
    }
    const double period = 300.0 + 6900.0 * rng.uniform();
    false_claims += !periodicity::period_spans(series_of(t, 0.0, 15 * kDay), period).spans.empty();
  }
  MESSAGE("false claims: " << false_claims << " of 400");
  CHECK(false_claims <= 13);
}

TEST_CASE("period spans: bad arguments are named") {
  const auto s = series_of({0.0, 100.0, 200.0}, 0.0, 1000.0);
  periodicity::SpanOptions o;
  CHECK_THROWS_WITH_AS(periodicity::period_spans(s, 0.0), doctest::Contains("period"),
                       std::invalid_argument);
  o.half_width = 40.0;
  CHECK_THROWS_WITH_AS(periodicity::period_spans(s, 100.0, o), doctest::Contains("half_width"),
                       std::invalid_argument);
  o = {};
  o.collapse = 90.0;
  CHECK_THROWS_WITH_AS(periodicity::period_spans(s, 100.0, o), doctest::Contains("collapse"),
                       std::invalid_argument);
  o = {};
  o.window = 150.0;
  CHECK_THROWS_WITH_AS(periodicity::period_spans(s, 100.0, o), doctest::Contains("window"),
                       std::invalid_argument);
  o = {};
  o.alpha = 1.0;
  CHECK_THROWS_WITH_AS(periodicity::period_spans(s, 100.0, o), doctest::Contains("alpha"),
                       std::invalid_argument);
  CHECK(periodicity::auto_span_window(3600.0) == kDay);
  CHECK(periodicity::auto_span_window(30.0) == 900.0);
  CHECK(periodicity::auto_span_window(1.5) == 60.0);
  CHECK(periodicity::auto_span_window(86400.0) == 16 * 86400.0);
}
