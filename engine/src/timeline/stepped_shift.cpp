// Circular shift by whole steps (see coincidence.hpp, CoincidenceOptions::shift_step).
#include <algorithm>
#include <cmath>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/timeline/coincidence.hpp"

namespace tealeaves::timeline {

EventSeries stepped_shift_surrogate(const EventSeries& series, double step, Rng& rng) {
  require(std::isfinite(step) && step > 0.0, "shift_step",
          "must be finite and > 0, got " + format_number(step));
  const auto& good = series.good_intervals();
  std::vector<double> offsets(good.size(), 0.0);
  double exposure = 0.0;
  for (std::size_t j = 0; j < good.size(); ++j) {
    offsets[j] = exposure;
    exposure += good[j].length();
  }
  // Whole steps in the observed time (a tiny rounding margin so 28 days hold 28 steps).
  const auto n_steps = static_cast<std::uint64_t>(std::floor(exposure / step + 1e-9));
  require(n_steps >= 2, "shift_step",
          "must fit at least twice into the observed time (" + format_number(exposure) +
              " s), got " + format_number(step));
  const double shift = static_cast<double>(rng.below(n_steps)) * step;
  const auto t = series.times();
  std::vector<double> times(t.size());
  std::size_t j = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    while (j + 1 < good.size() && t[i] > good[j].stop) ++j;
    double u = offsets[j] + (t[i] - good[j].start) + shift;
    u = std::fmod(u, exposure);
    const auto it = std::upper_bound(offsets.begin(), offsets.end(), u);
    const std::size_t k = static_cast<std::size_t>(it - offsets.begin()) - 1;
    times[i] = std::clamp(good[k].start + (u - offsets[k]), good[k].start, good[k].stop);
  }
  std::sort(times.begin(), times.end());
  SeriesOptions o;
  o.start = 0.0;
  o.end = series.duration();
  o.time_origin = series.origin();
  double cursor = 0.0;
  for (const Interval& g : good) {
    if (g.start > cursor) o.gaps.push_back({cursor, g.start});
    cursor = g.stop;
  }
  if (cursor < series.duration()) o.gaps.push_back({cursor, series.duration()});
  return EventSeries(times, o);
}

}  // namespace tealeaves::timeline
