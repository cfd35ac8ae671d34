// The 672-cell hour-of-week table, templates and their Poisson log-likelihoods.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/rhythm/timezone.hpp"
#include "timezone_internal.hpp"

namespace tealeaves::rhythm {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

}  // namespace

WeekTable week_table(const EventSeries& series, std::span<const double> event_offsets,
                     double collapse_within, const LocalClock& clock) {
  validate_clock(clock, "clock");
  require(std::isfinite(collapse_within) && collapse_within >= 0.0, "collapse_within",
          "must be finite and >= 0");
  const auto local = local_event_times(series, event_offsets, clock);
  WeekTable t;
  t.counts.assign(week_cells, 0.0);
  t.exposure.assign(week_cells, 0.0);
  for (const std::size_t i : session_starts(series, collapse_within)) {
    double u = std::fmod(local[i] + week_phase0, seconds_per_week);
    if (u < 0.0) u += seconds_per_week;
    const auto c = std::min(static_cast<std::size_t>(u / cell_seconds), week_cells - 1);
    t.counts[c] += 1.0;
    t.n += 1.0;
  }
  for (const auto& seg : local_segments(series, clock)) {
    add_exposure(seg.a, seg.b, seconds_per_week, week_phase0, t.exposure);
  }
  // An event on the closing edge of a cell whose exposure rounded to 0 keeps a sliver.
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (t.counts[c] > 0.0 && t.exposure[c] <= 0.0) t.exposure[c] = 1e-9;
  }
  return t;
}

WeekTable week_table(const EventSeries& series, double collapse_within, const LocalClock& clock) {
  return week_table(series, {}, collapse_within, clock);
}

WeekTable rotate(const WeekTable& utc, std::ptrdiff_t shift_cells) {
  WeekTable out;
  out.counts.assign(week_cells, 0.0);
  out.exposure.assign(week_cells, 0.0);
  out.n = utc.n;
  const auto m = static_cast<std::ptrdiff_t>(week_cells);
  const std::ptrdiff_t s = ((shift_cells % m) + m) % m;
  for (std::ptrdiff_t c = 0; c < m; ++c) {
    const auto d = static_cast<std::size_t>((c + s) % m);
    out.counts[d] = utc.counts[static_cast<std::size_t>(c)];
    out.exposure[d] = utc.exposure[static_cast<std::size_t>(c)];
  }
  return out;
}

void validate_template(const Template& t) {
  if (t.office && t.sleep) {
    require(std::isfinite(t.sleep_start_hours) && std::isfinite(t.sleep_end_hours) &&
                t.sleep_start_hours >= 0.0 && t.sleep_end_hours <= 24.0 &&
                t.sleep_start_hours < t.sleep_end_hours,
            "template", "sleep hours must satisfy 0 <= start < end <= 24");
    return;
  }
  if (t.office) {
    require(std::isfinite(t.work_start_hours) && std::isfinite(t.work_end_hours) &&
                t.work_start_hours >= 0.0 && t.work_end_hours <= 24.0 &&
                t.work_start_hours < t.work_end_hours,
            "template", "office hours must satisfy 0 <= start < end <= 24");
    return;
  }
  require(t.rates.size() == 168, "template",
          "must be 7 x 24 relative rates (168 values, Monday first), got " +
              std::to_string(t.rates.size()));
  double total = 0.0;
  for (const double r : t.rates) {
    require(std::isfinite(r) && r >= 0.0, "template", "rates must be finite and >= 0");
    total += r;
  }
  require(total > 0.0, "template", "rates must not all be 0");
}

std::vector<double> template_cells(const Template& t) {
  validate_template(t);
  std::vector<double> cells(week_cells);
  for (std::size_t c = 0; c < week_cells; ++c) {
    const std::size_t day = c / 96;
    if (t.office && t.sleep) {
      const double hour = static_cast<double>(c % 96) * 0.25;
      if (hour >= t.sleep_start_hours && hour < t.sleep_end_hours)
        cells[c] = 0.0;
      else
        cells[c] = day >= 5 ? 2.0 : 1.0;
    } else if (t.office) {
      const double hour = static_cast<double>(c % 96) * 0.25;
      if (day >= 5)
        cells[c] = 2.0;
      else if (hour >= t.work_start_hours && hour < t.work_end_hours)
        cells[c] = 0.0;
      else
        cells[c] = 1.0;
    } else {
      cells[c] = t.rates[day * 24 + (c % 96) / 4];
    }
  }
  return cells;
}

namespace detail {

double cell_constant(const WeekTable& t) {
  double s = 0.0;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (t.counts[c] > 0.0)
      s += t.counts[c] * std::log(t.exposure[c]) - std::lgamma(t.counts[c] + 1.0);
  }
  return s;
}

double office_loglik_cells(const WeekTable& local, std::span<const double> classes,
                           std::vector<double>* levels) {
  double n[3] = {0.0, 0.0, 0.0}, e[3] = {0.0, 0.0, 0.0};
  for (std::size_t c = 0; c < week_cells; ++c) {
    const auto k = static_cast<std::size_t>(classes[c]);
    n[k] += local.counts[c];
    e[k] += local.exposure[c];
  }
  double ll = cell_constant(local);
  if (levels) levels->assign(3, 0.0);
  for (std::size_t k = 0; k < 3; ++k) {
    if (n[k] <= 0.0 || e[k] <= 0.0) continue;
    const double lam = n[k] / e[k];
    ll += n[k] * std::log(lam) - n[k];
    if (levels) (*levels)[k] = lam;
  }
  return ll;
}

double given_loglik_cells(const WeekTable& local, std::span<const double> rel,
                          std::vector<double>* levels) {
  double s = 0.0;
  for (std::size_t c = 0; c < week_cells; ++c) s += rel[c] * local.exposure[c];
  if (levels) levels->assign(1, 0.0);
  if (local.n <= 0.0) return cell_constant(local);
  if (s <= 0.0) return kNegInf;
  const double a = local.n / s;
  double ll = cell_constant(local) - local.n;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (local.counts[c] <= 0.0) continue;
    if (rel[c] <= 0.0) return kNegInf;
    ll += local.counts[c] * std::log(a * rel[c]);
  }
  if (levels) (*levels)[0] = a;
  return ll;
}

}  // namespace detail

double template_loglik(const WeekTable& local, const Template& t, std::vector<double>* levels) {
  const auto cells = template_cells(t);
  return t.office ? detail::office_loglik_cells(local, cells, levels)
                  : detail::given_loglik_cells(local, cells, levels);
}

double flat_loglik(const WeekTable& table) {
  double e = 0.0;
  for (const double x : table.exposure) e += x;
  double ll = detail::cell_constant(table);
  if (table.n > 0.0 && e > 0.0) ll += table.n * std::log(table.n / e) - table.n;
  return ll;
}

}  // namespace tealeaves::rhythm
