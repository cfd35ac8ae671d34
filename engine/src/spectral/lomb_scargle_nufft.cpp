// Fast Lomb-Scargle sums by a type-1 non-uniform FFT (Barnett, Magland & af Klinteberg 2019).
//
// For f_k = f_0 + k df, sum_j a_j e^{i 2 pi f_k t_j} = sum_j (a_j e^{i 2 pi f_c t_j}) e^{i m x_j}
// with x_j = 2 pi frac(df t_j), f_c the grid's middle and m = k - k_c. Each real part of the
// strengths is spread onto n = 2 next_fast_size(F) points with the "exponential of semicircle"
// kernel exp(beta (sqrt(1 - z^2) - 1)) of width w (evaluated by per-interval polynomials),
// transformed by a cached FFTW r2c plan, and divided by the kernel's Fourier transform
// (Gauss-Legendre quadrature). With oversampling 2 and beta = 2.30 w the error of every sum is
// about 10^(0.7 - w) x sum |a_j| (measured); w = ceil(-log10 tolerance) + 1 keeps it below
// tolerance / 2 (tested from 1e-4 to 1e-10; at 1e-12 both this and the exact path reach the
// ~1e-13 floor set by rounding the phases f t to double).
// The 2w sums use the points 2 x_j. One thread computes each channel, so results do not depend
// on the number of threads.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"  // vector values only cross inlined internal helpers
#endif

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>
#include <numbers>
#include <vector>

#include "fft_internal.hpp"
#include "lomb_scargle_internal.hpp"
#include "tealeaves/core/parallel.hpp"

namespace tealeaves::spectral::detail {
namespace {

constexpr std::size_t kPad = 32;      // grid guard cells each side (kernel lanes <= 16)
constexpr std::size_t kChannels = 6;  // re/im of: w y e^{iwt}, w e^{iwt}, w e^{2iwt}
constexpr std::size_t kCombineBlock = 4096;

struct Kernel {
  int width = 0;          // w grid points
  std::size_t lanes = 0;  // w rounded up to a multiple of 8
  int degree = 0;         // polynomial degree per interval
  double beta = 0.0;
  std::vector<double> coef;  // coef[deg * lanes + i]: interval i, power deg of v in [-1, 1]

