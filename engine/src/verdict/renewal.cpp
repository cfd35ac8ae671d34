// The jittered-period renewal model: a geometric number of periods plus Gaussian jitter, each
// component truncated to gaps > 0 (see models.hpp for the density and the window likelihood).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "verdict_internal.hpp"

namespace tealeaves::verdict {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr double kWidth = 10.0;  // components farther than 10 jitters contribute < 1e-22

// log Phi_c(z) = log P(N(0,1) > z), accurate in both tails.
double log_normal_sf(double z) {
  if (z < 5.0) return std::log(0.5 * std::erfc(z / std::numbers::sqrt2));
  const double z2 = z * z;
  // Asymptotic (Abramowitz & Stegun 26.2.12) where erfc loses relative precision.
  return -0.5 * z2 - std::log(z * std::sqrt(2.0 * std::numbers::pi)) +
         std::log1p(-1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2));
}

double log_normal_pdf(double z) {
  return -0.5 * z * z - 0.5 * std::log(2.0 * std::numbers::pi);
}

// Weight log((1 - q) q^(m - 1)).
double log_weight(double m, const RenewalParams& p) {
  if (m == 1.0) return std::log1p(-p.miss);
  return std::log1p(-p.miss) + (m - 1.0) * (p.miss > 0.0 ? std::log(p.miss) : kNegInf);
}

// Components m in [lo, hi] around x: every component within kWidth jitters, and the nearest
// one on each side.
void component_range(double x, const RenewalParams& p, double& lo, double& hi) {
  if (p.miss == 0.0) {  // one component
    lo = hi = 1.0;
    return;
  }
  const double reach = std::ceil(kWidth * p.jitter / p.period);
  lo = std::max(1.0, std::floor(x / p.period) - reach);
  hi = std::max(1.0, std::floor(x / p.period) + 1.0 + reach);
}

}  // namespace

double renewal_log_pdf(double gap, const RenewalParams& p) {
  if (!(gap > 0.0)) return kNegInf;
  double lo, hi, out = kNegInf;
  component_range(gap, p, lo, hi);
  for (double m = lo; m <= hi; m += 1.0) {
    const double c = m * p.period;
    out = stats::log_add(out, log_weight(m, p) + log_normal_pdf((gap - c) / p.jitter) -
                                  std::log(p.jitter) - log_normal_sf(-c / p.jitter));
  }
  return out;
}

double renewal_log_sf(double gap, const RenewalParams& p) {
  if (!(gap > 0.0)) return 0.0;
  double lo, hi, out = kNegInf;
  component_range(gap, p, lo, hi);
  for (double m = lo; m <= hi; m += 1.0) {
    const double c = m * p.period;
    out = stats::log_add(
        out, log_weight(m, p) + log_normal_sf((gap - c) / p.jitter) - log_normal_sf(-c / p.jitter));
  }
  // Components beyond hi survive with probability ~1: total weight q^hi. Components below lo
  // (gap > m P + 10 s) survive with probability < 1e-23: left out.
  if (p.miss > 0.0) out = stats::log_add(out, hi * std::log(p.miss));
  return out;
}

double renewal_mean(const RenewalParams& p) {
  // sum_m w_m (m P + s phi(mP/s) / Phi(mP/s)); the correction decays like phi(2m).
  double mean = p.period / (1.0 - p.miss);
  double w = 1.0 - p.miss;
  for (double m = 1.0; m <= 40.0; m += 1.0, w *= p.miss) {
    const double z = m * p.period / p.jitter;
    mean += w * p.jitter * std::exp(log_normal_pdf(z) - log_normal_sf(-z));
    if (w == 0.0) break;
  }
  return mean;
}

double renewal_log_equilibrium_sf(double x, const RenewalParams& p) {
  if (!(x > 0.0)) return 0.0;
  const double mean = renewal_mean(p);
  double lo, hi;
  component_range(x, p, lo, hi);
  // integral_x^inf sf_m(u) du = s [phi(z) - z Phi_c(z)] / Phi(mP/s), z = (x - mP) / s, for the
  // components near x; below lo it is ~0; above hi it is mean_m - x ~ m P - x.
  double total = 0.0;
  double w = (1.0 - p.miss) * std::pow(p.miss, lo - 1.0);
  for (double m = lo; m <= hi; m += 1.0, w *= p.miss) {
    if (w == 0.0) break;
    const double c = m * p.period, z = (x - c) / p.jitter;
    const double tail = p.jitter * (std::exp(log_normal_pdf(z)) - z * std::exp(log_normal_sf(z)));
    total += w * tail / std::exp(log_normal_sf(-c / p.jitter));
  }
  if (p.miss > 0.0) {
    // sum_{m > hi} (1 - q) q^(m-1) (m P - x) = q^hi (P (hi + 1 / (1 - q)) - x).
    total += std::pow(p.miss, hi) * (p.period * (hi + 1.0 / (1.0 - p.miss)) - x);
  }
  return std::log(std::max(total, 1e-300)) - std::log(mean);
}

