// EventSeries: the validated, sorted event times every analysis starts from.
//
// Validation happens once, here; analyses trust what an EventSeries guarantees:
//   - every time is finite and the times are sorted (ascending);
//   - times are stored relative to `origin()` (the start of the observation window), so epoch
//     seconds (~1.7e9, where a double resolves only ~0.2 us) do not lose precision downstream;
//   - the observation window [start, end] contains every event, and no event lies inside a gap;
//   - each stored event has a multiplicity >= 1 (duplicates collapsed on request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tealeaves {

// A closed interval of time [start, stop], in seconds.
struct Interval {
  double start = 0.0;
  double stop = 0.0;
  double length() const { return stop - start; }
};

enum class DuplicatePolicy {
  keep,      // keep every event; duplicates are only counted
  collapse,  // merge events within `duplicate_tolerance` of a run's first event into one,
             // keeping the count as its multiplicity
};

struct SeriesOptions {
  // Unsorted input is an error unless `sort` is true (then the repair is counted).
  bool sort = false;
  // Observation window, in the same units and frame as the times. Defaults: first/last event.
  std::optional<double> start;
  std::optional<double> end;
  // Intervals inside the window with no observation (outages). Overlapping gaps are merged.
  std::vector<Interval> gaps;
  DuplicatePolicy duplicates = DuplicatePolicy::keep;
  double duplicate_tolerance = 0.0;  // seconds; 0 means "exactly equal"
  // Events outside the window or inside a gap are an error unless this is true
  // (then they are dropped and counted).
  bool drop_outside = false;
  // The absolute time that input times, start, end and gaps are measured from. Callers holding
  // exact integer timestamps (e.g. nanoseconds) pass small relative values and the offset here.
  double time_origin = 0.0;
};

// What validation changed, so that nothing is repaired silently.
struct SeriesRepairs {
  std::size_t n_input = 0;         // events given
  std::size_t n_out_of_order = 0;  // positions where a time was below its predecessor
  std::size_t n_duplicates = 0;    // events within the duplicate tolerance of a run's first event
  std::size_t n_collapsed = 0;     // events merged into a predecessor (collapse policy)
  std::size_t n_dropped_outside = 0;  // events dropped outside the window or in gaps
  std::size_t n_gaps_merged = 0;      // gaps merged because they overlapped
};

class EventSeries {
 public:
  explicit EventSeries(std::span<const double> times, const SeriesOptions& options = {});

  std::size_t size() const { return times_.size(); }
  bool empty() const { return times_.empty(); }
  // Absolute time (seconds) of relative time 0: the start of the observation window.
  double origin() const { return origin_; }
  // Event times relative to origin(), sorted ascending, all in [0, duration()].
  std::span<const double> times() const { return times_; }
  // Multiplicity of each stored event (1 unless duplicates were collapsed).
  std::span<const std::uint32_t> multiplicity() const { return multiplicity_; }
  // Sum of multiplicities: the number of raw events this series stands for.
  std::size_t total_count() const { return total_count_; }
  double duration() const { return duration_; }
  double start() const { return origin_; }
  double end() const { return origin_ + duration_; }
  // Good-time intervals, relative to origin(): sorted, disjoint, inside [0, duration()].
  const std::vector<Interval>& good_intervals() const { return good_; }
  // Total observed time: the summed length of the good-time intervals.
  double exposure() const;
  const SeriesRepairs& repairs() const { return repairs_; }

  // The same observation with runs of events within `tolerance` seconds of a run's first event
  // merged into one (multiplicities add up): e.g. resolver retries or double logging, which
  // are one lookup, not several. The window and gaps are kept; the merges are counted.
  EventSeries collapsed(double tolerance) const;

 private:
  EventSeries() = default;

  std::vector<double> times_;
  std::vector<std::uint32_t> multiplicity_;
  std::vector<Interval> good_;
  std::size_t total_count_ = 0;
  double origin_ = 0.0;
  double duration_ = 0.0;
  SeriesRepairs repairs_;
};

// Largest |time| accepted, in seconds (~ year 5138). Larger values are almost always
// milliseconds or nanoseconds passed as seconds, and are rejected with that hint.
inline constexpr double max_abs_time_seconds = 1e11;

}  // namespace tealeaves
