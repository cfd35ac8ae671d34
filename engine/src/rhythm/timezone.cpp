// Time-zone fit: offset scan, profile-likelihood interval, and Monte-Carlo significance against
// circular-shift and Poisson surrogates. The two-zone mixture with its parametric bootstrap is in
// timezone_two_zones.cpp, the occupied-cell likelihoods both use in timezone_cells.cpp.
#include "tealeaves/rhythm/timezone.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <optional>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/nullmodel/montecarlo.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"
#include "timezone_internal.hpp"

namespace tealeaves::rhythm {

namespace {

using detail::cell_constant;
using detail::flat_fast;
using detail::hours;
using detail::kNaN;
using detail::kNegInf;
using detail::max_of;
using detail::Model;
using detail::Occupied;
using detail::occupied_constant;
using detail::occupied_utc;
using detail::PairCache;
using detail::rot;
using detail::scan_fast;

constexpr std::ptrdiff_t kDayCells = 96;

// One-zone log-likelihood of UTC table `t` at offset j (cells); levels optional.
double one_zone(const WeekTable& t, double constant, const Model& m, std::ptrdiff_t j,
                std::vector<double>* levels) {
  if (m.office) {
    double n[3] = {0, 0, 0}, e[3] = {0, 0, 0};
    for (std::size_t c = 0; c < week_cells; ++c) {
      const auto k = static_cast<std::size_t>(m.cells[rot(c, j)]);
      n[k] += t.counts[c];
      e[k] += t.exposure[c];
    }
    double ll = constant;
    if (levels) levels->assign(3, 0.0);
    for (std::size_t k = 0; k < 3; ++k) {
      if (n[k] <= 0.0 || e[k] <= 0.0) continue;
      ll += n[k] * std::log(n[k] / e[k]) - n[k];
      if (levels) (*levels)[k] = n[k] / e[k];
    }
    return ll;
  }
  double s = 0.0;
  for (std::size_t c = 0; c < week_cells; ++c) s += m.cells[rot(c, j)] * t.exposure[c];
  if (levels) levels->assign(1, 0.0);
  if (t.n <= 0.0) return constant;
  if (s <= 0.0) return kNegInf;
  const double a = t.n / s;
  double ll = constant - t.n;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (t.counts[c] <= 0.0) continue;
    const double r = m.cells[rot(c, j)];
    if (r <= 0.0) return kNegInf;
    ll += t.counts[c] * std::log(a * r);
  }
  if (levels) (*levels)[0] = a;
  return ll;
}

std::vector<double> scan(const WeekTable& t, double constant, const Model& m) {
  std::vector<double> ll(m.grid.size());
  for (std::size_t g = 0; g < m.grid.size(); ++g)
    ll[g] = one_zone(t, constant, m, m.grid[g], nullptr);
  return ll;
}

EventSeries session_series(const EventSeries& series, double collapse_within) {
  const auto t = series.times();
  std::vector<double> times;
  for (const std::size_t i : session_starts(series, collapse_within)) times.push_back(t[i]);
  SeriesOptions o;
  o.time_origin = series.origin();
  o.start = 0.0;
  o.end = series.duration();
  double prev = 0.0;
  for (const auto& g : series.good_intervals()) {
    if (g.start > prev) o.gaps.push_back({prev, g.start});
    prev = g.stop;
  }
  if (series.duration() > prev) o.gaps.push_back({prev, series.duration()});
  return EventSeries(times, o);
}

}  // namespace

