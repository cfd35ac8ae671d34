// The verdict's machine lines: whole-series and segment-averaged local-median line searches.
#include <algorithm>
#include <array>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/periodogram.hpp"
#include "tealeaves/verdict/verdict.hpp"

namespace tealeaves::verdict {
namespace {

// printf-style number formatting for the texts (Python's "%.6g" etc.).
std::string fmt(const char* spec, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, value);
  return buf;
}

constexpr std::size_t kNear = 2, kFar = 33;      // neighbours used for the local median
constexpr std::size_t kRank = kFar - kNear + 1;  // lower median of 2 kRank neighbours
constexpr std::size_t kM = 2 * kRank;            // 64 neighbours
constexpr double kCombFactor = 4.0;              // daily harmonic vs its comb neighbours
constexpr std::size_t kSegment = 1024;           // bins per segment
constexpr double kDay = 86400.0;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

using Policy = boost::math::policies::policy<
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;

Line none_line(const char* test, const char* why) {
  Line l;
  l.period = kNaN;
  l.binned_period = kNaN;
  l.p_global = 1.0;
  l.evidence = {test, 0.0, 1.0, "", why, ""};
  return l;
}

Line make_line(const std::string& test, double period, double ratio, double p, std::string null,
               const std::string& found) {
  Line l;
  l.period = period;
  l.p_global = p;
  l.evidence = {test,
                ratio,
                p,
                std::move(null),
                p < 0.05 ? found : "no " + test + " stands out of the spectrum",
                "machine"};
  return l;
}

// A line found in the binned counts (p < 0.05) placed on the event times: its alias resolved
// and its period refined (refine_frequency); the explanation says what was done.
std::string place_on_events(Line& l, const EventSeries& series, double bin_width, double df,
                            double segment, double strongest) {
  l.binned_period = l.period;
  if (!(l.p_global < 0.05)) return "";
  std::vector<double> binned{1.0 / l.period};
  if (std::abs(strongest - binned[0]) > 0.5 * df) binned.push_back(strongest);
  const auto r = refine_frequency(series, binned, bin_width, df, segment);
  l.period = 1.0 / r.frequency;
  l.alias_order = r.alias_order;
  if (r.alias_order != 0) {
    return " (binned at " + fmt("%g", bin_width) + " s, the line at " +
           fmt("%.6g", 1.0 / r.base_frequency) + " s is the alias of " + fmt("%.6g", l.period) +
           " s, chosen on the event times: Rayleigh power " + fmt("%.1f", r.power) + " against " +
           fmt("%.1f", r.binned_power) + " at " + fmt("%.6g", l.binned_period) + " s)";
  }
  if (r.base_frequency != binned[0]) {
    return " (on the event times: the bin grid's strongest ordinate, " +
           fmt("%.6g", 1.0 / r.base_frequency) + " s, rather than its sub-harmonic " +
           fmt("%.6g", l.binned_period) + " s)";
  }
  return " (refined on the event times from the bin grid's " + fmt("%.6g", l.binned_period) + " s)";
}

// `made` (from make_line) with the binned period and alias order of `placed`.
Line with_evidence(const Line& placed, Line made) {
  made.binned_period = placed.binned_period;
  made.alias_order = placed.alias_order;
  return made;
}

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Zero the ratio at daily harmonics no stronger than kCombFactor x their comb neighbours.
void drop_routine_harmonics(std::vector<double>& ratio, const std::vector<double>& power,
                            double fmax, double df) {
  const auto n_harm = static_cast<long>(fmax * kDay);
  if (n_harm < 2 || 1.0 / (kDay * df) < 3) return;  // under 3 days: not resolved
  const long last = static_cast<long>(power.size()) - 1;
  const auto n = static_cast<std::size_t>(n_harm + 2);
  std::vector<std::array<std::size_t, 3>> idx(n);
  std::vector<double> strength(n, 0.0);
  for (std::size_t h = 0; h < n; ++h) {
    const auto centre = static_cast<long>(std::nearbyint(static_cast<double>(h) / kDay / df));
    for (long d = -1; d <= 1; ++d) {
      const auto i = static_cast<std::size_t>(std::clamp(centre + d, 0L, last));
      idx[h][static_cast<std::size_t>(d + 1)] = i;
      strength[h] = std::max(strength[h], power[i]);
    }
  }
  strength[0] = 0.0;
  for (std::size_t h = 1; h + 1 < n; ++h) {
    if (strength[h] <= kCombFactor * std::max(strength[h - 1], strength[h + 1])) {
      for (std::size_t i : idx[h]) ratio[i] = 0.0;
    }
  }
}

// The lowest significant sub-harmonic k/m (within one ordinate) of the strongest line k.
std::size_t fundamental(std::size_t k, const std::vector<double>& ratio, std::size_t lo,
                        std::size_t n_searched, double alpha) {
  const std::size_t top = k / std::max<std::size_t>(lo, 1);
  std::size_t found = k;
  for (std::size_t m = 2; m <= top; ++m) {
    const auto j =
        static_cast<std::size_t>(std::nearbyint(static_cast<double>(k) / static_cast<double>(m)));
    const std::size_t cand[3] = {j - 1, j, std::min(j + 1, ratio.size() - 1)};
    std::size_t best = cand[0];
    for (std::size_t c : cand) {
      if (ratio[c] > ratio[best]) best = c;
    }
    if (p_global(ratio[best], n_searched) < alpha) found = best;
  }
  return found;
}

}  // namespace

