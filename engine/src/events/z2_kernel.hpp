// The inner loop of the Z^2_n grid search, compiled thrice (generic, AVX2+FMA, AVX-512) and chosen
// at run time, so one binary runs everywhere and fast where it can.
#pragma once

#include <cstddef>

namespace tealeaves::events::detail {

inline constexpr std::size_t kLanes = 16;  // events advanced together per step

// For each of n_freq consecutive grid frequencies m: adds sum_j Re(z_j^k), Im(z_j^k) for
// k = 1..harmonics to sums[m * 2 harmonics + 2 (k-1) + {0, 1}], then advances z_j *= step_j.
// Arrays hold n_events values, a multiple of kLanes (padding with zero phasors adds nothing).
using Z2Kernel = void (*)(unsigned harmonics, double* zr, double* zi, const double* step_re,
                          const double* step_im, std::size_t n_events, std::size_t n_freq,
                          double* sums);

Z2Kernel select_z2_kernel();

namespace generic {
void z2_kernel(unsigned, double*, double*, const double*, const double*, std::size_t, std::size_t,
               double*);
}
namespace avx2 {
void z2_kernel(unsigned, double*, double*, const double*, const double*, std::size_t, std::size_t,
               double*);
bool available();
}  // namespace avx2
namespace avx512 {
void z2_kernel(unsigned, double*, double*, const double*, const double*, std::size_t, std::size_t,
               double*);
bool available();
}  // namespace avx512

}  // namespace tealeaves::events::detail
