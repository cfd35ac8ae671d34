// Silences too long for the surrounding rate, and the time to a first lookup.
//
// Outages. Every stretch without a lookup is examined: each positive gap between consecutive
// lookups and, when `edges` is set, the censored stretches from the window start to the first
// lookup and from the last lookup to the window end (a name that stopped being looked up).
// Only observed time counts (the series' own outages are not silences). For a silence of
// observed length g, the local rate comes from the lookups in the `context` seconds of
// observed time on either side (the two lookups bounding the silence excluded): n lookups in
// exposure E. Null: a homogeneous Poisson process over the silence and its context. Given the
// n + 0 lookups in E + g, the chance that none fell in the silence is
//   p = (E / (E + g))^n,
// the exact conditional test (it tends to exp(-rate g) for a long context, and accounts for the
// rate being estimated). Look-elsewhere: p_sidak = 1 - (1 - p)^m and p_bonferroni = min(1, m p)
// over the m silences examined; `significant` uses p_sidak < alpha.
// A burst next to a silence raises the pooled context rate, so a normal gap beside a burst can
// look too long. `both_sides` asks instead whether the silence is too long for each neighbour
// alone: p = max(p_left, p_right) (an intersection-union test: valid, conservative under the
// null; silences at the window edges have one side and keep the pooled p).
//
// First lookup. With a reference time t0 (e.g. a name's creation) and the first lookup at t1,
// delay d = t1 - t0 >= 0 under a Poisson rate r (given, or a baseline series' count over its
// exposure): p_early = P(D <= d) = 1 - exp(-r d), p_late = P(D >= d) = exp(-r d),
// p_two_sided = min(1, 2 min(p_early, p_late)). One test, no multiplicity; the rate is taken as
// known (a plug-in when estimated).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::bursts {

// Length of [a, b] that lies inside the good intervals.
double observed_length(const std::vector<Interval>& good, double a, double b);

struct OutageOptions {
  double context = 0.0;     // seconds of observed time each side; 0: 20 mean gaps (exposure / N)
  double alpha = 0.05;      // for `significant`
  bool edges = true;        // also examine the stretches before the first and after the last lookup
  bool both_sides = false;  // p = max(p_left, p_right) instead of the pooled context
};

struct Outages {
  // One entry per silence examined, in time order (absolute times).
  std::vector<double> start, end, length;                                // length: observed seconds
  std::vector<double> context_events, context_exposure, rate, expected;  // expected = rate g
  std::vector<double> p_value, p_sidak, p_bonferroni;
  std::vector<bool> edge, significant;
  std::size_t n_examined = 0;
  double context = 0.0, alpha = 0.05;
  bool both_sides = false;
  std::string null;
};

Outages outages(const EventSeries& series, const OutageOptions& options = {});

struct FirstLookup {
  double delay = 0.0, rate = 0.0, expected_delay = 0.0;
  double p_early = 1.0, p_late = 1.0, p_two_sided = 1.0;
  std::string null;
};

// `reference` and `first` in the same (absolute) frame; rate in events per second, > 0.
FirstLookup first_lookup(double reference, double first, double rate);

// Count over exposure of a baseline series (events per second).
double baseline_rate(const EventSeries& baseline);

}  // namespace tealeaves::bursts
