// The verdict's alias resolution: a line found in binned counts placed on the event times.
//
// Binning at width d samples the counts at 1/d: a beat at f shows in the periodogram at the
// folded f0 (f = |m/d +- f0|). A period under two bins is therefore reported at its alias
// (1.513 s in 1 s bins at 2.94 s). The event times carry no such ambiguity (to their stamp
// resolution), so each alias candidate is scored by the Rayleigh power of the events.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/events/rayleigh.hpp"
#include "tealeaves/verdict/verdict.hpp"

namespace tealeaves::verdict {
namespace {

constexpr std::size_t kCoarse = 9;         // points on [f - df, f + df], spacing df / 4
constexpr std::size_t kFine = 33;          // points on [f - df / 4, f + df / 4], spacing df / 64
constexpr std::size_t kRefined = 8;        // candidates refined finely (the strongest coarse ones)
constexpr double kKeep = 0.2;              // ... among those within this fraction of the best
constexpr double kMaxLookupsPerCycle = 4;  // ... at f / j for j up to this
constexpr double kSubharmonic = 0.2;       // a sub-harmonic with this fraction of the best wins

struct Candidate {
  double f = 0.0;
  int order = 0;
  double base = 0.0;
  double coarse_f = 0.0, coarse_power = 0.0;
  double best_f = 0.0, best_power = 0.0;
};

// The windows the Rayleigh power is summed over: the whole series, or consecutive segments.
std::vector<EventSeries> windows_of(const EventSeries& series, double segment) {
  if (!(segment > 0.0) || segment >= series.duration()) return {series};
  std::vector<EventSeries> out;
  const auto t = series.times();
  const auto& good = series.good_intervals();
  std::size_t i = 0;
  for (double start = 0.0; start < series.duration(); start += segment) {
    const double stop = std::min(start + segment, series.duration());
    std::vector<double> local;
    for (; i < t.size() && t[i] < stop; ++i) local.push_back(t[i] - start);
    if (local.size() < 2 || stop - start < 0.5 * segment) continue;
    SeriesOptions o;
    o.time_origin = series.origin() + start;
    o.start = 0.0;
    o.end = stop - start;
    // The outages inside this window (complements of the good intervals), clipped.
    double covered = start;
    for (const auto& g : good) {
      if (g.stop <= start || g.start >= stop) continue;
      if (g.start > covered) o.gaps.push_back({covered - start, g.start - start});
      covered = std::max(covered, g.stop);
    }
    if (covered < stop) o.gaps.push_back({covered - start, stop - start});
    if (!o.gaps.empty() && o.gaps.front().start <= 0.0 && o.gaps.front().stop >= stop - start) {
      continue;  // no observation at all
    }
    out.emplace_back(local, o);
  }
  return out;
}

// Z^2_1 summed over the windows at f_first + k step, k < n (thread count: one, exact path).
std::vector<double> rayleigh_power(const std::vector<EventSeries>& windows, double f_first,
                                   double step, std::size_t n) {
  events::FrequencyGrid grid{f_first, step, n};
  events::Z2Options o;
  o.harmonics = 1;
  o.threads = 1;
  std::vector<double> total(n, 0.0);
  for (const auto& w : windows) {
    if (w.size() < 2) continue;
    const auto r = events::z2n_search(w, grid, o);
    for (std::size_t k = 0; k < n; ++k) total[k] += r.power[k];
  }
  return total;
}

// The grid point of largest power, the first of equals (deterministic).
std::pair<double, double> peak(const std::vector<double>& power, double f_first, double step) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < power.size(); ++k) {
    if (power[k] > power[best]) best = k;
  }
  return {f_first + step * static_cast<double>(best), power[best]};
}

}  // namespace

