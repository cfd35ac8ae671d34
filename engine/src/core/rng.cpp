#include "tealeaves/core/rng.hpp"

#include <cmath>
#include <numbers>

#include "tealeaves/core/errors.hpp"

namespace tealeaves {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// Poisson by inversion of the CDF, for small means.
std::uint64_t poisson_inversion(Rng& rng, double mean) {
  const double limit = std::exp(-mean);
  double product = rng.uniform_open();
  std::uint64_t k = 0;
  while (product > limit) {
    product *= rng.uniform_open();
    ++k;
  }
  return k;
}

// Hoermann's PTRS transformed rejection (1993), for means >= 10.
std::uint64_t poisson_ptrs(Rng& rng, double mean) {
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform_open();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b);
    const double rhs = -mean + k * loglam - std::lgamma(k + 1.0);
    if (lhs <= rhs) return static_cast<std::uint64_t>(k);
  }
}

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
  // Mix the stream number in first so that neighbouring streams start far apart.
  std::uint64_t state = seed ^ (0xd1b54a32d192ed03ULL * (stream + 1));
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Rng::uniform_open() {
  return (static_cast<double>(next() >> 12) + 0.5) * 0x1.0p-52;
}

std::uint64_t Rng::below(std::uint64_t bound) {
  require(bound > 0, "bound", "must be positive");
  // Lemire's nearly divisionless method.
  __uint128_t m = static_cast<__uint128_t>(next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::exponential(double rate) {
  return -std::log(uniform_open()) / rate;
}

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

std::uint64_t Rng::poisson(double mean) {
  require(mean >= 0.0 && std::isfinite(mean), "mean", "must be finite and >= 0");
  if (mean == 0.0) return 0;
  return mean < 10.0 ? poisson_inversion(*this, mean) : poisson_ptrs(*this, mean);
}

}  // namespace tealeaves
