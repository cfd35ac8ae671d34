#include "tealeaves/core/series.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves {
namespace {

void check_times_finite(std::span<const double> times, double time_origin) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i];
    if (!std::isfinite(t)) {
      throw_invalid("times", "value at index " + std::to_string(i) + " is " + format_number(t) +
                                 "; every time must be finite");
    }
    if (std::abs(t + time_origin) > max_abs_time_seconds) {
      throw_invalid("times", "value at index " + std::to_string(i) + " is " +
                                 format_number(t + time_origin) +
                                 " s, beyond year 5000; were milliseconds or nanoseconds "
                                 "passed as seconds?");
    }
  }
}

std::size_t count_descents(std::span<const double> times, std::size_t* first) {
  std::size_t count = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] < times[i - 1]) {
      if (count == 0) *first = i;
      ++count;
    }
  }
  return count;
}

std::vector<double> sorted_times(std::span<const double> times, bool sort, SeriesRepairs& repairs) {
  std::size_t first = 0;
  repairs.n_out_of_order = count_descents(times, &first);
  if (repairs.n_out_of_order > 0 && !sort) {
    throw_invalid("times", "not sorted: times[" + std::to_string(first) +
                               "] = " + format_number(times[first]) + " < times[" +
                               std::to_string(first - 1) +
                               "] = " + format_number(times[first - 1]) + " (" +
                               std::to_string(repairs.n_out_of_order) +
                               " descents in all); sort the input or ask for sorting");
  }
  std::vector<double> out(times.begin(), times.end());
  if (repairs.n_out_of_order > 0) std::sort(out.begin(), out.end());
  return out;
}

double checked_bound(std::optional<double> value, double fallback, const char* name) {
  if (!value) return fallback;
  require(std::isfinite(*value), name, "must be finite, got " + format_number(*value));
  return *value;
}

// Clip to [lo, hi], sort and merge overlapping gaps.
std::vector<Interval> normalised_gaps(const std::vector<Interval>& gaps, double lo, double hi,
                                      SeriesRepairs& repairs) {
  std::vector<Interval> out;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    const Interval g = gaps[i];
    const std::string name = "gaps[" + std::to_string(i) + "]";
    require(std::isfinite(g.start) && std::isfinite(g.stop), name, "bounds must be finite");
    require(g.start < g.stop, name,
            "start " + format_number(g.start) + " must be below stop " + format_number(g.stop));
    const Interval clipped{std::max(g.start, lo), std::min(g.stop, hi)};
    if (clipped.start < clipped.stop) out.push_back(clipped);
  }
  std::sort(out.begin(), out.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> merged;
  for (const Interval& g : out) {
    if (!merged.empty() && g.start <= merged.back().stop) {
      merged.back().stop = std::max(merged.back().stop, g.stop);
      ++repairs.n_gaps_merged;
    } else {
      merged.push_back(g);
    }
  }
  return merged;
}

// Events outside [lo, hi] or strictly inside a gap: an error, or dropped and counted.
void enforce_window(std::vector<double>& times, double lo, double hi,
                    const std::vector<Interval>& gaps, bool drop, SeriesRepairs& repairs) {
  std::size_t before = 0, after = 0, in_gap = 0;
  std::size_t g = 0;
  std::size_t kept = 0;
  double first_before = 0.0, last_after = 0.0;
  for (const double t : times) {
    while (g < gaps.size() && gaps[g].stop <= t) ++g;
    const bool gap_hit = g < gaps.size() && gaps[g].start < t && t < gaps[g].stop;
    if (t < lo) {
      if (before++ == 0) first_before = t;
    } else if (t > hi) {
      ++after;
      last_after = t;
    } else if (gap_hit) {
      ++in_gap;
    } else {
      times[kept++] = t;
    }
  }
  if (!drop) {
    if (before > 0) {
      throw_invalid("start", std::to_string(before) + " events precede the window start " +
                                 format_number(lo) + " (first at " + format_number(first_before) +
                                 "); widen the window or ask to drop them");
    }
    if (after > 0) {
      throw_invalid("end", std::to_string(after) + " events follow the window end " +
                               format_number(hi) + " (last at " + format_number(last_after) +
                               "); widen the window or ask to drop them");
    }
    if (in_gap > 0) {
      throw_invalid("gaps", std::to_string(in_gap) +
                                " events fall strictly inside gaps, so those were not outages; "
                                "fix the gaps or ask to drop the events");
    }
  }
  times.resize(kept);
  repairs.n_dropped_outside = before + after + in_gap;
}

