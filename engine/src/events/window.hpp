// The observation window seen from the frequency domain: the mean phasor of a time drawn
// uniformly from the good-time intervals, W(f) = (1/E) sum_g int_{a_g}^{b_g} e^{2 pi i f t} dt.
#pragma once

#include <vector>

#include "phasor.hpp"
#include "tealeaves/core/series.hpp"

namespace tealeaves::events::detail {

struct WindowEdges {
  std::vector<double> t;     // interval boundaries, relative to the series origin
  std::vector<double> sign;  // +1 at a stop, -1 at a start
  double exposure = 0.0;
};

WindowEdges window_edges(const EventSeries& series);

// W(f) from the edge phasor sum P(f) = sum sign e^{2 pi i f t}: W = P / (2 pi i f E).
Phasor window_from_edge_sum(Phasor edge_sum, double f, double exposure);

// W(f) directly (exact trigonometry).
Phasor window_at(const WindowEdges& edges, double f);

// The whitened power of harmonic sums (C, S) of n events, given W at kf and 2kf: the
// Mahalanobis norm of (C, S) - n W(kf) under the null covariance. Equals (2/n)(C^2 + S^2) when
// the window has no effect. Returns 0 where the window leaves the null degenerate.
double whitened_power(double c, double s, double n, Phasor w1, Phasor w2);

// Edge phasor sums sum_i sign_i e^{2 pi i k f t_i} at harmonics k = 1..2 harmonics, for the
// n_freq grid frequencies f0 + m df (m-major: [m * 2 harmonics + k - 1]); scalar recurrences,
// since there are few edges.
std::vector<Phasor> edge_sums(const WindowEdges& edges, double f0, double df, std::size_t n_freq,
                              unsigned harmonics);

// A bound on how much whitened_power can change when c and s each move by at most delta:
// (2 / (n lambda_min)) (sqrt(2) |d| delta + delta^2), lambda_min the null covariance's
// smallest eigenvalue (per event) and d the centred sums.
double whitened_power_bound(double c, double s, double n, Phasor w1, Phasor w2, double delta);

}  // namespace tealeaves::events::detail
