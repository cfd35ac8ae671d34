#include "z2_fast.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "../spectral/lomb_scargle_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "window.hpp"

namespace tealeaves::events::detail {
namespace {

// Events as unit-weight points for the NUFFT: weights 1/N (they must sum to 1), values 1, so
// its weighted sums are the Fourier sums divided by N.
spectral::detail::LsData unit_points(std::span<const double> times) {
  spectral::detail::LsData d;
  d.n = times.size();
  const std::size_t lanes = spectral::detail::kMaxLanes;
  d.padded = (d.n + lanes - 1) / lanes * lanes;
  d.t.assign(d.padded, 0.0);
  d.w.assign(d.padded, 0.0);
  std::copy(times.begin(), times.end(), d.t.begin());
  std::fill(d.w.begin(), d.w.begin() + static_cast<std::ptrdiff_t>(d.n),
            1.0 / static_cast<double>(d.n));
  d.wy = d.w;
  return d;
}

}  // namespace

Z2Result z2n_search_fast(const EventSeries& series, const FrequencyGrid& grid, const Z2Options& o) {
  require(o.tolerance >= 1e-12 && o.tolerance <= 0.1, "tolerance",
          "must be in [1e-12, 0.1], got " + format_number(o.tolerance));
  require(grid.n >= 1 && grid.df > 0.0 && grid.f0 > 0.0, "grid",
          "needs at least one positive frequency and a positive spacing");
  const unsigned h = o.harmonics;
  Z2Result result;
  result.grid = grid;
  result.harmonics = h;
  result.n_events = series.size();
  result.time_variance = null_time_variance(series);
  result.power.assign(grid.n, 0.0);
  if (series.empty()) return result;
  const double n = static_cast<double>(series.size());
  const auto points = unit_points(series.times());
  std::vector<double> c(grid.n * h), s(grid.n * h);
  for (unsigned k = 1; k <= h; ++k) {
    const spectral::FrequencyGrid harmonic{k * grid.f0, k * grid.df, grid.n};
    spectral::detail::nufft_sums(
        points, harmonic, o.tolerance, false, o.threads,
        [&](std::size_t first, std::span<const spectral::detail::TrigSums> sums) {
          for (std::size_t i = 0; i < sums.size(); ++i) {
            c[(first + i) * h + k - 1] = n * sums[i].yc;
            s[(first + i) * h + k - 1] = n * sums[i].ys;
          }
        });
  }
  // Each weighted sum is within tolerance of the exact one (the weights sum to 1).
  const double delta = o.tolerance * n;
  const auto edges = window_edges(series);
  std::vector<Phasor> window;
  if (o.window_correction) window = edge_sums(edges, grid.f0, grid.df, grid.n, h);
  for (std::size_t m = 0; m < grid.n; ++m) {
    const double f = grid.frequency(m);
    double total = 0.0, bound = 0.0;
    for (unsigned k = 0; k < h; ++k) {
      Phasor w1, w2;
      if (o.window_correction) {
        w1 = window_from_edge_sum(window[m * 2 * h + k], f * (k + 1), edges.exposure);
        w2 = window_from_edge_sum(window[m * 2 * h + 2 * k + 1], 2.0 * f * (k + 1), edges.exposure);
      }
      const double ck = c[m * h + k], sk = s[m * h + k];
      total += whitened_power(ck, sk, n, w1, w2);
      bound += whitened_power_bound(ck, sk, n, w1, w2, delta);
    }
    result.power[m] = total;
    result.error_bound = std::max(result.error_bound, bound);
  }
  return result;
}

}  // namespace tealeaves::events::detail
