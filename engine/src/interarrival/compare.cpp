#include "tealeaves/interarrival/compare.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {
namespace {

bool pair_is(Model a, Model b, Model x, Model y) {
  return (a == x && b == y) || (a == y && b == x);
}

// The larger model of a nested pair.
bool is_larger(Model m) {
  return m == Model::gamma || m == Model::weibull || m == Model::shifted_exponential ||
         m == Model::power_law_cutoff;
}

std::string format_fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string format_p(double p) {
  char buffer[64];
  if (p < 1e-4)
    std::snprintf(buffer, sizeof buffer, "%.1e", p);
  else
    std::snprintf(buffer, sizeof buffer, "%.4f", p);
  return buffer;
}

std::string strength_of(double delta) {
  if (delta >= 10.0) return "decisive";
  if (delta >= 6.0) return "strong";
  if (delta >= 2.0) return "positive";
  return "weak";
}

std::string test_sentence(const Comparison& c) {
  const std::string a(model_name(c.first)), b(model_name(c.second));
  if (c.nested) {
    return "likelihood-ratio test " + a + " vs " + b + ": chi^2 = " + format_fixed(c.statistic, 2) +
           " (" + format_fixed(c.dof, 0) + " dof), p = " + format_p(c.p_value) +
           " (null: the smaller model)";
  }
  return "Vuong test " + a + " vs " + b + ": z = " + format_fixed(c.statistic, 2) +
         ", p = " + format_p(c.p_value) + " (null: equally close to the truth)";
}

}  // namespace

double nested_dof(Model a, Model b) {
  if (pair_is(a, b, Model::exponential, Model::gamma)) return 1.0;
  if (pair_is(a, b, Model::exponential, Model::weibull)) return 1.0;
  if (pair_is(a, b, Model::exponential, Model::shifted_exponential)) return 2.0;
  if (pair_is(a, b, Model::power_law, Model::power_law_cutoff)) return 1.0;
  return 0.0;
}

Comparison compare_models(const ModelFit& first, const ModelFit& second,
                          std::span<const double> data) {
  require(first.usable() && second.usable(), "fits", "both fits must be usable");
  require(first.n == data.size() && second.n == data.size(), "data",
          "both fits must be to these values");
  Comparison c;
  c.first = first.model;
  c.second = second.model;
  c.n = data.size();
  const double n = static_cast<double>(data.size());
  c.log_likelihood_ratio = first.log_likelihood - second.log_likelihood;
  const double dof = nested_dof(first.model, second.model);
  if (dof > 0.0 && first.xmin == second.xmin) {
    c.nested = true;
    c.dof = dof;
    const double larger_gain =
        is_larger(first.model) ? c.log_likelihood_ratio : -c.log_likelihood_ratio;
    c.statistic = 2.0 * std::max(0.0, larger_gain);
    const boost::math::chi_squared chi2(dof);
    c.p_value = boost::math::cdf(boost::math::complement(chi2, c.statistic));
    return c;
  }
  std::vector<double> d(data.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    d[i] = log_pdf(first, data[i]) - log_pdf(second, data[i]);
    sum += d[i];
  }
  const double mean = sum / n;
  double squares = 0.0;
  for (const double v : d) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / n);
  c.log_likelihood_ratio = sum;
  if (!(sd > 0.0) || !std::isfinite(sum)) {
    c.statistic = std::isfinite(sum) ? 0.0 : std::copysign(INFINITY, sum);
    c.p_value = std::isfinite(sum) ? 1.0 : 0.0;
    return c;
  }
  c.statistic = sum / (std::sqrt(n) * sd);
  c.p_value = boost::math::erfc(std::abs(c.statistic) / std::numbers::sqrt2);
  return c;
}

// AIC's penalty of 2 per parameter does not protect a nested smaller model when the larger
// one's extra parameter is non-regular (the shifted exponential's floor is the sample minimum:
// its likelihood gain is ~Exp(1), so it would win a third of Poisson samples). The AIC winner
// keeps its place only if its likelihood-ratio test against every nested smaller model rejects
// at 5 %; otherwise the simpler model is preferred, and `note` says why.
std::size_t parsimonious_best(std::span<const ModelFit> fits,
                              std::span<const Comparison> comparisons,
                              const std::vector<std::size_t>& usable, std::string* note) {
  constexpr double kAlpha = 0.05;
  std::size_t best = usable[0];
  for (bool changed = true; changed;) {
    changed = false;
    for (const std::size_t smaller : usable) {
      if (smaller == best || !is_larger(fits[best].model) || is_larger(fits[smaller].model) ||
          nested_dof(fits[best].model, fits[smaller].model) <= 0.0) {
        continue;
      }
      for (const Comparison& c : comparisons) {
        if (!c.nested || !pair_is(c.first, c.second, fits[best].model, fits[smaller].model)) {
          continue;
        }
        if (c.p_value >= kAlpha) {
          *note = std::string(model_name(fits[best].model)) + " has the lowest AIC but does not " +
                  "improve significantly on the nested " +
                  std::string(model_name(fits[smaller].model)) + " (" + test_sentence(c) +
                  "), so the simpler model is preferred";
          best = smaller;
          changed = true;
        }
        break;
      }
      if (changed) break;
    }
  }
  return best;
}

Ranking rank_models(std::span<const ModelFit> fits, std::span<const Comparison> comparisons) {
  Ranking r;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.aic.assign(fits.size(), nan);
  r.bic.assign(fits.size(), nan);
  r.delta_aic.assign(fits.size(), nan);
  r.akaike_weight.assign(fits.size(), nan);
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < fits.size(); ++i) {
    if (!fits[i].usable()) continue;
    r.aic[i] = fits[i].aic();
    r.bic[i] = fits[i].bic();
    usable.push_back(i);
  }
  if (usable.empty()) {
    r.evidence = "no model could be fitted";
    return r;
  }
  std::stable_sort(usable.begin(), usable.end(),
                   [&](std::size_t a, std::size_t b) { return r.aic[a] < r.aic[b]; });
  std::string demoted;
  const std::size_t chosen = parsimonious_best(fits, comparisons, usable, &demoted);
  // The chosen model leads; the rest keep their AIC order.
  std::stable_partition(usable.begin(), usable.end(), [&](std::size_t i) { return i == chosen; });
  r.has_best = true;
  r.best = usable[0];
  double total = 0.0;
  for (const std::size_t i : usable) {
    r.delta_aic[i] = r.aic[i] - r.aic[r.best];
    total += std::exp(-0.5 * r.delta_aic[i]);
  }
  for (const std::size_t i : usable) r.akaike_weight[i] = std::exp(-0.5 * r.delta_aic[i]) / total;
  const std::string best(model_name(fits[r.best].model));
  if (usable.size() == 1) {
    r.strength = "weak";
    r.evidence = best + " is the only model that could be fitted";
    return r;
  }
  r.has_runner_up = true;
  r.runner_up = usable[1];
  const double delta = r.delta_aic[r.runner_up];
  r.strength = strength_of(delta);
  const std::string runner(model_name(fits[r.runner_up].model));
  r.evidence = best + " has the lowest AIC, " + format_fixed(delta, 1) + " below " + runner +
               " (Akaike weight " + format_fixed(r.akaike_weight[r.best], 3) + ")";
  if (!demoted.empty()) {
    r.strength = "weak";
    r.evidence = demoted;
  }
  for (const Comparison& c : comparisons) {
    if (pair_is(c.first, c.second, fits[r.best].model, fits[r.runner_up].model)) {
      r.evidence += "; " + test_sentence(c);
      break;
    }
  }
  return r;
}

}  // namespace tealeaves::interarrival
