#include <utility>
#define TEALEAVES_KERNEL_NS generic
#include "z2_kernel.inl"

namespace tealeaves::events::detail {

Z2Kernel select_z2_kernel() {
  static const Z2Kernel chosen = avx512::available() ? &avx512::z2_kernel
                                 : avx2::available() ? &avx2::z2_kernel
                                                     : &generic::z2_kernel;
  return chosen;
}

}  // namespace tealeaves::events::detail
