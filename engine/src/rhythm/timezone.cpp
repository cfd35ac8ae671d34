// Time-zone fit: offset scan, profile-likelihood interval, two-zone mixture with a parametric
// bootstrap, and Monte-Carlo significance against circular-shift and Poisson surrogates.
#include "tealeaves/rhythm/timezone.hpp"

#include <algorithm>
#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <limits>
#include <optional>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/montecarlo.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

namespace tealeaves::rhythm {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr std::ptrdiff_t kCells = static_cast<std::ptrdiff_t>(week_cells);
constexpr std::ptrdiff_t kDayCells = 96;

std::size_t rot(std::size_t c, std::ptrdiff_t j) {
  return static_cast<std::size_t>(((static_cast<std::ptrdiff_t>(c) + j) % kCells + kCells) %
                                  kCells);
}

double cell_constant(const WeekTable& t) {
  double s = 0.0;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (t.counts[c] > 0.0)
      s += t.counts[c] * std::log(t.exposure[c]) - std::lgamma(t.counts[c] + 1.0);
  }
  return s;
}

// Everything fixed by the template and the grid.
struct Model {
  bool office = true;
  std::vector<double> cells;          // class (office) or relative rate (given), local cells
  std::vector<std::ptrdiff_t> grid;   // offsets in cells
  std::ptrdiff_t min_separation = 8;  // two zones: cells
};

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

struct TwoZone {
  double ll = kNegInf;
  std::ptrdiff_t j1 = 0, j2 = 0;
  double weight = 1.0;
};

constexpr int kMaxEm = 200;

// What the two-zone search needs that depends only on the exposure: the admissible pairs of
// grid offsets, each offset's per-UTC-cell class or rate, and per pair the exposure by class
// pair (office) or the two templates' expected-count sums (given). Shared by every bootstrap
// replicate (they keep the observed exposure).
struct PairCache {
  std::vector<std::vector<double>> rotated;  // [grid][utc cell] class or rate
  std::vector<std::array<double, 3>> e_one;  // office: exposure per class, per grid offset
  std::vector<double> s_one;                 // given: sum of rate x exposure, per grid offset
  std::vector<double> exposure;              // per UTC cell
  double exposure_total = 0.0;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<std::array<double, 9>> e;  // office
  std::vector<std::array<double, 2>> s;  // given
};

PairCache make_pairs(const WeekTable& t, const Model& m, bool pairs) {
  PairCache p;
  // A surrogate event exactly on the edge of a gap may land in a cell without exposure.
  p.exposure = t.exposure;
  for (double& x : p.exposure) x = std::max(x, 1e-9);
  for (const double x : p.exposure) p.exposure_total += x;
  p.rotated.resize(m.grid.size());
  for (std::size_t g = 0; g < m.grid.size(); ++g) {
    p.rotated[g].resize(week_cells);
    std::array<double, 3> e{};
    double sum = 0.0;
    for (std::size_t c = 0; c < week_cells; ++c) {
      const double v = m.cells[rot(c, m.grid[g])];
      p.rotated[g][c] = v;
      if (m.office)
        e[static_cast<std::size_t>(v)] += p.exposure[c];
      else
        sum += v * p.exposure[c];
    }
    p.e_one.push_back(e);
    p.s_one.push_back(sum);
  }
  for (std::size_t g1 = 0; pairs && g1 < m.grid.size(); ++g1) {
    for (std::size_t g2 = g1 + 1; g2 < m.grid.size(); ++g2) {
      if (m.grid[g2] - m.grid[g1] < m.min_separation) continue;
      p.pairs.emplace_back(g1, g2);
      const auto& r1 = p.rotated[g1];
      const auto& r2 = p.rotated[g2];
      if (m.office) {
        std::array<double, 9> e{};
        for (std::size_t c = 0; c < week_cells; ++c) {
          e[static_cast<std::size_t>(r1[c]) * 3 + static_cast<std::size_t>(r2[c])] += t.exposure[c];
        }
        p.e.push_back(e);
      } else {
        std::array<double, 2> s{};
        for (std::size_t c = 0; c < week_cells; ++c) {
          s[0] += r1[c] * t.exposure[c];
          s[1] += r2[c] * t.exposure[c];
        }
        p.s.push_back(s);
      }
    }
  }
  return p;
}

