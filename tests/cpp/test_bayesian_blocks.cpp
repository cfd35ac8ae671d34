// Bayesian Blocks against an exhaustive search, the calibrated prior's false-positive rate on
// Poisson series, a planted rate change, and invariances.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/bursts_naive.hpp"
#include "tealeaves/bursts/bayesian_blocks.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"

using namespace tealeaves::bursts;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

std::vector<double> uniform_times(std::size_t n, double span, Rng& rng) {
  std::vector<double> t(n);
  for (double& v : t) v = span * rng.uniform();
  std::sort(t.begin(), t.end());
  return t;
}

// Poisson times of rate r1 on [0, t_change) then r2 on [t_change, end).
std::vector<double> step_times(double r1, double r2, double t_change, double end, Rng& rng) {
  std::vector<double> t;
  for (double now = rng.exponential(r1); now < t_change; now += rng.exponential(r1)) {
    t.push_back(now);
  }
  for (double now = t_change + rng.exponential(r2); now < end; now += rng.exponential(r2)) {
    t.push_back(now);
  }
  return t;
}

}  // namespace

TEST_CASE("bursts: Bayesian Blocks equal an exhaustive search over all partitions") {
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    Rng rng(seed, 7);
    const std::size_t n = 6 + seed % 7;
    std::vector<double> t(n), w(n);
    double now = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      // Clustered gaps so that several blocks are sometimes best.
      now += rng.exponential(i % 5 < 2 ? 10.0 : 0.5);
      t[i] = now;
      w[i] = 1.0 + static_cast<double>(rng.below(3));
    }
    for (const double ncp : {0.0, 0.5, 2.0, 5.0}) {
      CAPTURE(seed);
      CAPTURE(ncp);
      CHECK(block_edges(t, w, ncp) == tealeaves::reference::blocks_exhaustive(t, w, ncp));
    }
  }
}

TEST_CASE("bursts: the critical prior separates one block from several") {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    Rng rng(seed, 3);
    const std::vector<double> t = uniform_times(60, 1.0, rng);
    const std::vector<double> w(t.size(), 1.0);
    const double g = critical_prior(t, w);
    CAPTURE(seed);
    CHECK(block_edges(t, w, g * (1.0 - 1e-6) - 1e-9).size() > 2);
    CHECK(block_edges(t, w, g * (1.0 + 1e-6) + 1e-9).size() == 2);
  }
}

TEST_CASE("bursts: calibrated prior has the requested false-positive rate on Poisson series") {
  // N = 60 events; 1000 series calibrate, 1000 fresh series (another seed) measure the rate.
  const std::size_t n = 60, sims = 1000;
  double rate_at_prior = 0.0;
  const double prior = calibrate_prior(n, 0.05, sims, 11, 0, &rate_at_prior);
  CHECK(rate_at_prior == doctest::Approx(0.05).epsilon(1e-12));
  std::size_t false_blocks = 0;
  for (std::size_t i = 0; i < sims; ++i) {
    Rng rng(99, i);
    const std::vector<double> t = uniform_times(n, 1000.0, rng);
    const EventSeries s(t);
    BayesianBlocksOptions o;
    o.ncp_prior = prior;
    if (bayesian_blocks(s, o).counts.size() > 1) ++false_blocks;
  }
  const double measured = static_cast<double>(false_blocks) / static_cast<double>(sims);
  MESSAGE("calibrated ncp_prior " << prior << " (eq. 21: " << p0_prior(0.05, n)
                                  << "), false-positive rate on fresh series " << measured);
  CHECK(measured >= 0.03);
  CHECK(measured <= 0.07);
  // The same calibration on 1 and 2 threads.
  CHECK(calibrate_prior(n, 0.05, 200, 5, 1) == calibrate_prior(n, 0.05, 200, 5, 2));
}

TEST_CASE("bursts: calibrated Bayesian Blocks find a planted rate change") {
  // 0.5/s for 360 s, then 2/s for 240 s: expected gap 2 s before the change, 0.5 s after.
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    Rng rng(seed, 21);
    const EventSeries s(step_times(0.5, 2.0, 360.0, 600.0, rng));
    BayesianBlocksOptions o;
    o.calibrate = true;
    o.seed = seed;
    const BayesianBlocks b = bayesian_blocks(s, o);
    CAPTURE(seed);
    REQUIRE(b.counts.size() >= 2);
    CHECK(b.method == "calibrated");
    double nearest = 1e300;
    for (const double e : b.edges) nearest = std::min(nearest, std::abs(e - 360.0));
    MESSAGE("seed " << seed << ": edge nearest the change is " << nearest << " s away");
    CHECK(nearest < 10.0);  // within 5 expected gaps of the slower side
    CHECK(b.rates.front() == doctest::Approx(0.5).epsilon(0.25));
    CHECK(b.rates.back() == doctest::Approx(2.0).epsilon(0.25));
    for (std::size_t k = 0; k < b.rates.size(); ++k) {
      CHECK(b.rate_low[k] < b.rates[k]);
      CHECK(b.rates[k] < b.rate_high[k]);
    }
  }
}

