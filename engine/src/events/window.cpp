#include "window.hpp"

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

}  // namespace tealeaves::events::detail
