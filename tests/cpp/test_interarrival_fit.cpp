// Maximum-likelihood fits against a slow, obviously correct reference: the log-likelihood
// summed from the model's own density and maximised by a zooming grid search. Plus the density
// functions themselves: they integrate to one, cdf + sf = 1, and the samplers follow the cdf.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/interarrival/fit.hpp"
#include "tealeaves/interarrival/gof.hpp"
#include "tealeaves/interarrival/models.hpp"

using namespace tealeaves::interarrival;
using tealeaves::Rng;

namespace {

std::vector<double> sample(const ModelFit& m, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x(n);
  for (double& v : x) v = draw(m, rng);
  std::sort(x.begin(), x.end());
  return x;
}

// Sum of log densities in long double; -inf for parameters the model rejects.
long double log_likelihood(Model model, const std::vector<double>& p, double xmin,
                           const std::vector<double>& x, bool discrete = false) {
  ModelFit m;
  try {
    m = make_model(model, p, xmin, discrete);
  } catch (const std::invalid_argument&) {
    return -std::numeric_limits<long double>::infinity();
  }
  long double sum = 0.0L;
  for (const double v : x) sum += log_pdf(m, v);
  return sum;
}

// Zooming grid search: a grid of `points` per axis around the best point so far, each level
// a quarter the width of the last. Needs nothing but the density.
std::vector<double> grid_mle(Model model, std::vector<double> centre, double xmin,
                             const std::vector<double>& x, bool discrete = false) {
  const std::size_t d = centre.size();
  const int points = d == 1 ? 41 : (d == 2 ? 21 : 9);
  std::vector<double> width(d);
  for (std::size_t i = 0; i < d; ++i) width[i] = 0.3 * std::max(std::abs(centre[i]), 0.05);
  long double best = log_likelihood(model, centre, xmin, x, discrete);
  for (int level = 0; level < 16; ++level) {
    std::vector<double> start = centre;
    std::vector<int> index(d, 0);
    for (;;) {
      std::vector<double> p(d);
      for (std::size_t i = 0; i < d; ++i) {
        p[i] = start[i] + width[i] * (2.0 * index[i] / (points - 1) - 1.0);
      }
      const long double v = log_likelihood(model, p, xmin, x, discrete);
      if (v > best) best = v, centre = p;
      std::size_t k = 0;
      while (k < d && ++index[k] == points) index[k++] = 0;
      if (k == d) break;
    }
    for (double& w : width) w *= 0.25;
  }
  return centre;
}

void check_against_grid(Model model, const ModelFit& truth, std::size_t n, double tolerance,
                        std::uint64_t seed) {
  const auto x = sample(truth, n, seed);
  FitOptions o;
  o.xmin = truth.xmin;
  o.discrete = truth.discrete;
  const ModelFit fit = fit_model(model, x, o);
  REQUIRE(fit.usable());
  const auto reference = grid_mle(model, truth.params, truth.xmin, x, truth.discrete);
  CAPTURE(model_name(model));
  for (std::size_t i = 0; i < reference.size(); ++i) {
    CHECK(fit.params[i] == doctest::Approx(reference[i]).epsilon(tolerance));
    CHECK(std::isfinite(fit.std_errors[i]));
  }
  CHECK(fit.log_likelihood ==
        doctest::Approx(
            static_cast<double>(log_likelihood(model, fit.params, truth.xmin, x, truth.discrete)))
            .epsilon(1e-10));
}

}  // namespace

TEST_CASE("closed-form and 1-D fits equal the grid-search maximum of the summed density") {
  check_against_grid(Model::exponential, make_model(Model::exponential, {0.2}), 1500, 1e-6, 1);
  check_against_grid(Model::shifted_exponential, make_model(Model::shifted_exponential, {0.5, 3.0}),
                     1500, 1e-6, 2);
  check_against_grid(Model::gamma, make_model(Model::gamma, {0.6, 40.0}), 1500, 1e-5, 3);
  check_against_grid(Model::gamma, make_model(Model::gamma, {4.0, 2.0}), 1500, 1e-5, 4);
  check_against_grid(Model::weibull, make_model(Model::weibull, {0.7, 30.0}), 1500, 1e-5, 5);
  check_against_grid(Model::lognormal, make_model(Model::lognormal, {2.0, 1.3}), 1500, 1e-6, 6);
  check_against_grid(Model::power_law, make_model(Model::power_law, {2.3}, 5.0), 1500, 1e-6, 7);
  check_against_grid(Model::power_law, make_model(Model::power_law, {2.1}, 3.0, true), 1500, 1e-6,
                     8);
}

TEST_CASE("tail fits truncated at xmin equal the grid-search maximum") {
  check_against_grid(Model::exponential, make_model(Model::exponential, {0.1}, 20.0), 1000, 1e-6,
                     11);
  check_against_grid(Model::lognormal, make_model(Model::lognormal, {1.0, 1.5}, 4.0), 1000, 1e-4,
                     12);
  check_against_grid(Model::weibull, make_model(Model::weibull, {0.5, 10.0}, 2.0), 1000, 1e-4, 13);
  check_against_grid(Model::power_law_cutoff, make_model(Model::power_law_cutoff, {1.8, 0.01}, 1.0),
                     1000, 1e-4, 14);
}