  double phi(double z) const {
    return std::exp(beta * (std::sqrt(std::max(0.0, 1.0 - z * z)) - 1.0));
  }
};

// Piecewise polynomials of the kernel on the w unit intervals, by Chebyshev interpolation in v
// converted to monomials (accurate to ~1e-15 for degree w + 2; the kernel is smooth per cell).
Kernel make_kernel(double tolerance) {
  Kernel k;
  k.width = std::clamp(static_cast<int>(std::ceil(-std::log10(tolerance))) + 1, 4, 16);
  k.lanes = (static_cast<std::size_t>(k.width) + 7) / 8 * 8;
  k.degree = k.width + 2;
  k.beta = 2.30 * k.width;
  const int nodes = k.degree + 1;
  k.coef.assign(static_cast<std::size_t>(nodes) * k.lanes, 0.0);
  // cos(a theta_b) at the Chebyshev nodes theta_b = pi (b + 1/2) / nodes, shared by intervals.
  std::vector<double> cos_table(static_cast<std::size_t>(nodes * nodes));
  for (int a = 0; a < nodes; ++a) {
    for (int b = 0; b < nodes; ++b) {
      cos_table[a * nodes + b] = std::cos(std::numbers::pi * a * (b + 0.5) / nodes);
    }
  }
  std::vector<double> values(nodes), cheb(nodes), mono(nodes), t_prev(nodes), t_cur(nodes),
      t_next(nodes);
  for (int i = 0; i < k.width; ++i) {
    for (int b = 0; b < nodes; ++b) {  // v_b = cos theta_b, s = (v + 1) / 2
      values[b] = k.phi(2.0 * (i + 0.5 * (cos_table[nodes + b] + 1.0)) / k.width - 1.0);
    }
    for (int a = 0; a < nodes; ++a) {
      double sum = 0.0;
      for (int b = 0; b < nodes; ++b) sum += values[b] * cos_table[a * nodes + b];
      cheb[a] = sum * (a == 0 ? 1.0 : 2.0) / nodes;
    }
    // Monomial coefficients: accumulate cheb[a] T_a(v), T by its recurrence.
    std::fill(mono.begin(), mono.end(), 0.0);
    std::fill(t_prev.begin(), t_prev.end(), 0.0);
    std::fill(t_cur.begin(), t_cur.end(), 0.0);
    t_prev[0] = 1.0;  // T_0
    t_cur[1] = 1.0;   // T_1
    mono[0] = cheb[0];
    mono[1] = cheb[1];
    for (int a = 2; a < nodes; ++a) {
      for (int p = 0; p < nodes; ++p) t_next[p] = (p > 0 ? 2.0 * t_cur[p - 1] : 0.0) - t_prev[p];
      t_prev.swap(t_cur);
      t_cur.swap(t_next);
      for (int p = 0; p < nodes; ++p) mono[p] += cheb[a] * t_cur[p];
    }
    for (int p = 0; p < nodes; ++p) {
      k.coef[static_cast<std::size_t>(p) * k.lanes + i] = mono[p];
    }
  }
  return k;
}

// Reusable buffers: fresh large buffers cost page faults on every call.
struct Workspace {
  std::vector<double> points;  // u1, u2 and the six strengths, n events each
  AlignedBuffer<double> grid[kChannels];
  AlignedBuffer<std::complex<double>> spectrum[kChannels];
  std::vector<double> deconv;  // 2 / (w I(m)), m = 0 .. mmax
  std::size_t deconv_n = 0, deconv_m = 0;
  int deconv_w = 0;
};

constexpr std::size_t kMaxPooledBytes = std::size_t{256} << 20;

class WorkspacePool {
 public:
  std::unique_ptr<Workspace> acquire() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<Workspace>();
    auto ws = std::move(free_.back());
    free_.pop_back();
    return ws;
  }
  void release(std::unique_ptr<Workspace> ws, std::size_t bytes) {
    if (bytes > kMaxPooledBytes) return;  // very large transforms do not pin their memory
    std::lock_guard lock(mutex_);
    if (free_.size() < 4) free_.push_back(std::move(ws));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Workspace>> free_;
};

WorkspacePool& pool() {
  static WorkspacePool instance;
  return instance;
}

// I(m) = int_{-1}^{1} phi(z) cos(m alpha z) dz by Gauss-Legendre (2w + 8 nodes), m = 0..mmax;
// stored as the deconvolution factor 2 / (w I(m)). Phasors advance by recurrence along m, in
// SIMD lanes of consecutive m, re-seeded exactly every 64 steps.
void deconvolution(const Kernel& kern, std::size_t n, std::size_t mmax, std::vector<double>& out) {
  const int q = 2 * kern.width + 8;
  std::vector<double> x, weight;
  for (int i = 1; i <= q / 2; ++i) {  // positive nodes of P_q; the integrand is even
    double z = std::cos(std::numbers::pi * (i - 0.25) / (q + 0.5));
    double dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = z;
      for (int k = 2; k <= q; ++k) {
        const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = q * (z * p1 - p0) / (z * z - 1.0);
      const double dz = p1 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-16) break;
    }
    x.push_back(z);
    weight.push_back(2.0 * 2.0 / ((1.0 - z * z) * dp * dp));  // both signs of the node
  }
  const double alpha_cycles = 0.5 * kern.width / static_cast<double>(n);  // alpha / (2 pi)
  out.assign(mmax + 1, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double amp = weight[i] * kern.phi(x[i]);
    const double theta = alpha_cycles * x[i];  // cycles per unit m
    double step_c, step_s;
    sincos_cycles(theta, step_c, step_s);
    for (std::size_t m0 = 0; m0 <= mmax; m0 += 64) {
      double c, s;
      sincos_cycles(theta * static_cast<double>(m0), c, s);
      const std::size_t end = std::min(mmax + 1, m0 + 64);
      for (std::size_t m = m0; m < end; ++m) {
        out[m] += amp * c;
        const double cn = c * step_c - s * step_s;
        s = c * step_s + s * step_c;
        c = cn;
      }
    }
  }
  for (double& v : out) v = 2.0 / (kern.width * v);
}

// Positions (grid units) and strengths for events [begin, end).
template <std::size_t L>
[[gnu::always_inline]] inline void points_impl(const LsData& d, double df, double fc, double n_grid,
                                               std::size_t begin, std::size_t end, double* pts) {
  const std::size_t stride = d.padded;
  for (std::size_t j = begin; j < end; j += L) {
    const Vec<L> t = load<L>(d.t.data() + j), w = load<L>(d.w.data() + j);
    const Vec<L> wy = load<L>(d.wy.data() + j);
    constexpr double round_magic = 6755399441055744.0;
    for (int twice = 0; twice < 2; ++twice) {
      const Vec<L> x = t * (twice ? 2.0 * df : df);
      Vec<L> r = x - ((x + round_magic) - round_magic);
      r = r < 0.0 ? r + 1.0 : r;
      store<L>(pts + twice * stride + j, r * n_grid);
    }
    Vec<L> c1, s1, c2, s2;
    sincos_cycles<L>(t * fc, c1, s1);
    sincos_cycles<L>(t * (2.0 * fc), c2, s2);
    store<L>(pts + 2 * stride + j, wy * c1);
    store<L>(pts + 3 * stride + j, wy * s1);
    store<L>(pts + 4 * stride + j, w * c1);
    store<L>(pts + 5 * stride + j, w * s1);
    store<L>(pts + 6 * stride + j, w * c2);
    store<L>(pts + 7 * stride + j, w * s2);
  }
}

// Spreads the channels that share the positions u onto their grids (each laid out as
// [guard | n cells | guard], zeroed first), then folds the guards. Kernel values are computed
// once per point for all channels, for a batch of points at a time so that the Horner chains
// of different points overlap in the pipeline.
template <std::size_t L>
[[gnu::always_inline]] inline void spread_impl(const Kernel& kern, const double* u,
                                               const double* const* a, std::size_t channels,
                                               std::size_t count, double* const* grids,
                                               std::size_t n) {
  constexpr std::size_t kBatch = 8;
  constexpr std::size_t kMaxLanesKernel = 16;
  for (std::size_t c = 0; c < channels; ++c) std::fill(grids[c], grids[c] + n + 2 * kPad, 0.0);
  const double half = 0.5 * kern.width;
  const std::size_t lanes = kern.lanes;
  const std::size_t degree = static_cast<std::size_t>(kern.degree);
  const double* coef = kern.coef.data();
  alignas(64) double values[kBatch][kMaxLanesKernel];
  std::ptrdiff_t start[kBatch];
  for (std::size_t j0 = 0; j0 < count; j0 += kBatch) {
    const std::size_t m = std::min(kBatch, count - j0);
    double v[kBatch];
    for (std::size_t b = 0; b < kBatch; ++b) {
      const double x = b < m ? u[j0 + b] : half;
      const double first = std::ceil(x - half);
      start[b] = static_cast<std::ptrdiff_t>(first);
      v[b] = 2.0 * (first - (x - half)) - 1.0;
    }
    for (std::size_t chunk = 0; chunk < lanes; chunk += L) {
      Vec<L> acc[kBatch];
      const Vec<L> top = load<L>(coef + degree * lanes + chunk);
      for (std::size_t b = 0; b < kBatch; ++b) acc[b] = top;
      for (std::size_t p = degree; p-- > 0;) {
        const Vec<L> cp = load<L>(coef + p * lanes + chunk);
        for (std::size_t b = 0; b < kBatch; ++b) acc[b] = acc[b] * v[b] + cp;
      }
      for (std::size_t b = 0; b < kBatch; ++b) store<L>(values[b] + chunk, acc[b]);
    }
    for (std::size_t b = 0; b < m; ++b) {
      for (std::size_t c = 0; c < channels; ++c) {
        const double strength = a[c][j0 + b];
        double* g = grids[c] + kPad + start[b];
        for (std::size_t chunk = 0; chunk < lanes; chunk += L) {
          store<L>(g + chunk, load<L>(g + chunk) + load<L>(values[b] + chunk) * strength);
        }
      }
    }
  }
  for (std::size_t c = 0; c < channels; ++c) {
    double* grid = grids[c];
    for (std::size_t l = 0; l < kPad; ++l) {
      grid[n + l] += grid[l];                // cells left of 0 wrap to the end
      grid[kPad + l] += grid[kPad + n + l];  // cells right of n - 1 wrap to the start
    }
  }
}

TEALEAVES_DISPATCHED(points,
                     (const LsData& d, double df, double fc, double n_grid, std::size_t begin,
                      std::size_t end, double* pts),
                     (d, df, fc, n_grid, begin, end, pts))
TEALEAVES_DISPATCHED(spread,
                     (const Kernel& kern, const double* u, const double* const* a,
                      std::size_t channels, std::size_t count, double* const* grids, std::size_t n),
                     (kern, u, a, channels, count, grids, n))

// sum_l g_l e^{+i m l 2pi/n} of a real grid from its r2c transform R (R_{-m} = conj R_m).
inline std::complex<double> positive_transform(const std::complex<double>* r, std::ptrdiff_t m) {
  return m >= 0 ? std::conj(r[m]) : r[-m];
}

}  // namespace

