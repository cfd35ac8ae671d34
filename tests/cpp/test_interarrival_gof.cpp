// Goodness of fit and model comparison: KS against a direct supremum, the bootstrap's
// calibration under the null and power under an alternative, determinism across threads, and
// the likelihood-ratio tests.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/interarrival/compare.hpp"
#include "tealeaves/interarrival/fit.hpp"
#include "tealeaves/interarrival/gof.hpp"

using namespace tealeaves::interarrival;
using tealeaves::Rng;

namespace {

std::vector<double> draws(const ModelFit& m, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x(n);
  for (double& v : x) v = draw(m, rng);
  std::sort(x.begin(), x.end());
  return x;
}

// sup |F_n - F| by evaluating the ECDF (counted directly) at every value and just below it.
double ks_reference(const ModelFit& m, const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (const double v : x) {
    const double below = std::nextafter(v, -INFINITY);
    double at = 0.0, left = 0.0;
    for (const double w : x) at += w <= v, left += w <= below;
    d = std::max({d, std::abs(at / n - cdf(m, v)), std::abs(left / n - cdf(m, below))});
  }
  return d;
}

}  // namespace

TEST_CASE("KS distance equals the direct supremum, with and without ties") {
  const ModelFit model = make_model(Model::gamma, {1.5, 2.0});
  auto x = draws(model, 300, 1);
  CHECK(ks_distance(model, x) == doctest::Approx(ks_reference(model, x)).epsilon(1e-12));
  for (double& v : x) v = std::ceil(v * 4.0) / 4.0;  // heavy ties
  CHECK(ks_distance(model, x) == doctest::Approx(ks_reference(model, x)).epsilon(1e-12));
}

TEST_CASE("Anderson-Darling of a fitted exponential: the textbook formula") {
  const auto x = draws(make_model(Model::exponential, {2.0}), 200, 2);
  const ModelFit fit = fit_model(Model::exponential, x);
  double sum = 0.0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double z_i = 1.0 - std::exp(-fit.params[0] * x[i]);
    const double z_rev = 1.0 - std::exp(-fit.params[0] * x[x.size() - 1 - i]);
    sum += (2.0 * static_cast<double>(i) + 1.0) * (std::log(z_i) + std::log(1.0 - z_rev));
  }
  CHECK(anderson_darling(fit, x) == doctest::Approx(-n - sum / n).epsilon(1e-12));
}

TEST_CASE("bootstrap p-values are calibrated under the null and small under an alternative") {
  // 40 exponential samples each tested against the exponential: refitting in every replicate
  // makes p roughly uniform (without it, p would pile up near 1).
  double mean_p = 0.0, small = 0.0;
  for (std::uint64_t s = 0; s < 40; ++s) {
    const auto x = draws(make_model(Model::exponential, {1.0}), 150, 100 + s);
    GofOptions o;
    o.replicates = 39;
    o.seed = s;
    const GoodnessOfFit g = goodness_of_fit(fit_model(Model::exponential, x), x, o);
    mean_p += g.p_ks / 40.0;
    small += g.p_ks <= 0.1;
  }
  CHECK(mean_p == doctest::Approx(0.5).epsilon(0.2));
  CHECK(small <= 10.0);
  const auto lognormal = draws(make_model(Model::lognormal, {0.0, 1.5}), 400, 7);
  GofOptions o;
  o.replicates = 99;
  const GoodnessOfFit bad = goodness_of_fit(fit_model(Model::exponential, lognormal), lognormal, o);
  CHECK(bad.p_ks == doctest::Approx(0.01));  // (0 + 1) / (99 + 1): no replicate as extreme
  CHECK(bad.p_ad == doctest::Approx(0.01));
}

TEST_CASE("goodness-of-fit bootstraps are bit-identical for 1, 2 and 8 threads") {
  for (Model m : {Model::gamma, Model::weibull, Model::jittered_period}) {
    const ModelFit truth =
        m == Model::jittered_period ? make_model(m, {30.0, 1.0, 0.2}) : make_model(m, {1.3, 5.0});
    const auto x = draws(truth, 300, 3);
    const ModelFit fit = fit_model(m, x);
    GofOptions o;
    o.replicates = 20;
    o.seed = 5;
    o.threads = 1;
    const GoodnessOfFit one = goodness_of_fit(fit, x, o);
    for (std::size_t threads : {2u, 8u}) {
      o.threads = threads;
      const GoodnessOfFit many = goodness_of_fit(fit, x, o);
      CHECK(many.p_ks == one.p_ks);
      CHECK(many.p_ad == one.p_ad);
    }
  }
}

TEST_CASE("likelihood-ratio tests: Vuong for non-nested, chi^2 for nested pairs") {
  const auto x = draws(make_model(Model::lognormal, {1.0, 1.2}), 2000, 9);
  const ModelFit expo = fit_model(Model::exponential, x);
  const ModelFit logn = fit_model(Model::lognormal, x);
  const ModelFit gam = fit_model(Model::gamma, x);
  const Comparison v = compare_models(logn, expo, x);
  CHECK_FALSE(v.nested);
  CHECK(v.log_likelihood_ratio == doctest::Approx(logn.log_likelihood - expo.log_likelihood));
  CHECK(v.statistic > 3.0);
  CHECK(v.p_value < 1e-3);
  // Vuong's z from the pointwise differences, computed here directly.
  std::vector<double> d;
  for (const double t : x) d.push_back(log_pdf(logn, t) - log_pdf(expo, t));
  double mean = 0.0, var = 0.0;
  for (const double t : d) mean += t / double(d.size());
  for (const double t : d) var += (t - mean) * (t - mean) / double(d.size());
  CHECK(v.statistic ==
        doctest::Approx(mean * double(d.size()) / std::sqrt(double(d.size()) * var)));
  const Comparison nested = compare_models(expo, gam, x);
  CHECK(nested.nested);
  CHECK(nested.dof == 1.0);
  CHECK(nested.statistic == doctest::Approx(2.0 * (gam.log_likelihood - expo.log_likelihood)));
  CHECK(nested.p_value < 1e-6);
  CHECK(nested_dof(Model::exponential, Model::shifted_exponential) == 2.0);
  CHECK(nested_dof(Model::gamma, Model::weibull) == 0.0);

  const std::vector<ModelFit> fits = {expo, logn, gam};
  const std::vector<Comparison> comparisons = {nested, v, compare_models(logn, gam, x)};
  const Ranking r = rank_models(fits, comparisons);
  REQUIRE(r.has_best);
  CHECK(r.best == 1);
  CHECK(r.strength == "decisive");
  CHECK(r.akaike_weight[1] > 0.99);
  CHECK(r.evidence.find("lognormal") != std::string::npos);
}
