// In which time zone does a series keep office hours? A Poisson likelihood scan over UTC
// offsets, a two-zone mixture, and a circular-shift significance test.
//
// Data: sessions (first event of each burst, see circadian.hpp) histogrammed once into the
// 672-cell UTC hour-of-week table (15-minute cells, cell 0 = Monday 00:00 UTC), with the
// exposure (observed seconds) of each cell. A template gives relative rates per local cell;
// applied in offset o (a multiple of 15 minutes) the rate of UTC cell c is the template at local
// cell c + o / 15 min (mod 672), so each offset is a rotation of the table. The model is binned
// at 15 minutes: the log-likelihood is the Poisson log-likelihood of the cell counts,
//   ll = sum_c n_c log(lambda_c E_c) - lambda_c E_c - log n_c!.
//
// Templates:
//   office (default): three rate levels, fitted by ML for each offset (closed form:
//     level = sessions / exposure in its class): weekday (Mon-Fri) in-hours [work_start,
//     work_end) local, weekday off-hours, weekend. 3 free rates + the offset.
//   sleep: three levels fitted the same way: asleep (every day, local [sleep_start, sleep_end),
//     default 01-08), weekday awake, weekend awake; for people who are not office workers
//     (students, home users): the nightly trough fixes the zone.
//   given: 7 x 24 relative rates (weekday-major, Monday first, local hours; e.g. measured from
//     another series), each hour's rate applied to its four cells; one free scale + the offset.
//
// Profile-likelihood interval: offsets with 2 (ll_max - ll) <= chi2_{1, level} (3.84 at 95%)
// walked outward from the best offset while contiguous; the walk wraps by 24 h where it leaves
// the grid (-12 h .. +14 h overlaps itself by 2 h of the day). lo > hi means wrapped.
//
// Two zones: the superposition of the template in two offsets at least min_separation_hours
// apart (closer pairs would only blur one zone's edges, e.g. a session running past 18:00),
// each with its own free levels
// (office/sleep: 3 + 3 rates; given: 2 scales), fitted by EM for every pair; `weight` is the share
// of expected sessions from the first (lower) offset. LR = 2 (ll2 - ll1) >= 0. BIC = k log n - 2 ll
// with n = sessions and k counting rates and offsets (office/sleep 4 vs 8; given 2 vs 4).
// Calibrated test: parametric bootstrap; cell counts are drawn from the fitted one-zone model
// (Poisson, mean lambda_c E_c), both models refitted, p = (k + 1) / (B + 1) with k replicates whose
// LR >= the observed LR. Replicate i uses Rng(seed, i): identical for any thread count.
//
// Significance of the one-zone fit: statistic G = max over offsets of (ll(offset) - ll_flat),
// ll_flat the one-rate model. Null circular_shift: all sessions rotated by one uniform amount
// within the observed time (gaps respected, wrapping; nullmodel::SurrogateGenerator), which keeps
// the daily and weekly shape but not its alignment to the calendar week and clock, so p measures
// whether the observed alignment is special among rotations. Rotations that move the week by
// less than the offset range (26 h of 168) keep much of the fit, which limits how small p can
// get for a worker with fuzzy hours (a property of this null); sharp edges (a simulated worker
// starting exactly at 09:00) give smaller p, as rotations blur them. Null poisson: sessions
// uniform over the observed time, count kept: p measures whether there is any office rhythm.
// Both: p = (k + 1) / (n + 1), surrogate i from Rng(seed, i), single test (the max over offsets
// is inside the statistic, so the offset scan is accounted for).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/rhythm/circadian.hpp"

