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
//      A line found in the binned counts (p < 0.05) is then placed on the event times: the bins
//      cannot tell f0 from its aliases |m / bin_width +- f0|, so each candidate (f0 and its
//      aliases up to 1 Hz, at most 32 orders) is refined by the Rayleigh power of the event
//      times within one periodogram spacing, and the strongest wins (near-ties, within 10 %,
//      go to the lowest frequency: a strict train has equal power at its harmonics; details at
//      refine_frequency). The line's p-value is unchanged; its period is the refined one, and
//      the beat filter of rule 3 uses it.
//   3. A human component is present when the sessions (lookups more than `collapse_within` s
//      apart) that the machine does not explain (lookups with no partner one or two periods
//      away) keep the same hours day after day (null: each day's sessions rotated by an
//      independent uniform time) or avoid some weekdays (null: whole days permuted among
//      weekdays); Monte-Carlo p = (k+1)/(n+1), the smaller Bonferroni-corrected for the two.
//      Where the sessions span fewer than two days, self-excitation stands in: Hawkes against its
//      own routine background (compare_models, parametric bootstrap, stopped once 10 replicates
//      reach the observed statistic: Besag-Clifford p = 10 / replicates drawn, valid).
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
  // The same line's period on the bin grid, before alias resolution and refinement.
  double line_binned_period_s = 0.0;
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
  double period = 0.0;  // NaN when not searched; refined on the event times when p < 0.05
  double p_global = 1.0;
  double k_eff = 1.0;  // ordinates averaged (segment line)
  Evidence evidence;
  double binned_period = 0.0;  // the periodogram ordinate's period (NaN when not searched)
  int alias_order = 0;         // m of the chosen |m / bin_width +- f0| (0: f0 itself)
};
// The whole-series line search; `alpha` is the level of its fundamental search.
Line spectral_line(const EventSeries& series, double bin_width, double max_period, double alpha);
// The segment-averaged line search.
Line segment_line(const EventSeries& series, double bin_width);

// Alias resolution on the event times. Candidates: f0 and |m / bin_width +- f0| for m >= 1 up
// to kMaxAliasFrequency (periods of 1 s: shorter ones are beyond the verdict's line search and
// beyond logs stamped to the second, where f and f + 1 Hz are the same phases) and at most
// kMaxAliasOrder orders (at most 65 candidates per binned frequency: bounded cost; with bins
// coarser than 32 s the shortest period considered is bin_width / 32). Each is refined by the
// Rayleigh power Z^2_1 (events::z2n_search, window-corrected) on [f - df, f + df]: 9 points,
// then 33 points of df / 64 around the best for the 8 strongest within a fifth of the best
// (each point O(N); with 10 s bins and two binned frequencies, at most 42 x 9 + 9 x 33
// points). With `segment` > 0 (the segment line) the power is the sum of Z^2_1 over
// consecutive windows of that length (the machine restarts: phases are coherent only within a
// segment). The winner: the lowest of binned[0]'s family (f0 and its aliases) within kNearTie
// of that family's best, if it holds a fifth of the best power over all candidates (the bins'
// fundamental stands, its alias resolved); otherwise the lowest of all within kNearTie of the
// best (a strict train has equal power at its harmonics). Then a lower candidate at 1/j of the
// winner's frequency (j <= 4, within (j + 1) df) holding a fifth of the best power replaces it
// (a beat with two lookups a cycle can have more power at 2f or 3f than at f).
inline constexpr double kMaxAliasFrequency = 1.0;  // Hz
inline constexpr int kMaxAliasOrder = 32;
inline constexpr double kNearTie = 0.9;

struct RefinedFrequency {
  double frequency = 0.0;       // Hz, the chosen candidate after refinement
  double power = 0.0;           // its Z^2_1 (summed over segments)
  double binned_power = 0.0;    // the best Z^2_1 within df of binned[0] itself
  double base_frequency = 0.0;  // the binned frequency whose alias was chosen
  int alias_order = 0;          // m of |m / bin_width +- base| (0: a binned frequency itself)
  std::size_t n_candidates = 0;
};
// `binned`: the line's ordinate first, then any other ordinate whose aliases are candidates too
// (the strongest ordinate when the line search chose a sub-harmonic of it as the fundamental:
// folded harmonics of a fast beat make sub-harmonic combs in the bins).
RefinedFrequency refine_frequency(const EventSeries& series, std::span<const double> binned,
                                  double bin_width, double df, double segment = 0.0);

}  // namespace tealeaves::verdict
