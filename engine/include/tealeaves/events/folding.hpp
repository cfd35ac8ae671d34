// Epoch folding and the shape of a pulse: what a period looks like once found.
#pragma once

#include <cstddef>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::events {

struct FoldedProfile {
  double frequency = 0.0;
  std::vector<double> counts;    // events per phase bin; phase 0 is the series origin
  std::vector<double> expected;  // events expected per bin under the null (exposure-weighted)
  double chi2 = 0.0;             // sum (counts - expected)^2 / expected
  std::size_t dof = 0;           // bins - 1
  double log_p = 0.0;            // log P(chi^2_dof > chi2): one trial, null = uniform in time
};

// Folds the events at `frequency` into `bins` phase bins. The expected counts follow the time
// each phase bin was observed (gaps and partial cycles make it uneven), so the chi^2 test is
// against "uniform over the observed time".
FoldedProfile fold(const EventSeries& series, double frequency, std::size_t bins = 10);

// A pulse described by a wrapped-normal model: a share `pulsed_fraction` of the events falls at
// phase `peak_phase` with spread `jitter_cycles`, the rest uniformly. Estimated from the first
// two window-corrected harmonic amplitudes (bias-corrected for Poisson noise):
// |a_k| = q exp(-2 pi^2 k^2 sigma^2).
struct PulseShape {
  double pulsed_fraction = 0.0;  // q in [0, 1]
  double jitter_cycles = 0.0;    // sigma, in cycles (multiply by the period for seconds)
  double peak_phase = 0.0;       // cycles in [0, 1), relative to the series origin
  double amplitude1 = 0.0;       // bias-corrected |a_1|
  double amplitude2 = 0.0;       // bias-corrected |a_2|
};

PulseShape pulse_shape(const EventSeries& series, double frequency);

}  // namespace tealeaves::events

namespace tealeaves {
using events::fold;
using events::FoldedProfile;
}  // namespace tealeaves
