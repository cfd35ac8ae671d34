// Exact O(N F) Lomb-Scargle sums.
//
// Uniform grid: per event a phasor e^{i w_k t} walks the grid by one complex multiplication per
// step, re-seeded from an exact sin/cos at the start of every block of kBlock frequencies
// (drift stays ~kBlock ulps). Events are processed in cache-sized tiles, SIMD lanes across
// events; the 2w sums come from the same phasor (cos 2x = c^2 - s^2, sin 2x = 2 c s).
// Blocks are fixed by size and each is summed in a fixed order by one thread, so results do not
// depend on the number of threads.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"  // vector values only cross inlined internal helpers
#endif

#include <algorithm>
#include <memory>
#include <vector>

#include "lomb_scargle_internal.hpp"
#include "tealeaves/core/parallel.hpp"

namespace tealeaves::spectral::detail {
namespace {

constexpr std::size_t kBlock = 256;  // frequencies per block (and between exact re-seeds)
constexpr std::size_t kTile = 512;   // events per tile: the working set stays in L1/L2
// Scratch arrays are staggered by a cache line so that they never alias modulo 4 KiB.
constexpr std::size_t kStride = kTile + 8;

// Adds this tile's lane sums (fixed order) to one frequency's sums.
template <std::size_t L>
[[gnu::always_inline]] inline void add_lanes(TrigSums& out, const Vec<L>& yc, const Vec<L>& ys,
                                             const Vec<L>& c, const Vec<L>& s, const Vec<L>& c2,
                                             const Vec<L>& s2) {
  double r[6] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  for (std::size_t l = 0; l < L; ++l) {
    r[0] += yc[l];
    r[1] += ys[l];
    r[2] += c[l];
    r[3] += s[l];
    r[4] += c2[l];
    r[5] += s2[l];
  }
  out.yc += r[0];
  out.ys += r[1];
  out.c += r[2];
  out.s += r[3];
  out.c2 += r[4];
  out.s2 += r[5];
}

struct Tile {
  double* c;
  double* s;
  double* step_c;
  double* step_s;
  double* w;
  double* wy;
};

// Scratch for one block: six staggered arrays, 64-byte aligned (split cache lines would halve
// the speed of 512-bit loads).
constexpr std::size_t kScratch = 6 * kStride + 8;

Tile tile_view(std::vector<double>& scratch) {
  void* raw = scratch.data();
  std::size_t space = scratch.size() * sizeof(double);
  double* base = static_cast<double*>(std::align(64, 6 * kStride * sizeof(double), raw, space));
  return {base,
          base + kStride,
          base + 2 * kStride,
          base + 3 * kStride,
          base + 4 * kStride,
          base + 5 * kStride};
}

// Sums over one tile of m events at one frequency, the phasors given in tile.c / tile.s;
// with `rotate`, advances each phasor by its step afterwards.
template <std::size_t L, bool rotate>
[[gnu::always_inline]] inline void accumulate(const Tile& tile, std::size_t m, TrigSums& out) {
  Vec<L> a_yc{}, a_ys{}, a_c{}, a_s{}, a_c2{}, a_s2{};
  for (std::size_t j = 0; j < m; j += L) {
    const Vec<L> c = load<L>(tile.c + j), s = load<L>(tile.s + j);
    const Vec<L> w = load<L>(tile.w + j), wy = load<L>(tile.wy + j);
    const Vec<L> wc = w * c, ws = w * s;
    a_yc += wy * c;
    a_ys += wy * s;
    a_c += wc;
    a_s += ws;
    a_c2 += wc * c - ws * s;
    a_s2 += wc * s;
    if constexpr (rotate) {
      const Vec<L> sc = load<L>(tile.step_c + j), ss = load<L>(tile.step_s + j);
      store<L>(tile.c + j, c * sc - s * ss);
      store<L>(tile.s + j, c * ss + s * sc);
    }
  }
  // a_s2 holds sum w c s = sum w sin(2x) / 2.
  add_lanes<L>(out, a_yc, a_ys, a_c, a_s, a_c2, a_s2 + a_s2);
}

template <std::size_t L>
[[gnu::always_inline]] inline void seed(const double* t, double f, std::size_t m, double* c,
                                        double* s) {
  for (std::size_t j = 0; j < m; j += L) {
    Vec<L> vc, vs;
    sincos_cycles<L>(load<L>(t + j) * f, vc, vs);
    store<L>(c + j, vc);
    store<L>(s + j, vs);
  }
}

template <std::size_t L>
[[gnu::always_inline]] inline void uniform_block_impl(const LsData& d, const double* step_c,
                                                      const double* step_s, double f_first,
                                                      std::size_t count, TrigSums* sums,
                                                      std::vector<double>& scratch) {
  const Tile tile = tile_view(scratch);
  for (std::size_t j0 = 0; j0 < d.padded; j0 += kTile) {
    const std::size_t m = std::min(kTile, d.padded - j0);
    seed<L>(d.t.data() + j0, f_first, m, tile.c, tile.s);
    std::copy_n(step_c + j0, m, tile.step_c);
    std::copy_n(step_s + j0, m, tile.step_s);
    std::copy_n(d.w.data() + j0, m, tile.w);
    std::copy_n(d.wy.data() + j0, m, tile.wy);
    for (std::size_t k = 0; k < count; ++k) accumulate<L, true>(tile, m, sums[k]);
  }
}

template <std::size_t L>
[[gnu::always_inline]] inline void list_block_impl(const LsData& d, const double* f,
                                                   std::size_t count, TrigSums* sums,
                                                   std::vector<double>& scratch) {
  const Tile tile = tile_view(scratch);
  for (std::size_t j0 = 0; j0 < d.padded; j0 += kTile) {
    const std::size_t m = std::min(kTile, d.padded - j0);
    std::copy_n(d.w.data() + j0, m, tile.w);
    std::copy_n(d.wy.data() + j0, m, tile.wy);
    for (std::size_t k = 0; k < count; ++k) {
      seed<L>(d.t.data() + j0, f[k], m, tile.c, tile.s);
      accumulate<L, false>(tile, m, sums[k]);
    }
  }
}

template <std::size_t L>
[[gnu::always_inline]] inline void steps_impl(const double* t, double step, std::size_t begin,
                                              std::size_t end, double* c, double* s) {
  seed<L>(t + begin, step, end - begin, c + begin, s + begin);
}

TEALEAVES_DISPATCHED(uniform_block,
                     (const LsData& d, const double* step_c, const double* step_s, double f_first,
                      std::size_t count, TrigSums* sums, std::vector<double>& scratch),
                     (d, step_c, step_s, f_first, count, sums, scratch))
TEALEAVES_DISPATCHED(list_block,
                     (const LsData& d, const double* f, std::size_t count, TrigSums* sums,
                      std::vector<double>& scratch),
                     (d, f, count, sums, scratch))
TEALEAVES_DISPATCHED(steps,
                     (const double* t, double step, std::size_t begin, std::size_t end, double* c,
                      double* s),
                     (t, step, begin, end, c, s))

}  // namespace

void exact_sums(const LsData& d, const FrequencyGrid& grid, std::size_t threads,
                const SumsSink& sink) {
  threads = useful_threads(threads,
                           20.0 * static_cast<double>(d.padded) * static_cast<double>(grid.count));
  // Per-event phasor steps e^{i 2 pi step t}, computed once (blocks of events are independent).
  std::vector<double> step_c(d.padded), step_s(d.padded);
  constexpr std::size_t kEventBlock = 1 << 14;  // a multiple of kMaxLanes
  parallel_for_blocks(d.padded, kEventBlock, threads, [&](std::size_t begin, std::size_t end) {
    steps(d.t.data(), grid.step, begin, end, step_c.data(), step_s.data());
  });
  parallel_for_blocks(grid.count, kBlock, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> scratch(kScratch);
    std::vector<TrigSums> sums(end - begin);
    uniform_block(d, step_c.data(), step_s.data(), grid.frequency(begin), end - begin, sums.data(),
                  scratch);
    sink(begin, sums);
  });
}

void exact_sums(const LsData& d, std::span<const double> frequency, std::size_t threads,
                const SumsSink& sink) {
  threads = useful_threads(
      threads, 60.0 * static_cast<double>(d.padded) * static_cast<double>(frequency.size()));
  parallel_for_blocks(frequency.size(), kBlock, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> scratch(kScratch);
    std::vector<TrigSums> sums(end - begin);
    list_block(d, frequency.data() + begin, end - begin, sums.data(), scratch);
    sink(begin, sums);
  });
}

}  // namespace tealeaves::spectral::detail
