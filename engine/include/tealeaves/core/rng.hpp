// Seeded random numbers that are identical on every platform and for any thread count.
//
// xoshiro256++ (Blackman & Vigna) seeded through SplitMix64 from (seed, stream): give each
// independent task (a surrogate, a bootstrap replicate) its own stream number, and results do
// not depend on which thread ran it or in which order. Distributions are implemented here, not
// taken from <random>, whose algorithms differ between standard libraries.
#pragma once

#include <cstdint>

namespace tealeaves {

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);

  std::uint64_t next();
  double uniform();                          // [0, 1), 53 random bits
  double uniform_open();                     // (0, 1)
  std::uint64_t below(std::uint64_t bound);  // uniform integer in [0, bound), unbiased
  double exponential(double rate = 1.0);
  double normal();  // standard normal (Marsaglia polar method)
  std::uint64_t poisson(double mean);

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace tealeaves
