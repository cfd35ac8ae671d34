// Periodicity tests on raw event times: Z^2_n (Rayleigh for n = 1) and the H-test.
//
// Z^2_n(f) = sum_{k=1..n} Z_k(f), where Z_k is the squared, whitened Fourier sum of the events'
// phases at harmonic k. Under the null — events uniform over the observed time (a homogeneous
// Poisson process restricted to the good-time intervals) — Z^2_n is chi^2 with 2n degrees of
// freedom. The whitening subtracts the mean phasor that the observation window itself creates
// (finite span, gaps) and normalises by its 2x2 covariance, so edges and outages do not fake
// power at low frequencies; with no window effect it is the textbook (2/N)|sum e^{2 pi i k f t}|^2.
// Each stored event counts once: collapsed retry clusters are one lookup, not many.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::events {

// A uniform frequency grid f_k = f0 + k df, k < n.
struct FrequencyGrid {
  double f0 = 0.0;
  double df = 0.0;
  std::size_t n = 0;
  double frequency(std::size_t k) const { return f0 + df * static_cast<double>(k); }
  double fmax() const { return n == 0 ? f0 : frequency(n - 1); }
};

struct GridOptions {
  double oversample = 5.0;  // grid points per independent frequency 1/T
  double min_cycles = 3.0;  // default lowest frequency: this many cycles over the window
  double fmin = 0.0;        // Hz; 0 means min_cycles / T
  double fmax = 0.5;        // Hz; the highest frequency searched (2 s periods by default)
  std::size_t max_frequencies = std::size_t{1} << 26;
};

// Grid over [fmin, fmax] with spacing 1 / (oversample T) for a window of `duration` seconds.
FrequencyGrid make_grid(double duration, const GridOptions& options = {});

struct Z2Options {
  unsigned harmonics = 2;         // n in Z^2_n; 1 is the Rayleigh test; at most 20
  bool window_correction = true;  // whiten by the observation window (see above)
  std::size_t threads = 0;        // 0: all (TEALEAVES_NUM_THREADS or the hardware)
  // Fast path for very large N F: each harmonic's Fourier sums by a non-uniform FFT
  // (exponential-of-semicircle spreading onto an FFTW grid), O(N + F log F) per harmonic
  // instead of O(N F). Each sum is within `tolerance` N of the exact one; the resulting bound
  // on every Z^2_n value is reported in Z2Result::error_bound.
  bool fast = false;
  double tolerance = 1e-10;  // in [1e-12, 0.1]
};

struct Z2Result {
  FrequencyGrid grid;
  unsigned harmonics = 0;
  std::size_t n_events = 0;
  std::vector<double> power;   // Z^2_n at each grid frequency
  double time_variance = 0.0;  // Var(t) of the null (uniform over the good-time intervals), s^2
  double error_bound = 0.0;    // fast path: max |Z^2_n - exact| over the grid (0: exact path)
};

// Exact Z^2_n over a uniform grid: phasor recurrences along the grid (re-seeded exactly every
// block), vectorised over events, threads over fixed frequency blocks, so the result is
// bit-identical for any thread count. O(N F n).
Z2Result z2n_search(const EventSeries& series, const FrequencyGrid& grid,
                    const Z2Options& options = {});

// Z^2_m for m = 1..harmonics at one frequency (cumulative sums of the per-harmonic powers),
// with exact trigonometry: the reference the grid search is tested against.
std::vector<double> z2_cumulative(const EventSeries& series, double frequency, unsigned harmonics,
                                  bool window_correction = true);

// Single-trial log p-value of Z^2_n = z under the null: log P(chi^2_2n > z).
double z2_log_p_single(double z, unsigned harmonics);

// Global log p-value of the maximum z over [fmin, fmax]: Baluev's (2008) form of the Davies
// upcrossing bound for a chi^2_2n process, 1 - (1 - p_single) exp(-tau), with
// tau = (fmax - fmin) sqrt(lambda / pi) (z/2)^((2n-1)/2) e^(-z/2) / Gamma(n) and
// lambda = (2 pi)^2 Var(t) mean(k^2): the expected number of upcrossings of z by the process.
double z2_log_p_global(double z, unsigned harmonics, double fmin, double fmax,
                       double time_variance);
// The effective number of independent frequencies implied by the same bound at p_single.
double z2_effective_trials(double z, unsigned harmonics, double fmin, double fmax,
                           double time_variance);

// Variance of a time uniform over the series' good-time intervals (the null's Var(t)).
double null_time_variance(const EventSeries& series);

struct HTest {
  double h = 0.0;          // max_m (Z^2_m - 4 m + 4), m = 1..max_harmonics
  unsigned harmonics = 0;  // the m reaching the maximum
  double log_p = 0.0;      // single trial: P(H > h) = exp(-0.4 h) (de Jager & Buesching 2010)
};

// de Jager's H-test at one frequency. Its tail law is calibrated for max_harmonics = 20.
HTest htest(const EventSeries& series, double frequency, unsigned max_harmonics = 20,
            bool window_correction = true);

}  // namespace tealeaves::events

namespace tealeaves {
using events::htest;
using events::z2n_search;
}  // namespace tealeaves