RefinedFrequency refine_frequency(const EventSeries& series, std::span<const double> binned,
                                  double bin_width, double df, double segment) {
  require(std::isfinite(bin_width) && bin_width > 0.0, "bin_width", "must be positive and finite");
  require(!binned.empty(), "binned", "needs at least one frequency");
  require(std::isfinite(df) && df > 0.0, "df", "must be positive and finite");
  for (double f0 : binned) {
    require(std::isfinite(f0) && f0 > df && f0 <= (0.5 + 1e-12) / bin_width, "binned",
            "frequencies must be in (df, 1 / (2 bin_width)]");
  }
  require(std::isfinite(segment) && segment >= 0.0, "segment", "must be >= 0");
  std::vector<Candidate> cands;
  auto add = [&](double f, int m, double base) {
    for (const auto& c : cands) {
      if (std::abs(c.f - f) < 0.5 * df) return;  // the same candidate from another base
    }
    cands.push_back({f, m, base});
  };
  for (double f0 : binned) add(f0, 0, f0);
  const double fs = 1.0 / bin_width;
  for (double f0 : binned) {
    for (int m = 1; m <= kMaxAliasOrder; ++m) {
      const double below = m * fs - f0, above = m * fs + f0;
      if (below > kMaxAliasFrequency) break;
      add(below, m, f0);
      if (above <= kMaxAliasFrequency) add(above, m, f0);
    }
  }
  RefinedFrequency out;
  out.n_candidates = cands.size();
  const auto windows = windows_of(series, segment);
  // Coarse: [f - df, f + df] in steps of df / 4 (within 1/8 of the lobe's width of its top).
  double best_coarse = 0.0;
  for (auto& c : cands) {
    const double first = std::max(c.f - df, 0.25 * df);
    const auto p = rayleigh_power(windows, first, 0.25 * df, kCoarse);
    std::tie(c.coarse_f, c.coarse_power) = peak(p, first, 0.25 * df);
    best_coarse = std::max(best_coarse, c.coarse_power);
  }
  // Fine: the strongest few (ordered by power, then frequency) on df / 64 around their peak.
  std::vector<std::size_t> order(cands.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return cands[a].coarse_power > cands[b].coarse_power;
  });
  std::vector<std::size_t> refined;
  for (std::size_t i : order) {
    const bool first = i == 0;  // binned[0] itself: always refined (its power is reported)
    const bool keep = cands[i].coarse_power >= kKeep * best_coarse;
    if (first || (keep && refined.size() < kRefined)) refined.push_back(i);
  }
  double best_power = 0.0;
  for (std::size_t i : refined) {
    auto& c = cands[i];
    const double step = df / 64.0;
    const double first = std::max(c.coarse_f - 16.0 * step, step);
    const auto p = rayleigh_power(windows, first, step, kFine);
    std::tie(c.best_f, c.best_power) = peak(p, first, step);
    if (c.coarse_power > c.best_power)
      std::tie(c.best_f, c.best_power) = {c.coarse_f, c.coarse_power};
    best_power = std::max(best_power, c.best_power);
  }
  // The bins' fundamental stands, its alias resolved, if the event times bear it out: the
  // lowest of binned[0]'s family (f0 and its aliases) within kNearTie of that family's best,
  // when it holds kSubharmonic of the best power over all candidates. Otherwise (the bins'
  // fundamental was a sub-harmonic made by folded harmonics: a 1.513 s tick shows at 29.3 s
  // in 1 s bins, with no power on the event times) the lowest within kNearTie of the best.
  auto lowest_within = [&](double level, bool family_only) {
    const Candidate* low = nullptr;
    for (std::size_t i : refined) {
      const auto& c = cands[i];
      if (family_only && c.base != binned[0]) continue;
      if (c.best_power >= level && (low == nullptr || c.best_f < low->best_f)) low = &c;
    }
    return low;
  };
  double family_power = 0.0;
  for (std::size_t i : refined) {
    if (i == 0) out.binned_power = cands[i].best_power;
    if (cands[i].base == binned[0]) family_power = std::max(family_power, cands[i].best_power);
  }
  const Candidate* chosen = lowest_within(kNearTie * family_power, true);
  if (chosen == nullptr || !(chosen->best_power >= kSubharmonic * best_power)) {
    chosen = lowest_within(kNearTie * best_power, false);
  }
  if (chosen == nullptr) {  // no finite power: keep the bin grid's frequency
    out.frequency = out.base_frequency = binned[0];
    return out;
  }
  // A lower candidate at f / j, j <= 4 (within (j + 1) df: each peak is placed to about one
  // spacing, and j times over for the sub-harmonic) holding kSubharmonic of the best power is
  // the fundamental: a beat whose cycle holds two lookups (at 0 and 12 s of 30 s, say) has
  // more power at a harmonic (a 7 s beacon in 10 s bins whose bins' fundamental is 70 s:
  // that family's best is 2/7 Hz, the strongest ordinate's family holds 1/7 Hz).
  const Candidate* top = chosen;
  for (std::size_t i : refined) {
    const auto& c = cands[i];
    if (!(c.best_f < chosen->best_f) || !(c.best_power >= kSubharmonic * best_power)) continue;
    const double j = std::round(top->best_f / c.best_f);
    if (j >= 2 && j <= kMaxLookupsPerCycle &&
        std::abs(top->best_f - j * c.best_f) <= (j + 1) * df) {
      chosen = &c;
    }
  }
  out.base_frequency = chosen->base;
  out.frequency = chosen->best_f;
  out.power = chosen->best_power;
  out.alias_order = chosen->order;
  return out;
}

}  // namespace tealeaves::verdict
