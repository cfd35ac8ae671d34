#include "tealeaves/interarrival/burstiness.hpp"

#include <algorithm>
#include <cmath>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {
namespace {

// Pearson correlation of consecutive gaps: the memory coefficient.
double memory_coefficient(const GapSample& s, std::size_t pairs) {
  if (pairs < 2) return std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(pairs);
  double m1 = 0.0, m2 = 0.0;
  for_each_adjacent_pair(s, [&](double a, double b) { m1 += a, m2 += b; });
  m1 /= n, m2 /= n;
  double s11 = 0.0, s22 = 0.0, s12 = 0.0;
  for_each_adjacent_pair(s, [&](double a, double b) {
    s11 += (a - m1) * (a - m1), s22 += (b - m2) * (b - m2), s12 += (a - m1) * (b - m2);
  });
  if (!(s11 > 0.0 && s22 > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return s12 / std::sqrt(s11 * s22);
}

void local_variation(const GapSample& s, Burstiness& out) {
  double cv2 = 0.0, lv = 0.0, lvr = 0.0, used = 0.0;
  const double r = out.refractory;
  for_each_adjacent_pair(s, [&](double a, double b) {
    const double sum = a + b;
    if (!(sum > 0.0)) return;
    used += 1.0;
    cv2 += 2.0 * std::abs(b - a) / sum;
    lv += (a - b) * (a - b) / (sum * sum);
    lvr += (1.0 - 4.0 * a * b / (sum * sum)) * (1.0 + 4.0 * r / sum);
  });
  if (used < 1.0) return;
  out.cv2 = cv2 / used;
  out.lv = 3.0 * lv / used;
  out.lvr = 3.0 * lvr / used;
}

}  // namespace

Burstiness burstiness(const GapSample& s, const BurstinessOptions& o) {
  require(std::isfinite(o.refractory), "refractory", "must be finite");
  Burstiness out;
  out.n_gaps = s.gaps.size();
  out.n_pairs = count_adjacent_pairs(s);
  double smallest = std::numeric_limits<double>::infinity();
  for (const double g : s.gaps) {
    if (g > 0.0) smallest = std::min(smallest, g);
  }
  out.refractory = o.refractory >= 0.0 ? o.refractory : (std::isfinite(smallest) ? smallest : 0.0);
  if (out.n_gaps >= 1) {
    const double n = static_cast<double>(out.n_gaps);
    double sum = 0.0;
    for (const double g : s.gaps) sum += g;
    out.mean = sum / n;
    double squares = 0.0;
    for (const double g : s.gaps) squares += (g - out.mean) * (g - out.mean);
    out.std_dev = std::sqrt(squares / n);
  }
  if (out.n_gaps >= 2 && out.mean > 0.0) {
    const double r = out.std_dev / out.mean;
    const double n = static_cast<double>(out.n_gaps);
    out.cv = r;
    out.b = (out.std_dev - out.mean) / (out.std_dev + out.mean);
    const double up = std::sqrt(n + 1.0), down = std::sqrt(n - 1.0);
    out.b_n = (up * r - down) / ((up - 2.0) * r + down);
  }
  out.memory = memory_coefficient(s, out.n_pairs);
  local_variation(s, out);
  return out;
}

}  // namespace tealeaves::interarrival
