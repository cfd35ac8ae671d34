// Period detection: candidates -> harmonic grouping -> verification -> refinement.
//
// Candidates come from the exact Z^2_n periodogram of the event times and from the Leahy
// spectrum of the binned counts (AUTOPERIOD-style). Each is refined on Z^2_n, harmonics and
// sub-harmonics are grouped so a fundamental is reported once, the autocorrelation of the counts
// is checked for a hill at the period, and the pulse is described (phase, jitter, pulsed
// fraction, uncertainty). Significance is against a homogeneous Poisson process in the observed
// time (uniform phases): p_single is chi^2_2n, p_global accounts for the whole band searched.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/events/rayleigh.hpp"

namespace tealeaves::periodicity {

struct DetectOptions {
  unsigned harmonics = 2;    // n of Z^2_n for the search and the reported power
  events::GridOptions grid;  // band and oversampling (fmax 0.5 Hz by default)
  double alpha = 0.01;       // report periods whose global p-value is below this
  std::size_t max_periods = 5;
  std::size_t max_candidates = 20;  // from each of the two searches
  std::size_t min_events = 20;      // fewer events: status "insufficient"
  bool binned_candidates = true;    // also propose candidates from the binned spectrum
  bool require_acf = false;         // drop periods whose ACF shows no hill at the period
  std::optional<double> log_ttl;    // the record TTL from the log, for the TTL-floor check
  std::size_t threads = 0;
};

struct DetectedPeriod {
  double frequency_hz = 0.0;
  double period_s = 0.0;
  double period_err_s = 0.0;  // 1 sigma, from the phase dispersion of the pulsed events
  // The typical gap between beats: median of gap / k over gaps within 20 % of k periods
  // (k = 1..3). Unlike period_s (phase-coherent over the whole log) it ignores phase resets,
  // e.g. a poller restarted mid-log; 0 when fewer than 3 gaps qualify.
  double interval_s = 0.0;
  double phase = 0.0;            // pulse peak, in cycles [0, 1) after the series origin
  double jitter_s = 0.0;         // spread of the pulsed events around the peak (1 sigma)
  double pulsed_fraction = 0.0;  // share of the events that are phase-locked
  double power = 0.0;            // Z^2_n at the refined frequency
  double log_p_single = 0.0;     // log P(chi^2_2n > power)
  double log_p_global = 0.0;     // log P(max over the band > power)
  double effective_trials = 1.0;
  double htest_h = 0.0;
  double htest_log_p = 0.0;              // single trial (de Jager & Buesching 2010)
  double fold_log_p = 0.0;               // epoch-folding chi^2, single trial
  bool acf_hill = false;                 // the counts' autocorrelation peaks at the period
  std::vector<unsigned> harmonics_seen;  // k of candidates found at k times this frequency
  std::string source;                    // "events", "binned" or "both"
};

struct TtlFloor {
  bool detected = false;          // gaps never fall below a floor, improbably for Poisson
  std::string interpretation;     // "cache-expiry driven", "schedule-like", or "none"
  double floor_s = 0.0;           // the floor: smallest gap (or the log's TTL when consistent)
  double log_p = 0.0;             // log P(smallest of n exponential gaps >= floor)
  double excess_cv = 0.0;         // CV of gap - floor: ~1 for a cache, << 1 for a schedule
  double share_near_floor = 0.0;  // share of gaps within 10 % above the floor
  std::size_t n_gaps = 0;         // gaps inside good-time intervals
  double log_ttl_s = 0.0;         // median TTL from the log (0 when not given)
  bool consistent_with_log_ttl = false;
};

struct PeriodDetection {
  std::string status;                   // "ok" or "insufficient"
  std::string reason;                   // why, when insufficient
  std::vector<DetectedPeriod> periods;  // significant fundamentals, most significant first
  std::size_t n_events = 0;
  double duration = 0.0;
  events::FrequencyGrid grid;
  unsigned harmonics = 0;
  double time_variance = 0.0;
  std::string null;           // what p_single and p_global are tested against
  std::string global_method;  // how the search over the band is accounted for
  TtlFloor ttl_floor;
};

PeriodDetection detect_periods(const EventSeries& series, const DetectOptions& options = {});

// The TTL-floor test on inter-arrival gaps (gaps across outages excluded). `log_ttl` is the
// record's TTL from the log, if known.
TtlFloor ttl_floor(const EventSeries& series, std::optional<double> log_ttl = std::nullopt);

}  // namespace tealeaves::periodicity

namespace tealeaves {
using periodicity::detect_periods;
}  // namespace tealeaves
