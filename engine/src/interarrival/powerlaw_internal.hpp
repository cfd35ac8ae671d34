// The x_min scan and the bootstrap samples behind fit_powerlaw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace tealeaves::interarrival::detail {

struct TailChoice {
  bool found = false;
  std::size_t index = 0;  // first index of x_min in the sorted data
  double xmin = std::numeric_limits<double>::quiet_NaN();
  double alpha = std::numeric_limits<double>::quiet_NaN();
  double ks = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_tail = 0;
};

// Buffers reused across the scans of one thread.
struct ScanWorkspace {
  std::vector<double> suffix;  // sum of ln x from index i to the end
  std::vector<std::size_t> candidates;
  std::vector<double> alpha, aux, bound;
  std::vector<std::size_t> argmax, order;
  std::vector<double> distinct;    // discrete: distinct values
  std::vector<std::size_t> first;  // discrete: first index of each distinct value (+ N)
  std::vector<double> log_distinct;
};

// Minimum-KS x_min over every distinct value but the largest leaving >= min_tail values.
// `x` sorted ascending and positive, `log_x` = ln x. Ties in the KS distance go to the smaller
// x_min, so the result equals a brute-force scan's.
// `plfit`: Clauset's convention, |F(x_(k)) - k/m| only.
TailChoice scan_continuous(std::span<const double> x, std::span<const double> log_x,
                           std::size_t min_tail, bool plfit, ScanWorkspace& w);
// `plfit`: alpha from Clauset's grid (see plfit_grid_alpha).
TailChoice scan_discrete(std::span<const double> x, std::span<const double> log_x,
                         std::size_t min_tail, bool plfit, ScanWorkspace& w);

// The power law on x[index..] with x_min = xmin (<= x[index]): alpha and KS distance.
TailChoice fit_fixed(std::span<const double> x, std::span<const double> log_x, std::size_t index,
                     double xmin, bool discrete, bool plfit);

}  // namespace tealeaves::interarrival::detail
