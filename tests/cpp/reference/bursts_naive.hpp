// Slow, obviously correct references for the bursts area: exhaustive searches and the O(m^2)
// optimal partitioning recursion.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace tealeaves::reference {

// Bayesian Blocks by trying every subset of the N - 1 inner cell edges (N <= ~14). Cell edges
// are the first time, the midpoints and the last time; returns the indices of the best edges.
inline std::vector<std::size_t> blocks_exhaustive(std::span<const double> t,
                                                  std::span<const double> w, double ncp) {
  const std::size_t n = t.size();
  std::vector<double> edge(n + 1);
  edge[0] = t[0];
  for (std::size_t i = 1; i < n; ++i) edge[i] = 0.5 * (t[i - 1] + t[i]);
  edge[n] = t[n - 1];
  double best = -std::numeric_limits<double>::infinity();
  std::vector<std::size_t> best_edges;
  for (unsigned long mask = 0; mask < (1UL << (n - 1)); ++mask) {
    std::vector<std::size_t> e{0};
    for (std::size_t i = 1; i < n; ++i) {
      if (mask & (1UL << (i - 1))) e.push_back(i);
    }
    e.push_back(n);
    double total = 0.0;
    for (std::size_t b = 0; b + 1 < e.size(); ++b) {
      double count = 0.0;
      for (std::size_t i = e[b]; i < e[b + 1]; ++i) count += w[i];
      total += count * std::log(count / (edge[e[b + 1]] - edge[e[b]])) - ncp;
    }
    if (total > best + 1e-9) best = total, best_edges = e;
  }
  return best_edges;
}

// Optimal partitioning (Jackson et al. 2005): F(t) = min over tau <= t - min_size with F(tau)
// reachable of F(tau) + C(tau, t) + beta; returns the segment starts after the first and the
// total cost (segment costs + beta per change point).
template <class Cost>
std::vector<std::size_t> optimal_partitioning(std::size_t m, std::size_t min_size, double beta,
                                              Cost cost, double& total) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> f(m + 1, inf);
  std::vector<std::size_t> last(m + 1, 0);
  f[0] = 0.0;
  for (std::size_t t = min_size; t <= m; ++t) {
    for (std::size_t tau = 0; tau + min_size <= t; ++tau) {
      if (!std::isfinite(f[tau])) continue;
      const double v = f[tau] + cost(tau, t) + beta;
      if (v < f[t]) f[t] = v, last[t] = tau;
    }
  }
  std::vector<std::size_t> starts;
  for (std::size_t t = m; t > 0; t = last[t]) {
    if (last[t] > 0) starts.insert(starts.begin(), last[t]);
  }
  total = f[m] - beta;
  return starts;
}

// Kleinberg's automaton by trying all levels^n state sequences; the cost of each from `cost`.
template <class Cost>
std::vector<std::size_t> kleinberg_exhaustive(std::size_t n, std::size_t levels, Cost cost,
                                              double& best) {
  std::size_t total = 1;
  for (std::size_t i = 0; i < n; ++i) total *= levels;
  best = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> states(n), best_states;
  for (std::size_t code = 0; code < total; ++code) {
    std::size_t c = code;
    for (std::size_t i = 0; i < n; ++i) states[i] = c % levels, c /= levels;
    const double v = cost(states);
    if (v < best) best = v, best_states = states;
  }
  return best_states;
}

}  // namespace tealeaves::reference
