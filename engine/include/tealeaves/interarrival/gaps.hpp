// Inter-arrival times of an EventSeries, respecting its gaps in observation.
//
// Two consecutive events separated by an outage (they lie in different good-time intervals)
// do not bound a gap between lookups: the lookups in between were not observed. Such pairs are
// dropped and counted, never silently merged into one long inter-arrival time. The censored
// stretches before the first and after the last event of each good interval are not gaps
// either.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::interarrival {

struct GapSample {
  // t[i+1] - t[i] for consecutive stored events inside one good interval, in time order.
  // Zero gaps (equal times kept as separate events) are included here.
  std::vector<double> gaps;
  // Index into `gaps` where each run of back-to-back gaps begins; a new run starts after every
  // outage. gaps[k] and gaps[k+1] are consecutive (share an event) unless k+1 starts a run.
  std::vector<std::size_t> run_starts;
  std::size_t n_events = 0;           // stored events of the series
  std::size_t n_spanning_outage = 0;  // consecutive-event pairs dropped because of an outage
  std::size_t n_zero = 0;             // gaps of exactly zero (kept in `gaps`)
};

// Throws std::invalid_argument naming `series` when it has fewer than 2 events, or when every
// event time is equal (no positive inter-arrival time exists).
GapSample inter_arrival_times(const EventSeries& series);

// The positive gaps, sorted ascending: the sample every distribution fit uses (a zero gap has
// no density under the continuous models and is reported as a count instead).
std::vector<double> positive_sorted(std::span<const double> gaps);

// Number of adjacent pairs (gaps[k], gaps[k+1]) inside runs, and a visitor over them.
std::size_t count_adjacent_pairs(const GapSample& sample);

template <class Visitor>
void for_each_adjacent_pair(const GapSample& sample, Visitor&& visit) {
  const std::size_t n_runs = sample.run_starts.size();
  for (std::size_t r = 0; r < n_runs; ++r) {
    const std::size_t begin = sample.run_starts[r];
    const std::size_t end = r + 1 < n_runs ? sample.run_starts[r + 1] : sample.gaps.size();
    for (std::size_t k = begin; k + 1 < end; ++k) visit(sample.gaps[k], sample.gaps[k + 1]);
  }
}

}  // namespace tealeaves::interarrival