double auto_bin_width(double duration) {
  static constexpr double widths[] = {10.0,  15.0,  20.0,  30.0,   60.0,  120.0,
                                      300.0, 600.0, 900.0, 1800.0, 3600.0};
  // Short logs (under 1024 bins of 10 s, about 2.8 h) get finer bins, the coarsest of 5 s
  // down to 0.1 s that still gives 1024: otherwise a 20-minute log of 30 s pollers has no
  // spectrum to search.
  if (duration / widths[0] < 1024.0) {
    for (const double w : {5.0, 2.0, 1.0, 0.5, 0.2}) {
      if (duration / w >= 1024.0) return w;
    }
    return 0.1;
  }
  const double need = duration / static_cast<double>(std::size_t{1} << 17);
  for (double w : widths) {
    if (w >= need) return w;
  }
  return widths[std::size(widths) - 1];
}

double log_sf_ratio(double r) {
  // E[exp(-r M)] = prod_{i<=j} (m-i+1) / (m-i+1+r) by Renyi's representation.
  double s = 0.0;
  for (std::size_t i = 1; i <= kRank; ++i) {
    const double a = static_cast<double>(kM - i + 1);
    s += std::log(a / (a + r));
  }
  return s;
}

double log_sf_ratio_averaged(double r, double k) {
  require(std::isfinite(k) && k >= 1.0, "k", "must be finite and >= 1");
  require(!std::isnan(r), "r", "must not be NaN");
  if (k == 1.0) return log_sf_ratio(r);
  if (r <= 0.0) return 0.0;
  // M's CDF value V = F(M) is Beta(j, m - j + 1); X / M > r  <=>  X > r F^-1(V). So
  // P = integral_0^1 beta_pdf(v) Q(k, r G^-1(v)) dv, G^-1(v) = gamma_p_inv(k, v) = k F^-1(v):
  // exact for r = 1 (Q(k, G^-1(v)) = 1 - v) and smooth in v for any real k.
  const boost::math::beta_distribution<double> beta(static_cast<double>(kRank),
                                                    static_cast<double>(kM - kRank + 1));
  const Policy pol;
  auto f = [&](double v) {
    if (v <= 0.0 || v >= 1.0) return 0.0;
    const double u = boost::math::gamma_p_inv(k, v, pol);  // k M, a Gamma(k, 1) quantile
    return boost::math::pdf(beta, v) * boost::math::gamma_q(k, r * u, pol);
  };
  double error = 0.0;
  const double value =
      boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, 0.0, 1.0, 15, 1e-12, &error);
  return std::log(std::max(value, 1e-300));
}

