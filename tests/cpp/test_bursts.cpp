// Kleinberg bursts and PELT against exhaustive / O(m^2) references, outage p-values under
// the Poisson null and on a planted silence, and the time to a first lookup.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/bursts_naive.hpp"
#include "tealeaves/bursts/bayesian_blocks.hpp"
#include "tealeaves/bursts/changepoint.hpp"
#include "tealeaves/bursts/kleinberg.hpp"
#include "tealeaves/bursts/outages.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"

using namespace tealeaves::bursts;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

std::vector<double> poisson_times(double rate, double end, Rng& rng, double from = 0.0) {
  std::vector<double> t;
  for (double now = from + rng.exponential(rate); now < end; now += rng.exponential(rate)) {
    t.push_back(now);
  }
  return t;
}

// Kleinberg's cost written out from the paper, independently of the engine.
double paper_cost(const std::vector<double>& gaps, const std::vector<std::size_t>& states, double s,
                  double gamma) {
  const double n = static_cast<double>(gaps.size());
  double total = 0.0;
  for (const double g : gaps) total += g;
  double cost = 0.0;
  std::size_t previous = 0;
  for (std::size_t t = 0; t < gaps.size(); ++t) {
    const double alpha = std::pow(s, static_cast<double>(states[t])) * n / total;
    cost += -std::log(alpha * std::exp(-alpha * gaps[t]));
    if (states[t] > previous)
      cost += static_cast<double>(states[t] - previous) * gamma * std::log(n);
    previous = states[t];
  }
  return cost;
}

}  // namespace

TEST_CASE("bursts: Kleinberg Viterbi equals an exhaustive search over state paths") {
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    Rng rng(seed, 5);
    const std::size_t levels = 2 + seed % 2;
    const std::size_t n = levels == 2 ? 11 : 7;
    std::vector<double> gaps(n);
    for (std::size_t i = 0; i < n; ++i) gaps[i] = rng.exponential(i % 4 == 1 ? 0.3 : 3.0);
    for (const double gamma : {0.3, 1.0}) {
      KleinbergOptions o{2.5, gamma, levels};
      double viterbi = 0.0, exhaustive = 0.0;
      const auto states = kleinberg_states(gaps, o, &viterbi);
      const auto expected = tealeaves::reference::kleinberg_exhaustive(
          n, levels,
          [&](const std::vector<std::size_t>& st) { return paper_cost(gaps, st, 2.5, gamma); },
          exhaustive);
      CAPTURE(seed);
      CAPTURE(gamma);
      CHECK(states == expected);
      CHECK(viterbi == doctest::Approx(exhaustive).epsilon(1e-12));
      CHECK(kleinberg_cost(gaps, states, o) == doctest::Approx(exhaustive).epsilon(1e-12));
    }
  }
}

TEST_CASE("bursts: Kleinberg finds a planted burst and nests levels") {
  Rng rng(3, 0);
  std::vector<double> t = poisson_times(0.1, 2000.0, rng);
  const std::vector<double> burst = poisson_times(5.0, 830.0, rng, 800.0);  // 150 in 30 s
  t.insert(t.end(), burst.begin(), burst.end());
  std::sort(t.begin(), t.end());
  const KleinbergResult k = kleinberg(EventSeries(t), {2.0, 1.0, 3});
  REQUIRE(!k.bursts.empty());
  const auto top = std::max_element(k.bursts.begin(), k.bursts.end(), [](auto& a, auto& b) {
    return a.level != b.level ? a.level < b.level : a.n_events < b.n_events;
  });
  CHECK(top->level == 2);
  CHECK(top->start == doctest::Approx(800.0).epsilon(0.005));
  CHECK(top->end == doctest::Approx(830.0).epsilon(0.005));
  CHECK(top->n_events >= 140);
  for (const Burst& b : k.bursts) {
    if (b.level < 2) continue;  // every level-2 burst lies inside a level-1 burst
    const bool inside = std::any_of(k.bursts.begin(), k.bursts.end(), [&](const Burst& o) {
      return o.level == b.level - 1 && o.start <= b.start && b.end <= o.end;
    });
    CHECK(inside);
  }
  // A homogeneous Poisson series of the same size has no burst at gamma = 1.
  Rng null_rng(4, 0);
  CHECK(kleinberg(EventSeries(poisson_times(0.1, 3000.0, null_rng))).bursts.empty());
}

