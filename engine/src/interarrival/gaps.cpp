#include "tealeaves/interarrival/gaps.hpp"

#include <algorithm>
#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {

GapSample inter_arrival_times(const EventSeries& series) {
  const auto times = series.times();
  require(
      times.size() >= 2, "series",
      "needs at least 2 events to have an inter-arrival time, got " + std::to_string(times.size()));
  require(times.front() < times.back(), "series",
          "all " + std::to_string(times.size()) +
              " event times are equal; there is no positive inter-arrival time");
  GapSample out;
  out.n_events = times.size();
  out.gaps.reserve(times.size() - 1);
  const auto& good = series.good_intervals();
  // Good intervals are sorted and disjoint; each event lies in exactly one (events on the
  // boundary of an outage belong to the interval they bound).
  std::size_t interval = 0;
  std::size_t previous_interval = 0;
  bool run_open = false;
  for (std::size_t i = 0; i < times.size(); ++i) {
    while (interval + 1 < good.size() && times[i] > good[interval].stop) ++interval;
    if (i > 0) {
      if (interval != previous_interval) {
        ++out.n_spanning_outage;
        run_open = false;
      } else {
        if (!run_open) out.run_starts.push_back(out.gaps.size());
        run_open = true;
        const double gap = times[i] - times[i - 1];
        if (gap == 0.0) ++out.n_zero;
        out.gaps.push_back(gap);
      }
    }
    previous_interval = interval;
  }
  return out;
}

std::vector<double> positive_sorted(std::span<const double> gaps) {
  std::vector<double> out;
  out.reserve(gaps.size());
  for (const double g : gaps) {
    if (g > 0.0) out.push_back(g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t count_adjacent_pairs(const GapSample& sample) {
  std::size_t pairs = 0;
  for_each_adjacent_pair(sample, [&](double, double) { ++pairs; });
  return pairs;
}

}  // namespace tealeaves::interarrival
