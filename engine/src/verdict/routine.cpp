// The routine (log-linear inhomogeneous Poisson) model: design, quadrature, Newton fit, simulator.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "tealeaves/core/errors.hpp"
#include "verdict_internal.hpp"

namespace tealeaves::verdict {

namespace {

constexpr double kDay = 86400.0;
constexpr std::array<double, 4> kGlNodes = {-0.8611363115940526, -0.3399810435848563,
                                            0.3399810435848563, 0.8611363115940526};
constexpr std::array<double, 4> kGlWeights = {0.3478548451374538, 0.6521451548625461,
                                              0.6521451548625461, 0.3478548451374538};

// Seconds into the local day of relative time 0, and the local day number of that day.
double local_phase(double origin, double offset) {
  const double local = origin + offset;
  return local - std::floor(local / kDay) * kDay;
}

}  // namespace

RoutineDesign::RoutineDesign(double origin, double duration, const RoutineOptions& options)
    : origin_(origin), duration_(duration > 0.0 ? duration : 1.0), options_(options) {
  require(std::isfinite(options.utc_offset_seconds) && std::abs(options.utc_offset_seconds) <= kDay,
          "utc_offset", "must be finite and within one day");
  require(options.grid_step > 0.0 && std::isfinite(options.grid_step), "grid_step",
          "must be positive");
  require(options.harmonics <= 24, "harmonics", "must be <= 24");
  // Leave out what the window cannot identify: daily harmonics need two days, the weekend
  // effect at least one day of weekend and one of weekdays.
  if (duration_ < 2.0 * kDay) options_.harmonics = 0;
  if (options_.weekly) {
    double weekend = 0.0, weekday = 0.0;
    for (double a = 0.0; a < duration_;) {
      const double b = std::min(duration_, next_midnight(a));
      (is_weekend(0.5 * (a + b)) ? weekend : weekday) += b - a;
      a = b;
    }
    options_.weekly = weekend >= kDay && weekday >= kDay;
  }
  size_ = 1 + 2 * options_.harmonics + (options_.weekly ? 1 : 0) + (options_.trend ? 1 : 0);
}

std::vector<std::string> RoutineDesign::names() const {
  std::vector<std::string> out = {"log_rate"};
  for (unsigned k = 1; k <= options_.harmonics; ++k) {
    out.push_back("cos" + std::to_string(k));
    out.push_back("sin" + std::to_string(k));
  }
  if (options_.weekly) out.emplace_back("weekend");
  if (options_.trend) out.emplace_back("trend");
  return out;
}

void RoutineDesign::features(double t, std::span<double> out) const {
  const double phase = local_phase(origin_, options_.utc_offset_seconds);
  const double s = phase + t;  // seconds since local midnight of the origin's local day
  const double w = 2.0 * std::numbers::pi * (s - std::floor(s / kDay) * kDay) / kDay;
  std::size_t j = 0;
  out[j++] = 1.0;
  for (unsigned k = 1; k <= options_.harmonics; ++k) {
    out[j++] = std::cos(k * w);
    out[j++] = std::sin(k * w);
  }
  if (options_.weekly) out[j++] = is_weekend(t) ? 1.0 : 0.0;
  if (options_.trend) out[j++] = (t - 0.5 * duration_) / duration_;
}

double RoutineDesign::log_rate(double t, std::span<const double> coef) const {
  std::array<double, 64> x{};
  features(t, {x.data(), size_});
  double eta = 0.0;
  for (std::size_t j = 0; j < size_; ++j) eta += x[j] * coef[j];
  return eta;
}

bool RoutineDesign::is_weekend(double t) const {
  const double local = origin_ + options_.utc_offset_seconds;
  const double day0 = std::floor(local / kDay);
  const double day = std::floor((local_phase(origin_, options_.utc_offset_seconds) + t) / kDay);
  // 1970-01-01 (day 0) was a Thursday: weekday (Monday = 0) = (day + 3) mod 7.
  const auto weekday = static_cast<long long>(std::fmod(day0 + day + 3.0, 7.0) + 7.0) % 7;
  return weekday >= 5;
}

double RoutineDesign::next_midnight(double t) const {
  const double phase = local_phase(origin_, options_.utc_offset_seconds);
  return (std::floor((phase + t) / kDay) + 1.0) * kDay - phase;
}

namespace detail {

std::vector<Interval> quadrature_pieces(const RoutineDesign& design,
                                        const std::vector<Interval>& good) {
  std::vector<Interval> out;
  const double step = design.options().grid_step;
  for (const auto& g : good) {
    double a = g.start;
    while (a < g.stop) {
      double b = std::min({g.stop, a + step, design.next_midnight(a)});
      if (!(b > a)) b = std::min(g.stop, a + step);  // rounding at a midnight
      out.push_back({a, b});
      a = b;
    }
  }
  return out;
}

std::vector<Interval> thinning_pieces(const RoutineDesign& design,
                                      const std::vector<Interval>& good, double lipschitz) {
  std::vector<Interval> out;
  for (const auto& piece : quadrature_pieces(design, good)) {
    const double parts = std::max(1.0, std::ceil(lipschitz * piece.length() / 2.0));
    const double step = piece.length() / parts;
    for (double k = 0.0; k < parts; k += 1.0) {
      out.push_back(
          {piece.start + k * step, k + 1.0 < parts ? piece.start + (k + 1.0) * step : piece.stop});
    }
  }
  return out;
}

double log_rate_lipschitz(const RoutineDesign& design, std::span<const double> coef) {
  const auto& o = design.options();
  double l = 0.0;
  for (unsigned k = 1; k <= o.harmonics; ++k) {
    l += k * 2.0 * std::numbers::pi / kDay * (std::abs(coef[2 * k - 1]) + std::abs(coef[2 * k]));
  }
  return l;  // the trend term is added by the caller (it needs the duration)
}

double good_exposure(const std::vector<Interval>& good) {
  double e = 0.0;
  for (const auto& g : good) e += g.length();
  return e;
}

std::vector<double> rate_cumulative_at_events(const RoutineDesign& design,
                                              std::span<const double> coef,
                                              std::span<const double> times,
                                              const std::vector<Interval>& good) {
  auto integrate = [&](double a, double b) {
    double s = 0.0;
    for (std::size_t q = 0; q < 4; ++q) {
      const double t = 0.5 * (a + b) + 0.5 * (b - a) * kGlNodes[q];
      s += 0.5 * (b - a) * kGlWeights[q] * std::exp(design.log_rate(t, coef));
    }
    return s;
  };
  std::vector<double> out(times.size());
  std::size_t i = 0;
  double cumulative = 0.0;
  for (const auto& piece : quadrature_pieces(design, good)) {
    while (i < times.size() && times[i] < piece.start) out[i++] = cumulative;
    while (i < times.size() && times[i] <= piece.stop) {
      out[i] = cumulative + integrate(piece.start, times[i]);
      ++i;
    }
    cumulative += integrate(piece.start, piece.stop);
  }
  while (i < times.size()) out[i++] = cumulative;
  return out;
}

RoutineFitRaw fit_routine_raw(const RoutineDesign& design, std::span<const double> times,
                              const std::vector<Interval>& good) {
  const auto p = static_cast<Eigen::Index>(design.size());
  const Quadrature quad = routine_quadrature(design, good);
  const auto nq = static_cast<Eigen::Index>(quad.nodes.size());
  Eigen::MatrixXd xq(nq, p);
  std::vector<double> row(design.size());
  for (Eigen::Index q = 0; q < nq; ++q) {
    design.features(quad.nodes[static_cast<std::size_t>(q)], row);
    for (Eigen::Index j = 0; j < p; ++j) xq(q, j) = row[static_cast<std::size_t>(j)];
  }
  const Eigen::Map<const Eigen::VectorXd> w(quad.weights.data(), nq);
  Eigen::VectorXd sum_events = Eigen::VectorXd::Zero(p);
  for (const double t : times) {
    design.features(t, row);
    for (Eigen::Index j = 0; j < p; ++j) sum_events(j) += row[static_cast<std::size_t>(j)];
  }
  RoutineFitRaw r;
  const double exposure = w.sum();
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p);
  theta(0) = std::log(static_cast<double>(times.size()) / exposure);
  auto loglik = [&](const Eigen::VectorXd& th, Eigen::VectorXd* e) {
    Eigen::VectorXd rate = (xq * th).array().exp().matrix().cwiseProduct(w);
    if (e) *e = rate;
    return sum_events.dot(th) - rate.sum();
  };
  Eigen::VectorXd e;
  double ll = loglik(theta, &e);
  for (int iter = 0; iter < 200; ++iter) {
    const Eigen::VectorXd g = sum_events - xq.transpose() * e;
    Eigen::MatrixXd h = xq.transpose() * e.asDiagonal() * xq;
    h.diagonal().array() += 1e-12 * (1.0 + h.diagonal().maxCoeff());
    const Eigen::VectorXd delta = h.ldlt().solve(g);
    const double decrement = g.dot(delta);
    if (!std::isfinite(decrement)) break;
    if (decrement < 1e-11 * (1.0 + static_cast<double>(times.size()))) {
      r.converged = true;
      break;
    }
    double step = 1.0;
    bool moved = false;
    for (int k = 0; k < 50; ++k, step *= 0.5) {
      Eigen::VectorXd e_new;
      const Eigen::VectorXd th_new = theta + step * delta;
      const double ll_new = loglik(th_new, &e_new);
      if (std::isfinite(ll_new) && ll_new >= ll - 1e-12 * std::abs(ll)) {
        theta = th_new, e = e_new, ll = ll_new, moved = true;
        break;
      }
    }
    if (!moved) {
      r.converged = decrement < 1e-6 * (1.0 + static_cast<double>(times.size()));
      break;
    }
  }
  r.coef.assign(theta.data(), theta.data() + p);
  r.log_likelihood = ll;
  r.integral_shape = e.sum();
  for (Eigen::Index j = 1; j < p; ++j) r.at_bound = r.at_bound || std::abs(theta(j)) > 15.0;
  return r;
}

}  // namespace detail

