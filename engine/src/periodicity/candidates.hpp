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

// If b is within tolerance of k a for an integer k >= 2, returns k; if a is of k b, -k; else 0.
// For k <= 4 the tolerance is 5 % (harmonics of a jittered peak are broad); beyond, it is
// max(base, k width) and only while that stays below 5 % of the smaller frequency.
int harmonic_relation(double a, double b, double base_tolerance_hz, double width_hz);

}  // namespace tealeaves::periodicity::detail
