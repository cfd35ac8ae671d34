#include "tealeaves/bursts/kleinberg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/bursts/outages.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::bursts {
namespace {

void check(const KleinbergOptions& o) {
  require(std::isfinite(o.s) && o.s > 1.0, "s",
          "must be finite and > 1, got " + format_number(o.s));
  require(std::isfinite(o.gamma) && o.gamma >= 0.0, "gamma",
          "must be finite and >= 0, got " + format_number(o.gamma));
  require(o.levels >= 2 && o.levels <= 64, "levels", "must be between 2 and 64");
}

struct Model {
  std::vector<double> alpha, log_alpha;
  double up = 0.0;  // cost of one level up

  Model(std::span<const double> gaps, const KleinbergOptions& o) {
    double total = 0.0;
    for (const double g : gaps) total += g;
    require(total > 0.0, "gaps", "must sum to a positive time");
    const double n = static_cast<double>(gaps.size());
    for (std::size_t i = 0; i < o.levels; ++i) {
      alpha.push_back(std::pow(o.s, static_cast<double>(i)) * n / total);
      log_alpha.push_back(std::log(alpha.back()));
    }
    up = o.gamma * std::log(n);
  }
  double emit(std::size_t i, double x) const { return alpha[i] * x - log_alpha[i]; }
  double move(std::size_t from, std::size_t to) const {
    return to > from ? static_cast<double>(to - from) * up : 0.0;
  }
};

}  // namespace

std::vector<std::size_t> kleinberg_states(std::span<const double> gaps, const KleinbergOptions& o,
                                          double* cost) {
  check(o);
  require(!gaps.empty(), "gaps", "is empty");
  const Model model(gaps, o);
  const std::size_t k = o.levels, n = gaps.size();
  std::vector<double> c(k), next(k);
  std::vector<std::size_t> back(n * k);
  for (std::size_t j = 0; j < k; ++j) c[j] = model.move(0, j) + model.emit(j, gaps[0]);
  for (std::size_t t = 1; t < n; ++t) {
    for (std::size_t j = 0; j < k; ++j) {
      std::size_t arg = 0;
      double low = c[0] + model.move(0, j);
      for (std::size_t i = 1; i < k; ++i) {
        const double v = c[i] + model.move(i, j);
        if (v < low) low = v, arg = i;
      }
      next[j] = low + model.emit(j, gaps[t]);
      back[t * k + j] = arg;
    }
    c.swap(next);
  }
  std::vector<std::size_t> states(n);
  std::size_t s = 0;
  for (std::size_t j = 1; j < k; ++j) {
    if (c[j] < c[s]) s = j;
  }
  if (cost != nullptr) *cost = c[s];
  for (std::size_t t = n; t-- > 0;) {
    states[t] = s;
    if (t > 0) s = back[t * k + s];
  }
  return states;
}

double kleinberg_cost(std::span<const double> gaps, std::span<const std::size_t> states,
                      const KleinbergOptions& o) {
  check(o);
  require(states.size() == gaps.size(), "states", "must have one state per gap");
  const Model model(gaps, o);
  double cost = 0.0;
  std::size_t previous = 0;
  for (std::size_t t = 0; t < gaps.size(); ++t) {
    require(states[t] < o.levels, "states", "must be below levels");
    cost += model.move(previous, states[t]) + model.emit(states[t], gaps[t]);
    previous = states[t];
  }
  return cost;
}

KleinbergResult kleinberg(const EventSeries& series, const KleinbergOptions& o) {
  check(o);
  require(series.total_count() >= 2, "series", "needs at least 2 lookups");
  // Lookups with multiplicities expanded; gaps count observed time only.
  std::vector<double> times;
  const auto t = series.times();
  const auto mult = series.multiplicity();
  for (std::size_t i = 0; i < t.size(); ++i) times.insert(times.end(), mult[i], t[i]);
  std::vector<double> gaps(times.size() - 1);
  const auto& good = series.good_intervals();
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    gaps[i] = observed_length(good, times[i], times[i + 1]);
  }
  double total = 0.0;
  for (const double g : gaps) total += g;
  require(total > 0.0, "series", "all lookups are at the same time");
  KleinbergResult out;
  out.options = o;
  out.states = kleinberg_states(gaps, o, &out.cost);
  out.base_rate = static_cast<double>(gaps.size()) / total;
  for (std::size_t i = 0; i < o.levels; ++i) {
    out.gap_rates.push_back(out.base_rate * std::pow(o.s, static_cast<double>(i)));
  }
  // Maximal runs of states >= level, for each level; then sorted by start, outer first.
  for (std::size_t level = 1; level < o.levels; ++level) {
    std::size_t j = 0;
    while (j < gaps.size()) {
      if (out.states[j] < level) {
        ++j;
        continue;
      }
      std::size_t k = j;
      double observed = 0.0;
      while (k < gaps.size() && out.states[k] >= level) observed += gaps[k++];
      Burst b;
      b.level = level;
      b.first = j;
      b.last = k;
      b.n_events = k - j + 1;
      b.start = series.origin() + times[j];
      b.end = series.origin() + times[k];
      b.rate = observed > 0.0 ? static_cast<double>(k - j) / observed
                              : std::numeric_limits<double>::infinity();
      out.bursts.push_back(b);
      j = k;
    }
  }
  std::stable_sort(out.bursts.begin(), out.bursts.end(), [](const Burst& a, const Burst& b) {
    return a.first != b.first ? a.first < b.first : a.level < b.level;
  });
  return out;
}

}  // namespace tealeaves::bursts