Quadrature routine_quadrature(const RoutineDesign& design, const std::vector<Interval>& good) {
  Quadrature q;
  for (const auto& piece : detail::quadrature_pieces(design, good)) {
    const double mid = 0.5 * (piece.start + piece.stop), half = 0.5 * piece.length();
    for (std::size_t k = 0; k < 4; ++k) {
      q.nodes.push_back(mid + half * kGlNodes[k]);
      q.weights.push_back(half * kGlWeights[k]);
    }
  }
  return q;
}

double routine_log_likelihood(const RoutineDesign& design, std::span<const double> coef,
                              std::span<const double> times, const std::vector<Interval>& good) {
  require(coef.size() == design.size(), "coef", "needs one value per routine feature");
  double ll = 0.0;
  for (const double t : times) ll += design.log_rate(t, coef);
  const Quadrature q = routine_quadrature(design, good);
  for (std::size_t k = 0; k < q.nodes.size(); ++k) {
    ll -= q.weights[k] * std::exp(design.log_rate(q.nodes[k], coef));
  }
  return ll;
}

std::vector<double> simulate_routine(const RoutineDesign& design, std::span<const double> coef,
                                     const std::vector<Interval>& good, Rng& rng) {
  require(coef.size() == design.size(), "coef", "needs one value per routine feature");
  double lipschitz = detail::log_rate_lipschitz(design, coef);
  if (design.options().trend) lipschitz += std::abs(coef[design.size() - 1]) / design.duration();
  std::vector<double> out;
  for (const auto& piece : detail::thinning_pieces(design, good, lipschitz)) {
    const double mid = 0.5 * (piece.start + piece.stop);
    // |log rate(t) - log rate(mid)| <= lipschitz |t - mid| inside a piece (no midnight inside).
    const double bound = std::exp(design.log_rate(mid, coef) + 0.5 * piece.length() * lipschitz);
    require(bound * piece.length() < 1e8, "coef", "gives a rate too large to simulate");
    const std::uint64_t n = rng.poisson(bound * piece.length());
    const std::size_t first = out.size();
    for (std::uint64_t k = 0; k < n; ++k) {
      const double t = piece.start + rng.uniform() * piece.length();
      if (rng.uniform() * bound < std::exp(design.log_rate(t, coef))) out.push_back(t);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  }
  return out;
}

}  // namespace tealeaves::verdict
