// Surrogate event series: random series that keep a stated property of the observed one and
// destroy another, so a statistic's null distribution can be simulated (see montecarlo.hpp).
//
// Every generator returns a new EventSeries with the same origin, window and good-time
// intervals (outages) as its input and the same number of stored events, never placing an
// event inside a gap. Each generated event has multiplicity 1 (a collapsed retry cluster is one
// lookup, as the periodicity statistics already count it).
//
//   generator        keeps                                         kills
//   poisson          count, window, gaps                           everything else: rhythm,
//                                                                  periodicity, bursts, memory
//   routine          count, the rate per hour of the (local) week  periodicity at any period
//                    (daily x weekly profile, estimated from the   not a divisor of a week,
//                    series itself, optionally smoothed)           bursts, memory
//   smoothed_rate    count, the rate smoothed by a Gaussian kernel structure faster than the
//                    of bandwidth h (slow rhythms, trends)         bandwidth: periods << h,
//                                                                  bursts shorter than h
//   shuffle          per good interval: first event, count, the    order of gaps: memory,
//                    exact multiset of gaps (so B, CV, the gap     periodic phase coherence
//                    distribution)
//   dither           count per good interval, structure slower     structure faster than delta
//                    than +-delta (reflected at interval edges)    (sub-delta timing, jitter)
//   circular_shift   everything internal: gaps, order, memory,     alignment to outside events
//                    periodicity (up to a wrap point)              (coincidences, phases)
//   block_bootstrap  gap distribution, memory within blocks of L   memory longer than L gaps,
//                    gaps; count per good interval (gaps rescaled  exact gap values (rescaled by
//                    to fill each interval's span)                 a factor 1 + O(1/sqrt n))
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"

namespace tealeaves::nullmodel {

enum class Null {
  poisson,
  routine,
  smoothed_rate,
  shuffle,
  dither,
  circular_shift,
  block_bootstrap
};

struct NullOptions {
  // routine: hour-of-week bins in local time = UTC + utc_offset_seconds; bin 0 is Monday 00:00.
  double utc_offset_seconds = 0.0;
  bool weekly = true;            // false: a daily profile only (24 bins, all days alike)
  double smoothing_hours = 0.0;  // > 0: circular Gaussian smoothing of the profile (sigma, hours)
  // smoothed_rate: Gaussian kernel bandwidth (sigma), seconds.
  double bandwidth = 3600.0;
  // dither: events move by uniform(-delta, +delta) seconds.
  double delta = 1.0;
  // block_bootstrap: block length in gaps.
  std::size_t block_length = 10;
};

Null parse_null(std::string_view name);  // "poisson", "routine", "smoothed_rate", "shuffle", ...
std::string null_name(Null null);

// Draws surrogates of one observed series. What depends only on the observed series (the
// routine profile, the gap sequence) is computed once here; each call then draws one surrogate
// from `rng`, so one Rng(seed, i) per surrogate gives results independent of thread count.
class SurrogateGenerator {
 public:
  SurrogateGenerator(const EventSeries& series, Null null, const NullOptions& options = {});
  EventSeries operator()(Rng& rng) const;
  Null null() const { return null_; }

 private:
  struct Segment {
    double start = 0.0;  // relative time
    double length = 0.0;
    double cumulative = 0.0;  // weight (rate x length) up to the end of this segment
  };
  EventSeries make(std::vector<double> times) const;
  EventSeries draw_weighted(Rng& rng) const;
  EventSeries draw_kernel(Rng& rng) const;
  EventSeries draw_shuffle(Rng& rng) const;
  EventSeries draw_dither(Rng& rng) const;
  EventSeries draw_shift(Rng& rng) const;
  EventSeries draw_blocks(Rng& rng) const;

  const EventSeries* series_;
  Null null_;
  NullOptions options_;
  std::vector<Segment> segments_;  // poisson / routine: piecewise-constant rate on good time
  std::vector<double> gaps_;       // block_bootstrap: every within-interval gap, in order
};

// The series' times (relative, sorted) rotated by `shift` seconds of good time: the observed
// time with its outages cut out, joined end to start. The circular_shift null draws the shift
// uniformly over the exposure; any real shift is taken modulo the exposure.
std::vector<double> rotated_times(const EventSeries& series, double shift);

// One surrogate each (convenience wrappers around SurrogateGenerator).
EventSeries poisson_surrogate(const EventSeries& series, Rng& rng);
EventSeries routine_surrogate(const EventSeries& series, Rng& rng, double utc_offset_seconds = 0.0,
                              double smoothing_hours = 0.0, bool weekly = true);
EventSeries smoothed_rate_surrogate(const EventSeries& series, Rng& rng, double bandwidth);
EventSeries shuffle_surrogate(const EventSeries& series, Rng& rng);
EventSeries dither_surrogate(const EventSeries& series, Rng& rng, double delta);
EventSeries circular_shift_surrogate(const EventSeries& series, Rng& rng);
EventSeries block_bootstrap_surrogate(const EventSeries& series, Rng& rng,
                                      std::size_t block_length);

}  // namespace tealeaves::nullmodel
