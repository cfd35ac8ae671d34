// Binning an EventSeries to counts at a fixed width.
//
// Edge rules (relative to the window start, origin()):
//   - bin k covers [k w, (k+1) w): left-closed, right-open;
//   - there are max(1, ceil(duration / w)) bins, so a window of exactly k widths has k bins and
//     an event at the very end of the window falls into the last bin;
//   - the last bin may reach past the window end; its `exposure` says which fraction was observed;
//   - `exposure[k]` is the fraction of bin k inside good-time intervals (0 inside an outage), so
//     a zero count in an unobserved bin is never mistaken for a quiet one;
//   - each event adds its multiplicity.
#pragma once

#include <cstddef>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::spectral {

struct BinnedCounts {
  double origin = 0.0;           // absolute time of the left edge of bin 0
  double bin_width = 0.0;        // seconds
  std::vector<double> counts;    // events per bin (exact integers, stored as double for FFTs)
  std::vector<double> exposure;  // observed fraction of each bin, in [0, 1]
  double total_count = 0.0;
};

// At most this many bins (beyond it, bin_width is almost surely wrong for the window).
inline constexpr std::size_t max_bins = std::size_t{1} << 31;

BinnedCounts bin_events(const EventSeries& series, double bin_width);

// Only the counts, by the same rules, into `counts` (resized; its memory is reused): for loops
// over many surrogates, where fresh vectors would cost a page fault per 4 KiB every time.
void bin_counts_into(const EventSeries& series, double bin_width, std::vector<double>& counts);

}  // namespace tealeaves::spectral

namespace tealeaves {
using spectral::bin_events;
using spectral::BinnedCounts;
}  // namespace tealeaves