double p_global(double ratio, std::size_t n_searched, double k) {
  const double p_single = std::exp(log_sf_ratio_averaged(ratio, k));
  return -std::expm1(static_cast<double>(n_searched) * std::log1p(-std::min(p_single, 1 - 1e-16)));
}

std::vector<double> ratio_to_local_median(std::span<const double> power) {
  std::vector<double> out(power.size(), 0.0);
  if (power.size() < 2 * kFar + 1) return out;
  // The neighbourhood of i is power[i-33..i-2] and power[i+2..i+33]; moving to i+1 drops
  // power[i-33] and power[i+2] and adds power[i-1] and power[i+34]. A sorted window of the 64
  // values is updated by binary search (the same multiset as a fresh nth_element).
  std::vector<double> w(kM);
  std::copy(power.begin(), power.begin() + static_cast<std::ptrdiff_t>(kRank), w.begin());
  std::copy(power.begin() + static_cast<std::ptrdiff_t>(kFar + kNear),
            power.begin() + static_cast<std::ptrdiff_t>(2 * kFar + 1),
            w.begin() + static_cast<std::ptrdiff_t>(kRank));
  std::sort(w.begin(), w.end());
  auto replace = [&w](double gone, double added) {
    auto it = std::lower_bound(w.begin(), w.end(), gone);  // present: it is in the window
    w.erase(it);
    w.insert(std::upper_bound(w.begin(), w.end(), added), added);
  };
  for (std::size_t i = kFar;; ++i) {
    const double median = w[kRank - 1];
    out[i] = median > 0 ? power[i] / median : 0.0;
    if (i + kFar + 1 >= power.size()) break;
    replace(power[i - kFar], power[i - 1]);
    replace(power[i + kNear], power[i + kFar + 1]);
  }
  return out;
}

Line spectral_line(const EventSeries& series, double bin_width, double max_period, double alpha) {
  const auto binned = spectral::bin_events(series, bin_width);
  spectral::PeriodogramOptions po;
  po.fs = 1.0 / bin_width;
  po.scaling = spectral::Scaling::leahy;
  const auto spectrum = spectral::periodogram(binned.counts, po);
  const auto& power = spectrum.power;
  const double df = spectrum.df();
  std::vector<double> ratio = ratio_to_local_median(power);
  const auto lo = std::max<std::size_t>(
      kFar, static_cast<std::size_t>(std::max(0.0, std::ceil(1.0 / (max_period * df)))));
  const long hi_signed = static_cast<long>(power.size()) - static_cast<long>(kFar) - 1;
  if (hi_signed <= static_cast<long>(lo)) {
    return none_line("spectral line", "series too short for a line search");
  }
  const auto hi = static_cast<std::size_t>(hi_signed);
  std::fill(ratio.begin(), ratio.begin() + static_cast<std::ptrdiff_t>(lo), 0.0);
  std::fill(ratio.begin() + static_cast<std::ptrdiff_t>(hi), ratio.end(), 0.0);
  drop_routine_harmonics(ratio, power, spectrum.frequency(power.size() - 1), df);
  const std::size_t n_searched = hi - lo;
  std::size_t k = argmax(ratio);
  const double p = p_global(ratio[k], n_searched);
  const double strongest = spectrum.frequency(k);
  k = fundamental(k, ratio, lo, n_searched, alpha);
  Line l;
  l.period = 1.0 / spectrum.frequency(k);
  l.p_global = p;
  const std::string note = place_on_events(l, series, bin_width, df, 0.0, strongest);
  std::string null =
      "smooth spectrum (no line): ordinate / median of its 64 neighbours, "
      "exponential ordinates; Sidak over " +
      std::to_string(n_searched) + " frequencies (periods " + fmt("%g", 2 * bin_width) + " s to " +
      fmt("%g", max_period) + " s)";
  const std::string found = "a line at " + fmt("%.6g", l.period) + " s stands " +
                            fmt("%.1f", ratio[k]) + "x above its neighbourhood" + note;
  return with_evidence(l,
                       make_line("spectral line", l.period, ratio[k], p, std::move(null), found));
}