TimezoneFit fit_timezone(const EventSeries& series, const TimezoneOptions& o) {
  validate_template(o.templ);
  require(std::isfinite(o.step_minutes) && o.step_minutes >= 15.0 &&
              std::fmod(o.step_minutes, 15.0) == 0.0 && std::fmod(60.0, o.step_minutes) == 0.0,
          "step_minutes",
          "must be 15, 30 or 60 (a multiple of 15 minutes dividing 60), got " +
              format_number(o.step_minutes));
  require(std::isfinite(o.min_offset_hours) && std::isfinite(o.max_offset_hours) &&
              o.min_offset_hours < o.max_offset_hours && o.min_offset_hours >= -26.0 &&
              o.max_offset_hours <= 26.0 &&
              std::fmod(o.min_offset_hours * 60.0, o.step_minutes) == 0.0,
          "offset range", "needs min < max within +-26 h, min a multiple of the step");
  require(o.level > 0.0 && o.level < 1.0, "level", "must be in (0, 1)");
  require(std::isfinite(o.min_separation_hours) && o.min_separation_hours >= 0.0,
          "min_separation_hours", "must be finite and >= 0");
  require(std::isfinite(o.collapse_within) && o.collapse_within >= 0.0, "collapse_within",
          "must be finite and >= 0");

  Model m;
  m.office = o.templ.office;
  m.cells = template_cells(o.templ);
  m.min_separation = static_cast<std::ptrdiff_t>(std::ceil(o.min_separation_hours * 4.0 - 1e-9));
  const auto step = static_cast<std::ptrdiff_t>(o.step_minutes / 15.0);
  const auto jmin = static_cast<std::ptrdiff_t>(std::llround(o.min_offset_hours * 4.0));
  const auto jmax = static_cast<std::ptrdiff_t>(std::llround(o.max_offset_hours * 4.0));
  for (std::ptrdiff_t j = jmin; j <= jmax; j += step) m.grid.push_back(j);

  const EventSeries sessions = session_series(series, o.collapse_within);
  const WeekTable utc = week_table(sessions, 0.0);
  const double constant = cell_constant(utc);

  TimezoneFit f;
  f.n_events = series.size();
  f.n_sessions = sessions.size();
  f.loglik = scan(utc, constant, m);
  for (const auto j : m.grid) f.offsets_hours.push_back(hours(j));
  const auto gbest = static_cast<std::size_t>(std::max_element(f.loglik.begin(), f.loglik.end()) -
                                              f.loglik.begin());
  const std::ptrdiff_t jbest = m.grid[gbest];
  f.best_offset_hours = hours(jbest);
  f.best_loglik = f.loglik[gbest];
  one_zone(utc, constant, m, jbest, &f.best_levels);
  f.flat_loglik = flat_loglik(utc);
  f.statistic = f.best_loglik - f.flat_loglik;

  // Profile-likelihood interval, walked outward, wrapping by one day where it leaves the grid.
  const double threshold =
      boost::math::quantile(boost::math::chi_squared_distribution<double>(1.0), o.level);
  const auto ll_at = [&](std::ptrdiff_t j, bool& wrapped) -> std::optional<double> {
    if (j > jmax) {
      j -= kDayCells;
      wrapped = true;
    } else if (j < jmin) {
      j += kDayCells;
      wrapped = true;
    }
    if (j < jmin || j > jmax) return std::nullopt;
    return f.loglik[static_cast<std::size_t>((j - jmin) / step)];
  };
  const auto mapped = [&](std::ptrdiff_t j) {
    if (j > jmax) return j - kDayCells;
    if (j < jmin) return j + kDayCells;
    return j;
  };
  std::ptrdiff_t lo = jbest, hi = jbest;
  bool wrapped = false;
  for (std::ptrdiff_t k = step; k < kDayCells; k += step) {
    bool w = false;
    const auto ll = ll_at(jbest + k, w);
    if (!ll || 2.0 * (f.best_loglik - *ll) > threshold) break;
    hi = jbest + k;
    wrapped = wrapped || w;
  }
  for (std::ptrdiff_t k = step; k < kDayCells - (hi - jbest); k += step) {
    bool w = false;
    const auto ll = ll_at(jbest - k, w);
    if (!ll || 2.0 * (f.best_loglik - *ll) > threshold) break;
    lo = jbest - k;
    wrapped = wrapped || w;
  }
  f.interval_low_hours = hours(mapped(lo));
  f.interval_high_hours = hours(mapped(hi));
  f.interval_wraps = wrapped;

  // Significance of the one-zone fit (statistic G) against surrogates of the sessions.
  const PairCache pc = detail::make_pairs(utc, m, o.two_zones);
  const auto statistic = [&m, &pc](const EventSeries& s) {
    const Occupied occ = occupied_utc(s);
    const double n = static_cast<double>(s.size());
    const double c = occupied_constant(occ, pc);
    return max_of(scan_fast(occ, n, c, m, pc)) - flat_fast(n, c, pc);
  };
  f.n_surrogates = o.n_surrogates;
  if (o.n_surrogates > 0 && sessions.size() > 0) {
    nullmodel::McOptions mc;
    mc.n = o.n_surrogates;
    mc.seed = o.seed;
    mc.threads = o.threads;
    mc.keep_null_values = false;
    const nullmodel::SurrogateGenerator shift(sessions, nullmodel::Null::circular_shift);
    f.p_value = nullmodel::mc_test(sessions, statistic, shift, mc).p_value;
    const nullmodel::SurrogateGenerator flat(sessions, nullmodel::Null::poisson);
    mc.seed = o.seed ^ 0x9e3779b97f4a7c15ULL;
    f.p_value_poisson = nullmodel::mc_test(sessions, statistic, flat, mc).p_value;
    f.null =
        "circular_shift: sessions rotated by one uniform amount within the observed time "
        "(gaps respected); statistic max over offsets of ll - ll_flat; p = (k+1)/(n+1); the "
        "offset scan is inside the statistic";
    f.null_poisson =
        "poisson: sessions uniform over the observed time, count kept; same statistic; "
        "p = (k+1)/(n+1)";
  } else {
    f.p_value = kNaN;
    f.p_value_poisson = kNaN;
    f.null = "not computed (n_surrogates = 0 or no sessions)";
    f.null_poisson = f.null;
  }

  // Two zones.
  if (o.two_zones &&
      m.grid.back() - m.grid.front() >= std::max<std::ptrdiff_t>(m.min_separation, 1) &&
      sessions.size() > 0) {
    detail::fit_two_zones(f, utc, constant, m, pc, jbest, o);
  }
  return f;
}

double zone_loglik(const EventSeries& series, std::span<const double> event_offsets,
                   const LocalClock& clock, const TimezoneOptions& options) {
  const WeekTable local = week_table(series, event_offsets, options.collapse_within, clock);
  return template_loglik(local, options.templ);
}

}  // namespace tealeaves::rhythm
