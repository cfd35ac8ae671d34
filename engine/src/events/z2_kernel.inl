// Included by z2_kernel_generic.cpp and z2_kernel_avx2.cpp with TEALEAVES_KERNEL_NS set.
// Explicit vectors (GCC/Clang vector extensions) over kLanes events at a time, with one
// accumulator per lane group: the summation order is fixed by the code, not by the compiler,
// and the independent chains keep the FMA units busy.
#include <cstddef>
#include <utility>

#include "z2_kernel.hpp"

namespace tealeaves::events::detail::TEALEAVES_KERNEL_NS {
namespace {

// 8 doubles with AVX-512, 4 with AVX2, 2 (SSE2, the x86-64 baseline) otherwise: a wider vector than
// the target supports would change the calling convention of these helpers.
#if defined(__AVX512F__)
constexpr std::size_t kWidth = 8;
#elif defined(__AVX2__)
constexpr std::size_t kWidth = 4;
#else
constexpr std::size_t kWidth = 2;
#endif
typedef double v4 __attribute__((vector_size(kWidth * sizeof(double))));
constexpr std::size_t kGroups = kLanes / kWidth;

inline v4 load(const double* p) {
  v4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

inline void store(double* p, v4 v) {
  __builtin_memcpy(p, &v, sizeof v);
}

template <unsigned H>
void kernel(double* __restrict zr, double* __restrict zi, const double* __restrict sr,
            const double* __restrict si, std::size_t n_events, std::size_t n_freq,
            double* __restrict sums) {
  for (std::size_t m = 0; m < n_freq; ++m) {
    v4 acc_c[H][kGroups] = {};
    v4 acc_s[H][kGroups] = {};
    for (std::size_t j = 0; j < n_events; j += kLanes) {
      for (std::size_t g = 0; g < kGroups; ++g) {
        const std::size_t o = j + kWidth * g;
        const v4 a = load(zr + o), b = load(zi + o);
        v4 pr = a, pi = b;
        acc_c[0][g] += pr;
        acc_s[0][g] += pi;
        for (unsigned k = 1; k < H; ++k) {
          const v4 t = pr * a - pi * b;
          pi = pr * b + pi * a;
          pr = t;
          acc_c[k][g] += pr;
          acc_s[k][g] += pi;
        }
        const v4 c = load(sr + o), d = load(si + o);
        store(zr + o, a * c - b * d);
        store(zi + o, a * d + b * c);
      }
    }
    double* out = sums + m * 2 * H;
    for (unsigned k = 0; k < H; ++k) {
      double c = 0.0, s = 0.0;
      for (std::size_t g = 0; g < kGroups; ++g) {
        for (std::size_t l = 0; l < kWidth; ++l) {
          c += acc_c[k][g][l];
          s += acc_s[k][g][l];
        }
      }
      out[2 * k] += c;
      out[2 * k + 1] += s;
    }
  }
}

template <unsigned... H>
void dispatch(unsigned harmonics, std::integer_sequence<unsigned, H...>, double* zr, double* zi,
              const double* sr, const double* si, std::size_t n, std::size_t f, double* sums) {
  ((harmonics == H + 1 ? kernel<H + 1>(zr, zi, sr, si, n, f, sums) : void()), ...);
}

}  // namespace

void z2_kernel(unsigned harmonics, double* zr, double* zi, const double* sr, const double* si,
               std::size_t n_events, std::size_t n_freq, double* sums) {
  dispatch(harmonics, std::make_integer_sequence<unsigned, 20>{}, zr, zi, sr, si, n_events, n_freq,
           sums);
}

}  // namespace tealeaves::events::detail::TEALEAVES_KERNEL_NS