// Counts duplicates and, for `collapse`, merges each run into its first event.
void apply_duplicates(std::vector<double>& times, std::vector<std::uint32_t>& multiplicity,
                      DuplicatePolicy policy, double tolerance, SeriesRepairs& repairs) {
  multiplicity.assign(times.size(), 1);
  std::size_t out = 0;
  double anchor = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const bool duplicate = i > 0 && times[i] - anchor <= tolerance;
    if (duplicate) ++repairs.n_duplicates;
    if (duplicate && policy == DuplicatePolicy::collapse) {
      ++multiplicity[out - 1];
      ++repairs.n_collapsed;
      continue;
    }
    if (!duplicate) anchor = times[i];
    times[out] = times[i];
    multiplicity[out] = 1;
    ++out;
  }
  times.resize(out);
  multiplicity.resize(out);
}

std::vector<Interval> complement(const std::vector<Interval>& gaps, double lo, double hi) {
  std::vector<Interval> good;
  double cursor = lo;
  for (const Interval& g : gaps) {
    if (g.start > cursor) good.push_back({cursor - lo, g.start - lo});
    cursor = std::max(cursor, g.stop);
  }
  if (cursor < hi || good.empty()) good.push_back({cursor - lo, hi - lo});
  return good;
}

}  // namespace

EventSeries::EventSeries(std::span<const double> times, const SeriesOptions& options) {
  require(std::isfinite(options.time_origin), "time_origin", "must be finite");
  require(options.duplicate_tolerance >= 0.0 && std::isfinite(options.duplicate_tolerance),
          "duplicate_tolerance",
          "must be finite and >= 0, got " + format_number(options.duplicate_tolerance));
  repairs_.n_input = times.size();
  if (times.empty()) {
    require(options.start && options.end, "times",
            "is empty; an observation with no events needs both start and end");
  }
  check_times_finite(times, options.time_origin);
  std::vector<double> sorted = sorted_times(times, options.sort, repairs_);

  const double lo = checked_bound(options.start, sorted.empty() ? 0.0 : sorted.front(), "start");
  const double hi = checked_bound(options.end, sorted.empty() ? 0.0 : sorted.back(), "end");
  require(lo <= hi, "end",
          "window end " + format_number(hi) + " is before its start " + format_number(lo));
  const std::vector<Interval> gaps = normalised_gaps(options.gaps, lo, hi, repairs_);
  enforce_window(sorted, lo, hi, gaps, options.drop_outside, repairs_);
  apply_duplicates(sorted, multiplicity_, options.duplicates, options.duplicate_tolerance,
                   repairs_);

  for (double& t : sorted) t -= lo;
  times_ = std::move(sorted);
  total_count_ = times_.size() + repairs_.n_collapsed;
  origin_ = options.time_origin + lo;
  duration_ = hi - lo;
  good_ = complement(gaps, lo, hi);
}

EventSeries EventSeries::collapsed(double tolerance) const {
  require(tolerance >= 0.0 && std::isfinite(tolerance), "tolerance",
          "must be finite and >= 0, got " + format_number(tolerance));
  EventSeries out;
  out.origin_ = origin_;
  out.duration_ = duration_;
  out.good_ = good_;
  out.repairs_ = repairs_;
  out.total_count_ = total_count_;
  double anchor = 0.0;
  for (std::size_t i = 0; i < times_.size(); ++i) {
    if (!out.times_.empty() && times_[i] - anchor <= tolerance) {
      out.multiplicity_.back() += multiplicity_[i];
      ++out.repairs_.n_collapsed;
      ++out.repairs_.n_duplicates;
      continue;
    }
    anchor = times_[i];
    out.times_.push_back(times_[i]);
    out.multiplicity_.push_back(multiplicity_[i]);
  }
  return out;
}

double EventSeries::exposure() const {
  double total = 0.0;
  for (const Interval& g : good_) total += g.length();
  return total;
}

}  // namespace tealeaves
