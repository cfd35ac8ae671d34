// When is a period present? "Periodic since 25 July" is a claim about time, not about the
// spectrum: a line says a beat exists somewhere in the log, not where.
//
// Lookups closer than `collapse` to the start of a tick are one tick (a beat that carries a
// retry or a small burst is one beat). In each window (`window` seconds, aligned on whole
// multiples of the window in absolute time, so daily windows are UTC days) every tick t whose
// band [t + P - 3h, t + P + 3h] is observed (inside its good-time interval) is one trial: the
// first tick at or after t + P - 3h, if it falls in the band, is "on" (within h of t + P) or
// "beside" (1 to 3 h away); h = `half_width`. Taking the first tick after a point, not the next
// lookup, lets other lookups (a person's) fall between two beats. Without a beat that tick is
// the forward recurrence of the process from a point, whose density never increases for a
// stationary process, so the central third of the band gets at most 1/3 of the trials (1/3
// only in the limit of a sparse Poisson process): the test is conservative. Each window's p is
// the binomial tail P(Bin(n, 1/3) >= k), n = on + beside, k = on. The family is every window;
// Tarone's procedure keeps only the windows whose smallest attainable p ((1/3)^n) could reach the
// corrected level and Bonferroni-corrects over those (family-wise error at alpha; windows with one
// or two gaps can never be significant and so do not dilute the correction). Consecutive
// significant windows form one span.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::periodicity {

struct SpanOptions {
  double window = 0.0;      // seconds; 0: auto_span_window(period)
  double half_width = 0.0;  // h, seconds; 0: 0.05 * period
  double collapse = 0.0;    // seconds; 0: 0.1 * period; must stay below period - 3 h
  double alpha = 0.01;      // family-wise level over the windows
};

struct SpanWindow {
  double start = 0.0;  // absolute seconds, clipped to the observation window
  double end = 0.0;
  std::size_t n_on = 0;      // trials whose partner is within h of t + P
  std::size_t n_beside = 0;  // trials whose partner is h..3h from it
  double p_value = 1.0;      // one-sided binomial(n_on + n_beside, 1/3) tail
  double p_adjusted = 1.0;   // Tarone-Bonferroni; 1 where the window could not reach alpha
  bool testable = false;     // counted in the correction
  bool significant = false;  // p_adjusted < alpha
};

struct Span {
  double start = 0.0;  // absolute seconds
  double end = 0.0;
};

struct PeriodSpans {
  double period = 0.0, half_width = 0.0, window = 0.0, collapse = 0.0, alpha = 0.0;
  std::size_t n_ticks = 0;
  std::size_t n_testable = 0;  // Tarone's K: the size of the correction
  std::vector<SpanWindow> windows;
  std::vector<Span> spans;  // runs of consecutive significant windows
  // The first tick with an "on" partner in the first significant window, and the last "on"
  // partner of a tick in the last one (NaN when no window is significant): the beat's first
  // and last seen beats.
  double first_beat = 0.0, last_beat = 0.0;
  std::string null;
  std::string correction;
};

// The smallest of 1 min, 5 min, 15 min, 1 h, 6 h, 1 d, 7 d holding 16 periods (else 16 periods).
double auto_span_window(double period);

PeriodSpans period_spans(const EventSeries& series, double period, const SpanOptions& options = {});

}  // namespace tealeaves::periodicity
