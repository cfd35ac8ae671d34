#include <utility>
#define TEALEAVES_KERNEL_NS generic
#include "../spectral/lomb_scargle_internal.hpp"
#include "z2_kernel.inl"

namespace tealeaves::events::detail {

// The widest kernel the CPU runs, capped like every SIMD dispatch by TEALEAVES_SIMD.
Z2Kernel select_z2_kernel() {
  using spectral::detail::SimdLevel;
  static const Z2Kernel chosen = [] {
    const SimdLevel level = spectral::detail::simd_level();
    if (level == SimdLevel::avx512 && avx512::available()) return &avx512::z2_kernel;
    if (level != SimdLevel::generic && avx2::available()) return &avx2::z2_kernel;
    return &generic::z2_kernel;
  }();
  return chosen;
}

}  // namespace tealeaves::events::detail
