// Lomb-Scargle internals shared by the exact and the NUFFT evaluations: prepared data, the
// per-frequency sums both produce, explicit SIMD vectors and a vectorisable sin/cos.
#pragma once

#include <cstddef>
#include <functional>
#include <numbers>
#include <span>
#include <vector>

#include "tealeaves/spectral/lomb_scargle.hpp"

namespace tealeaves::spectral::detail {

// Events are padded with zero-weight entries to a multiple of this (the widest SIMD vector).
inline constexpr std::size_t kMaxLanes = 8;

struct LsData {
  std::size_t n = 0;       // events
  std::size_t padded = 0;  // n rounded up to a multiple of kMaxLanes
  std::vector<double> t;   // times relative to the earliest one
  std::vector<double> w;   // weights dy^-2, normalised to sum 1 (0 in the padding)
  std::vector<double> wy;  // w * y, y centred on its weighted mean when asked
};

// Weighted sums at one frequency w = 2 pi f (weights sum to 1):
// yc = sum w y cos(wt), ys = sum w y sin(wt), c = sum w cos(wt), s = sum w sin(wt),
// c2 = sum w cos(2wt), s2 = sum w sin(2wt).
struct TrigSums {
  double yc = 0.0, ys = 0.0, c = 0.0, s = 0.0, c2 = 0.0, s2 = 0.0;
};

// Receives the sums of frequencies [first, first + sums.size()), possibly from several threads
// at once (always for disjoint ranges).
using SumsSink = std::function<void(std::size_t first, std::span<const TrigSums> sums)>;

void exact_sums(const LsData& data, const FrequencyGrid& grid, std::size_t threads,
                const SumsSink& sink);
void exact_sums(const LsData& data, std::span<const double> frequency, std::size_t threads,
                const SumsSink& sink);
// Returns the bound on each sum's error (the tolerance), relative to sum_j |w_j y_j| (or to
// sum_j w_j = 1 for the weight-only sums).
// Without mean_sums, c and s are left 0 (fit_mean = false does not use them).
double nufft_sums(const LsData& data, const FrequencyGrid& grid, double tolerance, bool mean_sums,
                  std::size_t threads, const SumsSink& sink);

// Threads worth starting for `work_ns` (estimated single-thread nanoseconds): at least ~2 ms
// of it each, because on a busy machine a thread that the OS delays stalls the whole call.
// Never more than asked (0: all).
std::size_t useful_threads(std::size_t requested, double work_ns);

// ---- SIMD: GCC/Clang vector extensions, one instruction set per dispatch level -------------

template <std::size_t L>
struct VecOf;
template <>
struct VecOf<2> {
  typedef double type __attribute__((vector_size(16)));
};
template <>
struct VecOf<4> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct VecOf<8> {
  typedef double type __attribute__((vector_size(64)));
};
template <std::size_t L>
using Vec = typename VecOf<L>::type;

template <std::size_t L>
[[gnu::always_inline]] inline Vec<L> load(const double* p) {
  Vec<L> v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <std::size_t L>
[[gnu::always_inline]] inline void store(double* p, const Vec<L>& v) {
  __builtin_memcpy(p, &v, sizeof v);
}

// Which kernels to run: AVX-512 (8 lanes), AVX2+FMA (4 lanes) or the baseline (2 lanes).
enum class SimdLevel { generic, avx2, avx512 };
SimdLevel simd_level();

#if defined(__GNUC__) && defined(__x86_64__)
#define TEALEAVES_X86_DISPATCH 1
#define TEALEAVES_TARGET_AVX512 [[gnu::target("arch=x86-64-v4")]]
#define TEALEAVES_TARGET_AVX2 [[gnu::target("arch=x86-64-v3")]]
#else
#define TEALEAVES_X86_DISPATCH 0
#define TEALEAVES_TARGET_AVX512
#define TEALEAVES_TARGET_AVX2
#endif

// cos and sin of 2 pi x, x in cycles (|x| < 2^50). The integer part is removed exactly, the
// remainder split into a quadrant and |angle| <= pi/4, where Taylor series to degree 15/16 are
// accurate to rounding. Branch-free, so it vectorises.
template <std::size_t L>
[[gnu::always_inline]] inline void sincos_cycles(const Vec<L>& x, Vec<L>& cos_out,
                                                 Vec<L>& sin_out) {
  constexpr double round_magic = 6755399441055744.0;           // 1.5 * 2^52: (v + m) - m rounds v
  const Vec<L> r = x - ((x + round_magic) - round_magic);      // in [-1/2, 1/2], exact
  const Vec<L> q = (r * 4.0 + round_magic) - round_magic;      // quadrant -2 .. 2
  const Vec<L> a = (r - q * 0.25) * (2.0 * std::numbers::pi);  // |a| <= pi / 4
  const Vec<L> a2 = a * a;
  Vec<L> sn = a2 * (-1.0 / 1307674368000.0) + 1.0 / 6227020800.0;
  sn = sn * a2 - 1.0 / 39916800.0;
  sn = sn * a2 + 1.0 / 362880.0;
  sn = sn * a2 - 1.0 / 5040.0;
  sn = sn * a2 + 1.0 / 120.0;
  sn = sn * a2 - 1.0 / 6.0;
  sn = a + a * a2 * sn;
  Vec<L> cs = a2 * (1.0 / 20922789888000.0) - 1.0 / 87178291200.0;
  cs = cs * a2 + 1.0 / 479001600.0;
  cs = cs * a2 - 1.0 / 3628800.0;
  cs = cs * a2 + 1.0 / 40320.0;
  cs = cs * a2 - 1.0 / 720.0;
  cs = cs * a2 + 1.0 / 24.0;
  cs = cs * a2 - 0.5;
  cs = 1.0 + a2 * cs;
  // Quadrant q turns (cos a, sin a) by q quarter turns.
  const auto odd = (q == 1.0) | (q == -1.0);
  const auto half = (q == 2.0) | (q == -2.0);
  const Vec<L> c0 = odd ? sn : cs;
  const Vec<L> s0 = odd ? cs : sn;
  cos_out = (half | (q == 1.0)) ? -c0 : c0;
  sin_out = (half | (q == -1.0)) ? -s0 : s0;
}

// Scalar convenience (the same arithmetic, so scalar and vector seeds agree).
void sincos_cycles(double x, double& cos_out, double& sin_out);

// Defines name_avx512, name_avx2 and name_generic from the template name##_impl<lanes>, and
// `name`, which runs the widest one the CPU supports (simd_level()). Used inside this namespace.
#define TEALEAVES_DISPATCHED(name, params, args)           \
  TEALEAVES_TARGET_AVX512 void name##_avx512 params {      \
    name##_impl<8> args;                                   \
  }                                                        \
  TEALEAVES_TARGET_AVX2 void name##_avx2 params {          \
    name##_impl<4> args;                                   \
  }                                                        \
  void name##_generic params {                             \
    name##_impl<2> args;                                   \
  }                                                        \
  void name params {                                       \
    switch (simd_level()) {                                \
      case SimdLevel::avx512: return name##_avx512 args;   \
      case SimdLevel::avx2: return name##_avx2 args;       \
      case SimdLevel::generic: return name##_generic args; \
    }                                                      \
  }

}  // namespace tealeaves::spectral::detail
