// Daily and weekly rhythm of an event series in local clock time: profiles with exposure,
// circular statistics of the daily phase and chi-square tests against exposure.
//
// Local time = UTC + offset. The offset may change over the window (daylight saving): a
// LocalClock is a step function of absolute UTC time, used for the events and for the exposure
// (the seconds of observation falling in each local bin). Weekdays: Monday = 0 ... Sunday = 6
// (1970-01-01 was a Thursday). The daily phase of an event is 2 pi (local seconds of day) / 86400.
//
// Independence: every test below assumes independent events, and DNS lookups come in bursts.
// `collapse_within` > 0 keeps only the first event of each burst ("session": a new session
// starts when the gap to the previous event exceeds collapse_within seconds); the tests then
// count sessions, and both n_events and n_sessions are reported.
//
// Nulls (stated in each result's `null`):
//   rayleigh, v_test, von_mises: daily phase uniform on the circle, independent sessions
//                                (classic forms; exposure is not used, so keep the window whole
//                                days without gaps, or read the chi-square and Kuiper tests);
//   kuiper, chi2_daily, chi2_weekly: uniform in local clock time, exposure-weighted,
//                                independent sessions.
// Each test is a single test (no multiplicity); compare several with nullmodel/multitest.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/core/series.hpp"

namespace tealeaves::rhythm {

inline constexpr double seconds_per_day = 86400.0;
inline constexpr double seconds_per_week = 7.0 * 86400.0;

// Local clock: offset(t) = utc_offset for t < change_times[0], change_offsets[i] for
// change_times[i] <= t < change_times[i+1]. Times are absolute UTC seconds (sorted), offsets
// seconds east of UTC.
struct LocalClock {
  double utc_offset = 0.0;
  std::vector<double> change_times;
  std::vector<double> change_offsets;
};

void validate_clock(const LocalClock& clock, std::string_view argument);
double offset_at(const LocalClock& clock, double utc_time);

// Indices of the first stored event of each session (all indices when collapse_within <= 0).
std::vector<std::size_t> session_starts(const EventSeries& series, double collapse_within);

struct CircularTest {
  double statistic = 0.0;
  double p_value = 1.0;
  std::size_t n = 0;
  std::string null;
};

// Rayleigh test of uniformity: statistic Z = n Rbar^2, p = exp(-Z) with the small-sample
// correction of Wilkie (1983) for n < 50 (as astropy.stats.rayleightest), clipped to [0, 1].
CircularTest rayleigh_test(std::span<const double> angles);
// V-test against mean direction mu (radians): statistic u = sqrt(2 n) mean cos(theta - mu),
// p one-sided with the second-order correction (as astropy.stats.vtest), clipped to [0, 1].
CircularTest v_test(std::span<const double> angles, double mu);
// Kuiper test of `u` (values in [0, 1)) against a CDF given on a uniform grid of m cells
// (cdf_grid[k] = F(k / m), k = 0..m, linear between; empty = uniform). Statistic V = D+ + D-;
// p from Stephens (1965/1970) as astropy.stats.kuiper_false_positive_probability.
CircularTest kuiper_test(std::span<const double> u, std::span<const double> cdf_grid = {});
double kuiper_false_positive_probability(double v, std::size_t n);

// Von Mises maximum-likelihood fit: mu = mean direction, kappa solves I1/I0(kappa) = Rbar
// (exact ML, as scipy.stats.vonmises.fit with scale 1; astropy's vonmisesmle uses Fisher's
// approximation). Intervals: Wald, from the Fisher information: var(mu) = 1/(n kappa A1),
// var(kappa) = 1/(n A1'(kappa)), A1 = I1/I0; NaN when kappa = 0 or n < 2.
struct VonMisesFit {
  double mu = 0.0;  // radians in [0, 2 pi)
  double kappa = 0.0;
  double r_bar = 0.0;
  double mu_low = 0.0, mu_high = 0.0;  // radians, may leave [0, 2 pi)
  double kappa_low = 0.0, kappa_high = 0.0;
  double level = 0.95;
  std::size_t n = 0;
};
VonMisesFit von_mises_fit(std::span<const double> angles, double level = 0.95);

// Pearson chi-square of counts against expectation proportional to exposure (cells with zero
// exposure are left out; their counts must be zero). dof = cells used - 1.
struct ChiSquareTest {
  double statistic = 0.0;
  double dof = 0.0;
  double p_value = 1.0;
  double log_p_value = 0.0;
  std::string null;
};
ChiSquareTest chi_square_exposure(std::span<const double> counts, std::span<const double> exposure);

struct Profile {
  std::vector<double> counts;    // sessions per bin
  std::vector<double> exposure;  // observed seconds per bin (local time)
  std::vector<double> rate;      // counts / exposure, per second (NaN where exposure is 0)
};

struct RhythmOptions {
  std::size_t bins = 24;                       // time-of-day bins
  double collapse_within = 0.0;                // seconds; see above
  std::optional<double> mean_direction_hours;  // V-test direction (local hour); none: no V-test
  LocalClock clock;  // used for the exposure, and for events when event_offsets is empty
  double level = 0.95;
};

struct RhythmResult {
  std::size_t n_events = 0;  // stored events (sum of multiplicities in n_raw)
  std::size_t n_raw = 0;
  std::size_t n_sessions = 0;         // events used by every test
  Profile daily;                      // `bins` bins over the local day
  Profile weekly;                     // Mon..Sun
  std::vector<double> week_counts;    // 7 x 24, row-major (weekday, hour)
  std::vector<double> week_exposure;  // 7 x 24 seconds
  double mean_hour = 0.0;             // circular mean of the local daily phase, hours
  CircularTest rayleigh;
  std::optional<CircularTest> v_test;
  CircularTest kuiper;
  VonMisesFit von_mises;
  ChiSquareTest chi2_daily;
  ChiSquareTest chi2_weekly;
};

// event_offsets: one offset (seconds) per stored event of `series`, or empty to use the clock.
RhythmResult analyze_rhythm(const EventSeries& series, std::span<const double> event_offsets,
                            const RhythmOptions& options = {});

// Seconds of [a, b) (local seconds since the epoch) falling in each of `bins` equal bins of a
// cycle of `period` seconds, whose bin 0 starts at local epoch + `phase0` seconds; added to out.
void add_exposure(double a, double b, double period, double phase0, std::span<double> out);

// The good time of `series` as local-time segments [a, b) (local seconds since the epoch),
// split where the clock changes.
struct LocalSegment {
  double a = 0.0, b = 0.0;
};
std::vector<LocalSegment> local_segments(const EventSeries& series, const LocalClock& clock);

// Local seconds since the epoch of each stored event (event_offsets, or the clock if empty).
std::vector<double> local_event_times(const EventSeries& series,
                                      std::span<const double> event_offsets,
                                      const LocalClock& clock);

// Monday 00:00 local is phase 0 of the week: local + week_phase0 (1970-01-01 was a Thursday).
inline constexpr double week_phase0 = 3.0 * 86400.0;

}  // namespace tealeaves::rhythm