TEST_CASE("bursts: PELT equals O(m^2) optimal partitioning") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed, 9);
    const std::size_t m = 30 + seed * 3;
    std::vector<double> counts(m), exposure(m, 1.0);
    for (std::size_t i = 0; i < m; ++i) {
      const double mean = (i / 10) % 2 == 0 ? 2.0 : 6.0 + static_cast<double>(seed % 3);
      counts[i] = static_cast<double>(rng.poisson(mean));
      if (i % 13 == 5) exposure[i] = 0.5;
    }
    const auto cost = [&](std::size_t a, std::size_t b) {
      double n = 0.0, e = 0.0;
      for (std::size_t i = a; i < b; ++i) n += counts[i], e += exposure[i];
      return poisson_cost(n, e);
    };
    for (const std::size_t min_size : {1, 2, 5}) {
      for (const double beta : {0.5, 2.0 * std::log(static_cast<double>(m)), 15.0}) {
        double reference_cost = 0.0;
        const auto expected =
            tealeaves::reference::optimal_partitioning(m, min_size, beta, cost, reference_cost);
        const Partition p = pelt_poisson(counts, exposure, beta, min_size);
        CAPTURE(seed);
        CAPTURE(min_size);
        CAPTURE(beta);
        CHECK(p.starts == expected);
        CHECK(p.cost == doctest::Approx(reference_cost).epsilon(1e-10));
      }
    }
  }
}

TEST_CASE("bursts: change points find a planted rate change with exact intervals") {
  Rng rng(8, 0);
  std::vector<double> t = poisson_times(0.5, 1000.0, rng);
  const std::vector<double> busy = poisson_times(3.0, 1400.0, rng, 1000.0);
  t.insert(t.end(), busy.begin(), busy.end());
  tealeaves::SeriesOptions window;
  window.start = 0.0;
  window.end = 1400.0;
  const EventSeries s(t, window);
  ChangePointOptions o;
  o.bin_width = 10.0;
  const ChangePoints c = change_points(s, o);
  REQUIRE(c.change_points.size() == 1);
  CHECK(c.change_points[0] == doctest::Approx(1000.0));
  CHECK(c.n_bins == 140);
  CHECK(c.penalty == doctest::Approx(2.0 * std::log(140.0)));
  CHECK(c.rate[0] == doctest::Approx(0.5).epsilon(0.1));
  CHECK(c.rate[1] == doctest::Approx(3.0).epsilon(0.1));
  const PoissonInterval ci = poisson_interval(c.count[1], 0.95);
  CHECK(c.rate_low[1] == doctest::Approx(ci.low / 400.0));
  CHECK(c.rate_high[1] == doctest::Approx(ci.high / 400.0));
  o.bin_width = -1.0;
  CHECK_THROWS_WITH_AS(change_points(s, o), doctest::Contains("bin_width"), std::invalid_argument);
  o.bin_width = 0.0;
  o.penalty = "mbic";
  CHECK_THROWS_WITH_AS(change_points(s, o), doctest::Contains("penalty"), std::invalid_argument);
}

TEST_CASE("bursts: outage p-values are uniform under a Poisson null") {
  std::vector<double> p;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed, 31);
    const Outages o = outages(EventSeries(poisson_times(1.0, 200.0, rng)), {0.0, 0.05, false});
    p.insert(p.end(), o.p_value.begin(), o.p_value.end());
  }
  std::sort(p.begin(), p.end());
  const double n = static_cast<double>(p.size());
  double d = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    d = std::max({d, std::abs(p[i] - static_cast<double>(i) / n),
                  std::abs(p[i] - static_cast<double>(i + 1) / n)});
  }
  const double below =
      static_cast<double>(std::lower_bound(p.begin(), p.end(), 0.05) - p.begin()) / n;
  MESSAGE("outage p-values: n = " << n << ", KS D = " << d << ", fraction below 0.05 = " << below);
  CHECK(d < 1.63 / std::sqrt(n));  // KS critical value at the 1% level
  CHECK(below == doctest::Approx(0.05).epsilon(0.3));
}

