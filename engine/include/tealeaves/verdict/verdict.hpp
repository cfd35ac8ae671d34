// The verdict: is a lookup series a machine, a person, chance, or a machine and a person?
//
// The rules (the Python package shows them as tealeaves.verdict.RULES):
//   1. insufficient when there are fewer than `min_events` lookups.
//   2. A machine component is present when either
//      - a spectral line stands out: in the Leahy periodogram of the counts (bins of
//        `bin_width` s) the largest ratio of an ordinate to the lower median of its 64
//        neighbours (2..33 ordinates away on each side), over periods from 2 bins to
//        `max_period`, is improbable for a smooth spectrum (ordinate / local median of
//        exponential ordinates: Renyi's closed form; Sidak over every ordinate searched). A line
//        at a daily harmonic counts only if it beats its comb neighbours (harmonics k-1, k+1) by
//        4x; or
//      - the same search on the spectrum averaged over segments of 1024 bins (no overlap,
//        periods from 2 bins to 1/33 of a segment): the null of an average of K exponential
//        ordinates over the lower median of 64 such, K the effective number of segments
//        floor((sum L)^2 / sum L^2) of their noise levels L (rounded down: conservative),
//        computed by quadrature for any K (Boost.Math gamma_p / gamma_p_inv / ibeta); or
//      - the gaps never fall below a floor (periodicity::ttl_floor).
//   3. A human component is present when the sessions (lookups more than `collapse_within` s
//      apart) that the machine does not explain (lookups with no partner one or two periods
//      away) keep the same hours day after day (null: each day's sessions rotated by an
//      independent uniform time) or avoid some weekdays (null: whole days permuted among
//      weekdays); Monte-Carlo p = (k+1)/(n+1), the smaller Bonferroni-corrected for the two.
//      Where the sessions span fewer than two days, self-excitation stands in: Hawkes against its
//      own routine background (compare_models, parametric bootstrap).
//   4. machine and human -> mixed; machine only -> periodic; human only -> human; neither ->
//      random.
// Each family (the machine's three tests, the person's two or one) is Bonferroni-corrected to
// level alpha. Monte-Carlo tests use Rng(seed, stream) with one stream per test: results are
// identical for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::verdict {

struct VerdictOptions {
  double alpha = 0.01;             // level of each family, in (0, 1)
  double bin_width = 0.0;          // seconds; 0: auto_bin_width(duration)
  double max_period = 21600.0;     // longest period of the line search, > 2 bin_width
  double collapse_within = 300.0;  // lookups closer than this are one session (human tests)
  std::size_t min_events = 20;     // fewer lookups: "insufficient"
  std::size_t n_surrogates = 999;  // Monte-Carlo size of the rhythm tests (>= 1)
  std::size_t n_bootstrap = 199;   // self-excitation parametric bootstrap (>= 1)
  std::uint64_t seed = 0;
  std::size_t threads = 1;  // passed to compare_models (0: all cores)
};

struct Evidence {
  std::string test;
  double statistic = 0.0;
  double p_value = 0.0;  // NaN: no p-value
  std::string null;
  std::string explanation;
  std::string supports;  // "machine", "human" or ""
};

struct Verdict {
  std::string label;  // periodic, human, random, mixed, insufficient
  std::vector<Evidence> evidence;
  std::size_t n_events = 0;
  double alpha = 0.01;
  double period_s = 0.0;       // the machine's period (NaN if none)
  std::size_t n_residual = 0;  // lookups the machine does not explain
  // Family p-values (Bonferroni within each family) and the two line searches' global p; NaN
  // for "insufficient".
  double p_machine = 0.0, p_human = 0.0, p_any = 0.0, p_line = 0.0, p_segment_line = 0.0;
  double line_period_s = 0.0;  // period of the whole-series line (NaN if not searched)
};

Verdict verdict(const EventSeries& series, const VerdictOptions& options = {});

// -- building blocks (exposed for tests) -------------------------------------------------------

// 10 s, or the finest of 15, 20, 30 s, 1, 2, 5, 10, 15, 30, 60 min keeping <= 2^17 bins; under
// 1024 bins of 10 s (about 2.8 h), the coarsest of 5, 2, 1, 0.5, 0.2 s giving 1024 (0.1 s at
// the least), so that the line search's 64 neighbours fit.
double auto_bin_width(double duration);

// log P(X / M > r), X ~ Exp(1), M the 32nd smallest of 64 iid Exp(1) (Renyi, closed form).
double log_sf_ratio(double r);
// log P(X / M > r), X the mean of k iid Exp(1) (Gamma(k, 1/k), any real k >= 1) and M the 32nd
// smallest of 64 such; k = 1 is log_sf_ratio.
double log_sf_ratio_averaged(double r, double k);
// Sidak over n_searched ordinates of exp(log_sf_ratio_averaged(ratio, k)).
double p_global(double ratio, std::size_t n_searched, double k = 1.0);

// power[i] / lower median of power[i-33..i-2] and power[i+2..i+33] (0 where undefined).
std::vector<double> ratio_to_local_median(std::span<const double> power);

struct Line {
  double period = 0.0;  // NaN when not searched
  double p_global = 1.0;
  double k_eff = 1.0;  // ordinates averaged (segment line)
  Evidence evidence;
};
// The whole-series line search; `alpha` is the level of its fundamental search.
Line spectral_line(const EventSeries& series, double bin_width, double max_period, double alpha);
// The segment-averaged line search.
Line segment_line(const EventSeries& series, double bin_width);

}  // namespace tealeaves::verdict
