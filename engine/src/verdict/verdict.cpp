// The verdict: machine lines, gap floor, human rhythm, self-excitation, and the label.
#include "tealeaves/verdict/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/periodicity/detect.hpp"
#include "tealeaves/verdict/models.hpp"

namespace tealeaves::verdict {
namespace {

// printf-style number formatting for the texts (Python's "%.6g" etc.).
std::string fmt(const char* spec, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, value);
  return buf;
}

constexpr double kDay = 86400.0;
constexpr double kMachineTests = 3.0;  // whole-series line, segment line, gap floor
constexpr std::uint64_t kStreamHours = 0x7EA0, kStreamWeekday = 0x7EA1;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

Evidence floor_evidence(const EventSeries& series) {
  const auto floor = periodicity::ttl_floor(series);
  Evidence e;
  e.test = "gap floor";
  e.statistic = floor.floor_s;
  e.p_value = floor.detected ? std::exp(floor.log_p) : kNaN;
  e.null = "Poisson lookups at the same mean rate: P(smallest gap >= floor)";
  e.explanation = floor.detected ? "no gap below " + fmt("%.4g", floor.floor_s) + " s (" +
                                       floor.interpretation + ")"
                                 : "gaps show no floor";
  e.supports = "machine";
  return e;
}

double median_of(std::vector<double> v) {  // numpy's median (mean of the middle two)
  const std::size_t n = v.size(), h = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double upper = v[h];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return lower + (upper - lower) / 2;
}

// Lookups with another lookup one or two periods (within the beat's jitter) before or after.
std::vector<bool> on_beat(std::span<const double> t, double period, double bin_width) {
  std::vector<double> near;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double g = t[i] - t[i - 1];
    if (std::abs(g - period) < 0.25 * period) near.push_back(g);
  }
  double spread = 0.0;
  if (!near.empty()) {
    const double med = median_of(near);
    std::vector<double> dev(near.size());
    for (std::size_t i = 0; i < near.size(); ++i) dev[i] = std::abs(near[i] - med);
    spread = 1.4826 * median_of(std::move(dev));
  }
  // A bin's width of slack, but at most a quarter period: a beat shorter than a few bins (its
  // period resolved from the bins' alias on the event times) would otherwise explain every
  // lookup that has any neighbour.
  const double tol = std::max({4.0 * spread, 0.01 * period, std::min(bin_width, 0.25 * period)});
  std::vector<bool> out(t.size(), false);
  for (double shift : {period, -period, 2 * period, -2 * period}) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (out[i]) continue;
      const auto lo = std::lower_bound(t.begin(), t.end(), t[i] + shift - tol);
      const auto hi = std::upper_bound(t.begin(), t.end(), t[i] + shift + tol);
      if (hi > lo) out[i] = true;
    }
  }
  return out;
}

EventSeries subseries(const EventSeries& series, const std::vector<bool>& keep) {
  std::vector<double> t;
  const auto times = series.times();
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (keep[i]) t.push_back(times[i]);
  }
  SeriesOptions o;
  o.time_origin = series.origin();
  o.start = 0.0;
  o.end = series.duration();
  const auto& good = series.good_intervals();
  for (std::size_t i = 1; i < good.size(); ++i) o.gaps.push_back({good[i - 1].stop, good[i].start});
  return EventSeries(t, o);
}

// Sum of squared hourly counts (the chi-square up to an affine map: exact ranks).
std::int64_t hour_sum_squares(const std::vector<int>& hours) {
  std::int64_t c[24] = {};
  for (int h : hours) ++c[h];
  std::int64_t s = 0;
  for (auto v : c) s += v * v;
  return s;
}

int hour_of(double seconds) {
  return std::min(static_cast<int>(std::floor(seconds / 3600.0)), 23);
}

double weekday_stat(const std::vector<double>& counts, const std::vector<int>& weekday) {
  double totals[7] = {}, days[7] = {};
  for (std::size_t i = 0; i < counts.size(); ++i) {
    totals[weekday[i]] += counts[i];
    days[weekday[i]] += 1.0;
  }
  double hi = -std::numeric_limits<double>::infinity();
  double lo = std::numeric_limits<double>::infinity();
  for (int d = 0; d < 7; ++d) {
    const double mean = days[d] > 0 ? totals[d] / days[d] : 0.0;
    hi = std::max(hi, mean);
    if (days[d] > 0) lo = std::min(lo, mean);
  }
  return hi - lo;
}

