// Hawkes process with an exponential kernel over a (routine or constant) background:
// O(n) recursive likelihood and gradient, BFGS fit, Ogata thinning simulator.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "verdict_internal.hpp"

namespace tealeaves::verdict {

namespace {

// Decayed excitation S(t) = sum_{t_j <= t} exp(-beta (t - t_j)) and dS/dbeta, advanced in time.
struct Excitation {
  double beta = 1.0;
  double now = 0.0;
  double s = 0.0, ds = 0.0;
  void advance(double t) {
    const double d = t - now;
    if (d > 0.0) {
      const double e = std::exp(-beta * d);
      ds = e * (ds - d * s);
      s *= e;
      now = t;
    }
  }
};

}  // namespace

double hawkes_log_likelihood(std::span<const double> times, const std::vector<Interval>& good,
                             std::span<const double> background, double background_integral,
                             const HawkesParams& p, std::span<double> gradient) {
  require(background.size() == times.size(), "background", "needs one value per event");
  require(gradient.empty() || gradient.size() == 3, "gradient", "must be empty or of size 3");
  const double ab = p.alpha * p.beta;
  double ll = 0.0, g_mu = 0.0, g_alpha = 0.0, g_beta = 0.0;
  Excitation ex{p.beta, good.empty() ? 0.0 : good.front().start, 0.0, 0.0};
  double comp = 0.0, dcomp = 0.0;  // kernel compensator / alpha, and its beta derivative
  std::size_t i = 0;
  for (const auto& g : good) {
    ex.advance(g.start);
    comp += ex.s, dcomp += ex.ds;  // S(a^-): events before the interval
    while (i < times.size() && times[i] <= g.stop) {
      ex.advance(times[i]);
      const double lambda = p.mu * background[i] + ab * ex.s;
      ll += std::log(lambda);
      g_mu += background[i] / lambda;
      g_alpha += p.beta * ex.s / lambda;
      g_beta += p.alpha * (ex.s + p.beta * ex.ds) / lambda;
      ex.s += 1.0;
      comp += 1.0;
      ++i;
    }
    ex.advance(g.stop);
    comp -= ex.s, dcomp -= ex.ds;
  }
  ll -= p.mu * background_integral + p.alpha * comp;
  if (!gradient.empty()) {
    gradient[0] = g_mu - background_integral;
    gradient[1] = g_alpha - comp;
    gradient[2] = g_beta - p.alpha * dcomp;
  }
  return ll;
}

std::vector<double> hawkes_rescaled(std::span<const double> times,
                                    const std::vector<Interval>& good,
                                    std::span<const double> background_cumulative,
                                    const HawkesParams& p) {
  require(background_cumulative.size() == times.size(), "background_cumulative",
          "needs one value per event");
  std::vector<double> out(times.size());
  Excitation ex{p.beta, good.empty() ? 0.0 : good.front().start, 0.0, 0.0};
  double kernel = 0.0, last_kernel = 0.0, last_background = 0.0;
  std::size_t i = 0;
  for (const auto& g : good) {
    ex.advance(g.start);
    double before = ex.s;
    while (i < times.size() && times[i] <= g.stop) {
      ex.advance(times[i]);
      kernel += before - ex.s;
      const double k = p.alpha * kernel, b = p.mu * background_cumulative[i];
      out[i] = (b - last_background) + (k - last_kernel);
      last_background = b, last_kernel = k;
      ex.s += 1.0;
      before = ex.s;
      ++i;
    }
    ex.advance(g.stop);
    kernel += before - ex.s;
  }
  return out;
}

namespace detail {

HawkesFitRaw fit_hawkes_raw(std::span<const double> times, const std::vector<Interval>& good,
                            std::span<const double> b, double b_integral) {
  const std::size_t n = times.size();
  HawkesFitRaw best;
  best.log_likelihood = -std::numeric_limits<double>::infinity();
  if (n < 3) return best;
  // Objective in (log mu, logit alpha, log beta); alpha in (0, 1).
  auto objective = [&](std::span<const double> x, std::span<double> grad) {
    HawkesParams p;
    p.mu = std::exp(x[0]);
    p.alpha = 1.0 / (1.0 + std::exp(-x[1]));
    p.beta = std::exp(x[2]);
    double g[3];
    const double ll = hawkes_log_likelihood(times, good, b, b_integral, p, {g, 3});
    if (!std::isfinite(ll)) return std::numeric_limits<double>::infinity();
    grad[0] = -g[0] * p.mu;
    grad[1] = -g[1] * p.alpha * (1.0 - p.alpha);
    grad[2] = -g[2] * p.beta;
    return -ll;
  };
  std::vector<double> gaps;
  for (std::size_t i = 1; i < n; ++i) {
    if (times[i] > times[i - 1]) gaps.push_back(times[i] - times[i - 1]);
  }
  if (gaps.empty()) return best;
  std::sort(gaps.begin(), gaps.end());
  const double rate = static_cast<double>(n) / b_integral;
  const double q10 = gaps[gaps.size() / 10], median = gaps[gaps.size() / 2];
  const double mean = b_integral / static_cast<double>(n);
  struct Start {
    double alpha, beta;
  };
  const Start starts[] = {
      {0.02, 1.0 / median}, {0.3, 1.0 / q10}, {0.6, 1.0 / median}, {0.3, 0.1 / mean}};
  for (const auto& s : starts) {
    const std::vector<double> x0 = {std::log(rate * (1.0 - s.alpha)),
                                    std::log(s.alpha / (1.0 - s.alpha)), std::log(s.beta)};
    const auto r = bfgs(objective, x0, 500);
    if (!std::isfinite(r.value)) continue;
    if (-r.value > best.log_likelihood) {
      best.log_likelihood = -r.value;
      best.params = {std::exp(r.x[0]), 1.0 / (1.0 + std::exp(-r.x[1])), std::exp(r.x[2])};
      best.converged = r.converged;
      best.at_bound = r.x[1] < -15.0 || r.x[1] > 15.0;
    }
  }
  return best;
}

}  // namespace detail

std::vector<double> simulate_hawkes(const RoutineDesign& design, std::span<const double> shape,
                                    const HawkesParams& p, const std::vector<Interval>& good,
                                    Rng& rng) {
  require(shape.size() == design.size(), "shape", "needs one value per routine feature");
  require(p.mu > 0.0 && std::isfinite(p.mu), "mu", "must be positive");
  require(p.alpha >= 0.0 && p.alpha < 1.0, "alpha", "must be in [0, 1)");
  require(p.beta > 0.0 && std::isfinite(p.beta), "beta", "must be positive");
  double lipschitz = detail::log_rate_lipschitz(design, shape);
  if (design.options().trend) lipschitz += std::abs(shape[design.size() - 1]) / design.duration();
  std::vector<double> out;
  Excitation ex{p.beta, good.empty() ? 0.0 : good.front().start, 0.0, 0.0};
  for (const auto& piece : detail::thinning_pieces(design, good, lipschitz)) {
    const double mid = 0.5 * (piece.start + piece.stop);
    const double bmax = std::exp(design.log_rate(mid, shape) + 0.5 * piece.length() * lipschitz);
    ex.advance(piece.start);
    double t = piece.start;
    for (;;) {
      const double bound = p.mu * bmax + p.alpha * p.beta * ex.s;
      t += rng.exponential(bound);
      if (t > piece.stop) break;
      ex.advance(t);
      const double lambda = p.mu * std::exp(design.log_rate(t, shape)) + p.alpha * p.beta * ex.s;
      if (rng.uniform() * bound < lambda) {
        out.push_back(t);
        ex.s += 1.0;
      }
    }
  }
  return out;
}

}  // namespace tealeaves::verdict
