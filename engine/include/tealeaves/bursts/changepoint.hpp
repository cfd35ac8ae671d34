// Change points of the lookup rate: PELT (Killick, Fearnhead & Eckley 2012) on binned counts.
//
// The series is binned at `bin_width` (default: the window cut into clamp(N / 2, 16, 4096)
// bins); each bin carries its observed exposure (seconds inside good intervals). A segment with
// count N and exposure E costs twice its negative maximised Poisson log-likelihood,
//   C = -2 (N ln(N / E) - N)      (0 ln 0 = 0; bin-count factorials drop out),
// and every change point costs the penalty beta: "bic" 2 ln m, "aic" 4 (as R's changepoint
// package for a one-parameter-per-segment Poisson model, m the number of bins), or a number.
// Every segment spans at least `min_size` bins. PELT prunes candidate last change points that
// can never again be optimal (C is additive-subadditive, K = 0), with the pruning test taken
// min_size bins back so that minimum segment lengths stay exact. The result is the exact
// minimiser of sum C + beta (#changes), the same as O(m^2) optimal partitioning.
// Each segment carries its rate N / E and the exact (Garwood) Poisson interval at `level`.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::bursts {

struct ChangePointOptions {
  double bin_width = 0.0;       // seconds; 0: automatic
  std::string penalty = "bic";  // "bic", "aic" or "value"
  double penalty_value = 0.0;   // beta when penalty == "value", >= 0
  std::size_t min_size = 2;     // bins, >= 1
  double level = 0.95;
};

struct ChangePoints {
  std::vector<double> change_points;  // absolute times where a new segment starts
  std::vector<double> start, end, count, exposure, rate, rate_low, rate_high;  // per segment
  double bin_width = 0.0, penalty = 0.0, cost = 0.0, level = 0.95;
  std::size_t n_bins = 0;
  std::string penalty_name;
};

ChangePoints change_points(const EventSeries& series, const ChangePointOptions& options = {});

// The automatic bin width: the window cut into clamp(floor(N / 2), 16, 4096) bins.
double default_change_bin_width(const EventSeries& series);

// Segment cost of count n over exposure e.
double poisson_cost(double n, double e);

struct Partition {
  std::vector<std::size_t> starts;  // bin index where each segment after the first begins
  double cost = 0.0;                // sum of segment costs + penalty per change point
};

// The kernel, on per-bin counts and exposures (seconds).
Partition pelt_poisson(std::span<const double> counts, std::span<const double> exposure,
                       double penalty, std::size_t min_size);

}  // namespace tealeaves::bursts
