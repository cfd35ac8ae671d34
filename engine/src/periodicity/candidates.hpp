// Candidate frequencies for the detection pipeline, and their refinement.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/events/rayleigh.hpp"

namespace tealeaves::periodicity::detail {

struct Candidate {
  double frequency = 0.0;
  double power = 0.0;  // Z^2_n at `frequency`
  bool from_events = false;
  bool from_binned = false;
  double half_width = 0.0;  // Hz: half the width of its peak at half power
};

// The strongest local maxima of a periodogram (indices into `power`), strongest first.
std::vector<std::size_t> top_local_maxima(const std::vector<double>& power, std::size_t count);

// Local maxima of the Z^2_n grid search.
std::vector<Candidate> event_candidates(const events::Z2Result& z2, std::size_t count);

// Local maxima of the Leahy spectrum of the counts in bins fine enough for the band's top.
std::vector<double> binned_candidates(const EventSeries& series, double fmin, double fmax,
                                      std::size_t count);

// Golden-section maximisation of Z^2_n on [f - half_width, f + half_width].
Candidate refine(const EventSeries& series, double f, double half_width, unsigned harmonics);

// Half the width at half power of the Z^2 peak around the candidate (at least one grid step).
double peak_half_width(const events::Z2Result& z2, double frequency, double power);

// k >= 2 if candidate c is the k-th harmonic of `fundamental` (known to +- `precision` Hz),
// else 0. For k <= 4 the match is within 5 % (harmonics of a jittered period are broad);
// beyond, k times the fundamental must fall inside c's own peak (at least 2/T wide), k precision
// allowed for,
// and only while that tolerance stays below a quarter of the fundamental.
unsigned harmonic_number(double fundamental, double precision, const Candidate& c, double duration);

}  // namespace tealeaves::periodicity::detail