struct Occupied {
  std::vector<std::size_t> cell;
  std::vector<double> count;
};

Occupied occupied(const WeekTable& t) {
  Occupied o;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (t.counts[c] > 0.0) {
      o.cell.push_back(c);
      o.count.push_back(t.counts[c]);
    }
  }
  return o;
}

// sum over occupied cells of n log E - log n! (the exposure is the observed one).
double occupied_constant(const Occupied& occ, const PairCache& pc) {
  double s = 0.0;
  for (std::size_t i = 0; i < occ.cell.size(); ++i) {
    s += occ.count[i] * std::log(pc.exposure[occ.cell[i]]) - std::lgamma(occ.count[i] + 1.0);
  }
  return s;
}

// One-zone log-likelihood at every grid offset, from the occupied cells only.
std::vector<double> scan_fast(const Occupied& occ, double n_total, double constant, const Model& m,
                              const PairCache& pc) {
  std::vector<double> out(m.grid.size());
  for (std::size_t g = 0; g < m.grid.size(); ++g) {
    const auto& r = pc.rotated[g];
    double ll = constant;
    if (m.office) {
      double n[3] = {};
      for (std::size_t i = 0; i < occ.cell.size(); ++i) {
        n[static_cast<std::size_t>(r[occ.cell[i]])] += occ.count[i];
      }
      for (std::size_t k = 0; k < 3; ++k) {
        if (n[k] > 0.0) ll += n[k] * std::log(n[k] / pc.e_one[g][k]) - n[k];
      }
    } else if (n_total > 0.0) {
      const double a = n_total / pc.s_one[g];
      ll -= n_total;
      for (std::size_t i = 0; i < occ.cell.size() && ll > kNegInf; ++i) {
        const double x = r[occ.cell[i]];
        ll = x > 0.0 ? ll + occ.count[i] * std::log(a * x) : kNegInf;
      }
    }
    out[g] = ll;
  }
  return out;
}

double flat_fast(double n_total, double constant, const PairCache& pc) {
  return n_total > 0.0 ? constant + n_total * std::log(n_total / pc.exposure_total) - n_total
                       : constant;
}

// Sessions of a surrogate (UTC, no collapsing) in the occupied-cell form.
Occupied occupied_utc(const EventSeries& s) {
  std::vector<double> counts(week_cells, 0.0);
  const double base = std::fmod(s.origin() + week_phase0, seconds_per_week);
  for (const double t : s.times()) {
    double u = std::fmod(base + t, seconds_per_week);
    if (u < 0.0) u += seconds_per_week;
    counts[std::min(static_cast<std::size_t>(u / cell_seconds), week_cells - 1)] += 1.0;
  }
  Occupied o;
  for (std::size_t c = 0; c < week_cells; ++c) {
    if (counts[c] > 0.0) {
      o.cell.push_back(c);
      o.count.push_back(counts[c]);
    }
  }
  return o;
}

bool converged(double ll, double prev) {
  return ll - prev <= 1e-9 * (1.0 + std::abs(ll));
}

