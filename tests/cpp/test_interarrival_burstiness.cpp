// Gaps that respect outages, burstiness statistics on known processes, and Fano / Allan
// factors against a naive window count.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/interarrival/burstiness.hpp"
#include "tealeaves/interarrival/gaps.hpp"

using namespace tealeaves::interarrival;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

std::vector<double> poisson_times(std::size_t n, double rate, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> t(n);
  double now = 0.0;
  for (double& v : t) v = (now += rng.exponential(rate));
  return t;
}

// Naive Fano and Allan factors: every window counted by scanning all events (a window fits
// its good interval up to 1e-9 of its length, as documented).
void naive_factors(const EventSeries& s, double width, double& fano, double& allan) {
  std::vector<std::vector<double>> per_interval;
  for (const auto& g : s.good_intervals()) {
    std::vector<double> counts;
    for (double k = 0.0; g.start + (k + 1.0) * width <= g.stop + 1e-9 * width; k += 1.0) {
      const double a = g.start + k * width;
      double c = 0.0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.times()[i] >= a && s.times()[i] < a + width) c += s.multiplicity()[i];
      }
      counts.push_back(c);
    }
    per_interval.push_back(counts);
  }
  double n = 0.0, sum = 0.0, squares = 0.0, diff = 0.0, pairs = 0.0;
  for (const auto& counts : per_interval) {
    for (std::size_t k = 0; k < counts.size(); ++k) {
      n += 1.0, sum += counts[k], squares += counts[k] * counts[k];
      if (k > 0) diff += (counts[k] - counts[k - 1]) * (counts[k] - counts[k - 1]), pairs += 1.0;
    }
  }
  const double mean = sum / n;
  fano = (squares - n * mean * mean) / (n - 1.0) / mean;
  allan = diff / (2.0 * pairs * mean);
}

}  // namespace

TEST_CASE("gaps spanning an outage are dropped and counted, and pairs never cross it") {
  const std::vector<double> t = {0.0, 1.0, 3.0, 10.0, 11.0, 13.0, 14.0};
  tealeaves::SeriesOptions o;
  o.gaps = {{4.0, 9.0}};
  const EventSeries s(t, o);
  const GapSample g = inter_arrival_times(s);
  CHECK(g.gaps == std::vector<double>{1.0, 2.0, 1.0, 2.0, 1.0});
  CHECK(g.n_spanning_outage == 1);
  CHECK(g.run_starts == std::vector<std::size_t>{0, 2});
  CHECK(count_adjacent_pairs(g) == 3);  // (1,2), (1,2), (2,1): not (2,1) across the outage
  // An event on the edge of the outage belongs to the interval it bounds.
  tealeaves::SeriesOptions edge;
  edge.gaps = {{3.0, 10.0}};
  CHECK(inter_arrival_times(EventSeries(t, edge)).n_spanning_outage == 1);
}

TEST_CASE("bad input names the argument") {
  const std::vector<double> one{5.0};
  CHECK_THROWS_WITH_AS(inter_arrival_times(EventSeries(one)), doctest::Contains("series:"),
                       std::invalid_argument);
  const std::vector<double> same{5.0, 5.0, 5.0};
  CHECK_THROWS_WITH_AS(inter_arrival_times(EventSeries(same)),
                       doctest::Contains("series: all 3 event times are equal"),
                       std::invalid_argument);
  const std::vector<double> unsorted{1.0, 3.0, 2.0};
  CHECK_THROWS_WITH_AS(EventSeries{unsorted}, doctest::Contains("times: not sorted"),
                       std::invalid_argument);
}

TEST_CASE("Poisson process: B and B_n near 0, CV, CV2 and LV near 1, no memory") {
  const auto t = poisson_times(20000, 0.5, 1);
  const Burstiness b = burstiness(inter_arrival_times(EventSeries(t)));
  CHECK(b.n_gaps == 19999);
  CHECK(std::abs(b.b) < 0.02);
  CHECK(std::abs(b.b_n) < 0.02);
  CHECK(b.cv == doctest::Approx(1.0).epsilon(0.03));
  CHECK(b.cv2 == doctest::Approx(1.0).epsilon(0.03));
  CHECK(b.lv == doctest::Approx(1.0).epsilon(0.03));
  CHECK(std::abs(b.memory) < 0.03);
}

TEST_CASE("strict schedule: B = B_n = -1, CV = CV2 = LV = 0") {
  std::vector<double> t(100);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 300.0 * static_cast<double>(i);
  const Burstiness b = burstiness(inter_arrival_times(EventSeries(t)));
  CHECK(b.b == -1.0);
  CHECK(b.b_n == -1.0);
  CHECK(b.cv == 0.0);
  CHECK(b.cv2 == 0.0);
  CHECK(b.lv == 0.0);
  CHECK(b.lvr == 0.0);
  CHECK(std::isnan(b.memory));  // no variance, no correlation
}

