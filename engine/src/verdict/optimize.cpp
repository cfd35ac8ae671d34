// BFGS and Nelder-Mead for the small (<= 4 parameter) likelihoods of the point-process models.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "verdict_internal.hpp"

namespace tealeaves::verdict::detail {

OptimResult bfgs(const ObjectiveWithGradient& f, std::vector<double> x0, std::size_t max_iter,
                 double gtol) {
  const auto n = static_cast<Eigen::Index>(x0.size());
  Eigen::VectorXd x = Eigen::Map<Eigen::VectorXd>(x0.data(), n);
  Eigen::VectorXd g(n), g_new(n), x_new(n);
  Eigen::MatrixXd h = Eigen::MatrixXd::Identity(n, n);  // inverse Hessian approximation
  OptimResult r;
  double fx = f({x.data(), x0.size()}, {g.data(), x0.size()});
  if (!std::isfinite(fx)) {
    r.x = x0;
    r.value = fx;
    return r;
  }
  for (r.iterations = 0; r.iterations < max_iter; ++r.iterations) {
    if (g.lpNorm<Eigen::Infinity>() < gtol * (1.0 + std::abs(fx))) {
      r.converged = true;
      break;
    }
    Eigen::VectorXd d = -h * g;
    if (d.dot(g) >= 0.0) {  // not a descent direction: restart from steepest descent
      h.setIdentity();
      d = -g;
    }
    double step = 1.0, f_new = std::numeric_limits<double>::infinity();
    const double slope = d.dot(g);
    bool accepted = false;
    for (int k = 0; k < 60; ++k, step *= 0.5) {
      x_new = x + step * d;
      f_new = f({x_new.data(), x0.size()}, {g_new.data(), x0.size()});
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // No decrease along d: at the precision limit of f.
      r.converged = g.lpNorm<Eigen::Infinity>() < 1e-4 * (1.0 + std::abs(fx));
      break;
    }
    const Eigen::VectorXd s = x_new - x, y = g_new - g;
    const double sy = s.dot(y);
    const double change = fx - f_new;
    x = x_new, g = g_new, fx = f_new;
    if (sy > 1e-300) {
      const double rho = 1.0 / sy;
      const Eigen::MatrixXd i = Eigen::MatrixXd::Identity(n, n);
      h = (i - rho * s * y.transpose()) * h * (i - rho * y * s.transpose()) +
          rho * s * s.transpose();
    }
    if (change >= 0.0 && change < 1e-14 * (1.0 + std::abs(fx)) &&
        s.lpNorm<Eigen::Infinity>() < 1e-10) {
      r.converged = true;
      break;
    }
  }
  r.x.assign(x.data(), x.data() + n);
  r.value = fx;
  return r;
}

OptimResult nelder_mead(const std::function<double(std::span<const double>)>& f,
                        std::vector<double> x0, std::vector<double> step, std::size_t max_iter,
                        double ftol) {
  const std::size_t n = x0.size();
  std::vector<std::vector<double>> p(n + 1, x0);
  std::vector<double> v(n + 1);
  for (std::size_t i = 0; i < n; ++i) p[i + 1][i] += step[i];
  auto eval = [&](const std::vector<double>& x) {
    const double y = f(x);
    return std::isfinite(y) ? y : std::numeric_limits<double>::infinity();
  };
  for (std::size_t i = 0; i <= n; ++i) v[i] = eval(p[i]);
  OptimResult r;
  std::vector<std::size_t> order(n + 1);
  for (r.iterations = 0; r.iterations < max_iter; ++r.iterations) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
    if (std::abs(v[worst] - v[best]) <= ftol * (1.0 + std::abs(v[best]))) {
      r.converged = true;
      break;
    }
    std::vector<double> c(n, 0.0);
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == worst) continue;
      for (std::size_t j = 0; j < n; ++j) c[j] += p[i][j] / static_cast<double>(n);
    }
    auto along = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t j = 0; j < n; ++j) x[j] = c[j] + t * (p[worst][j] - c[j]);
      return x;
    };
    const auto xr = along(-1.0);
    const double fr = eval(xr);
    if (fr < v[best]) {
      const auto xe = along(-2.0);
      const double fe = eval(xe);
      if (fe < fr) {
        p[worst] = xe, v[worst] = fe;
      } else {
        p[worst] = xr, v[worst] = fr;
      }
    } else if (fr < v[second]) {
      p[worst] = xr, v[worst] = fr;
    } else {
      const auto xc = fr < v[worst] ? along(-0.5) : along(0.5);
      const double fc = eval(xc);
      if (fc < std::min(fr, v[worst])) {
        p[worst] = xc, v[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= n; ++i) {
          if (i == best) continue;
          for (std::size_t j = 0; j < n; ++j) p[i][j] = p[best][j] + 0.5 * (p[i][j] - p[best][j]);
          v[i] = eval(p[i]);
        }
      }
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin());
  r.x = p[best];
  r.value = v[best];
  return r;
}

}  // namespace tealeaves::verdict::detail
