#include "optimize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tealeaves::interarrival::detail {
namespace {

constexpr double kWorst = -std::numeric_limits<double>::infinity();

double safe(const Objective& f, std::span<const double> x) {
  const double v = f(x);
  return std::isfinite(v) ? v : kWorst;
}

struct Simplex {
  std::vector<std::vector<double>> points;
  std::vector<double> values;
};

Simplex initial_simplex(const Objective& f, const std::vector<double>& start,
                        const std::vector<double>& step) {
  Simplex s;
  s.points.push_back(start);
  for (std::size_t i = 0; i < start.size(); ++i) {
    std::vector<double> p = start;
    p[i] += step[i];
    s.points.push_back(p);
  }
  for (const auto& p : s.points) s.values.push_back(safe(f, p));
  return s;
}

std::vector<double> toward(const std::vector<double>& centre, const std::vector<double>& worst,
                           double t) {
  std::vector<double> p(centre.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = centre[i] + t * (worst[i] - centre[i]);
  return p;
}

// One Nelder-Mead run; returns evaluations used.
std::size_t nelder_mead(const Objective& f, Simplex& s, std::size_t budget, bool& converged) {
  const std::size_t dim = s.points.size() - 1;
  std::vector<std::size_t> order(dim + 1);
  std::size_t used = 0;
  converged = false;
  while (used < budget) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return s.values[a] > s.values[b]; });
    const double best = s.values[order.front()], worst = s.values[order.back()];
    double size = 0.0;
    for (std::size_t i = 0; i < dim; ++i) {
      double lo = s.points[0][i], hi = lo;
      for (const auto& p : s.points) lo = std::min(lo, p[i]), hi = std::max(hi, p[i]);
      size = std::max(size, (hi - lo) / std::max(1.0, std::abs(hi)));
    }
    if (std::isfinite(worst) && best - worst <= 1e-12 * (std::abs(best) + 1e-3) && size < 1e-9) {
      converged = true;
      break;
    }
    std::vector<double> centre(dim, 0.0);
    for (std::size_t k = 0; k < dim; ++k) {
      for (std::size_t i = 0; i < dim; ++i) centre[i] += s.points[order[k]][i] / double(dim);
    }
    const std::size_t w = order.back();
    const auto reflected = toward(centre, s.points[w], -1.0);
    const double fr = safe(f, reflected);
    ++used;
    if (fr > best) {
      const auto expanded = toward(centre, s.points[w], -2.0);
      const double fe = safe(f, expanded);
      ++used;
      if (fe > fr)
        s.points[w] = expanded, s.values[w] = fe;
      else
        s.points[w] = reflected, s.values[w] = fr;
      continue;
    }
    if (fr > s.values[order[dim - 1]]) {
      s.points[w] = reflected, s.values[w] = fr;
      continue;
    }
    const bool outside = fr > worst;
    const auto contracted = toward(centre, outside ? reflected : s.points[w], 0.5);
    const double fc = safe(f, contracted);
    ++used;
    if (fc > std::max(worst, outside ? fr : kWorst)) {
      s.points[w] = contracted, s.values[w] = fc;
      continue;
    }
    const auto& top = s.points[order.front()];
    for (std::size_t k = 1; k <= dim; ++k) {
      auto& p = s.points[order[k]];
      p = toward(top, p, 0.5);
      s.values[order[k]] = safe(f, p);
      ++used;
    }
  }
  return used;
}

Eigen::VectorXd gradient(const Objective& f, const std::vector<double>& x,
                         const std::vector<double>& h) {
  Eigen::VectorXd g(static_cast<Eigen::Index>(x.size()));
  std::vector<double> p = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    p[i] = x[i] + h[i];
    const double up = f(p);
    p[i] = x[i] - h[i];
    const double down = f(p);
    p[i] = x[i];
    g[static_cast<Eigen::Index>(i)] = (up - down) / (2.0 * h[i]);
  }
  return g;
}