TEST_CASE("bursts: a planted silence is an outage after the look-elsewhere correction") {
  Rng rng(12, 0);
  std::vector<double> t = poisson_times(1.0, 1000.0, rng);
  std::erase_if(t, [](double v) { return v > 500.0 && v < 540.0; });
  tealeaves::SeriesOptions window;
  window.start = 0.0;
  window.end = 1000.0;
  const Outages o = outages(EventSeries(t, window));
  std::size_t found = 0;
  for (std::size_t i = 0; i < o.n_examined; ++i) {
    if (!o.significant[i]) continue;
    ++found;
    CHECK(o.start[i] < 500.0);
    CHECK(o.end[i] > 540.0);
    CHECK(o.p_sidak[i] < 1e-6);
    CHECK(o.p_bonferroni[i] >= o.p_sidak[i]);
    CHECK(o.p_value[i] ==
          doctest::Approx(std::pow(o.context_exposure[i] / (o.context_exposure[i] + o.length[i]),
                                   o.context_events[i])));
  }
  CHECK(found == 1);
  CHECK(o.n_examined == t.size() + 1);  // every gap plus the two censored edges
  // A stretch of the window without observation is not a silence.
  tealeaves::SeriesOptions with_gap = window;
  with_gap.gaps = {{500.0, 540.0}};
  const Outages unobserved = outages(EventSeries(t, with_gap));
  CHECK(std::none_of(unobserved.significant.begin(), unobserved.significant.end(),
                     [](bool b) { return b; }));
  CHECK_THROWS_WITH_AS(outages(EventSeries(t, window), {0.0, 1.5, true}),
                       doctest::Contains("alpha"), std::invalid_argument);
}

TEST_CASE("bursts: time to first lookup under a Poisson rate") {
  const FirstLookup early = first_lookup(100.0, 101.0, 0.01);
  CHECK(early.delay == 1.0);
  CHECK(early.p_early == doctest::Approx(-std::expm1(-0.01)));
  CHECK(early.p_late == doctest::Approx(std::exp(-0.01)));
  CHECK(early.p_two_sided == doctest::Approx(2.0 * -std::expm1(-0.01)));
  const FirstLookup late = first_lookup(0.0, 1000.0, 0.01);
  CHECK(late.p_late == doctest::Approx(std::exp(-10.0)));
  const EventSeries baseline(std::vector<double>{0.0, 10.0, 20.0, 30.0, 40.0});
  CHECK(baseline_rate(baseline) == doctest::Approx(5.0 / 40.0));
  CHECK_THROWS_WITH_AS(first_lookup(10.0, 5.0, 1.0), doctest::Contains("first"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(first_lookup(0.0, 5.0, 0.0), doctest::Contains("rate"),
                       std::invalid_argument);
}

TEST_CASE("bursts: both-sides outage p is the larger one-sided conditional p") {
  Rng rng(2, 0);
  std::vector<double> t = poisson_times(1.0, 300.0, rng);
  const EventSeries s(t);
  OutageOptions pooled_options{30.0, 0.05, false, false};
  OutageOptions both_options{30.0, 0.05, false, true};
  const Outages pooled = outages(s, pooled_options);
  const Outages both = outages(s, both_options);
  REQUIRE(pooled.n_examined == both.n_examined);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < pooled.n_examined; ++i) {
    const double a = pooled.start[i] - s.origin(), b = pooled.end[i] - s.origin();
    if (a < 30.0 || b > s.duration() - 30.0) continue;  // full context on both sides only
    const double g = b - a;
    double n_left = 0.0, n_right = 0.0;
    for (const double v : t) {
      const double r = v - s.origin();
      if (r >= a - 30.0 && r < a) n_left += 1.0;
      if (r > b && r <= b + 30.0) n_right += 1.0;
    }
    const double expected =
        std::max(std::pow(30.0 / (30.0 + g), n_left), std::pow(30.0 / (30.0 + g), n_right));
    CHECK(both.p_value[i] == doctest::Approx(expected).epsilon(1e-12));
    CHECK(pooled.p_value[i] ==
          doctest::Approx(std::pow(60.0 / (60.0 + g), n_left + n_right)).epsilon(1e-12));
    ++checked;
  }
  CHECK(checked > 200);
}