// Office: rates a[k1] + b[k2] on the 9 class pairs, EM (the log-likelihood is concave in the
// six rates, so EM reaches the maximum).
TwoZone two_office(const Occupied& occ, double constant, const PairCache& pc, std::size_t pi) {
  const auto [g1, g2] = pc.pairs[pi];
  const auto& e = pc.e[pi];
  double n[9] = {};
  for (std::size_t i = 0; i < occ.cell.size(); ++i) {
    const std::size_t c = occ.cell[i];
    n[static_cast<std::size_t>(pc.rotated[g1][c]) * 3 +
      static_cast<std::size_t>(pc.rotated[g2][c])] += occ.count[i];
  }
  double e1[3] = {}, e2[3] = {}, a[3] = {}, b[3] = {};
  for (std::size_t k = 0; k < 3; ++k) {
    double n1 = 0.0, n2 = 0.0;
    for (std::size_t l = 0; l < 3; ++l) {
      e1[k] += e[k * 3 + l];
      e2[k] += e[l * 3 + k];
      n1 += n[k * 3 + l];
      n2 += n[l * 3 + k];
    }
    a[k] = e1[k] > 0.0 ? 0.5 * n1 / e1[k] : 0.0;
    b[k] = e2[k] > 0.0 ? 0.5 * n2 / e2[k] : 0.0;
  }
  const auto loglik = [&] {
    double ll = constant;
    for (std::size_t k = 0; k < 3; ++k) {
      for (std::size_t l = 0; l < 3; ++l) {
        const double r = a[k] + b[l];
        if (n[k * 3 + l] > 0.0) ll += n[k * 3 + l] * std::log(r);
        ll -= r * e[k * 3 + l];
      }
    }
    return ll;
  };
  double prev = loglik();
  for (int it = 0; it < kMaxEm; ++it) {
    double n1[3] = {}, n2[3] = {};
    for (std::size_t k = 0; k < 3; ++k) {
      for (std::size_t l = 0; l < 3; ++l) {
        const double x = n[k * 3 + l];
        if (x <= 0.0) continue;
        const double r = a[k] / (a[k] + b[l]);
        n1[k] += x * r;
        n2[l] += x * (1.0 - r);
      }
    }
    for (std::size_t k = 0; k < 3; ++k) {
      a[k] = e1[k] > 0.0 ? n1[k] / e1[k] : 0.0;
      b[k] = e2[k] > 0.0 ? n2[k] / e2[k] : 0.0;
    }
    const double ll = loglik();
    const bool done = converged(ll, prev);
    prev = ll;
    if (done) break;
  }
  TwoZone z;
  z.ll = prev;
  double w1 = 0.0, w2 = 0.0;
  for (std::size_t k = 0; k < 3; ++k) {
    w1 += a[k] * e1[k];
    w2 += b[k] * e2[k];
  }
  z.weight = w1 + w2 > 0.0 ? w1 / (w1 + w2) : kNaN;
  return z;
}

// Given template: rate A r(c + j1) + B r(c + j2), EM over the occupied cells.
TwoZone two_given(const Occupied& occ, double n_total, double constant, const PairCache& pc,
                  std::size_t pi) {
  const auto [g1, g2] = pc.pairs[pi];
  const double s1 = pc.s[pi][0], s2 = pc.s[pi][1];
  TwoZone z;
  if (s1 <= 0.0 || s2 <= 0.0) return z;
  double a = 0.5 * n_total / s1, b = 0.5 * n_total / s2;
  const auto& r1 = pc.rotated[g1];
  const auto& r2 = pc.rotated[g2];
  const auto loglik = [&] {
    double ll = constant - a * s1 - b * s2;
    for (std::size_t i = 0; i < occ.cell.size(); ++i) {
      const double r = a * r1[occ.cell[i]] + b * r2[occ.cell[i]];
      if (r <= 0.0) return kNegInf;
      ll += occ.count[i] * std::log(r);
    }
    return ll;
  };
  double prev = loglik();
  if (prev == kNegInf) return z;
  for (int it = 0; it < kMaxEm; ++it) {
    double n1 = 0.0, n2 = 0.0;
    for (std::size_t i = 0; i < occ.cell.size(); ++i) {
      const double x1 = a * r1[occ.cell[i]], x2 = b * r2[occ.cell[i]];
      const double p = x1 / (x1 + x2);
      n1 += occ.count[i] * p;
      n2 += occ.count[i] * (1.0 - p);
    }
    a = n1 / s1;
    b = n2 / s2;
    const double ll = loglik();
    const bool done = converged(ll, prev);
    prev = ll;
    if (done) break;
  }
  z.ll = prev;
  z.weight = (a * s1 + b * s2) > 0.0 ? a * s1 / (a * s1 + b * s2) : kNaN;
  return z;
}

