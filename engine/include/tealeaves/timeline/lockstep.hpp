// Lockstep: do two lookup series move as one machine (each logical lookup reaching both, in
// either order, within a tolerance)? Two resolvers forwarding the same queries do; two clients
// of one name that merely share office hours do not.
//
// A lookup t of a and a lookup s of b match when |t - s| <= tolerance. fraction_a is the share
// of a's lookups with a match in b, fraction_b the share of b's (those inside a's observed
// window; the others are counted apart) with a match in a; lags are b - a to each matched a
// lookup's nearest b (the earlier one on a tie).
//
// Null: a's lookups rotated along a's good time (nullmodel::rotated_times) by u seconds, |u|
// uniform in (2 tolerance, max_shift] with a random sign, b fixed. Every matched pair is broken
// (|u| > 2 tolerance) while both series' bursts, gaps and rhythm slower than max_shift are
// kept: two series busy in the same hours coincide more often than after a far rotation, so a
// rotation by any amount would over-reject for them (measured 34 % at 5 % for independent
// office-hours pairs, against 5.7 % here). The two directions form one Westfall-Young max-T
// family (each count standardised by its mean and sd over the observed and surrogate rows);
// p = (k + 1) / (n + 1) with ties counted against the observation (no match at all: p = 1).
// Surrogate i uses Rng(seed, i): identical results for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::timeline {

struct LockstepOptions {
  double tolerance = 2.0;          // seconds, > 0
  double max_shift = 600.0;        // seconds, > 2 tolerance (unused without surrogates)
  std::size_t n_surrogates = 999;  // 0: counts and lags only (p-values NaN)
  std::uint64_t seed = 0;
  std::size_t threads = 0;  // 0: all
};

struct Lockstep {
  std::size_t n_a = 0, n_b = 0, n_b_outside = 0;
  std::size_t k_a = 0, k_b = 0;  // matched lookups of a, of b
  double fraction_a = 0.0, fraction_b = 0.0;
  double median_lag = 0.0;      // seconds, NaN when nothing matches
  double p_a = 0.0, p_b = 0.0;  // marginal Monte-Carlo p of each direction
  double p_value = 0.0;         // the smaller max-T adjusted p (family of 2)
  std::size_t n_surrogates = 0;
  std::vector<double> matched_a;  // absolute times of a's matched lookups
  std::vector<double> lags;       // b - a to their nearest partner
  std::string null;
};

Lockstep lockstep(const EventSeries& a, const EventSeries& b, const LockstepOptions& options = {});

}  // namespace tealeaves::timeline
