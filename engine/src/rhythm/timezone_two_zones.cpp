// Two zones: the template in two offsets, each with its own levels, fitted by EM for every
// admissible pair; LR and BIC against one zone, and a parametric bootstrap from the fitted
// one-zone model for the calibrated test.
#include <algorithm>
#include <array>
#include <cmath>

#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "timezone_internal.hpp"

namespace tealeaves::rhythm::detail {

namespace {

struct TwoZone {
  double ll = kNegInf;
  std::ptrdiff_t j1 = 0, j2 = 0;
  double weight = 1.0;
};

constexpr int kMaxEm = 200;

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

}  // namespace

void fit_two_zones(TimezoneFit& f, const WeekTable& utc, double constant, const Model& m,
                   const PairCache& pc, std::ptrdiff_t jbest, const TimezoneOptions& o) {
  const TwoZone z = best_two(utc, constant, m, pc);
  f.two_zone_fitted = true;
  f.two_offset1_hours = hours(z.j1);
  f.two_offset2_hours = hours(z.j2);
  f.two_weight = z.weight;
  f.two_loglik = z.ll;
  f.lr_statistic = std::max(0.0, 2.0 * (z.ll - f.best_loglik));
  const double n = static_cast<double>(f.n_sessions);  // sessions
  const double k1 = m.office ? 4.0 : 2.0, k2 = 2.0 * k1;
  f.bic_one = k1 * std::log(n) - 2.0 * f.best_loglik;
  f.bic_two = k2 * std::log(n) - 2.0 * z.ll;
  f.two_preferred_bic = f.bic_two < f.bic_one;
  f.n_bootstrap = o.n_bootstrap;
  if (o.n_bootstrap > 0) {
    // Parametric bootstrap from the fitted one-zone model (cell counts ~ Poisson).
    std::vector<double> mean(week_cells);
    for (std::size_t c = 0; c < week_cells; ++c) {
      const double rate = m.office ? f.best_levels[static_cast<std::size_t>(m.cells[rot(c, jbest)])]
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

}  // namespace tealeaves::rhythm::detail