TEST_CASE("Kim-Jo B_n reaches 1 at the largest possible spread, and memory is Pearson's r") {
  // n gaps of which all but one are zero: r = sqrt(n - 1), the largest possible.
  std::vector<double> t(11, 0.0);
  t.back() = 50.0;
  const Burstiness b = burstiness(inter_arrival_times(EventSeries(t)));
  CHECK(b.cv == doctest::Approx(std::sqrt(9.0)));
  CHECK(b.b_n == doctest::Approx(1.0));
  // Alternating short and long gaps: consecutive gaps perfectly anti-correlated.
  std::vector<double> alt = {0.0};
  for (int i = 0; i < 50; ++i) alt.push_back(alt.back() + (i % 2 ? 10.0 : 1.0));
  const Burstiness a = burstiness(inter_arrival_times(EventSeries(alt)));
  CHECK(a.memory == doctest::Approx(-1.0));
  CHECK(a.lv == doctest::Approx(3.0 * 81.0 / 121.0));
}

TEST_CASE("Fano and Allan factors equal a naive count, with outages and multiplicities") {
  auto t = poisson_times(3000, 0.2, 2);
  tealeaves::SeriesOptions o;
  o.gaps = {{2000.0, 3000.0}, {7000.0, 7100.0}};
  o.drop_outside = true;
  o.duplicates = tealeaves::DuplicatePolicy::collapse;
  o.duplicate_tolerance = 1.0;
  const EventSeries s(t, o);
  CountingOptions co;
  co.windows = {3.0, 17.0, 60.0, 400.0};
  co.replicates = 0;
  const CountingFactors f = counting_factors(s, co);
  for (std::size_t w = 0; w < co.windows.size(); ++w) {
    double fano = 0.0, allan = 0.0;
    naive_factors(s, co.windows[w], fano, allan);
    CAPTURE(co.windows[w]);
    CHECK(f.fano[w] == doctest::Approx(fano).epsilon(1e-12));
    CHECK(f.allan[w] == doctest::Approx(allan).epsilon(1e-12));
  }
}

TEST_CASE("Poisson F(T) and A(T) near 1 inside their Monte-Carlo bands, clusters above") {
  const EventSeries poisson(poisson_times(5000, 1.0, 3));
  CountingOptions co;
  co.replicates = 99;
  co.seed = 4;
  const CountingFactors f = counting_factors(poisson, co);
  REQUIRE(f.window.size() == 20);
  std::size_t outside = 0;
  for (std::size_t w = 0; w < f.window.size(); ++w) {
    CHECK(f.fano[w] == doctest::Approx(1.0).epsilon(0.35));
    CHECK(f.allan[w] == doctest::Approx(1.0).epsilon(0.35));
    CHECK(f.fano_low[w] < 1.0);
    CHECK(f.fano_high[w] > 1.0);
    outside += f.fano[w] < f.fano_low[w] || f.fano[w] > f.fano_high[w];
  }
  CHECK(outside <= 4);
  // Bursts of 5 lookups: counts are over-dispersed at windows longer than a burst.
  Rng rng(5);
  std::vector<double> bursty;
  double now = 0.0;
  for (int k = 0; k < 1000; ++k) {
    now += rng.exponential(0.2);
    for (int j = 0; j < 5; ++j) bursty.push_back(now + 0.01 * j);
  }
  tealeaves::SeriesOptions sorted;
  sorted.sort = true;  // bursts may overlap
  const EventSeries clusters(bursty, sorted);
  const CountingFactors g = counting_factors(clusters, co);
  for (std::size_t w = 0; w < 12; ++w) {  // windows with enough counts to estimate F well
    CHECK(g.fano[w] > 3.0);
    CHECK(g.allan[w] > 3.0);
    CHECK(g.fano_p[w] == doctest::Approx(0.02));  // 2 (0 + 1) / (99 + 1)
  }
  CHECK(burstiness(inter_arrival_times(clusters)).b > 0.3);
}

TEST_CASE("counting Monte-Carlo is bit-identical for 1, 2 and 8 threads") {
  const EventSeries s(poisson_times(800, 1.0, 6));
  CountingOptions co;
  co.replicates = 30;
  co.seed = 9;
  co.threads = 1;
  const CountingFactors one = counting_factors(s, co);
  for (std::size_t threads : {2u, 8u}) {
    co.threads = threads;
    const CountingFactors many = counting_factors(s, co);
    CHECK(many.fano_low == one.fano_low);
    CHECK(many.allan_high == one.allan_high);
    CHECK(many.fano_p == one.fano_p);
  }
}