TEST_CASE("jittered period: EM reaches the grid-search maximum") {
  const ModelFit truth = make_model(Model::jittered_period, {60.0, 1.5, 0.2});
  check_against_grid(Model::jittered_period, truth, 300, 1e-4, 21);
  const auto x = sample(truth, 2000, 22);
  const ModelFit fit = fit_model(Model::jittered_period, x);
  CHECK(fit.params[0] == doctest::Approx(60.0).epsilon(0.01));
  CHECK(fit.params[1] == doctest::Approx(1.5).epsilon(0.1));
  CHECK(fit.params[2] == doctest::Approx(0.2).epsilon(0.15));
}

TEST_CASE("a strict schedule fits the jittered period at its resolution floor") {
  std::vector<double> x(50, 300.0);
  FitOptions o;
  o.resolution = 1e-6;
  const ModelFit fit = fit_model(Model::jittered_period, x, o);
  CHECK(fit.status == FitStatus::at_bound);
  CHECK(fit.params[0] == doctest::Approx(300.0));
  CHECK(fit.params[1] == doctest::Approx(1e-6 / std::sqrt(12.0)));
  CHECK(std::isfinite(fit.log_likelihood));
  // Models that need spread report a degenerate fit instead of an exception.
  for (Model m : {Model::gamma, Model::weibull, Model::lognormal, Model::shifted_exponential}) {
    CHECK(fit_model(m, x).status == FitStatus::degenerate);
  }
  CHECK(fit_model(Model::gamma, std::vector<double>{2.0}).status == FitStatus::insufficient_data);
}

TEST_CASE("densities integrate to one and cdf + sf = 1 with cdf = integral of the density") {
  const std::vector<ModelFit> models = {
      make_model(Model::exponential, {0.3}, 2.0),
      make_model(Model::shifted_exponential, {0.3, 1.0}),
      make_model(Model::gamma, {0.7, 3.0}),
      make_model(Model::weibull, {0.6, 5.0}, 1.0),
      make_model(Model::lognormal, {1.0, 0.8}, 2.0),
      make_model(Model::power_law, {2.5}, 1.5),
      make_model(Model::power_law_cutoff, {1.5, 0.2}, 1.0),
      make_model(Model::power_law_cutoff, {-0.5, 1.0}, 0.5),
      make_model(Model::jittered_period, {10.0, 0.8, 0.3}),
  };
  boost::math::quadrature::tanh_sinh<double> integrator;  // copes with x^(k-1) at 0
  for (const ModelFit& m : models) {
    CAPTURE(model_name(m.model));
    const double lo = m.model == Model::shifted_exponential ? 1.0 : m.xmin;
    auto density = [&](double t) { return std::exp(log_pdf(m, t)); };
    for (double x : {lo * 1.5 + 0.5, lo * 3.0 + 4.0, lo * 10.0 + 20.0}) {
      const double integral = integrator.integrate(density, lo, x);
      CHECK(cdf(m, x) == doctest::Approx(integral).epsilon(1e-8));
      CHECK(cdf(m, x) + sf(m, x) == doctest::Approx(1.0).epsilon(1e-13));
    }
  }
  const ModelFit discrete = make_model(Model::power_law, {2.2}, 3.0, true);
  double total = 0.0;
  for (double k = 3.0; k < 2e5; k += 1.0) total += std::exp(log_pdf(discrete, k));
  CHECK(total + sf(discrete, 2e5 - 1.0) == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(cdf(discrete, 10.5) == doctest::Approx(cdf(discrete, 10.0)).epsilon(1e-15));
}

TEST_CASE("samplers follow their distribution function (KS distance within sampling error)") {
  const std::vector<ModelFit> models = {
      make_model(Model::exponential, {0.3}, 2.0),
      make_model(Model::gamma, {0.4, 3.0}),
      make_model(Model::gamma, {6.0, 1.0}),
      make_model(Model::weibull, {0.6, 5.0}, 1.0),
      make_model(Model::lognormal, {1.0, 0.8}, 20.0),
      make_model(Model::power_law, {2.5}, 1.5),
      make_model(Model::power_law, {1.8}, 4.0, true),
      make_model(Model::power_law_cutoff, {1.5, 0.2}, 1.0),
      make_model(Model::power_law_cutoff, {0.5, 0.1}, 30.0),
      make_model(Model::power_law_cutoff, {-0.5, 1.0}, 0.5),
      make_model(Model::jittered_period, {10.0, 0.5, 0.3}),
  };
  const std::size_t n = 4000;
  for (const ModelFit& m : models) {
    CAPTURE(model_name(m.model));
    const auto x = sample(m, n, 99);
    // P(D > 1.63 / sqrt n) = 0.01 for a continuous law; discrete laws are more conservative.
    CHECK(ks_distance(m, x) < 1.63 / std::sqrt(static_cast<double>(n)));
  }
}

TEST_CASE("fit_model rejects bad input by naming the argument") {
  const std::vector<double> unsorted{3.0, 1.0, 2.0};
  CHECK_THROWS_WITH_AS(fit_model(Model::gamma, unsorted), doctest::Contains("values:"),
                       std::invalid_argument);
  const std::vector<double> negative{-1.0, 1.0};
  CHECK_THROWS_WITH_AS(fit_model(Model::gamma, negative), doctest::Contains("values:"),
                       std::invalid_argument);
  const std::vector<double> fractional{1.0, 2.5};
  FitOptions o;
  o.discrete = true;
  CHECK_THROWS_WITH_AS(fit_model(Model::power_law, fractional, o), doctest::Contains("values:"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_model("pareto"), doctest::Contains("model:"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_model(Model::gamma, {1.0}), doctest::Contains("params:"),
                       std::invalid_argument);
}
