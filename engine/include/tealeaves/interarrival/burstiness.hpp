// Burstiness and regularity of inter-arrival times, and count-based dispersion over windows.
//
//   cv     sigma / mu                           Poisson 1, strict schedule 0
//   b      (sigma - mu) / (sigma + mu)          Goh & Barabasi (2008): Poisson 0, schedule -1
//   b_n    Kim & Jo (2016) finite-size B for n gaps:
//          (sqrt(n+1) r - sqrt(n-1)) / ((sqrt(n+1) - 2) r + sqrt(n-1)), r = sigma / mu;
//          0 in expectation for Poisson at any n, -1 for a schedule, 1 at most
//   memory Pearson correlation of consecutive gaps (Goh & Barabasi's M)
//   cv2    mean of 2 |t2 - t1| / (t2 + t1) over consecutive gaps (Holt et al. 1996)
//   lv     3 / (n-1) sum ((t1 - t2) / (t1 + t2))^2 (Shinomoto et al. 2003): Poisson 1
//   lvr    3 / (n-1) sum (1 - 4 t1 t2 / (t1 + t2)^2)(1 + 4 R / (t1 + t2)) (Shinomoto 2009),
//          R the refractory constant (default: the smallest positive gap, e.g. a cache floor)
// sigma uses 1/n. Consecutive means sharing an event inside one good interval: pairs are never
// formed across an outage. Statistics needing more data than there is are NaN.
//
// Fano factor F(T) = Var N_T / E N_T and Allan factor A(T) = E (N_{i+1} - N_i)^2 / (2 E N_T)
// of the counts N_T in windows of length T tiling each good interval (windows never straddle an
// outage; a partial window at an interval's end is not used; events count with multiplicity).
// A homogeneous Poisson process gives 1 for both at every T. Monte-Carlo bands and p-values come
// from Poisson processes with the same number of events placed uniformly on the good intervals;
// each p-value is two-sided for one T (no correction across the window lengths).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/interarrival/gaps.hpp"

namespace tealeaves::interarrival {

struct BurstinessOptions {
  double refractory = -1.0;  // seconds for LvR; < 0: the smallest positive gap
};

struct Burstiness {
  std::size_t n_gaps = 0;
  std::size_t n_pairs = 0;  // consecutive gap pairs (memory, cv2, lv, lvr)
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std_dev = std::numeric_limits<double>::quiet_NaN();
  double cv = std::numeric_limits<double>::quiet_NaN();
  double b = std::numeric_limits<double>::quiet_NaN();
  double b_n = std::numeric_limits<double>::quiet_NaN();
  double memory = std::numeric_limits<double>::quiet_NaN();
  double cv2 = std::numeric_limits<double>::quiet_NaN();
  double lv = std::numeric_limits<double>::quiet_NaN();
  double lvr = std::numeric_limits<double>::quiet_NaN();
  double refractory = std::numeric_limits<double>::quiet_NaN();
};

Burstiness burstiness(const GapSample& sample, const BurstinessOptions& options = {});

struct CountingOptions {
  // Window lengths in seconds; empty: `n_windows` log-spaced from half the mean gap
  // (exposure / events) to an eighth of the longest good interval.
  std::vector<double> windows;
  std::size_t n_windows = 20;
  std::size_t replicates = 200;  // Poisson Monte-Carlo replicates; 0: no bands or p-values
  double level = 0.95;           // central coverage of the bands
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;  // replicate r uses Rng(seed, stream + r)
  std::size_t threads = 0;
};

struct CountingFactors {
  std::vector<double> window;     // T, seconds
  std::vector<double> n_windows;  // windows of length T that fit in the good intervals
  std::vector<double> fano, allan;
  std::vector<double> fano_low, fano_high, allan_low, allan_high;  // Poisson bands
  std::vector<double> fano_p, allan_p;  // two-sided Monte-Carlo p = 2 min(k+1) / (B+1), <= 1
  std::size_t replicates = 0;
  double level = 0.95;
};

CountingFactors counting_factors(const EventSeries& series, const CountingOptions& options = {});

}  // namespace tealeaves::interarrival

namespace tealeaves {
using interarrival::burstiness;
using interarrival::counting_factors;
}  // namespace tealeaves
