#include "tealeaves/bursts/outages.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::bursts {
namespace {

// The point reached by walking `amount` seconds of observed time from `from` (direction -1 or
// +1), stopping at the window edge; clipped walks end at 0 or `duration`.
double walk(const std::vector<Interval>& good, double from, double amount, int direction) {
  if (direction < 0) {
    for (std::size_t k = good.size(); k-- > 0;) {
      if (good[k].start >= from) continue;
      const double top = std::min(from, good[k].stop);
      if (top - good[k].start >= amount) return top - amount;
      amount -= top - good[k].start;
    }
    return good.empty() ? from : good.front().start;
  }
  for (const Interval& g : good) {
    if (g.stop <= from) continue;
    const double bottom = std::max(from, g.start);
    if (g.stop - bottom >= amount) return bottom + amount;
    amount -= g.stop - bottom;
  }
  return good.empty() ? from : good.back().stop;
}

// Lookups (with multiplicity) at times in [a, b) (half = left) or (a, b] (right).
double count_between(std::span<const double> t, std::span<const std::uint32_t> mult, double a,
                     double b, bool left) {
  const auto lo =
      left ? std::lower_bound(t.begin(), t.end(), a) : std::upper_bound(t.begin(), t.end(), a);
  const auto hi =
      left ? std::lower_bound(t.begin(), t.end(), b) : std::upper_bound(t.begin(), t.end(), b);
  double n = 0.0;
  for (auto it = lo; it < hi; ++it) n += mult[static_cast<std::size_t>(it - t.begin())];
  return n;
}

// P(no lookup in a silence of length g | n lookups in context exposure e + g, uniform).
double conditional_p(double n, double e, double g) {
  return e > 0.0 ? std::exp(n * std::log(e / (e + g))) : 1.0;
}

}  // namespace

double observed_length(const std::vector<Interval>& good, double a, double b) {
  double total = 0.0;
  for (const Interval& g : good) total += std::max(0.0, std::min(b, g.stop) - std::max(a, g.start));
  return total;
}

Outages outages(const EventSeries& series, const OutageOptions& o) {
  require(series.total_count() >= 2, "series", "needs at least 2 lookups");
  require(o.alpha > 0.0 && o.alpha < 1.0, "alpha",
          "must be in (0, 1), got " + format_number(o.alpha));
  require(std::isfinite(o.context) && o.context >= 0.0, "context", "must be finite and >= 0");
  const auto& good = series.good_intervals();
  const auto t = series.times();
  const auto mult = series.multiplicity();
  Outages out;
  out.alpha = o.alpha;
  out.context = o.context > 0.0
                    ? o.context
                    : 20.0 * series.exposure() / static_cast<double>(series.total_count());
  struct Silence {
    double a, b;
    bool edge;
  };
  std::vector<Silence> silences;
  if (o.edges && t.front() > 0.0) silences.push_back({0.0, t.front(), true});
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i + 1] > t[i]) silences.push_back({t[i], t[i + 1], false});
  }
  if (o.edges && t.back() < series.duration()) {
    silences.push_back({t.back(), series.duration(), true});
  }
  for (const Silence& s : silences) {
    const double g = observed_length(good, s.a, s.b);
    if (!(g > 0.0)) continue;
    const double left = walk(good, s.a, out.context, -1);
    const double right = walk(good, s.b, out.context, +1);
    // The lookups bounding the silence are excluded: [left, a) and (b, right].
    const double n_left = count_between(t, mult, left, s.a, true);
    const double n_right = count_between(t, mult, s.b, right, false);
    const double e_left = observed_length(good, left, s.a);
    const double e_right = observed_length(good, s.b, right);
    const double n = n_left + n_right, exposure = e_left + e_right;
    double p = conditional_p(n, exposure, g);
    if (o.both_sides && e_left > 0.0 && e_right > 0.0) {
      p = std::max(conditional_p(n_left, e_left, g), conditional_p(n_right, e_right, g));
    }
    out.start.push_back(series.origin() + s.a);
    out.end.push_back(series.origin() + s.b);
    out.length.push_back(g);
    out.context_events.push_back(n);
    out.context_exposure.push_back(exposure);
    out.rate.push_back(exposure > 0.0 ? n / exposure : 0.0);
    out.expected.push_back(out.rate.back() * g);
    out.p_value.push_back(p);
    out.edge.push_back(s.edge);
  }
  out.n_examined = out.p_value.size();
  const double m = static_cast<double>(out.n_examined);
  for (const double p : out.p_value) {
    // 1 - (1 - p)^m without cancellation for small p.
    const double sidak = -std::expm1(m * std::log1p(-std::min(p, 1.0 - 1e-300)));
    out.p_sidak.push_back(p >= 1.0 ? 1.0 : sidak);
    out.p_bonferroni.push_back(std::min(1.0, m * p));
    out.significant.push_back(out.p_sidak.back() < o.alpha);
  }
  out.both_sides = o.both_sides;
  out.null =
      "homogeneous Poisson process over each silence and the context seconds on either side; "
      "p = (E / (E + g))^n, the conditional chance that none of the n context lookups fell in "
      "the silence" +
      std::string(o.both_sides
                      ? ", computed for each side alone and the larger taken (intersection-union:"
                        " the silence must be too long for both neighbours; conservative)"
                      : "") +
      "; p_sidak and p_bonferroni correct for the " + std::to_string(out.n_examined) +
      " silences examined";
  return out;
}

FirstLookup first_lookup(double reference, double first, double rate) {
  require(std::isfinite(reference), "reference", "must be finite");
  require(std::isfinite(first) && first >= reference, "first",
          "the first lookup must not precede the reference time");
  require(std::isfinite(rate) && rate > 0.0, "rate",
          "must be finite and > 0, got " + format_number(rate));
  FirstLookup out;
  out.delay = first - reference;
  out.rate = rate;
  out.expected_delay = 1.0 / rate;
  out.p_early = -std::expm1(-rate * out.delay);
  out.p_late = std::exp(-rate * out.delay);
  out.p_two_sided = std::min(1.0, 2.0 * std::min(out.p_early, out.p_late));
  out.null =
      "homogeneous Poisson lookups at the given rate from the reference time on: the delay to "
      "the first lookup is exponential; one test, no multiplicity correction";
  return out;
}

double baseline_rate(const EventSeries& baseline) {
  require(baseline.exposure() > 0.0, "baseline", "has no observed time");
  return static_cast<double>(baseline.total_count()) / baseline.exposure();
}

}  // namespace tealeaves::bursts
