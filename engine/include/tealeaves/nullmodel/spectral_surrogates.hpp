// Surrogates of an evenly sampled (binned) series that keep its linear structure:
//
//   phase_randomized  keeps |FFT| exactly (so the periodogram and the circular ACF), draws
//                     new uniform phases; DC and, for even n, Nyquist stay real and unchanged.
//                     Values become Gaussian-like: the amplitude distribution is not kept.
//   aaft              amplitude-adjusted FT (Theiler et al. 1992): Gaussianise by rank, phase
//                     randomise, put the original values back in the new rank order. Keeps
//                     the sorted values exactly, the spectrum only roughly.
//   iaaft             iterative AAFT (Schreiber & Schmitz 1996): from a random shuffle,
//                     alternate imposing the original |FFT| and the original values by rank,
//                     until the spectral error stops decreasing. Keeps the sorted values
//                     exactly and the spectrum to the reported error.
//
// Surrogate i draws from Rng(seed, stream + i), so a batch is bit-identical for any threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tealeaves::nullmodel {

struct BinnedSurrogateOptions {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;  // surrogate i uses Rng(seed, stream + i)
  std::size_t n_surrogates = 1;
  std::size_t threads = 0;  // 0: all (see resolve_threads)
  // IAAFT only: at most this many iterations; stop earlier once one iteration lowers the
  // spectral error by no more than `tolerance` times its previous value (or it reaches 0).
  std::size_t max_iterations = 1000;
  double tolerance = 1e-10;
};

struct BinnedSurrogates {
  std::size_t length = 0;        // samples per surrogate (= len(x))
  std::size_t n_surrogates = 0;  // rows
  std::vector<double> values;    // row-major n_surrogates x length
  // IAAFT only (empty otherwise), per surrogate: iterations run, and the final relative
  // spectral error sqrt(sum_k (|S_k|^2 - |X_k|^2)^2 / sum_k |X_k|^4) over k = 0 .. n/2.
  std::vector<std::size_t> iterations;
  std::vector<double> spectral_error;
};

BinnedSurrogates phase_randomized(std::span<const double> x,
                                  const BinnedSurrogateOptions& options = {});
BinnedSurrogates aaft(std::span<const double> x, const BinnedSurrogateOptions& options = {});
BinnedSurrogates iaaft(std::span<const double> x, const BinnedSurrogateOptions& options = {});

// The relative spectral error above, of series s against series x (same length).
double relative_spectral_error(std::span<const double> x, std::span<const double> s);

}  // namespace tealeaves::nullmodel

namespace tealeaves {
using nullmodel::aaft;
using nullmodel::BinnedSurrogateOptions;
using nullmodel::BinnedSurrogates;
using nullmodel::iaaft;
using nullmodel::phase_randomized;
}  // namespace tealeaves