void newton_polish(const Objective& f, Optimum& o) {
  std::vector<double> scale(o.x.size());
  for (int iteration = 0; iteration < 8; ++iteration) {
    for (std::size_t i = 0; i < o.x.size(); ++i) scale[i] = std::max(std::abs(o.x[i]), 1e-3);
    std::vector<double> h(o.x.size());
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = 1e-5 * scale[i];
    const Eigen::VectorXd g = gradient(f, o.x, h);
    const Eigen::MatrixXd info = observed_information(f, o.x, scale);
    Eigen::LDLT<Eigen::MatrixXd> ldlt(info);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || !g.allFinite()) return;
    const Eigen::VectorXd step = ldlt.solve(g);
    if (!step.allFinite()) return;
    bool improved = false;
    for (double t = 1.0; t > 1e-6; t *= 0.5) {
      std::vector<double> trial = o.x;
      for (std::size_t i = 0; i < trial.size(); ++i) {
        trial[i] += t * step[static_cast<Eigen::Index>(i)];
      }
      const double v = safe(f, trial);
      if (v > o.value) {
        o.x = trial, o.value = v, improved = true;
        break;
      }
    }
    if (!improved) return;
  }
}

}  // namespace

Optimum maximize(const Objective& f, std::vector<double> start, std::vector<double> step,
                 std::size_t max_evaluations) {
  Optimum o;
  std::size_t used = 0;
  for (int round = 0; round < 2 && used < max_evaluations; ++round) {
    Simplex s = initial_simplex(f, start, step);
    used += s.points.size();
    used += nelder_mead(f, s, max_evaluations - std::min(used, max_evaluations), o.converged);
    const auto best = std::max_element(s.values.begin(), s.values.end()) - s.values.begin();
    start = s.points[static_cast<std::size_t>(best)];
    o.value = s.values[static_cast<std::size_t>(best)];
    for (std::size_t i = 0; i < step.size(); ++i) step[i] *= 0.1;
  }
  o.x = start;
  if (std::isfinite(o.value)) newton_polish(f, o);
  return o;
}

Eigen::MatrixXd observed_information(const Objective& f, std::span<const double> x,
                                     std::span<const double> scale) {
  const std::size_t d = x.size();
  std::vector<double> h(d);
  for (std::size_t i = 0; i < d; ++i) h[i] = 1e-4 * std::max(std::abs(x[i]), scale[i]);
  std::vector<double> p(x.begin(), x.end());
  const double centre = f(p);
  Eigen::MatrixXd info(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
  auto at = [&](std::size_t i, double di, std::size_t j, double dj) {
    p[i] += di;
    p[j] += dj;
    const double v = f(p);
    p[i] = x[i];
    p[j] = x[j];
    return v;
  };
  for (std::size_t i = 0; i < d; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    info(ii, ii) = -(at(i, h[i], i, 0.0) - 2.0 * centre + at(i, -h[i], i, 0.0)) / (h[i] * h[i]);
    for (std::size_t j = 0; j < i; ++j) {
      const auto jj = static_cast<Eigen::Index>(j);
      const double v = at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j]) - at(i, -h[i], j, h[j]) +
                       at(i, -h[i], j, -h[j]);
      info(ii, jj) = info(jj, ii) = -v / (4.0 * h[i] * h[j]);
    }
  }
  return info;
}

std::vector<double> standard_errors(const Eigen::MatrixXd& information) {
  const auto d = static_cast<std::size_t>(information.rows());
  std::vector<double> se(d, std::numeric_limits<double>::quiet_NaN());
  if (!information.allFinite()) return se;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(information);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return se;
  const Eigen::MatrixXd inverse =
      ldlt.solve(Eigen::MatrixXd::Identity(information.rows(), information.cols()));
  for (std::size_t i = 0; i < d; ++i) {
    const double v = inverse(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
    if (v > 0.0) se[i] = std::sqrt(v);
  }
  return se;
}

}  // namespace tealeaves::interarrival::detail
