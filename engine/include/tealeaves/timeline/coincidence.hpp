// Did the lookups follow a timeline of outside events (news days, campaigns) more than chance?
//
// Event coincidence analysis (Donges et al. 2016, Eur. Phys. J. Spec. Top. 225, 471) between
// the lookups A (an EventSeries) and outside events B, each an instant or a window [s, e]
// (an instant has e = s). With tolerance dT >= 0 and lag tau (seconds), lookup t and outside
// event j coincide when
//       s_j + tau <= t <= e_j + tau + dT      (closed; for an instant: 0 <= t - tau - s_j <= dT)
// i.e. the lookup falls within dT after the (lagged) event, or during a lagged window. Then
//   precursor rate r_p = share of lookups that coincide with at least one outside event
//                        ("the lookup was preceded by an event within [t - tau - dT, t - tau]");
//   trigger rate   r_t = share of outside events that coincide with at least one lookup
//                        ("the event was followed by a lookup within [s + tau, e + tau + dT]").
// Each stored lookup counts once, whatever its multiplicity (surrogates carry multiplicity 1).
// Outside events whose window [s, e] misses the observation window are dropped (counted).
//
// p-values, one-sided (more coincidences than chance):
//   p_poisson_*  Donges' analytical reference: A and B independent homogeneous Poisson
//                processes over T' = exposure - |tau|; K ~ Binomial(N_A, 1 - (1 - w/T')^N_B)
//                (precursor) or Binomial(N_B, 1 - (1 - w/T')^N_A) (trigger), w = dT + mean
//                window length; p = P(K >= k). Single test, no multiplicity; it ignores the
//                series' rhythm and bursts, so it over-rejects for bursty or daily series.
//   p_*          Monte-Carlo against `null` surrogates of the lookups (the outside events are
//                fixed): p = (k + 1) / (n + 1), k the surrogates with at least as many
//                coincidences. Single cell, no multiplicity. Prefer circular_shift (keeps the
//                lookups' bursts and rhythm); routine / poisson kill bursts and over-reject
//                for session-like lookups (see tests/python/test_timeline.py).
//   p_adjusted_* Westfall-Young single-step adjustment over every (tolerance, lag, direction)
//                test of the family, from the same surrogates (family-wise error control, exact
//                when observed and surrogates are exchangeable). Default max-T on counts
//                standardised by their mean and sd over observed + surrogates (a symmetric
//                function, so exchangeability is kept): a strong effect reaches 1 / (n + 1).
//                Alternative min-P on the rank p-values: needs ~ n_tests / alpha surrogates
//                before it can reach alpha, as the discrete counts tie often.
//   Ties: counts are integers and tie often (a trigger rate over 6 events takes 7 values). With
//                randomize_ties (default) each row (observed, surrogates) gets a seeded uniform
//                u in [0, 0.5) added to all its counts: strict orders are kept and ties are
//                broken at random, so the rank of the observed row is uniform under the null
//                and every p-value has size exactly alpha (a randomised Monte-Carlo test).
//                Without it, ties count against the observation: (k + 1) / (n + 1) with k
//                the surrogates >= observed, valid but conservative.
//   q_*          Benjamini-Hochberg q-values of the p_* over the family (false discovery rate).
//   global_p     min over the family of p_adjusted_*: the one answer to "any coincidence?".
// Lagged correlation: Pearson r between the lookup rate in bins of `bin_width` and the
// indicator "an outside event overlaps the bin", the lookups lagged by l bins (l > 0: lookups
// after events), l = -max_lag..max_lag; two-sided Monte-Carlo p from the same surrogates, and
// max-|r| single-step adjusted p over the lags.
// Surrogate i is drawn from Rng(seed, i): results are bit-identical for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

