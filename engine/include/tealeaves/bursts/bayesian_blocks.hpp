// Bayesian Blocks for event data (Scargle et al. 2013, ApJ 764, 167): the optimal piecewise-
// constant rate of a series, found by an O(N^2) dynamic programme over the N distinct times.
//
// Cells are the distinct event times (ties are one cell with its multiplicity, as in astropy);
// cell edges are the midpoints between them and the first and last event, so the blocks span
// [first event, last event] exactly like astropy.stats.bayesian_blocks(t, fitness='events').
// Block fitness N_k ln(N_k / T_k) (Scargle eq. 19); every block costs the prior `ncp_prior`.
//
// The prior comes from one of three places (`method`):
//   "given"      the caller's ncp_prior;
//   "p0"         Scargle's eq. 21 fit, 4 - ln(73.53 p0 N^-0.478), N the number of distinct
//                times (astropy's rule);
//   "calibrated" by simulation: n_calibration homogeneous Poisson series with the same number
//                of events (multiplicities included) on the same window are drawn, and for each
//                the largest prior at which it still gets more than one block is found
//                (Dinkelbach iterations on the DP). The prior is placed between the
//                m-th and (m+1)-th largest of those, m = floor(p0 n): at it, a fraction m / n
//                ~ p0 of the null series give a false block (the fitness is scale free, so only
//                the event count matters). Null: homogeneous Poisson, given N, on the window.
//                Calibrations are deterministic and cached in the process, keyed by
//                (N, p0, n_calibration, seed, threads).
// Rates are count / observed time in the block (outages of the series excluded; the partition
// itself, like astropy's, does not know about outages) and carry an exact (Garwood) Poisson
// interval at `level` for each block's count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::bursts {

// Exact Poisson (Garwood) interval for the mean of a count, at central coverage `level`:
// [Q^-1(count, (1-level)/2), P^-1(count + 1, (1+level)/2)] (gamma quantiles), 0 below at count 0.
struct PoissonInterval {
  double low = 0.0;
  double high = 0.0;
};
PoissonInterval poisson_interval(double count, double level);

struct BayesianBlocksOptions {
  double p0 = 0.05;                 // false-positive rate per series, in (0, 1)
  std::optional<double> ncp_prior;  // given prior (takes precedence over p0)
  bool calibrate = false;           // calibrate the prior for p0 by simulation
  std::size_t n_calibration = 200;  // null series for calibration
  std::uint64_t seed = 0;           // null series i uses Rng(seed, i)
  std::size_t threads = 0;
  double level = 0.95;  // coverage of the rate intervals
};

struct BayesianBlocks {
  std::vector<double> edges;                               // absolute times, size n_blocks + 1
  std::vector<double> counts, rates, rate_low, rate_high;  // per block; rates in events / s
  double ncp_prior = 0.0;
  double p0 = 0.0;                // NaN when the prior was given
  std::string method;             // "given", "p0" or "calibrated"
  std::size_t n_cells = 0;        // distinct times
  std::size_t n_calibration = 0;  // null series simulated (calibrated only)
  double calibration_rate = 0.0;  // fraction of those null series with > 1 block at the prior
  double level = 0.95;
  std::string null;  // what the prior controls
};

BayesianBlocks bayesian_blocks(const EventSeries& series,
                               const BayesianBlocksOptions& options = {});

// astropy's p0 prior: 4 - ln(73.53 p0 n^-0.478).
double p0_prior(double p0, std::size_t n_cells);

// The kernel: distinct sorted `cells` with positive `weights` (counts); returns indices into the
// cell-edge array (size cells.size() + 1) of the block edges, first 0, last cells.size().
std::vector<std::size_t> block_edges(std::span<const double> cells, std::span<const double> weights,
                                     double ncp_prior);

// The largest prior at which the cells still get more than one block (0 for one cell).
double critical_prior(std::span<const double> cells, std::span<const double> weights);

// The calibrated prior for `n_events` events (see above); `rate_at_prior` gets the fraction of
// null series with more than one block at it.
double calibrate_prior(std::size_t n_events, double p0, std::size_t n_calibration,
                       std::uint64_t seed, std::size_t threads, double* rate_at_prior = nullptr);

}  // namespace tealeaves::bursts
