// The same kernel built for AVX2 + FMA (CMake adds the flags on x86-64 only).
#include <utility>

#include "z2_kernel.hpp"

#if defined(TEALEAVES_HAVE_AVX2_KERNEL)
#define TEALEAVES_KERNEL_NS avx2
#include "z2_kernel.inl"

namespace tealeaves::events::detail::avx2 {
bool available() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
}  // namespace tealeaves::events::detail::avx2
#else
namespace tealeaves::events::detail::avx2 {
bool available() {
  return false;
}
void z2_kernel(unsigned, double*, double*, const double*, const double*, std::size_t, std::size_t,
               double*) {}
}  // namespace tealeaves::events::detail::avx2
#endif
