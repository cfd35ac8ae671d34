// Internals of the time-zone fit (tealeaves/rhythm/timezone.hpp), shared by its translation
// units: the offset scan, interval and surrogate significance (timezone.cpp), the occupied-cell
// likelihoods that the surrogate and bootstrap statistics evaluate many times
// (timezone_cells.cpp), and the two-zone EM model with its parametric bootstrap
// (timezone_two_zones.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/rhythm/timezone.hpp"

namespace tealeaves::rhythm::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();
inline constexpr std::ptrdiff_t kCells = static_cast<std::ptrdiff_t>(week_cells);

inline std::size_t rot(std::size_t c, std::ptrdiff_t j) {
  return static_cast<std::size_t>(((static_cast<std::ptrdiff_t>(c) + j) % kCells + kCells) %
                                  kCells);
}

inline double hours(std::ptrdiff_t cells) {
  return static_cast<double>(cells) * 0.25;
}

// sum_c n_c log E_c - log n_c!: the part of the Poisson log-likelihood that no model changes
// (defined in week_table.cpp).
double cell_constant(const WeekTable& t);

// Everything fixed by the template and the grid.
struct Model {
  bool office = true;
  std::vector<double> cells;          // class (office) or relative rate (given), local cells
  std::vector<std::ptrdiff_t> grid;   // offsets in cells
  std::ptrdiff_t min_separation = 8;  // two zones: cells
};

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

PairCache make_pairs(const WeekTable& t, const Model& m, bool pairs);

struct Occupied {
  std::vector<std::size_t> cell;
  std::vector<double> count;
};

Occupied occupied(const WeekTable& t);
// Sessions of a surrogate (UTC, no collapsing) in the occupied-cell form.
Occupied occupied_utc(const EventSeries& s);
// sum over occupied cells of n log E - log n! (the exposure is the observed one).
double occupied_constant(const Occupied& occ, const PairCache& pc);
// One-zone log-likelihood at every grid offset, from the occupied cells only.
std::vector<double> scan_fast(const Occupied& occ, double n_total, double constant, const Model& m,
                              const PairCache& pc);
double flat_fast(double n_total, double constant, const PairCache& pc);
double max_of(const std::vector<double>& v);

// Two zones: the best pair of offsets (EM for each admissible pair of `pc`), its LR against the
// one-zone fit already in `f` (best offset `jbest`, levels, log-likelihood), the BIC of both
// models and the parametric-bootstrap p-value; fills the two_* fields of `f`.
void fit_two_zones(TimezoneFit& f, const WeekTable& utc, double constant, const Model& m,
                   const PairCache& pc, std::ptrdiff_t jbest, const TimezoneOptions& o);

}  // namespace tealeaves::rhythm::detail