double nufft_sums(const LsData& d, const FrequencyGrid& grid, double tolerance, bool mean_sums,
                  std::size_t threads, const SumsSink& sink) {
  const Kernel kern = make_kernel(tolerance);
  const std::size_t count = grid.count;
  const std::size_t n = 2 * next_fast_size(std::max<std::size_t>(count, 2 * kPad));
  const std::size_t centre = count / 2;
  const double fc = grid.frequency(centre);
  const std::size_t mmax = std::max(centre, count - 1 - centre);

  // Measured single-thread costs (AVX-512): ~25 ns per point, ~2 ns per grid cell and
  // transform, ~5 ns per frequency.
  threads =
      useful_threads(threads, 25.0 * static_cast<double>(d.n) + 12.0 * static_cast<double>(n) +
                                  5.0 * static_cast<double>(count));
  std::unique_ptr<Workspace> ws = pool().acquire();
  ws->points.resize(8 * d.padded);
  parallel_for_blocks(d.padded, 1 << 14, threads, [&](std::size_t begin, std::size_t end) {
    points(d, grid.step, fc, static_cast<double>(n), begin, end, ws->points.data());
  });
  const auto plan = forward_plan(n, PlanEffort::automatic);
  std::vector<std::size_t> channels = {0, 1, 4, 5};
  if (mean_sums) channels = {0, 1, 2, 3, 4, 5};
  double* grids[kChannels] = {};
  std::complex<double>* spectra[kChannels] = {};
  for (const std::size_t q : channels) {  // allocated here, filled by the threads below
    grids[q] = ws->grid[q].ensure(n + 2 * kPad);
    spectra[q] = ws->spectrum[q].ensure(n / 2 + 1);
  }
  // Stage 1: spread, one block per set of positions (x and 2x), kernel values shared by the
  // channels of a set. Stage 2: the transforms, one block per channel, and the deconvolution
  // table (cached between calls of equal size).
  const std::size_t first_set = mean_sums ? 4 : 2;
  parallel_for_blocks(2, 1, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t set = begin; set < end; ++set) {
      const std::size_t* ids = channels.data() + (set == 0 ? 0 : first_set);
      const std::size_t k = set == 0 ? first_set : 2;
      const double* strengths[4];
      double* targets[4];
      for (std::size_t c = 0; c < k; ++c) {
        strengths[c] = ws->points.data() + (2 + ids[c]) * d.padded;
        targets[c] = grids[ids[c]];
      }
      spread(kern, ws->points.data() + set * d.padded, strengths, k, d.n, targets, n);
    }
  });
  parallel_for_blocks(channels.size() + 1, 1, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t b = begin; b < end; ++b) {
      if (b == channels.size()) {
        if (ws->deconv_n != n || ws->deconv_w != kern.width || ws->deconv_m != mmax) {
          deconvolution(kern, n, mmax, ws->deconv);
          ws->deconv_n = n, ws->deconv_w = kern.width, ws->deconv_m = mmax;
        }
        continue;
      }
      plan->forward(grids[channels[b]] + kPad, spectra[channels[b]]);
    }
  });
  parallel_for_blocks(count, kCombineBlock, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<TrigSums> sums(end - begin);
    auto group = [&](std::size_t q, std::ptrdiff_t m, double scale) {
      const std::complex<double> re = positive_transform(spectra[q], m);
      const std::complex<double> im = positive_transform(spectra[q + 1], m);
      return std::complex<double>(re.real() - im.imag(), re.imag() + im.real()) * scale;
    };
    for (std::size_t k = begin; k < end; ++k) {
      const auto m = static_cast<std::ptrdiff_t>(k) - static_cast<std::ptrdiff_t>(centre);
      const double scale = ws->deconv[static_cast<std::size_t>(m < 0 ? -m : m)];
      TrigSums& s = sums[k - begin];
      const std::complex<double> y = group(0, m, scale), two = group(4, m, scale);
      s.yc = y.real(), s.ys = y.imag(), s.c2 = two.real(), s.s2 = two.imag();
      if (mean_sums) {
        const std::complex<double> one = group(2, m, scale);
        s.c = one.real(), s.s = one.imag();
      }
    }
    sink(begin, sums);
  });
  std::size_t bytes = ws->points.size() * sizeof(double);
  bytes += kChannels * (n + 2 * kPad) * sizeof(double) * 2;
  pool().release(std::move(ws), bytes);
  return tolerance;
}

}  // namespace tealeaves::spectral::detail