std::vector<Evidence> human_evidence(const EventSeries& series, double collapse_within,
                                     std::size_t n, std::uint64_t seed) {
  const auto t = series.times();
  if (t.empty()) return {};
  std::vector<double> sessions, days;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i == 0 || t[i] - t[i - 1] > collapse_within) {
      const double a = t[i] + series.origin();
      sessions.push_back(a);
      days.push_back(std::floor(a / kDay));
    }
  }
  const double first = *std::min_element(days.begin(), days.end());
  const double last = *std::max_element(days.begin(), days.end());
  const auto n_days = static_cast<std::size_t>(last - first) + 1;
  if (sessions.size() < 10 || n_days < 2) return {};
  const std::size_t ns = sessions.size();
  std::vector<double> seconds(ns);
  std::vector<std::size_t> day_index(ns);
  std::vector<int> hours(ns);
  for (std::size_t i = 0; i < ns; ++i) {
    seconds[i] = sessions[i] - days[i] * kDay;
    day_index[i] = static_cast<std::size_t>(days[i] - first);
    hours[i] = hour_of(seconds[i]);
  }
  // Same hours every day: each day's sessions rotated by an independent uniform time.
  const std::int64_t observed_ss = hour_sum_squares(hours);
  const double expected = static_cast<double>(ns) / 24.0;
  double stat_hours = 0.0;
  {
    double c[24] = {};
    for (int h : hours) c[h] += 1.0;
    for (double v : c) stat_hours += (v - expected) * (v - expected) / expected;
  }
  Rng rng_h(seed, kStreamHours);
  std::vector<double> shift(n_days);
  std::size_t k_hours = 0;
  for (std::size_t s = 0; s < n; ++s) {
    for (double& x : shift) x = rng_h.uniform() * kDay;
    for (std::size_t i = 0; i < ns; ++i) {
      hours[i] = hour_of(std::fmod(seconds[i] + shift[day_index[i]], kDay));
    }
    if (hour_sum_squares(hours) >= observed_ss) ++k_hours;
  }
  const double p_hours = static_cast<double>(k_hours + 1) / static_cast<double>(n + 1);
  // Weekday pattern: whole days permuted among weekdays.
  std::vector<double> per_day(n_days, 0.0);
  for (std::size_t i : day_index) per_day[i] += 1.0;
  std::vector<int> weekday(n_days);
  for (std::size_t d = 0; d < n_days; ++d) {
    // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
    const auto day = static_cast<std::int64_t>(first) + static_cast<std::int64_t>(d);
    weekday[d] = static_cast<int>((((day + 3) % 7) + 7) % 7);
  }
  const double stat_week = weekday_stat(per_day, weekday);
  Rng rng_w(seed, kStreamWeekday);
  std::vector<double> perm = per_day;
  std::size_t k_week = 0;
  for (std::size_t s = 0; s < n; ++s) {
    perm = per_day;
    for (std::size_t i = n_days; i > 1; --i) {  // Fisher-Yates
      const auto j = static_cast<std::size_t>(rng_w.below(i));
      std::swap(perm[i - 1], perm[j]);
    }
    if (weekday_stat(perm, weekday) >= stat_week) ++k_week;
  }
  const double p_week = static_cast<double>(k_week + 1) / static_cast<double>(n + 1);
  const std::string null_h = "each day's " + std::to_string(ns) +
                             " sessions rotated by an independent uniform time (keeps each "
                             "day's count and clustering); " +
                             std::to_string(n) + " surrogates";
  const std::string null_w =
      "whole days permuted among weekdays; " + std::to_string(n) + " surrogates";
  return {
      {"same hours every day", stat_hours, p_hours, null_h,
       p_hours < 0.05 ? "sessions keep the same hours day after day" : "no daily routine", "human"},
      {"weekday pattern", stat_week, p_week, null_w,
       p_week < 0.05 ? "some weekdays are quiet" : "no weekday pattern", "human"},
  };
}

constexpr std::size_t kSequentialH = 10;  // exceedances before the bootstrap stops

std::vector<Evidence> bursts_evidence(const EventSeries& raw, const VerdictOptions& o) {
  // Lookups logged to the same second are one burst member (exact ties make the Hawkes
  // likelihood unbounded): merge them first.
  const EventSeries series = raw.collapsed(1.0);
  if (series.size() < o.min_events) return {};
  CompareOptions c;
  c.models = {ProcessModel::routine, ProcessModel::hawkes};
  c.n_bootstrap = o.n_bootstrap;
  // A clear non-rejection stops early (Besag-Clifford): a dense series' Hawkes refits cost
  // seconds each, and only small p-values need all the replicates.
  c.sequential_h = kSequentialH;
  c.seed = o.seed;
  c.threads = o.threads;
  const auto fit = compare_models(series, c);
  const LrTest* test = nullptr;
  for (const auto& lr : fit.lr_tests) {
    if (lr.alternative == "hawkes") {
      test = &lr;
      break;
    }
  }
  if (test == nullptr || !std::isfinite(test->p_value)) return {};
  std::string null = test->null + " process without self-excitation (parametric bootstrap, " +
                     std::to_string(test->n_bootstrap) + " of " + std::to_string(o.n_bootstrap) +
                     (test->stopped_early ? " replicates: stopped at " + std::to_string(test->k) +
                                                " exceedances, Besag-Clifford p = k / n)"
                                          : " replicates)");
  std::string meaning = test->p_value < 0.05 ? "lookups trigger more lookups (branching ratio " +
                                                   fmt("%.2f", fit.branching_ratio) + ")"
                                             : "no self-excitation beyond the background";
  return {{"self-excitation", test->statistic, test->p_value, std::move(null), std::move(meaning),
           "human"}};
}

}  // namespace

