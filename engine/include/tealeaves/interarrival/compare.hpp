// Model comparison on one sample: likelihood-ratio tests between pairs and an AIC/BIC ranking.
//
// Null hypotheses of the pairwise p-values (each p-value is one test; no correction across the
// pairs of a table is applied):
//   - non-nested pairs (Vuong 1989, as used by Clauset et al. 2009): both models are equally
//     close to the truth in Kullback-Leibler divergence; z = R / (sqrt(n) s) with R the summed
//     pointwise log-likelihood ratio and s its pointwise standard deviation; two-sided
//     p = erfc(|z| / sqrt 2).
//   - nested pairs: the smaller model is true; 2 R ~ chi^2 with `dof` degrees of freedom:
//     1 for the exponential inside gamma or Weibull (shape = 1, interior); 2 for the exponential
//     inside the shifted exponential (the floor estimate is the sample minimum, and n rate min ~
//     Exp(1), so 2 R ~ chi^2_2); 1 for the power law inside the power law with cut-off, as
//     Clauset et al. (conservative: rate = 0 is a boundary, where the exact p is half of it).
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {

struct Comparison {
  Model first = Model::exponential;
  Model second = Model::exponential;
  bool nested = false;
  double log_likelihood_ratio = std::numeric_limits<double>::quiet_NaN();  // > 0 favours first
  double statistic = std::numeric_limits<double>::quiet_NaN();  // Vuong z, or chi^2 = 2 R
  double dof = std::numeric_limits<double>::quiet_NaN();        // chi^2 degrees of freedom
  double p_value = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;
};

// Degrees of freedom when one of the models nests the other, 0 when they are not nested.
double nested_dof(Model a, Model b);

// Both fits must be to `data` (the same values, the same xmin).
Comparison compare_models(const ModelFit& first, const ModelFit& second,
                          std::span<const double> data);

struct Ranking {
  // Indexed like the fits; NaN for fits that are not usable.
  std::vector<double> aic, bic, delta_aic, akaike_weight;
  bool has_best = false;
  std::size_t best = 0;
  bool has_runner_up = false;
  std::size_t runner_up = 0;
  // From the AIC difference to the runner-up (Burnham & Anderson's rules of thumb):
  // "decisive" >= 10, "strong" >= 6, "positive" >= 2, "weak" below; "none" without a best.
  std::string strength = "none";
  std::string evidence;  // one sentence with the numbers behind the choice
};

// Ranks usable fits by AIC; `comparisons` supplies the test quoted between best and runner-up.
Ranking rank_models(std::span<const ModelFit> fits, std::span<const Comparison> comparisons);

}  // namespace tealeaves::interarrival
