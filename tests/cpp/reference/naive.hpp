// Slow, obviously correct references the fast kernels are tested against.
#pragma once

#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <vector>

namespace tealeaves::reference {

// O(N^2) DFT of a real sequence, one-sided (k = 0 .. n/2), computed in long double.
inline std::vector<std::complex<double>> dft(std::span<const double> x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(n / 2 + 1);
  for (std::size_t k = 0; k < out.size(); ++k) {
    long double re = 0.0L, im = 0.0L;
    for (std::size_t t = 0; t < n; ++t) {
      // Reduce k t mod n first, so the angle stays small and exact.
      const auto phase = static_cast<long double>((k * t) % n) / static_cast<long double>(n);
      const long double angle = -2.0L * std::numbers::pi_v<long double> * phase;
      re += x[t] * std::cos(angle);
      im += x[t] * std::sin(angle);
    }
    out[k] = {static_cast<double>(re), static_cast<double>(im)};
  }
  return out;
}

// O(N^2) autocovariance with the 1/n (or 1/(n-k)) divisor, about the sample mean.
inline std::vector<double> autocovariance(std::span<const double> x, std::size_t max_lag,
                                          bool adjusted) {
  const std::size_t n = x.size();
  long double mean = 0.0L;
  for (double v : x) mean += v;
  mean /= static_cast<long double>(n);
  std::vector<double> out(max_lag + 1);
  for (std::size_t k = 0; k <= max_lag; ++k) {
    long double s = 0.0L;
    for (std::size_t t = 0; t + k < n; ++t) s += (x[t] - mean) * (x[t + k] - mean);
    out[k] = static_cast<double>(s / static_cast<long double>(adjusted ? n - k : n));
  }
  return out;
}

}  // namespace tealeaves::reference