TwoZone best_two(const WeekTable& t, double constant, const Model& m, const PairCache& pc) {
  const Occupied occ = occupied(t);
  TwoZone best;
  for (std::size_t pi = 0; pi < pc.pairs.size(); ++pi) {
    auto z = m.office ? two_office(occ, constant, pc, pi) : two_given(occ, t.n, constant, pc, pi);
    if (z.ll > best.ll) {
      z.j1 = m.grid[pc.pairs[pi].first];
      z.j2 = m.grid[pc.pairs[pi].second];
      best = z;
    }
  }
  return best;
}

double max_of(const std::vector<double>& v) {
  double best = kNegInf;
  for (const double x : v) best = std::max(best, x);
  return best;
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

double hours(std::ptrdiff_t cells) {
  return static_cast<double>(cells) * 0.25;
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
  const PairCache pc = make_pairs(utc, m, o.two_zones);
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
    const TwoZone z = best_two(utc, constant, m, pc);
    f.two_zone_fitted = true;
    f.two_offset1_hours = hours(z.j1);
    f.two_offset2_hours = hours(z.j2);
    f.two_weight = z.weight;
    f.two_loglik = z.ll;
    f.lr_statistic = std::max(0.0, 2.0 * (z.ll - f.best_loglik));
    const double n = static_cast<double>(sessions.size());
    const double k1 = m.office ? 4.0 : 2.0, k2 = 2.0 * k1;
    f.bic_one = k1 * std::log(n) - 2.0 * f.best_loglik;
    f.bic_two = k2 * std::log(n) - 2.0 * z.ll;
    f.two_preferred_bic = f.bic_two < f.bic_one;
    f.n_bootstrap = o.n_bootstrap;
    if (o.n_bootstrap > 0) {
      // Parametric bootstrap from the fitted one-zone model (cell counts ~ Poisson).
      std::vector<double> mean(week_cells);
      for (std::size_t c = 0; c < week_cells; ++c) {
        const double rate = m.office
                                ? f.best_levels[static_cast<std::size_t>(m.cells[rot(c, jbest)])]
                                : f.best_levels[0] * m.cells[rot(c, jbest)];
        mean[c] = rate * utc.exposure[c];
      }
      std::vector<double> lr(o.n_bootstrap, kNaN);
      parallel_for_blocks(o.n_bootstrap, 1, o.threads, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
          Rng rng(o.seed, i);
          WeekTable t;
          t.exposure = utc.exposure;
          t.counts.assign(week_cells, 0.0);
          for (std::size_t c = 0; c < week_cells; ++c) {
            t.counts[c] = mean[c] > 0.0 ? static_cast<double>(rng.poisson(mean[c])) : 0.0;
            t.n += t.counts[c];
          }
          const Occupied occ = occupied(t);
          const double c0 = occupied_constant(occ, pc);
          const double l1 = max_of(scan_fast(occ, t.n, c0, m, pc));
          const double l2 = best_two(t, c0, m, pc).ll;
          lr[i] = std::max(0.0, 2.0 * (l2 - l1));
        }
      });
      const double tie = 1e-9 * (1.0 + std::abs(f.lr_statistic));
      std::size_t k = 0;
      for (const double v : lr) {
        if (!(v < f.lr_statistic - tie)) ++k;
      }
      f.two_p_value = (static_cast<double>(k) + 1.0) / (static_cast<double>(o.n_bootstrap) + 1.0);
      f.two_preferred_test = f.two_p_value <= 1.0 - o.level;
      f.two_null =
          "parametric bootstrap from the fitted one-zone model (cell counts Poisson); "
          "statistic LR = 2 (ll_two - ll_one), both maximised over offsets; p = (k+1)/(B+1)";
    } else {
      f.two_p_value = kNaN;
      f.two_null = "not computed (n_bootstrap = 0)";
    }
  }
  return f;
}

double zone_loglik(const EventSeries& series, std::span<const double> event_offsets,
                   const LocalClock& clock, const TimezoneOptions& options) {
  const WeekTable local = week_table(series, event_offsets, options.collapse_within, clock);
  return template_loglik(local, options.templ);
}

}  // namespace tealeaves::rhythm
