// Periodograms of evenly sampled real series (e.g. binned counts) through FFTW r2c.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "tealeaves/spectral/fft.hpp"
#include "tealeaves/spectral/window.hpp"

namespace tealeaves::spectral {

enum class Scaling {
  power,    // |X_k|^2 / (sum w)^2, one-sided: scipy.signal.periodogram(scaling="spectrum")
  density,  // |X_k|^2 / (fs sum w^2), one-sided: scipy.signal.periodogram(scaling="density")
  leahy,    // 2 |X_k|^2 / (N mean(w^2)), N = sum of the raw counts: for Poisson counts each
            // bin other than DC and Nyquist is chi^2 with 2 dof (mean 2). Not doubled.
};
enum class Detrend { none, constant };
enum class Average { mean, median };

struct PeriodogramOptions {
  double fs = 1.0;  // sampling frequency, Hz (1 / bin width)
  Window window = Window::boxcar;
  Detrend detrend = Detrend::constant;
  Scaling scaling = Scaling::density;
  std::size_t nfft = 0;  // transform length, >= n (zero padding); 0 means n
  PlanEffort effort = PlanEffort::automatic;
};

struct WelchOptions {
  double fs = 1.0;
  Window window = Window::hann;
  std::size_t nperseg = 256;  // clamped to the series length, as scipy does (reported back)
  std::size_t noverlap = static_cast<std::size_t>(-1);  // default nperseg / 2
  Detrend detrend = Detrend::constant;                  // per segment
  Scaling scaling = Scaling::density;
  Average average = Average::mean;  // median is bias-corrected as in scipy
  PlanEffort effort = PlanEffort::automatic;
};

struct Spectrum {
  std::vector<double> power;  // at frequency(k) = k fs / nfft, k = 0 .. nfft/2
  double fs = 1.0;
  std::size_t nfft = 0;
  std::size_t nperseg = 0;
  std::size_t noverlap = 0;
  std::size_t n_segments = 0;
  Scaling scaling = Scaling::density;
  double total_count = 0.0;  // sum of the input (the N of the Leahy normalisation)

  double df() const { return fs / static_cast<double>(nfft); }
  double frequency(std::size_t k) const { return static_cast<double>(k) * df(); }
  std::vector<double> frequencies() const;  // Hz, one per power value
};

// Number of one-sided frequencies of a transform of length nfft.
inline std::size_t onesided_size(std::size_t nfft) {
  return nfft / 2 + 1;
}

Spectrum periodogram(std::span<const double> x, const PeriodogramOptions& options = {});
Spectrum welch(std::span<const double> x, const WelchOptions& options = {});

// As periodogram(), writing the powers into `power` (onesided_size(nfft) values) so a caller
// repeating the computation reuses one buffer; the returned Spectrum has an empty `power`.
Spectrum periodogram_into(std::span<const double> x, std::span<double> power,
                          const PeriodogramOptions& options = {});

Scaling parse_scaling(std::string_view name);  // "power" ("spectrum"), "density", "leahy"
Detrend parse_detrend(std::string_view name);  // "constant" ("mean"), "none" ("false")
Average parse_average(std::string_view name);  // "mean", "median"

}  // namespace tealeaves::spectral

namespace tealeaves {
using spectral::periodogram;
using spectral::Spectrum;
using spectral::welch;
}  // namespace tealeaves
