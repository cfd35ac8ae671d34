// Direct-sum generalised Lomb-Scargle in long double: astropy's slow implementation
// (lombscargle_slow, with the tau time shift) transcribed, one sin/cos per point per frequency.
#pragma once

#include <cmath>
#include <numbers>
#include <span>
#include <string_view>
#include <vector>

namespace tealeaves::reference {

inline std::vector<double> lomb_scargle(std::span<const double> t, std::span<const double> y,
                                        std::span<const double> dy,
                                        std::span<const double> frequency,
                                        std::string_view normalization, bool fit_mean = true,
                                        bool center_data = true) {
  using ld = long double;
  const std::size_t n = t.size();
  std::vector<ld> w(n), yv(n), tv(n);
  ld wsum = 0.0L, t0 = t[0];
  for (std::size_t i = 0; i < n; ++i) t0 = std::min<ld>(t0, t[i]);
  for (std::size_t i = 0; i < n; ++i) {
    const ld sigma = dy.empty() ? 1.0L : static_cast<ld>(dy[i]);
    w[i] = 1.0L / (sigma * sigma);
    wsum += w[i];
    tv[i] = static_cast<ld>(t[i]) - t0;  // the power does not depend on the time origin
  }
  ld ymean = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    w[i] /= wsum;
    ymean += w[i] * y[i];
  }
  for (std::size_t i = 0; i < n; ++i) yv[i] = (fit_mean || center_data) ? y[i] - ymean : y[i];
  ld big_y = 0.0L, yy = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    big_y += w[i] * yv[i];
    yy += w[i] * yv[i] * yv[i];
  }
  std::vector<double> out(frequency.size());
  const ld two_pi = 2.0L * std::numbers::pi_v<ld>;
  for (std::size_t k = 0; k < frequency.size(); ++k) {
    const ld omega = two_pi * static_cast<ld>(frequency[k]);
    ld s2 = 0.0L, c2 = 0.0L, s = 0.0L, c = 0.0L;
    for (std::size_t i = 0; i < n; ++i) {
      const ld sn = std::sin(omega * tv[i]), cs = std::cos(omega * tv[i]);
      s2 += 2.0L * w[i] * sn * cs;
      c2 += 2.0L * w[i] * (0.5L - sn * sn);
      s += w[i] * sn;
      c += w[i] * cs;
    }
    if (fit_mean) {
      s2 -= 2.0L * s * c;
      c2 -= c * c - s * s;
    }
    const ld tau = 0.5L * std::atan2(s2, c2);
    ld yc = 0.0L, ys = 0.0L, cc = 0.0L, ss = 0.0L, ct = 0.0L, st = 0.0L;
    for (std::size_t i = 0; i < n; ++i) {
      const ld sn = std::sin(omega * tv[i] - tau), cs = std::cos(omega * tv[i] - tau);
      yc += w[i] * yv[i] * cs;
      ys += w[i] * yv[i] * sn;
      cc += w[i] * cs * cs;
      ss += w[i] * sn * sn;
      ct += w[i] * cs;
      st += w[i] * sn;
    }
    if (fit_mean) {
      yc -= big_y * ct;
      ys -= big_y * st;
      cc -= ct * ct;
      ss -= st * st;
    }
    const ld p = yc * yc / cc + ys * ys / ss;
    ld value = p / yy;
    if (normalization == "model") value = p / (yy - p);
    if (normalization == "log") value = -std::log(1.0L - p / yy);
    if (normalization == "psd") value = p * 0.5L * wsum;
    out[k] = static_cast<double>(value);
  }
  return out;
}

}  // namespace tealeaves::reference
