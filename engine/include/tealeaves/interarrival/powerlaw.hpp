// Power-law tails the way Clauset, Shalizi & Newman (2009) fit them: alpha by maximum likelihood
// above x_min, x_min by minimising the Kolmogorov-Smirnov distance between the tail and its
// fit, a semi-parametric bootstrap for the goodness of fit, and likelihood-ratio tests against
// alternative tails.
//
// The x_min scan tries every distinct value except the largest (with at least `min_tail`
// values at or above it), exactly like a brute-force scan, but abandons a candidate as soon as
// a partial maximum of its KS distance exceeds the best complete one (candidates are visited
// in the order of a cheap lower bound), so most candidates cost a few dozen evaluations.
// Continuous KS distances include both sides of every ECDF step, so repeated values are
// handled exactly (Convention::plfit reproduces Clauset's code instead); discrete ones compare
// the CDFs at every integer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "tealeaves/interarrival/compare.hpp"
#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {

enum class Convention {
  // Continuous KS distance sup |F_n - F| over both sides of every ECDF step (the KS
  // statistic); discrete alpha by exact maximum likelihood.
  exact,
  // As Clauset's plfit.m / plpva.m, which produced Table 6.1: continuous KS distance
  // max |F(x_(k)) - k/n| over the tail's order statistics only (it misses the upper side of
  // each ECDF step, so differs by < 1/n), and discrete alpha maximised over the grid
  // 1.50, 1.51, ..., 3.50.
  plfit,
};

struct PowerLawOptions {
  bool discrete = false;     // integer data (words, counts): zeta-normalised power law
  double xmin = 0.0;         // > 0: use this x_min (no scan, and the bootstrap keeps it fixed)
  std::size_t min_tail = 2;  // smallest tail a candidate x_min may leave
  Convention convention = Convention::exact;
  // Semi-parametric bootstrap (Clauset et al. sec. 4.1) for the KS goodness-of-fit p-value;
  // each replicate re-chooses x_min. 0 skips it.
  std::size_t replicates = 1000;
  // Non-parametric bootstrap (resampling the data) for the spread of x_min, alpha and n_tail,
  // as in Clauset et al.'s Table 6.1 errors. 0 skips it.
  std::size_t uncertainty_replicates = 0;
  bool compare = true;  // fit the alternative tails and test them against the power law
  std::uint64_t seed = 0;
  std::size_t threads = 0;
};

struct PowerLawFit {
  ModelFit fit;  // the power law on the tail: params = {alpha}, xmin, log-likelihood, SE
  double alpha = std::numeric_limits<double>::quiet_NaN();
  double alpha_se = std::numeric_limits<double>::quiet_NaN();  // (alpha - 1) / sqrt(n_tail)
  double xmin = std::numeric_limits<double>::quiet_NaN();
  bool discrete = false;
  std::size_t n = 0;              // positive values used
  std::size_t n_nonpositive = 0;  // values <= 0, dropped (they cannot be in a power-law tail)
  std::size_t n_tail = 0;
  double ks_distance = std::numeric_limits<double>::quiet_NaN();
  double anderson_darling = std::numeric_limits<double>::quiet_NaN();  // tail above x_min
  // Null: the data are drawn from the fitted power law above x_min and from the empirical
  // distribution below it; p = (k + 1) / (B + 1) over B replicates that each re-choose x_min
  // and refit alpha, so the p-value accounts for both being estimated.
  double p_value = std::numeric_limits<double>::quiet_NaN();
  double p_value_ad = std::numeric_limits<double>::quiet_NaN();
  std::size_t replicates = 0;
  // Standard deviations over the non-parametric bootstrap (NaN when not run).
  double xmin_sd = std::numeric_limits<double>::quiet_NaN();
  double alpha_sd = std::numeric_limits<double>::quiet_NaN();
  double n_tail_sd = std::numeric_limits<double>::quiet_NaN();
  std::size_t uncertainty_replicates = 0;
  // Tail alternatives (continuous data only): exponential, log-normal, Weibull (stretched
  // exponential) and power law with cut-off, all truncated to x >= x_min, and the tests of the
  // power law (first) against each (second): R > 0 favours the power law.
  std::vector<ModelFit> alternatives;
  std::vector<Comparison> comparisons;
  FitStatus status = FitStatus::ok;
};

// `values` in any order; non-finite values are an error, values <= 0 are dropped and counted;
// discrete values must be integers. Fewer than 2 distinct positive values give status
// insufficient_data.
PowerLawFit fit_powerlaw(std::span<const double> values, const PowerLawOptions& options = {});

}  // namespace tealeaves::interarrival

namespace tealeaves {
using interarrival::fit_powerlaw;
using interarrival::PowerLawFit;
}  // namespace tealeaves
