#include "window.hpp"

#include <cmath>
#include <vector>

#include <numbers>

namespace tealeaves::events::detail {

WindowEdges window_edges(const EventSeries& series) {
  WindowEdges edges;
  for (const Interval& g : series.good_intervals()) {
    if (g.stop <= g.start) continue;
    edges.t.push_back(g.start);
    edges.sign.push_back(-1.0);
    edges.t.push_back(g.stop);
    edges.sign.push_back(1.0);
    edges.exposure += g.length();
  }
  return edges;
}

Phasor window_from_edge_sum(Phasor edge_sum, double f, double exposure) {
  if (f == 0.0 || exposure <= 0.0) return {1.0, 0.0};
  const double scale = 1.0 / (2.0 * std::numbers::pi * f * exposure);
  // P / (i x) = (P.im - i P.re) / x
  return {edge_sum.im * scale, -edge_sum.re * scale};
}

Phasor window_at(const WindowEdges& edges, double f) {
  Phasor sum;
  for (std::size_t i = 0; i < edges.t.size(); ++i) {
    const Phasor z = cis_cycles(cycles(f, edges.t[i]));
    sum.re += edges.sign[i] * z.re;
    sum.im += edges.sign[i] * z.im;
  }
  return window_from_edge_sum(sum, f, edges.exposure);
}

double whitened_power(double c, double s, double n, Phasor w1, Phasor w2) {
  if (n <= 0.0) return 0.0;
  // Null covariance of (cos, sin) of one uniform time, and the mean phasor w1.
  const double a = 0.5 * (1.0 + w2.re) - w1.re * w1.re;
  const double b = 0.5 * w2.im - w1.re * w1.im;
  const double d = 0.5 * (1.0 - w2.re) - w1.im * w1.im;
  const double det = a * d - b * b;
  if (!(det > 1e-12)) return 0.0;
  const double x = c - n * w1.re;
  const double y = s - n * w1.im;
  return (d * x * x - 2.0 * b * x * y + a * y * y) / (det * n);
}

double whitened_power_bound(double c, double s, double n, Phasor w1, Phasor w2, double delta) {
  if (n <= 0.0) return 0.0;
  const double a = 0.5 * (1.0 + w2.re) - w1.re * w1.re;
  const double b = 0.5 * w2.im - w1.re * w1.im;
  const double d = 0.5 * (1.0 - w2.re) - w1.im * w1.im;
  const double lambda_min = 0.5 * (a + d) - std::sqrt(0.25 * (a - d) * (a - d) + b * b);
  if (!(lambda_min > 1e-12)) return 0.0;  // the power itself is set to 0 there
  const double norm = std::hypot(c - n * w1.re, s - n * w1.im);
  return 2.0 / (n * lambda_min) * (std::sqrt(2.0) * norm * delta + delta * delta);
}

// Edge phasor sums at harmonics 1..2n for each frequency of the block (few edges: scalar).
std::vector<Phasor> edge_sums(const detail::WindowEdges& edges, double f0, double df,
                              std::size_t n_freq, unsigned harmonics) {
  const unsigned h2 = 2 * harmonics;
  std::vector<Phasor> sums(n_freq * h2);
  for (std::size_t i = 0; i < edges.t.size(); ++i) {
    Phasor z = cis_cycles(cycles(f0, edges.t[i]));
    const Phasor step = cis_cycles(cycles(df, edges.t[i]));
    for (std::size_t m = 0; m < n_freq; ++m) {
      Phasor p = z;
      for (unsigned k = 0; k < h2; ++k) {
        sums[m * h2 + k].re += edges.sign[i] * p.re;
        sums[m * h2 + k].im += edges.sign[i] * p.im;
        p = p * z;
      }
      z = z * step;
    }
  }
  return sums;
}

}  // namespace tealeaves::events::detail
