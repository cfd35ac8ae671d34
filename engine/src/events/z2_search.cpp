// Z^2_n over a uniform frequency grid, tiled for the cache and threaded over fixed blocks.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "phasor.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/events/rayleigh.hpp"
#include "window.hpp"
#include "z2_fast.hpp"
#include "z2_kernel.hpp"

namespace tealeaves::events {
namespace {

// Frequencies per block: recurrences restart from exact phases at each block, which bounds
// their rounding drift (~block * 1e-16, measured ~1e-11 relative on Z^2) and fixes the work
// split whatever the thread count. Seeding costs a sincos per event per block, so the block
// is long enough for that to be small against the recurrence steps.
constexpr std::size_t kFreqBlock = 1024;
// Events per tile: the phasor arrays of a tile stay in L1 while a block's frequencies run.
constexpr std::size_t kEventTile = 512;

// Cache-line aligned, so no vector load or store of the kernel straddles two lines.
struct alignas(64) Tile {
  double zr[kEventTile], zi[kEventTile], sr[kEventTile], si[kEventTile];
};

// The rotation by one grid step, e^{2 pi i df t_j}: the same for every block, computed once.
struct Steps {
  std::vector<double> re, im;
};

Steps grid_steps(std::span<const double> times, double df) {
  Steps s{std::vector<double>(times.size()), std::vector<double>(times.size())};
  for (std::size_t j = 0; j < times.size(); ++j) {
    const auto step = detail::cis_cycles(detail::cycles(df, times[j]));
    s.re[j] = step.re;
    s.im[j] = step.im;
  }
  return s;
}

// Seeds the tile with exact phasors at f0 and the events' step rotations.
std::size_t seed_tile(Tile& tile, std::span<const double> times, const Steps& steps,
                      std::size_t first, double f0) {
  const std::size_t n = times.size();
  for (std::size_t j = 0; j < n; ++j) {
    const auto z = detail::cis_cycles(detail::cycles(f0, times[j]));
    tile.zr[j] = z.re;
    tile.zi[j] = z.im;
    tile.sr[j] = steps.re[first + j];
    tile.si[j] = steps.im[first + j];
  }
  const std::size_t padded = (n + detail::kLanes - 1) / detail::kLanes * detail::kLanes;
  for (std::size_t j = n; j < padded; ++j) tile.zr[j] = tile.zi[j] = tile.sr[j] = tile.si[j] = 0.0;
  return padded;
}

void search_block(const EventSeries& series, const FrequencyGrid& grid, const Z2Options& o,
                  const detail::WindowEdges& edges, const Steps& steps, std::size_t begin,
                  std::size_t end, double* power) {
  const unsigned h = o.harmonics;
  const std::size_t n_freq = end - begin;
  const double f0 = grid.frequency(begin);
  std::vector<double> sums(n_freq * 2 * h, 0.0);
  auto tile = std::make_unique<Tile>();
  const auto kernel = detail::select_z2_kernel();
  const auto times = series.times();
  for (std::size_t j0 = 0; j0 < times.size(); j0 += kEventTile) {
    const auto chunk = times.subspan(j0, std::min(kEventTile, times.size() - j0));
    const std::size_t padded = seed_tile(*tile, chunk, steps, j0, f0);
    kernel(h, tile->zr, tile->zi, tile->sr, tile->si, padded, n_freq, sums.data());
  }
  const double n = static_cast<double>(times.size());
  std::vector<detail::Phasor> window;
  if (o.window_correction) window = detail::edge_sums(edges, f0, grid.df, n_freq, h);
  for (std::size_t m = 0; m < n_freq; ++m) {
    const double f = grid.frequency(begin + m);
    double total = 0.0;
    for (unsigned k = 0; k < h; ++k) {
      detail::Phasor w1, w2;
      if (o.window_correction) {
        w1 = detail::window_from_edge_sum(window[m * 2 * h + k], f * (k + 1), edges.exposure);
        w2 = detail::window_from_edge_sum(window[m * 2 * h + 2 * k + 1], 2.0 * f * (k + 1),
                                          edges.exposure);
      }
      total +=
          detail::whitened_power(sums[m * 2 * h + 2 * k], sums[m * 2 * h + 2 * k + 1], n, w1, w2);
    }
    power[m] = total;
  }
}

}  // namespace

Z2Result z2n_search(const EventSeries& series, const FrequencyGrid& grid, const Z2Options& o) {
  require(o.harmonics >= 1 && o.harmonics <= 20, "harmonics",
          "must be in 1..20, got " + std::to_string(o.harmonics));
  if (o.fast) return detail::z2n_search_fast(series, grid, o);
  require(grid.n >= 1 && grid.df > 0.0 && grid.f0 > 0.0, "grid",
          "needs at least one positive frequency and a positive spacing");
  Z2Result result;
  result.grid = grid;
  result.harmonics = o.harmonics;
  result.n_events = series.size();
  result.time_variance = null_time_variance(series);
  result.power.assign(grid.n, 0.0);
  if (series.empty()) return result;
  const auto edges = detail::window_edges(series);
  const Steps steps = grid_steps(series.times(), grid.df);
  parallel_for_blocks(grid.n, kFreqBlock, o.threads, [&](std::size_t b, std::size_t e) {
    search_block(series, grid, o, edges, steps, b, e, result.power.data() + b);
  });
  return result;
}

}  // namespace tealeaves::events