TEST_CASE("bursts: Bayesian Blocks are invariant to the time origin and count multiplicity") {
  Rng rng(4, 0);
  std::vector<double> t = step_times(1.0, 5.0, 100.0, 200.0, rng);
  std::vector<double> shifted = t;
  for (double& v : shifted) v += 1.7e9;
  const BayesianBlocks a = bayesian_blocks(EventSeries(t));
  const BayesianBlocks b = bayesian_blocks(EventSeries(shifted));
  REQUIRE(a.edges.size() == b.edges.size());
  for (std::size_t i = 0; i < a.edges.size(); ++i) {
    CHECK(std::abs((b.edges[i] - 1.7e9) - a.edges[i]) < 1e-6);  // input precision at 1.7e9
  }
  // Ties kept as separate events or collapsed into multiplicities give the same blocks.
  std::vector<double> tied;
  for (const double v : t) tied.insert(tied.end(), 1 + (static_cast<int>(v) % 3), v);
  tealeaves::SeriesOptions collapse;
  collapse.duplicates = tealeaves::DuplicatePolicy::collapse;
  const BayesianBlocks kept = bayesian_blocks(EventSeries(tied));
  const BayesianBlocks merged = bayesian_blocks(EventSeries(tied, collapse));
  CHECK(kept.edges == merged.edges);
  CHECK(kept.counts == merged.counts);
  CHECK(kept.n_cells == t.size());
}

TEST_CASE("bursts: Garwood interval and eq. 21 prior match known values") {
  // scipy.stats.chi2.ppf(0.025, 20) / 2 = 4.795389..., chi2.ppf(0.975, 22) / 2 = 18.390356...
  const PoissonInterval ci = poisson_interval(10.0, 0.95);
  CHECK(ci.low == doctest::Approx(4.795389).epsilon(1e-6));
  CHECK(ci.high == doctest::Approx(18.390356).epsilon(1e-6));
  CHECK(poisson_interval(0.0, 0.95).low == 0.0);
  CHECK(poisson_interval(0.0, 0.95).high == doctest::Approx(3.688879).epsilon(1e-6));
  CHECK(p0_prior(0.05, 100) ==
        doctest::Approx(4.0 - std::log(73.53 * 0.05 * std::pow(100.0, -0.478))));
}

TEST_CASE("bursts: Bayesian Blocks refuse bad input naming the argument") {
  const EventSeries s(std::vector<double>{0.0, 1.0, 2.0});
  BayesianBlocksOptions o;
  o.p0 = 1.5;
  CHECK_THROWS_WITH_AS(bayesian_blocks(s, o), doctest::Contains("p0"), std::invalid_argument);
  o.p0 = 0.0;
  CHECK_THROWS_WITH_AS(bayesian_blocks(s, o), doctest::Contains("p0"), std::invalid_argument);
  tealeaves::SeriesOptions window;
  window.start = 0.0;
  window.end = 1.0;
  const EventSeries empty(std::vector<double>{}, window);
  CHECK_THROWS_WITH_AS(bayesian_blocks(empty), doctest::Contains("series"), std::invalid_argument);
  o.p0 = 0.05;
  o.calibrate = true;
  o.n_calibration = 3;
  CHECK_THROWS_WITH_AS(bayesian_blocks(s, o), doctest::Contains("n_calibration"),
                       std::invalid_argument);
}

TEST_CASE("bursts: block rates count observed time only") {
  std::vector<double> t;
  for (int i = 0; i <= 100; i += 2) {
    if (i < 40 || i > 60) t.push_back(i);
  }
  tealeaves::SeriesOptions o;
  o.gaps = {{40.5, 59.5}};
  BayesianBlocksOptions one_block;
  one_block.ncp_prior = 1e6;
  const BayesianBlocks b = bayesian_blocks(EventSeries(t, o), one_block);
  REQUIRE(b.counts.size() == 1);
  CHECK(b.rates[0] == doctest::Approx(static_cast<double>(t.size()) / 81.0));
  CHECK(b.null.find("given") != std::string::npos);
}
