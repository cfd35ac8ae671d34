// The one-call analysis on known processes: a heavy-tailed renewal process, a jittered beacon
// with missed beats, Poisson lookups; bad input; determinism across threads.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/interarrival/analysis.hpp"

using namespace tealeaves::interarrival;
using tealeaves::EventSeries;
using tealeaves::Rng;

namespace {

template <class Gap>
EventSeries renewal(std::size_t n, std::uint64_t seed, Gap gap) {
  Rng rng(seed);
  std::vector<double> t(n);
  double now = 1.7e9;  // epoch seconds: the analysis works relative to the window start
  for (double& v : t) v = (now += gap(rng));
  return EventSeries(t);
}

std::size_t index_of(const InterarrivalAnalysis& a, Model m) {
  for (std::size_t i = 0; i < a.models.size(); ++i) {
    if (a.models[i].fit.model == m) return i;
  }
  FAIL("model not fitted");
  return 0;
}

const Comparison& comparison(const InterarrivalAnalysis& a, Model x, Model y) {
  for (const Comparison& c : a.comparisons) {
    if ((c.first == x && c.second == y) || (c.first == y && c.second == x)) return c;
  }
  FAIL("pair not compared");
  return a.comparisons.front();
}

// Equal, or both NaN (a bootstrap that was skipped).
bool same(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

InterarrivalOptions quick() {
  InterarrivalOptions o;
  o.gof_replicates = 19;
  o.power_law_replicates = 19;
  o.counting.replicates = 19;
  o.seed = 1;
  return o;
}

}  // namespace

TEST_CASE("heavy-tailed renewal lookups: Vuong prefers the heavy tail over the exponential") {
  // Pareto gaps (alpha = 2.5 above 2 s), as from a person's irregular use.
  const EventSeries s =
      renewal(3000, 1, [](Rng& r) { return 2.0 * std::pow(r.uniform_open(), -1.0 / 1.5); });
  const InterarrivalAnalysis a = analyze_interarrivals(s, quick());
  REQUIRE(a.status == FitStatus::ok);
  const Comparison& v = comparison(a, Model::exponential, Model::lognormal);
  CHECK_FALSE(v.nested);
  const double favours_lognormal = v.first == Model::lognormal ? v.statistic : -v.statistic;
  CHECK(favours_lognormal > 3.0);
  CHECK(v.p_value < 1e-3);
  CHECK(a.ranking.best != index_of(a, Model::exponential));
  REQUIRE(a.has_power_law);
  CHECK(a.power_law.alpha == doctest::Approx(2.5).epsilon(0.08));
  CHECK(a.power_law.comparisons[0].second == Model::exponential);
  CHECK(a.power_law.comparisons[0].statistic > 3.0);  // power law beats the exponential tail
  CHECK(a.burstiness.b > 0.0);
  CHECK(a.models[index_of(a, Model::exponential)].gof.p_ks == doctest::Approx(0.05));
}

TEST_CASE("a jittered beacon with missed beats is best described by the jittered period") {
  const EventSeries s = renewal(800, 2, [](Rng& r) {
    double beats = 1.0;
    while (r.uniform() < 0.15) beats += 1.0;
    return beats * 300.0 + std::sqrt(beats) * 2.0 * r.normal();
  });
  const InterarrivalAnalysis a = analyze_interarrivals(s, quick());
  const std::size_t jitter = index_of(a, Model::jittered_period);
  CHECK(a.ranking.best == jitter);
  CHECK(a.ranking.strength == "decisive");
  const auto& p = a.models[jitter].fit.params;
  CHECK(p[0] == doctest::Approx(300.0).epsilon(0.005));
  CHECK(p[1] == doctest::Approx(2.0).epsilon(0.15));
  CHECK(p[2] == doctest::Approx(0.15).epsilon(0.3));
  // CV of k beats, k geometric with miss 0.15: sqrt(0.15) = 0.387, so B = -0.44.
  CHECK(a.burstiness.b == doctest::Approx(-0.44).epsilon(0.1));
  CHECK(a.empirical.mode == doctest::Approx(300.0).epsilon(0.01));
}

TEST_CASE("Poisson lookups: the exponential fits, and nothing nested beats it decisively") {
  const EventSeries s = renewal(2000, 3, [](Rng& r) { return r.exponential(0.01); });
  InterarrivalOptions o = quick();
  o.gof_replicates = 99;
  const InterarrivalAnalysis a = analyze_interarrivals(s, o);
  const std::size_t e = index_of(a, Model::exponential);
  CHECK(a.models[e].gof.p_ks > 0.01);
  CHECK(a.models[e].gof.p_ad > 0.01);
  CHECK(comparison(a, Model::exponential, Model::gamma).p_value > 0.01);
  CHECK(std::abs(a.burstiness.b) < 0.05);
  CHECK(a.models[e].fit.params[0] == doctest::Approx(0.01).epsilon(0.06));
}

TEST_CASE("analysis input: too few events or equal times raise, outages can leave too few gaps") {
  const std::vector<double> one{1.0};
  CHECK_THROWS_WITH_AS(analyze_interarrivals(EventSeries(one)), doctest::Contains("series:"),
                       std::invalid_argument);
  const std::vector<double> equal{2.0, 2.0};
  CHECK_THROWS_WITH_AS(analyze_interarrivals(EventSeries(equal)), doctest::Contains("series:"),
                       std::invalid_argument);
  // Every consecutive pair is split by an outage: no gap between lookups was observed.
  const std::vector<double> t{0.0, 10.0, 20.0, 30.0};
  tealeaves::SeriesOptions so;
  so.gaps = {{1.0, 9.0}, {11.0, 19.0}, {21.0, 29.0}};
  const InterarrivalAnalysis a = analyze_interarrivals(EventSeries(t, so), quick());
  CHECK(a.status == FitStatus::insufficient_data);
  CHECK(a.sample.n_spanning_outage == 3);
  CHECK(a.models.empty());
  InterarrivalOptions bad;
  bad.models = {Model::gamma, Model::gamma};
  CHECK_THROWS_WITH_AS(analyze_interarrivals(EventSeries(t), bad), doctest::Contains("models:"),
                       std::invalid_argument);
}

TEST_CASE("the whole analysis is bit-identical for 1, 2 and 8 threads") {
  const EventSeries s = renewal(400, 4, [](Rng& r) { return std::exp(2.0 + r.normal()); });
  InterarrivalOptions o = quick();
  o.threads = 1;
  const InterarrivalAnalysis one = analyze_interarrivals(s, o);
  for (std::size_t threads : {2u, 8u}) {
    o.threads = threads;
    const InterarrivalAnalysis many = analyze_interarrivals(s, o);
    for (std::size_t m = 0; m < one.models.size(); ++m) {
      CHECK(same(many.models[m].gof.p_ks, one.models[m].gof.p_ks));
      CHECK(same(many.models[m].gof.p_ad, one.models[m].gof.p_ad));
    }
    CHECK(many.power_law.p_value == one.power_law.p_value);
    CHECK(many.counting.fano_p == one.counting.fano_p);
  }
}
