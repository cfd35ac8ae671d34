// Engine-internal access to cached FFTW plans and reusable aligned work buffers.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>

#include "tealeaves/spectral/fft.hpp"

namespace tealeaves::spectral::detail {

// One cached real-to-complex (forward) or complex-to-real (inverse) plan of size n.
// Execution is thread-safe; buffers passed must come from AlignedBuffer (FFTW alignment).
class RealPlan {
 public:
  virtual ~RealPlan() = default;
  std::size_t size() const { return n_; }
  // in: n reals, out: n/2+1 complex values.
  virtual void forward(double* in, std::complex<double>* out) const = 0;
  // in: n/2+1 complex values (overwritten), out: n reals; unnormalised (scaled by n).
  virtual void inverse(std::complex<double>* in, double* out) const = 0;

 protected:
  explicit RealPlan(std::size_t n) : n_(n) {}
  std::size_t n_;
};

std::shared_ptr<const RealPlan> forward_plan(std::size_t n, PlanEffort effort);
std::shared_ptr<const RealPlan> inverse_plan(std::size_t n, PlanEffort effort);

// Memory from fftw_malloc that grows but never shrinks: reused across calls on one thread,
// because first-touch page faults (~11 us/page here) dominate fresh large buffers.
template <class T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { release(); }
  T* ensure(std::size_t n);
  void release();

 private:
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

// Per-thread work buffers for the spectral kernels.
struct ThreadBuffers {
  AlignedBuffer<double> real;
  AlignedBuffer<std::complex<double>> spectrum;
};
ThreadBuffers& thread_buffers();

}  // namespace tealeaves::spectral::detail
