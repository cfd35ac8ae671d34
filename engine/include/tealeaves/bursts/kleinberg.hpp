// Kleinberg's burst automaton (Kleinberg 2003, "Bursty and hierarchical structure in streams").
//
// The n gaps x_j between consecutive lookups (outage time inside a gap is not counted; tied
// lookups give zero gaps) are emitted by a hidden state i = 0 .. levels-1 with exponential
// rate alpha_i = s^i n / T (T the summed gaps, so state 0 runs at the average rate). Emitting x
// in state i costs alpha_i x - ln alpha_i; moving up from i to j > i costs (j - i) gamma ln n,
// moving down is free, and the automaton starts in state 0. The Viterbi path (ties go to the
// lower state) is the minimum-cost state sequence. A burst of level l is a maximal run of gaps
// in states >= l: it starts at the lookup opening its first gap and ends at the lookup closing
// its last one. Bursts nest: each level-l burst lies inside a level-(l-1) burst.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::bursts {

struct KleinbergOptions {
  double s = 2.0;          // rate ratio between successive levels, > 1
  double gamma = 1.0;      // cost of moving up one level, in units of ln n, >= 0
  std::size_t levels = 2;  // states, >= 2
};

struct Burst {
  std::size_t level = 0;
  double start = 0.0, end = 0.0;    // absolute times
  std::size_t first = 0, last = 0;  // lookup indices (multiplicities expanded)
  std::size_t n_events = 0;         // lookups from first to last
  double rate = 0.0;                // n_events - 1 over the observed time from start to end
};

struct KleinbergResult {
  std::vector<std::size_t> states;  // per gap
  std::vector<double> gap_rates;    // alpha_i of each level, events / s
  std::vector<Burst> bursts;        // by start time, outer level first at equal starts
  double cost = 0.0;                // Viterbi path cost
  double base_rate = 0.0;           // n / T
  KleinbergOptions options;
};

KleinbergResult kleinberg(const EventSeries& series, const KleinbergOptions& options = {});

// The kernel: the Viterbi state path of `gaps` (T = their sum must be positive), its cost.
std::vector<std::size_t> kleinberg_states(std::span<const double> gaps,
                                          const KleinbergOptions& options, double* cost = nullptr);

// Cost of a given state path under the same model (for tests and diagnostics).
double kleinberg_cost(std::span<const double> gaps, std::span<const std::size_t> states,
                      const KleinbergOptions& options);

}  // namespace tealeaves::bursts
