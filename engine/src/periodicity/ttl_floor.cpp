// The TTL floor: a resolver that caches an answer asks again only after the cache expires, so
// the gaps between its lookups never fall below the TTL and pile up just above it.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "tealeaves/periodicity/detect.hpp"

namespace tealeaves::periodicity {
namespace {

// Gaps between consecutive events inside the same good-time interval: a gap across an outage
// is not a gap between lookups.
std::vector<double> observed_gaps(const EventSeries& series) {
  const auto times = series.times();
  const auto& good = series.good_intervals();
  std::vector<double> gaps;
  std::size_t g = 0, previous_interval = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    while (g + 1 < good.size() && times[i] > good[g].stop) ++g;
    if (i > 0 && g == previous_interval) gaps.push_back(times[i] - times[i - 1]);
    previous_interval = g;
  }
  return gaps;
}

double coefficient_of_variation(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return mean > 0.0 ? std::sqrt(ss / n) / mean : 0.0;
}

// Missed beats of a schedule put gaps near whole multiples of the floor; cache expiry under
// random demand does not reach far beyond the first multiple.
bool on_a_lattice(const std::vector<double>& gaps, double floor) {
  std::size_t far = 0, near_multiple = 0;
  for (double g : gaps) {
    if (g < 1.5 * floor) continue;
    ++far;
    const double r = g / floor;
    if (std::abs(r - std::round(r)) < 0.1) ++near_multiple;
  }
  return far >= gaps.size() / 10 && far > 0 &&
         static_cast<double>(near_multiple) >= 0.7 * static_cast<double>(far);
}

}  // namespace

TtlFloor ttl_floor(const EventSeries& series, std::optional<double> log_ttl) {
  TtlFloor out;
  out.interpretation = "none";
  const std::vector<double> gaps = observed_gaps(series);
  out.n_gaps = gaps.size();
  if (log_ttl && *log_ttl > 0.0) out.log_ttl_s = *log_ttl;
  if (gaps.size() < 10) return out;
  const double floor = *std::min_element(gaps.begin(), gaps.end());
  const double mean =
      std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
  out.floor_s = floor;
  // Under Poisson lookups the smallest of n exponential gaps is exponential with rate n / mean.
  out.log_p = mean > 0.0 ? -static_cast<double>(gaps.size()) * floor / mean : 0.0;
  std::vector<double> excess(gaps.size());
  std::transform(gaps.begin(), gaps.end(), excess.begin(), [&](double g) { return g - floor; });
  out.excess_cv = coefficient_of_variation(excess);
  out.share_near_floor =
      static_cast<double>(
          std::count_if(gaps.begin(), gaps.end(), [&](double g) { return g <= 1.1 * floor; })) /
      static_cast<double>(gaps.size());
  if (out.log_ttl_s > 0.0) {
    out.consistent_with_log_ttl = floor >= 0.9 * out.log_ttl_s && floor <= 1.5 * out.log_ttl_s;
    if (out.consistent_with_log_ttl) out.floor_s = out.log_ttl_s;
  }
  out.detected = out.log_p < std::log(1e-3) && floor > 0.0;
  if (out.detected) {
    const bool cache_like = out.excess_cv > 0.6 && !on_a_lattice(gaps, floor);
    out.interpretation = cache_like ? "cache-expiry driven" : "schedule-like";
  }
  return out;
}

}  // namespace tealeaves::periodicity
