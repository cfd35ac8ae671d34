// Occupied-cell likelihoods of the time-zone fit: what the offset scan needs that depends only
// on the exposure is computed once (PairCache), so a surrogate or bootstrap replicate costs one
// pass over its occupied cells per offset.
#include <algorithm>
#include <array>
#include <cmath>

#include "timezone_internal.hpp"

namespace tealeaves::rhythm::detail {

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

double occupied_constant(const Occupied& occ, const PairCache& pc) {
  double s = 0.0;
  for (std::size_t i = 0; i < occ.cell.size(); ++i) {
    s += occ.count[i] * std::log(pc.exposure[occ.cell[i]]) - std::lgamma(occ.count[i] + 1.0);
  }
  return s;
}

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

double max_of(const std::vector<double>& v) {
  double best = kNegInf;
  for (const double x : v) best = std::max(best, x);
  return best;
}

}  // namespace tealeaves::rhythm::detail
