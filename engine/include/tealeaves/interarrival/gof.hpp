// Goodness of fit: Kolmogorov-Smirnov and Anderson-Darling statistics with parametric-bootstrap
// p-values that re-estimate the parameters in every replicate.
//
// Null: the values are an independent sample from the model's family. Each replicate draws n
// values from the fitted model, refits the same family (same xmin) and recomputes both
// statistics, so the p-value accounts for the parameters having been estimated from the data
// (the tabulated KS and AD distributions do not). p = (k + 1) / (B + 1), k the replicates at
// least as extreme. A replicate whose refit fails counts as at least as extreme (conservative).
// For the power law with x_min chosen from the data use fit_powerlaw, whose bootstrap also
// re-chooses x_min.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {

struct GofOptions {
  std::size_t replicates = 200;  // 0: statistics only
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;  // replicate r uses Rng(seed, stream + r)
  std::size_t threads = 0;   // 0: all (TEALEAVES_NUM_THREADS or the hardware)
  double resolution = 0.0;   // passed to the refits (jittered period)
};

struct GoodnessOfFit {
  double ks = std::numeric_limits<double>::quiet_NaN();
  double anderson_darling = std::numeric_limits<double>::quiet_NaN();
  double p_ks = std::numeric_limits<double>::quiet_NaN();
  double p_ad = std::numeric_limits<double>::quiet_NaN();
  std::size_t replicates = 0;
  std::size_t n_failed = 0;  // replicates whose refit failed (counted as extreme)
};

// sup_x |F_n(x) - F(x)| over the support (every integer for the discrete power law), with ties
// handled exactly. `sorted` ascending, inside the model's support.
double ks_distance(const ModelFit& model, std::span<const double> sorted);

// A^2 = -n - (1/n) sum (2i - 1) [ln F(x_i) + ln S(x_{n+1-i})] over the values strictly above the
// model's lower bound (x_min or floor, where F = 0); NaN for the discrete power law.
double anderson_darling(const ModelFit& model, std::span<const double> sorted);

GoodnessOfFit goodness_of_fit(const ModelFit& model, std::span<const double> sorted,
                              const GofOptions& options = {});

}  // namespace tealeaves::interarrival
