// When is a period present: tick gaps near the period against their neighbours, window by window.
#include "tealeaves/periodicity/spans.hpp"

#include <algorithm>
#include <array>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::periodicity {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kOnShare = 1.0 / 3.0;  // the central band is a third of the three bands

struct TickGap {
  double at = 0.0;   // relative time of the tick
  double gap = 0.0;  // to its partner: the first tick at or after at + period - 3 h
};

// Tick starts: a lookup within `collapse` of a tick's start joins it; an outage ends a tick.
std::vector<double> tick_starts(const EventSeries& series, double collapse,
                                std::vector<std::size_t>& interval) {
  const auto times = series.times();
  const auto& good = series.good_intervals();
  std::vector<double> ticks;
  std::size_t g = 0;
  for (double t : times) {
    while (g + 1 < good.size() && t > good[g].stop) ++g;
    if (!ticks.empty() && interval.back() == g && t - ticks.back() <= collapse) continue;
    ticks.push_back(t);
    interval.push_back(g);
  }
  return ticks;
}

// For each tick whose band [t + P - 3h, t + P + 3h] lies inside its good-time interval, the gap
// to the first tick at or after the band's start, when that tick is inside the band. Taking the
// first tick after a point (not the next lookup) lets other lookups fall between two beats.
std::vector<TickGap> partner_gaps(const EventSeries& series, double period, double h,
                                  double collapse, std::size_t& n_ticks) {
  std::vector<std::size_t> interval;
  const std::vector<double> ticks = tick_starts(series, collapse, interval);
  const auto& good = series.good_intervals();
  n_ticks = ticks.size();
  std::vector<TickGap> out;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double lo = ticks[i] + period - 3.0 * h, hi = ticks[i] + period + 3.0 * h;
    if (good.empty() || hi > good[interval[i]].stop) continue;
    const auto j = std::lower_bound(ticks.begin() + static_cast<long>(i) + 1, ticks.end(), lo);
    if (j != ticks.end() && *j <= hi) out.push_back({ticks[i], *j - ticks[i]});
  }
  return out;
}

// P(Bin(n, 1/3) >= k).
double binomial_tail(std::size_t k, std::size_t n) {
  if (k == 0) return 1.0;
  return boost::math::ibeta(static_cast<double>(k), static_cast<double>(n - k + 1), kOnShare);
}

// Tarone (1990): the smallest K with at most K windows whose smallest attainable p is <= alpha/K.
std::size_t tarone_k(const std::vector<SpanWindow>& windows, double alpha) {
  std::vector<double> p_min;
  for (const auto& w : windows) {
    const std::size_t n = w.n_on + w.n_beside;
    if (n > 0) p_min.push_back(std::pow(kOnShare, static_cast<double>(n)));
  }
  std::sort(p_min.begin(), p_min.end());
  for (std::size_t k = 1; k <= p_min.size(); ++k) {
    const auto within = static_cast<std::size_t>(
        std::upper_bound(p_min.begin(), p_min.end(), alpha / static_cast<double>(k)) -
        p_min.begin());
    if (within <= k) return k;
  }
  return std::max<std::size_t>(p_min.size(), 1);
}

void check_options(double period, const SpanOptions& o, double h, double collapse) {
  require(std::isfinite(period) && period > 0.0, "period",
          "must be positive and finite, got " + format_number(period));
  require(std::isfinite(o.alpha) && o.alpha > 0.0 && o.alpha < 1.0, "alpha",
          "must be in (0, 1), got " + format_number(o.alpha));
  require(std::isfinite(o.window) && o.window >= 0.0, "window",
          "must be >= 0 (0: automatic), got " + format_number(o.window));
  require(o.window == 0.0 || o.window >= 2.0 * period, "window",
          "must hold at least two periods (" + format_number(2.0 * period) + " s)");
  require(std::isfinite(h) && h > 0.0 && 3.0 * h < period, "half_width",
          "must be positive and below period / 3 = " + format_number(period / 3.0));
  require(std::isfinite(collapse) && collapse > 0.0 && collapse < period - 3.0 * h, "collapse",
          "must be positive and below period - 3 half_width = " + format_number(period - 3.0 * h));
}

