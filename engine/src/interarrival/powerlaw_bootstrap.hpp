// Synthetic samples for the power-law bootstraps (see powerlaw_bootstrap.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tealeaves/core/rng.hpp"

namespace tealeaves::interarrival::detail {

struct TailModel {
  double xmin = 1.0;
  double alpha = 2.0;
  bool discrete = false;
  double log_norm = 0.0;  // ln zeta(alpha, xmin) when discrete
};

// A sorted sample with its logs, and scratch space for generating it.
struct Sample {
  std::vector<double> x, log_x, spacing;
  std::vector<std::uint32_t> counts;
};

// Appends `count` sorted power-law values (all >= x_min) to `out`.
void append_power_law_tail(const TailModel& t, std::size_t count, Rng& rng, Sample& out);

// Clauset et al. (2009) sec. 4.1: each of n values comes, with probability n_tail / n, from the
// fitted power law, otherwise uniformly from the observed values below x_min (x[0..index)).
void semi_parametric(std::span<const double> x, std::span<const double> log_x, const TailModel& t,
                     std::size_t index, Rng& rng, Sample& out);

// n values drawn with replacement from sorted x, sorted.
void resample(std::span<const double> x, std::span<const double> log_x, Rng& rng, Sample& out);

// Anderson-Darling A^2 of a continuous power-law tail over the values strictly above x_min.
double tail_anderson_darling(std::span<const double> x, std::span<const double> log_x, double xmin,
                             double alpha);

}  // namespace tealeaves::interarrival::detail
