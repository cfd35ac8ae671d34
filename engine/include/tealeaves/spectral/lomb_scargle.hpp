// Generalised Lomb-Scargle periodogram (floating mean; Zechmeister & Kuerster 2009) of unevenly
// sampled values with optional uncertainties, and its analytic false-alarm probabilities, both
// exactly as astropy.timeseries.LombScargle defines them.
//
// Two evaluations of the same sums:
//   exact  O(N F): per event, a phasor walks the uniform frequency grid by one complex
//          multiplication per step (no sin/cos per event per frequency) and is re-seeded from an
//          exact sin/cos at the start of every block of 256 frequencies, so rounding drift stays
//          below ~1e-13. Frequency blocks run in parallel; results are bit-identical for any
//          number of threads. A non-uniform frequency list is evaluated directly (slower).
//   fast   O(N w + F log F): a type-1 non-uniform FFT (exponential-of-semicircle kernel of
//          width w spread onto an FFTW grid of 2F points, then deconvolved). Every weighted
//          trigonometric sum is within `tolerance` x sum_j |weight_j value_j| of the exact one
//          (w grows with -log10 tolerance; tested to hold with a factor 2 to spare). The power,
//          a ratio of such sums, then typically agrees with the exact one to ~10 x tolerance
//          relative to the highest peak.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tealeaves::spectral {

// astropy's normalisations. With weights w_j = dy_j^-2 / sum dy^-2 and YY the weighted variance
// of y: standard = chi^2 reduction / YY (in [0, 1]); model = reduction / (YY - reduction);
// log = -log(1 - standard); psd = reduction * sum(dy^-2) / 2 (N / 2 without dy).
enum class LsNormalization { standard, model, log, psd };
enum class LsMethod { exact, fast };
// False-alarm probability methods, as astropy's false_alarm_probability. All assume the null of
// constant data plus Gaussian white noise with the given dy. single: one frequency chosen in
// advance. naive, davies, baluev: the maximum over the searched band up to fmax, by
// N_eff = fmax T independent frequencies, the Davies upper bound, and Baluev's (2008)
// alias-free approximation respectively.
enum class FapMethod { single, naive, davies, baluev };

// f_k = minimum + k step, k = 0 .. count - 1 (the same arithmetic as astropy's autofrequency).
struct FrequencyGrid {
  double minimum = 0.0;
  double step = 0.0;
  std::size_t count = 0;

  double frequency(std::size_t k) const { return minimum + static_cast<double>(k) * step; }
  double maximum() const { return count == 0 ? minimum : frequency(count - 1); }
  std::vector<double> frequencies() const;
};

// astropy LombScargle.autofrequency: step = 1 / (baseline samples_per_peak), minimum = step / 2,
// maximum = nyquist_factor n / (2 baseline), count = 1 + round((maximum - minimum) / step).
struct AutoFrequencyOptions {
  double samples_per_peak = 5.0;
  double nyquist_factor = 5.0;
  std::optional<double> minimum_frequency = std::nullopt;
  std::optional<double> maximum_frequency = std::nullopt;
};

FrequencyGrid auto_frequency_grid(std::span<const double> t,
                                  const AutoFrequencyOptions& options = {});

struct LombScargleOptions {
  LsNormalization normalization = LsNormalization::standard;
  bool fit_mean = true;     // fit a constant with the sinusoid at every frequency
  bool center_data = true;  // subtract the weighted mean first (always done when fit_mean)
  LsMethod method = LsMethod::exact;
  double tolerance = 1e-12;  // fast method: bound on each weighted sum, in [1e-12, 0.1]
  std::size_t threads = 0;   // 0: all (TEALEAVES_NUM_THREADS or the hardware's)
};

// What the analytic false-alarm probabilities need to know about the data and the search.
struct FapModel {
  std::size_t n = 0;        // data points
  double fmax = 0.0;        // highest frequency searched
  double baseline = 0.0;    // max t - min t
  double t_variance = 0.0;  // variance of t with weights dy^-2 (Davies / Baluev effective span)
  LsNormalization normalization = LsNormalization::standard;
  bool centered = true;  // fit_mean or center_data (required by the analytic nulls)
};

struct LombScargleResult {
  std::vector<double> power;
  FrequencyGrid grid;             // the frequencies, when they form a uniform grid
  std::vector<double> frequency;  // the caller's frequencies when not uniform (else empty)
  FapModel fap;                   // for log_false_alarm_probability / false_alarm_level
  double y_mean = 0.0;            // weighted mean of y (subtracted when centring)
  double y_variance = 0.0;        // YY: weighted mean square of the (centred) values
  LsMethod method = LsMethod::exact;
  double sum_error_bound = 0.0;  // fast: the tolerance met by each weighted sum; exact: 0
};

// dy may be empty (all ones). t need not be sorted. Frequencies are in cycles per unit of t.
LombScargleResult lomb_scargle(std::span<const double> t, std::span<const double> y,
                               std::span<const double> dy, const FrequencyGrid& grid,
                               const LombScargleOptions& options = {});
// Any positive frequencies; a list that is a uniform grid (to rounding) uses the recurrence.
LombScargleResult lomb_scargle(std::span<const double> t, std::span<const double> y,
                               std::span<const double> dy, std::span<const double> frequency,
                               const LombScargleOptions& options = {});

// Natural log of the false-alarm probability of a peak of this power, computed in log space
// so that probabilities far below 1e-308 stay finite. Davies' bound may exceed 1 (log > 0).
double log_false_alarm_probability(double power, const FapModel& model, FapMethod method);
// The power whose false-alarm probability is `probability` (astropy's false_alarm_level).
double false_alarm_level(double probability, const FapModel& model, FapMethod method);

LsNormalization parse_ls_normalization(std::string_view name);  // standard, model, log, psd
LsMethod parse_ls_method(std::string_view name);                // exact, fast
FapMethod parse_fap_method(std::string_view name);              // single, naive, davies, baluev

}  // namespace tealeaves::spectral

namespace tealeaves {
using spectral::lomb_scargle;
using spectral::LombScargleResult;
}  // namespace tealeaves