Verdict verdict(const EventSeries& series, const VerdictOptions& options) {
  const double alpha = options.alpha;
  require(std::isfinite(alpha) && alpha > 0.0 && alpha < 1.0, "alpha",
          "must be in (0, 1), got " + format_number(alpha));
  const double bin_width =
      options.bin_width == 0.0 ? auto_bin_width(series.duration()) : options.bin_width;
  require(std::isfinite(bin_width) && bin_width > 0.0, "bin_width",
          "must be positive and finite (0: automatic)");
  require(std::isfinite(options.collapse_within) && options.collapse_within > 0.0,
          "collapse_within", "must be positive and finite");
  require(options.n_surrogates >= 1, "n_surrogates", "must be at least 1");
  require(options.n_bootstrap >= 1, "n_bootstrap", "must be at least 1");
  require(!std::isnan(options.max_period) && options.max_period > 2 * bin_width, "max_period",
          "must exceed 2 * bin_width = " + format_number(2 * bin_width));
  Verdict v;
  v.n_events = series.size();
  v.alpha = alpha;
  v.period_s = kNaN;
  v.n_residual = 0;
  v.p_machine = v.p_human = v.p_any = v.p_line = v.p_segment_line = v.line_period_s = kNaN;
  v.line_binned_period_s = kNaN;
  if (series.size() < options.min_events) {
    v.label = "insufficient";
    v.evidence.push_back({"count", static_cast<double>(series.size()), kNaN, "",
                          std::to_string(series.size()) + " lookups: fewer than " +
                              std::to_string(options.min_events) + ", too few to tell",
                          ""});
    return v;
  }
  const Line line = spectral_line(series, bin_width, options.max_period, alpha / kMachineTests);
  const Line segment = segment_line(series, bin_width);
  const Evidence floor = floor_evidence(series);
  v.evidence = {line.evidence, segment.evidence, floor};
  // Each family (machine: lines, floor; human: its tests) is Bonferroni-corrected to alpha.
  const double p_floor = std::isnan(floor.p_value) ? 1.0 : floor.p_value;
  v.p_machine = std::min(1.0, kMachineTests * std::min({line.p_global, segment.p_global, p_floor}));
  const bool machine = v.p_machine < alpha;
  const Line* beat = nullptr;
  for (const Line* l : {&line, &segment}) {
    if (kMachineTests * l->p_global < alpha) {
      beat = l;
      break;
    }
  }
  std::vector<Evidence> human;
  auto evaluate = [&](const EventSeries& residual) {
    v.n_residual = residual.size();
    human = human_evidence(residual, options.collapse_within, options.n_surrogates, options.seed);
    if (human.empty()) human = bursts_evidence(residual, options);  // under two days
  };
  if (beat != nullptr) {
    std::vector<bool> keep = on_beat(series.times(), beat->period, bin_width);
    keep.flip();
    evaluate(subseries(series, keep));
  } else {
    evaluate(series);
  }
  double p_min = 1.0;
  for (const auto& e : human) p_min = std::min(p_min, std::isnan(e.p_value) ? 1.0 : e.p_value);
  v.p_human = human.empty() ? 1.0 : std::min(1.0, static_cast<double>(human.size()) * p_min);
  v.evidence.insert(v.evidence.end(), human.begin(), human.end());
  const bool is_human = v.p_human < alpha;
  v.label = machine ? (is_human ? "mixed" : "periodic") : (is_human ? "human" : "random");
  v.period_s = beat == nullptr ? kNaN : beat->period;
  v.p_any = std::min(1.0, 2.0 * std::min(v.p_machine, v.p_human));
  v.p_line = line.p_global;
  v.p_segment_line = segment.p_global;
  v.line_period_s = line.period;
  v.line_binned_period_s = line.binned_period;
  return v;
}

}  // namespace tealeaves::verdict
