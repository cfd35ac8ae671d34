#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace tealeaves::testing {

inline std::vector<double> random_normal(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> x(n);
  for (double& v : x) v = normal(rng);
  return x;
}

inline std::vector<double> random_poisson(std::size_t n, double mean, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::poisson_distribution<int> poisson(mean);
  std::vector<double> x(n);
  for (double& v : x) v = poisson(rng);
  return x;
}

}  // namespace tealeaves::testing