namespace tealeaves::timeline {

// Which directions form the tested family.
enum class Direction { both, precursor, trigger };
enum class Correction { max_t, min_p };              // Westfall-Young single-step flavour
Correction parse_correction(std::string_view name);  // "max_t", "min_p"
std::string correction_name(Correction correction);
Direction parse_direction(std::string_view name);  // "both", "precursor", "trigger"
std::string direction_name(Direction direction);

// Outside events relative to a series origin, sorted by start; end >= start.
struct EventWindows {
  std::vector<double> start;
  std::vector<double> end;
  std::size_t size() const { return start.size(); }
};

// Absolute starts (and ends, or empty for instants) -> windows relative to `series.origin()`,
// keeping those that overlap the observation window; `n_dropped` counts the others.
EventWindows make_event_windows(const EventSeries& series, std::span<const double> starts,
                                std::span<const double> ends, std::size_t* n_dropped = nullptr);

struct CoincidenceCounts {
  std::size_t precursor = 0;  // lookups coinciding with some outside event
  std::size_t trigger = 0;    // outside events coinciding with some lookup
};

// O((n + m) log) with sorted merges: `times` sorted (relative), `events` from
// make_event_windows.
CoincidenceCounts count_coincidences(std::span<const double> times, const EventWindows& events,
                                     double tolerance, double lag);

// Donges et al. (2016) analytical p = P(K >= k), K ~ Binomial(n, 1 - (1 - width/span)^n_other).
// 1 when k == 0; probability 1 per trial when width >= span.
double donges_p_value(std::size_t k, std::size_t n, std::size_t n_other, double width, double span);

struct CoincidenceOptions {
  std::vector<double> tolerances{3600.0, 86400.0};  // seconds, >= 0
  std::vector<double> lags{0.0};                    // seconds
  Direction direction = Direction::both;
  Correction correction = Correction::max_t;
  nullmodel::Null null = nullmodel::Null::circular_shift;
  nullmodel::NullOptions null_options;
  // circular_shift only: > 0 rotates by a uniform whole number of steps (e.g. 86400 or
  // 604800 s), keeping the lookups' clock phase (time of day / day of week). Use it when the
  // outside events are tied to the clock (news days starting at midnight): an arbitrary
  // rotation would also move the lookups' daily rhythm against the events. Exact when the
  // observed time is a whole number of steps.
  double shift_step = 0.0;
  std::size_t n_surrogates = 999;
  std::uint64_t seed = 0;
  std::size_t threads = 0;     // 0: all
  double bin_width = 86400.0;  // lagged correlation, seconds
  std::size_t max_lag = 7;     // lagged correlation, bins
  bool correlation = true;     // compute the lagged correlation
  bool randomize_ties = true;  // seeded random tie-break of equal counts (see above)
};

struct CoincidenceCell {
  double tolerance = 0.0, lag = 0.0;
  std::size_t k_precursor = 0, k_trigger = 0;  // coincidences
  double precursor_rate = 0.0, trigger_rate = 0.0;
  double p_precursor = 1.0, p_trigger = 1.0;                    // Monte-Carlo, per cell
  double p_adjusted_precursor = 1.0, p_adjusted_trigger = 1.0;  // Westfall-Young min-P
  double q_precursor = 1.0, q_trigger = 1.0;                    // BH over the family
  double p_poisson_precursor = 1.0, p_poisson_trigger = 1.0;    // Donges analytical
};

struct LaggedCorrelation {
  double bin_width = 0.0;
  std::size_t n_bins = 0;          // bins used (>= half their length in good time)
  std::vector<double> lags;        // in bins: -max_lag .. max_lag
  std::vector<double> r;           // Pearson r (NaN when a side is constant)
  std::vector<double> p;           // two-sided Monte-Carlo, per lag
  std::vector<double> p_adjusted;  // max-|r| single-step over the lags
  double global_p = 1.0;           // min of p_adjusted
};

struct CoincidenceResult {
  std::vector<CoincidenceCell> cells;  // tolerance-major: cell = i_tol * n_lags + i_lag
  std::size_t n_tests = 0;             // tests in the corrected family
  double global_p = 1.0;               // min adjusted p over the family
  std::string null;
  std::string direction;
  std::string correction;
  std::size_t n_surrogates = 0;
  std::size_t n_lookups = 0, n_events = 0, n_events_dropped = 0;
  double exposure = 0.0;
  LaggedCorrelation correlation;  // empty when options.correlation is false
};

CoincidenceResult coincidence_analysis(const EventSeries& lookups,
                                       std::span<const double> event_starts,
                                       std::span<const double> event_ends,
                                       const CoincidenceOptions& options = {});

// One circular-shift surrogate rotated along good time by k * step, k uniform in
// 0 .. floor(exposure / step) - 1 (see CoincidenceOptions::shift_step).
EventSeries stepped_shift_surrogate(const EventSeries& series, double step, Rng& rng);

// Lookup rate in bins of `bin_width` over [0, duration) relative to the origin, and the
// event indicator; bins with < half their length in good time are masked (mask 0).
struct BinnedTimeline {
  std::vector<double> rate, indicator, mask;
};
BinnedTimeline bin_timeline(const EventSeries& series, std::span<const double> times,
                            const EventWindows& events, double bin_width);
// Pearson r of rate[k + lag] with indicator[k] over bins where both are unmasked.
double lagged_pearson(const BinnedTimeline& b, long lag);

// Westfall-Young single-step min-P. `stats` holds n + 1 rows (row 0 observed, rows 1..n the
// surrogates) of `n_tests` columns, large = extreme; NaN ranks as the most extreme in a
// surrogate and the least in the observed row. Returns {marginal p, adjusted p}.
void westfall_young_min_p(std::span<const double> stats, std::size_t n_tests,
                          std::vector<double>& p, std::vector<double>& p_adjusted);
// Westfall-Young single-step max-T on each column standardised by its mean and standard
// deviation over all n + 1 rows (a constant column scores 0): p_adjusted[j] =
// #{rows s : max_j' z[s][j'] >= z[0][j]} / (n + 1). `p` is the marginal rank p-value.
void westfall_young_max_t(std::span<const double> stats, std::size_t n_tests,
                          std::vector<double>& p, std::vector<double>& p_adjusted);

}  // namespace tealeaves::timeline