namespace tealeaves::rhythm {

inline constexpr std::size_t week_cells = 672;  // 15-minute cells of a week
inline constexpr double cell_seconds = 900.0;

struct WeekTable {
  std::vector<double> counts;    // 672 cells
  std::vector<double> exposure;  // 672 cells, seconds
  double n = 0.0;                // total count
};

// Sessions and exposure in the hour-of-week cells of the local clock (UTC when default).
WeekTable week_table(const EventSeries& series, double collapse_within,
                     const LocalClock& clock = {});
WeekTable week_table(const EventSeries& series, std::span<const double> event_offsets,
                     double collapse_within, const LocalClock& clock);

struct Template {
  bool office = true;  // a parametric three-level template (office or sleep); false: given
  bool sleep = false;  // with office: the sleep variant (see above)
  double work_start_hours = 9.0, work_end_hours = 18.0;   // office, local
  double sleep_start_hours = 1.0, sleep_end_hours = 8.0;  // sleep, local
  std::vector<double> rates;  // given: 168 relative rates (7 x 24), >= 0, not all 0
};
void validate_template(const Template& t);
// Local cell classes (office: 0 weekday in-hours, 1 weekday off-hours, 2 weekend) or, for a
// given template, the per-cell relative rate (168 -> 672).
std::vector<double> template_cells(const Template& t);

// Poisson log-likelihood of a table in local cells (table already in the template's frame,
// i.e. rotated), levels fitted by ML. Returns ll; `levels` gets the fitted rates (office: 3
// per-second rates; given: 1 scale).
double template_loglik(const WeekTable& local, const Template& t,
                       std::vector<double>* levels = nullptr);
// The one-rate (flat) model.
double flat_loglik(const WeekTable& table);

struct TimezoneOptions {
  Template templ;
  double step_minutes = 15.0;  // must be a multiple of 15 dividing 60
  double min_offset_hours = -12.0, max_offset_hours = 14.0;
  double collapse_within = 0.0;
  double level = 0.95;
  bool two_zones = true;
  double min_separation_hours = 2.0;  // two zones closer than this are one blurred zone
  std::size_t n_bootstrap = 99;       // two-zone parametric bootstrap replicates (0: none)
  std::size_t n_surrogates = 199;     // circular-shift and poisson surrogates (0: none)
  std::uint64_t seed = 0;
  std::size_t threads = 0;
};

struct TimezoneFit {
  std::vector<double> offsets_hours;
  std::vector<double> loglik;
  double best_offset_hours = 0.0;
  double best_loglik = 0.0;
  std::vector<double> best_levels;
  double flat_loglik = 0.0;
  double interval_low_hours = 0.0, interval_high_hours = 0.0;
  bool interval_wraps = false;
  double statistic = 0.0;  // G = best_loglik - flat_loglik
  double p_value = 1.0;    // circular shift
  std::string null;
  double p_value_poisson = 1.0;
  std::string null_poisson;
  std::size_t n_surrogates = 0;
  std::size_t n_events = 0, n_sessions = 0;
  // two zones
  bool two_zone_fitted = false;
  double two_offset1_hours = 0.0, two_offset2_hours = 0.0;
  double two_weight = 1.0;
  double two_loglik = 0.0;
  double lr_statistic = 0.0;
  double bic_one = 0.0, bic_two = 0.0;
  bool two_preferred_bic = false;
  double two_p_value = 1.0;
  std::size_t n_bootstrap = 0;
  bool two_preferred_test =
      false;  // two_p_value <= 1 - level (exact level for (B+1) alpha integer)
  std::string two_null;
};

TimezoneFit fit_timezone(const EventSeries& series, const TimezoneOptions& options = {});

// Log-likelihood of the template in a named zone's clock (DST-aware: per-event offsets and the
// clock for exposure), levels fitted.
double zone_loglik(const EventSeries& series, std::span<const double> event_offsets,
                   const LocalClock& clock, const TimezoneOptions& options);

namespace detail {
// Log-likelihoods of a local table given the per-cell classes (office) or relative rates.
double office_loglik_cells(const WeekTable& local, std::span<const double> classes,
                           std::vector<double>* levels);
double given_loglik_cells(const WeekTable& local, std::span<const double> rel,
                          std::vector<double>* levels);
}  // namespace detail

// Rotation: local cell of UTC cell c at offset `shift` cells.
WeekTable rotate(const WeekTable& utc, std::ptrdiff_t shift_cells);

}  // namespace tealeaves::rhythm