Line segment_line(const EventSeries& series, double bin_width) {
  const auto binned = spectral::bin_events(series, bin_width);
  const std::size_t n_seg = binned.counts.size() / kSegment;
  if (n_seg < 2) return none_line("segment line", "under two segments: not searched");
  // |rfft|^2 of each mean-removed segment: the engine's "power" scaling is |X|^2 / n^2,
  // doubled except at DC and Nyquist (exact powers of two, undone here).
  spectral::PeriodogramOptions po;
  po.scaling = spectral::Scaling::power;
  po.detrend = spectral::Detrend::constant;
  const std::size_t n_freq = spectral::onesided_size(kSegment);
  std::vector<double> seg(n_freq), mean(n_freq, 0.0), level(n_seg, 0.0);
  const double n2 = static_cast<double>(kSegment) * static_cast<double>(kSegment);
  for (std::size_t s = 0; s < n_seg; ++s) {
    const std::span<const double> x(binned.counts.data() + s * kSegment, kSegment);
    spectral::periodogram_into(x, seg, po);
    double sum = 0.0;
    for (std::size_t i = 0; i < n_freq; ++i) {
      const double unfold = (i == 0 || i == n_freq - 1) ? 1.0 : 0.5;
      seg[i] *= n2 * unfold;
      mean[i] += seg[i];
      if (i > 0) sum += seg[i];
    }
    level[s] = sum / static_cast<double>(n_freq - 1);
  }
  double sum_l = 0.0, sum_l2 = 0.0;
  for (double l : level) {
    sum_l += l;
    sum_l2 += l * l;
  }
  if (!(sum_l > 0)) return none_line("segment line", "under two segments: not searched");
  for (double& m : mean) m /= static_cast<double>(n_seg);
  // Satterthwaite: unequal levels give fewer effective degrees of freedom; rounded down
  // (a heavier tail: conservative). The tail is exact for any k, so no cap is needed.
  const double k_eff = std::max(1.0, std::floor(sum_l * sum_l / sum_l2));
  std::vector<double> ratio = ratio_to_local_median(mean);
  const std::size_t lo = std::max<std::size_t>(kFar, 4), hi = n_freq - kFar - 1;
  std::fill(ratio.begin(), ratio.begin() + static_cast<std::ptrdiff_t>(lo), 0.0);
  std::fill(ratio.begin() + static_cast<std::ptrdiff_t>(hi), ratio.end(), 0.0);
  const std::size_t k = argmax(ratio);
  const std::size_t n_searched = hi - lo;
  const double p = p_global(ratio[k], n_searched, k_eff);
  Line placed;
  placed.period = static_cast<double>(kSegment) * bin_width / static_cast<double>(k);
  placed.p_global = p;
  const double seg_s = static_cast<double>(kSegment) * bin_width;
  const std::string note =
      place_on_events(placed, series, bin_width, 1.0 / seg_s, seg_s, 1.0 / placed.period);
  const double period = placed.period;
  std::string null = "smooth spectrum averaged over " + std::to_string(n_seg) + " segments of " +
                     fmt("%g", static_cast<double>(kSegment) * bin_width) + " s (effectively " +
                     fmt("%.0f", k_eff) + "): ordinate / median of its 64 neighbours; Sidak over " +
                     std::to_string(n_searched) + " frequencies";
  const std::string found = "a line at " + fmt("%.6g", period) +
                            " s within segments: a machine that stops and restarts" + note;
  Line l =
      with_evidence(placed, make_line("segment line", period, ratio[k], p, std::move(null), found));
  l.k_eff = k_eff;
  return l;
}

}  // namespace tealeaves::verdict