namespace {

// renewal_log_pdf for many gaps at one parameter set. The component constant is
// log w_m - log s - log Phi(m P / s) - log sqrt(2 pi); log Phi(m P / s) is tabulated for m <= 40
// and is 0 in double precision beyond (m P / s >= 80, as s <= P / 2).
class PdfTable {
 public:
  explicit PdfTable(const RenewalParams& p) : p_(p) {
    log_q_ = p.miss > 0.0 ? std::log(p.miss) : kNegInf;
    base_ = std::log1p(-p.miss) - std::log(p.jitter) - 0.5 * std::log(2.0 * std::numbers::pi);
    for (std::size_t m = 1; m < kTable; ++m) {
      log_norm_[m] = log_normal_sf(-static_cast<double>(m) * p.period / p.jitter);
    }
  }
  double operator()(double gap) const {
    if (!(gap > 0.0)) return kNegInf;
    double lo, hi;
    component_range(gap, p_, lo, hi);
    double terms[64];
    std::size_t k = 0;
    double top = kNegInf;
    for (double m = lo; m <= hi && k < 64; m += 1.0) {
      const double z = (gap - m * p_.period) / p_.jitter;
      const auto index = static_cast<std::size_t>(m);
      const double norm = index < kTable ? log_norm_[index] : 0.0;
      const double weight = m == 1.0 ? 0.0 : (m - 1.0) * log_q_;
      terms[k] = base_ + weight - norm - 0.5 * z * z;
      top = std::max(top, terms[k++]);
    }
    if (!std::isfinite(top)) return top;
    double sum = 0.0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(terms[j] - top);
    return top + std::log(sum);
  }

 private:
  static constexpr std::size_t kTable = 41;
  RenewalParams p_;
  double log_q_ = 0.0, base_ = 0.0;
  double log_norm_[kTable] = {};
};

}  // namespace

double renewal_log_likelihood(std::span<const double> times, const std::vector<Interval>& good,
                              const RenewalParams& p) {
  const double log_mean = std::log(renewal_mean(p));
  const PdfTable log_pdf(p);
  double ll = 0.0;
  std::size_t i = 0;
  for (const auto& g : good) {
    if (i >= times.size() || times[i] > g.stop) {
      ll += renewal_log_equilibrium_sf(g.length(), p);
      continue;
    }
    ll += renewal_log_sf(times[i] - g.start, p) - log_mean;  // equilibrium density S(x) / E[g]
    double last = times[i++];
    while (i < times.size() && times[i] <= g.stop) {
      ll += log_pdf(times[i] - last);
      last = times[i++];
    }
    ll += renewal_log_sf(g.stop - last, p);
  }
  return ll;
}

std::vector<double> simulate_renewal(const RenewalParams& p, const std::vector<Interval>& good,
                                     Rng& rng) {
  require(p.period > 0.0 && std::isfinite(p.period), "period", "must be positive");
  require(p.jitter > 0.0 && p.jitter <= 0.5 * p.period, "jitter", "must be in (0, period / 2]");
  require(p.miss >= 0.0 && p.miss < 1.0, "miss", "must be in [0, 1)");
  auto draw_gap = [&] {
    double m = 1.0;
    while (rng.uniform() < p.miss) m += 1.0;
    for (;;) {  // truncated to > 0 by rejection (accepts with probability >= Phi(2))
      const double g = m * p.period + p.jitter * rng.normal();
      if (g > 0.0) return g;
    }
  };
  std::vector<double> out;
  for (const auto& g : good) {
    // Stationary start: draw a full gap, start the clock a uniform fraction into a
    // length-biased one (equilibrium forward recurrence) by burning in a few gaps.
    double t = g.start - 20.0 * renewal_mean(p) * rng.uniform_open();
    while (t < g.start) t += draw_gap();
    while (t <= g.stop) {
      out.push_back(t);
      t += draw_gap();
    }
  }
  return out;
}

}  // namespace tealeaves::verdict