void mark_spans(PeriodSpans& r, const std::vector<TickGap>& gaps, double origin) {
  r.first_beat = r.last_beat = kNaN;
  for (std::size_t i = 0; i < r.windows.size(); ++i) {
    if (!r.windows[i].significant) continue;
    if (!r.spans.empty() && i > 0 && r.windows[i - 1].significant) {
      r.spans.back().end = r.windows[i].end;
    } else {
      r.spans.push_back({r.windows[i].start, r.windows[i].end});
    }
  }
  if (r.spans.empty()) return;
  const double first_start = r.spans.front().start, last_end = r.spans.back().end;
  const double last_start = [&] {
    for (auto it = r.windows.rbegin(); it != r.windows.rend(); ++it)
      if (it->significant) return it->start;
    return first_start;
  }();
  for (const auto& g : gaps) {
    const double at = origin + g.at;
    if (std::abs(g.gap - r.period) > r.half_width) continue;
    if (std::isnan(r.first_beat) && at >= first_start) r.first_beat = at;
    if (at >= last_start && at < last_end) r.last_beat = at + g.gap;
  }
}

}  // namespace

double auto_span_window(double period) {
  constexpr std::array<double, 7> nice = {60.0, 300.0, 900.0, 3600.0, 21600.0, 86400.0, 604800.0};
  for (double w : nice)
    if (w >= 16.0 * period) return w;
  return 16.0 * period;
}

PeriodSpans period_spans(const EventSeries& series, double period, const SpanOptions& options) {
  const double h = options.half_width == 0.0 ? 0.05 * period : options.half_width;
  const double collapse = options.collapse == 0.0 ? 0.1 * period : options.collapse;
  check_options(period, options, h, collapse);
  PeriodSpans r;
  r.period = period;
  r.half_width = h;
  r.collapse = collapse;
  r.alpha = options.alpha;
  r.window = options.window == 0.0 ? auto_span_window(period) : options.window;
  const double origin = series.start();
  const double first = std::floor(origin / r.window) * r.window;
  const auto n_windows =
      static_cast<std::size_t>(std::max(1.0, std::ceil((series.end() - first) / r.window)));
  r.windows.resize(n_windows);
  for (std::size_t i = 0; i < n_windows; ++i) {
    r.windows[i].start = std::max(origin, first + static_cast<double>(i) * r.window);
    r.windows[i].end = std::min(series.end(), first + static_cast<double>(i + 1) * r.window);
  }
  const std::vector<TickGap> gaps = partner_gaps(series, period, h, collapse, r.n_ticks);
  for (const auto& g : gaps) {
    const double off = std::abs(g.gap - period);
    if (off > 3.0 * h) continue;
    const auto i =
        std::min(n_windows - 1, static_cast<std::size_t>((origin + g.at - first) / r.window));
    ++(off <= h ? r.windows[i].n_on : r.windows[i].n_beside);
  }
  const std::size_t k = tarone_k(r.windows, options.alpha);
  r.n_testable = k;
  for (auto& w : r.windows) {
    const std::size_t n = w.n_on + w.n_beside;
    w.p_value = binomial_tail(w.n_on, n);
    w.testable = n > 0 && std::pow(kOnShare, static_cast<double>(n)) <=
                              options.alpha / static_cast<double>(k);
    w.p_adjusted = w.testable ? std::min(1.0, static_cast<double>(k) * w.p_value) : 1.0;
    w.significant = w.p_adjusted < options.alpha;
  }
  mark_spans(r, gaps, origin);
  r.null =
      "per window: for each tick, the first tick after (period - 3 half-widths) falls in the "
      "central third of the 6 half-widths no more often than 1/3 (true for any stationary "
      "process, whose forward-recurrence density does not increase): one-sided binomial(n, "
      "1/3) tail";
  r.correction = "Tarone-Bonferroni over the " + std::to_string(k) +
                 " windows whose smallest attainable p could reach alpha / K (of " +
                 std::to_string(n_windows) + " windows)";
  return r;
}

}  // namespace tealeaves::periodicity
