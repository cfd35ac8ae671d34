#include "tealeaves/spectral/binning.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::spectral {
namespace {

std::size_t bin_count(double duration, double width) {
  const double q = std::ceil(duration / width);
  require(q < static_cast<double>(max_bins), "bin_width",
          format_number(width) + " s over a window of " + format_number(duration) +
              " s gives more than 2^31 bins; choose a wider bin");
  auto n = static_cast<std::size_t>(q);
  // Guard against ceil() rounding up a window that is an exact multiple of the width.
  while (n > 1 && static_cast<double>(n - 1) * width >= duration) --n;
  return std::max<std::size_t>(n, 1);
}

void add_exposure(std::vector<double>& exposure, const Interval& good, double width) {
  const std::size_t n = exposure.size();
  auto first = static_cast<std::size_t>(good.start / width);
  for (std::size_t k = std::min(first, n - 1); k < n; ++k) {
    const double lo = static_cast<double>(k) * width;
    const double hi = lo + width;
    if (lo >= good.stop) break;
    const double overlap = std::min(hi, good.stop) - std::max(lo, good.start);
    if (overlap > 0.0) exposure[k] += overlap / width;
  }
}

}  // namespace

void bin_counts_into(const EventSeries& series, double bin_width, std::vector<double>& counts) {
  require(std::isfinite(bin_width) && bin_width > 0.0, "bin_width",
          "must be positive and finite, got " + format_number(bin_width));
  const std::size_t n = bin_count(series.duration(), bin_width);
  counts.assign(n, 0.0);
  const auto times = series.times();
  const auto weight = series.multiplicity();
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto k = std::min(static_cast<std::size_t>(times[i] / bin_width), n - 1);
    counts[k] += weight[i];
  }
}

BinnedCounts bin_events(const EventSeries& series, double bin_width) {
  require(std::isfinite(bin_width) && bin_width > 0.0, "bin_width",
          "must be positive and finite, got " + format_number(bin_width));
  BinnedCounts out;
  out.origin = series.origin();
  out.bin_width = bin_width;
  bin_counts_into(series, bin_width, out.counts);
  const std::size_t n = out.counts.size();
  out.exposure.assign(n, 0.0);
  for (const Interval& good : series.good_intervals()) add_exposure(out.exposure, good, bin_width);
  for (double& e : out.exposure) e = std::min(e, 1.0);  // rounding in the overlap sums
  out.total_count = static_cast<double>(series.total_count());
  return out;
}

}  // namespace tealeaves::spectral
