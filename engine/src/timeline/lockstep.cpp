// Lockstep of two lookup series: matched shares and lags, and the local-rotation null.
#include "tealeaves/timeline/lockstep.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

namespace tealeaves::timeline {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
using Counts = std::array<double, 2>;

// How many of the sorted x have some y within +-tolerance (y sorted).
std::size_t covered(const std::vector<double>& x, const std::vector<double>& y, double tolerance) {
  std::size_t k = 0;
  auto it = y.begin();
  for (double v : x) {
    it = std::lower_bound(it, y.end(), v - tolerance);  // x sorted: never moves back
    if (it != y.end() && *it <= v + tolerance) ++k;
  }
  return k;
}

Counts counts(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
  return {static_cast<double>(covered(a, b, tolerance)),
          static_cast<double>(covered(b, a, tolerance))};
}

// Each a time's nearest b (the earlier on a tie) when within the tolerance.
void nearest_lags(const std::vector<double>& a, const std::vector<double>& b, double tolerance,
                  double origin, Lockstep& out) {
  if (b.empty()) return;
  for (double v : a) {
    const auto right = std::lower_bound(b.begin(), b.end(), v);
    double lag = std::numeric_limits<double>::infinity();
    if (right != b.begin()) lag = *(right - 1) - v;
    if (right != b.end() && std::abs(*right - v) < std::abs(lag)) lag = *right - v;
    if (std::abs(lag) <= tolerance) {
      out.matched_a.push_back(origin + v);
      out.lags.push_back(lag);
    }
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return 0.5 * (*std::max_element(v.begin(), v.begin() + static_cast<long>(mid)) + upper);
}

// Westfall-Young single-step max-T over the columns; row 0 is the observation. Ties count
// against it. Returns the marginal p of each column and the smallest adjusted p.
void max_t(const std::vector<Counts>& rows, Lockstep& out) {
  const auto n = static_cast<double>(rows.size());
  Counts mean{0.0, 0.0}, sd{0.0, 0.0};
  for (const auto& r : rows)
    for (int j = 0; j < 2; ++j) mean[j] += r[j] / n;
  for (const auto& r : rows)
    for (int j = 0; j < 2; ++j) sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
  for (int j = 0; j < 2; ++j) sd[j] = std::sqrt(sd[j]);
  auto z = [&](const Counts& r, int j) { return sd[j] > 0.0 ? (r[j] - mean[j]) / sd[j] : 0.0; };
  Counts marginal{0.0, 0.0}, adjusted{0.0, 0.0};
  for (const auto& r : rows) {
    const double top = std::max(z(r, 0), z(r, 1));
    for (int j = 0; j < 2; ++j) {
      marginal[j] += r[j] >= rows[0][j] ? 1.0 : 0.0;
      adjusted[j] += top >= z(rows[0], j) ? 1.0 : 0.0;
    }
  }
  out.p_a = marginal[0] / n;
  out.p_b = marginal[1] / n;
  out.p_value = std::min(adjusted[0], adjusted[1]) / n;
}

std::string null_text(const LockstepOptions& o) {
  return "rotations of a's lookups along a's observed time by u, |u| uniform in (" +
         format_number(2.0 * o.tolerance) + ", " + format_number(o.max_shift) +
         "] s, either sign, b fixed (keeps both series' bursts, gaps and slower rhythm, "
         "destroys only their alignment); Monte-Carlo p = (k + 1) / (n + 1), ties against the "
         "observation (no match at all gives p = 1); both directions (share of a with a "
         "partner in b, share of b with a partner in a) in one Westfall-Young max-T family of "
         "2 tests; no other multiplicity";
}

}  // namespace

Lockstep lockstep(const EventSeries& a, const EventSeries& b, const LockstepOptions& o) {
  require(!a.empty(), "a", "has no lookups");
  require(!b.empty(), "b", "has no lookups");
  require(std::isfinite(o.tolerance) && o.tolerance > 0.0, "tolerance",
          "must be positive and finite, got " + format_number(o.tolerance));
  require(o.n_surrogates == 0 || (std::isfinite(o.max_shift) && o.max_shift > 2.0 * o.tolerance),
          "max_shift",
          "must exceed twice the tolerance (" + format_number(2.0 * o.tolerance) + " s), got " +
              format_number(o.max_shift));
  require(o.n_surrogates == 0 || a.exposure() > 0.0, "a", "has no observed time to rotate in");
  Lockstep out;
  out.n_a = a.size();
  out.n_b = b.size();
  const std::vector<double> a_rel(a.times().begin(), a.times().end());
  std::vector<double> b_rel;  // b's lookups inside a's window, relative to a's origin
  for (double t : b.times()) {
    const double at = b.origin() + t;
    if (at >= a.start() && at <= a.end()) b_rel.push_back(at - a.origin());
  }
  out.n_b_outside = b.size() - b_rel.size();
  const Counts observed = counts(a_rel, b_rel, o.tolerance);
  out.k_a = static_cast<std::size_t>(observed[0]);
  out.k_b = static_cast<std::size_t>(observed[1]);
  out.fraction_a = observed[0] / static_cast<double>(a_rel.size());
  out.fraction_b = b_rel.empty() ? 0.0 : observed[1] / static_cast<double>(b_rel.size());
  nearest_lags(a_rel, b_rel, o.tolerance, a.origin(), out);
  out.median_lag = median(out.lags);
  out.n_surrogates = o.n_surrogates;
  out.null = null_text(o);
  out.p_a = out.p_b = out.p_value = kNaN;
  if (o.n_surrogates == 0) return out;
  std::vector<Counts> rows(o.n_surrogates + 1);
  rows[0] = observed;
  const double low = 2.0 * o.tolerance, width = o.max_shift - low;
  parallel_for_blocks(o.n_surrogates, 1, o.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      Rng rng(o.seed, i);
      const double u = low + width * rng.uniform();
      const double shift = rng.uniform() < 0.5 ? -u : u;
      rows[i + 1] = counts(nullmodel::rotated_times(a, shift), b_rel, o.tolerance);
    }
  });
  max_t(rows, out);
  return out;
}

}  // namespace tealeaves::timeline
