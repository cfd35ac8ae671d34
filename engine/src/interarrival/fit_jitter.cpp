// The jittered-period model by EM: each gap is k beats of a period P (k - 1 missed, with
// geometric probability) plus normal jitter of variance k sigma^2. With responsibilities
// r_ik = P(k beats | x_i) the M-step is closed-form:
//   P = sum x_i / sum_ik r_ik k,   sigma^2 = sum_ik r_ik (x_i - k P)^2 / k / n,
//   miss = (sum_ik r_ik k - n) / sum_ik r_ik k.
// The search is kept where the model still describes a period: sigma <= period / 4 and
// miss <= 0.9 (a beat seen less than once in ten, or wobbling by a quarter of its period so that
// neighbouring multiples overlap, is not a period; there the mixture drifts towards an
// exponential with P -> 0 at great cost). A fit
// that ends on one of these bounds, or on the sigma floor, has status at_bound. Clamping inside
// the M-step keeps EM monotone (each update maximises a concave function over an interval).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "fit_internal.hpp"
#include "model_internal.hpp"
#include "optimize.hpp"
#include "tealeaves/interarrival/empirical.hpp"

namespace tealeaves::interarrival::detail {
namespace {

struct Beat {
  double period = 0.0, sigma = 0.0, miss = 0.0;
};

// Visits (k, responsibility) for every beat count that matters at x; returns ln f(x).
template <class Visit>
double e_step_point(double x, const Beat& b, std::vector<double>& terms, Visit&& visit) {
  const BeatWindow w = b.miss == 0.0 ? BeatWindow{1.0, 1.0} : jitter_window(x, b.period, b.sigma);
  const double log_keep = std::log1p(-b.miss);
  const double log_miss = b.miss == 0.0 ? 0.0 : std::log(b.miss);
  const double half_log_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  const double log_sigma = std::log(b.sigma);
  terms.clear();
  double peak = -std::numeric_limits<double>::infinity();
  for (double k = w.first; k <= w.last; k += 1.0) {
    const double d = x - k * b.period;
    const double t = log_keep + (k - 1.0) * log_miss - half_log_2pi - log_sigma -
                     0.5 * std::log(k) - 0.5 * d * d / (k * b.sigma * b.sigma);
    terms.push_back(t);
    peak = std::max(peak, t);
  }
  double total = 0.0;
  for (double& t : terms) total += (t = std::exp(t - peak));
  for (std::size_t i = 0; i < terms.size(); ++i) visit(w.first + double(i), terms[i] / total);
  return peak + std::log(total);
}

struct EmResult {
  Beat beat;
  double log_likelihood = -std::numeric_limits<double>::infinity();
  bool converged = false;
  bool at_floor = false;
  bool at_bound = false;
};

constexpr double kMaxMiss = 0.9;
constexpr double kMaxRelativeSigma = 0.25;

// One E-step gives everything the M-step needs: with residuals d = x - k P about the current
// period, sum r (x - k P')^2 / k = sum r d^2 / k + 2 D sum r d + D^2 sum r k for D = P - P',
// which stays accurate when sigma << P.
// Stops after `max_iterations`, at convergence, or once the parameters have sat on the sigma or
// miss bound for a few iterations (no period there; EM would crawl along the bound).
EmResult run_em(std::span<const double> x, double sum_x, Beat b, double sigma_floor_rel,
                double sigma_floor_abs, int max_iterations) {
  EmResult r;
  const double n = static_cast<double>(x.size());
  std::vector<double> terms;
  double previous = -std::numeric_limits<double>::infinity();
  int on_bound = 0;
  for (int iteration = 0; iteration < max_iterations && on_bound < 5; ++iteration) {
    double beats = 0.0, ll = 0.0, d2 = 0.0, d1 = 0.0;
    for (const double v : x) {
      ll += e_step_point(v, b, terms, [&](double k, double p) {
        const double d = v - k * b.period;
        beats += p * k;
        d1 += p * d;
        d2 += p * d * d / k;
      });
    }
    if (!std::isfinite(ll)) break;
    r.beat = b;
    r.log_likelihood = ll;
    if (std::abs(ll - previous) <= 1e-10 * (std::abs(ll) + 1.0)) {
      r.converged = true;
      break;
    }
    previous = ll;
    const double period = sum_x / beats;
    const double shift = b.period - period;
    const double squares = d2 + 2.0 * shift * d1 + shift * shift * beats;
    const double floor = std::max(sigma_floor_abs, sigma_floor_rel * period);
    const double ceiling = kMaxRelativeSigma * period;
    b.sigma = std::sqrt(std::max(squares, 0.0) / n);
    r.at_floor = !(b.sigma > floor);
    const bool wide = b.sigma > ceiling;
    b.sigma = std::clamp(b.sigma, floor, std::max(floor, ceiling));
    b.period = period;
    const double miss = (beats - n) / beats;
    r.at_bound = wide || miss > kMaxMiss;
    on_bound = r.at_bound ? on_bound + 1 : 0;
    b.miss = std::clamp(miss, 0.0, kMaxMiss);
    if (b.miss < 1e-12) b.miss = 0.0;
  }
  return r;
}

// A robust starting jitter for period p: the median distance to the nearest multiple.
Beat start_at(std::span<const double> x, double period, double sigma_floor) {
  std::vector<double> distance(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double k = std::max(1.0, std::round(x[i] / period));
    distance[i] = std::abs(x[i] - k * period) / std::sqrt(k);
  }
  const auto middle = distance.begin() + static_cast<std::ptrdiff_t>(distance.size() / 2);
  std::nth_element(distance.begin(), middle, distance.end());
  const double sigma = std::min(std::max({1.4826 * *middle, 1e-6 * period, sigma_floor}),
                                kMaxRelativeSigma * period);
  return {period, sigma, 0.1};
}

}  // namespace

ModelFit fit_jittered_period(std::span<const double> x, const Moments& m, const FitOptions& o) {
  constexpr Model model = Model::jittered_period;
  if (x.size() < 3) return failed_fit(model, x.size(), FitStatus::insufficient_data, o);
  const double floor_abs = o.resolution / std::sqrt(12.0);
  const double floor_rel = o.resolution > 0.0 ? 0.0 : 1e-9;
  std::vector<Beat> starts;
  if (o.initial.size() == 3) {
    starts.push_back(
        {o.initial[0], std::max(o.initial[1], floor_abs), std::min(o.initial[2], kMaxMiss)});
  } else {
    std::vector<double> periods = {half_sample_mode(x), x[x.size() / 2], x[x.size() / 4]};
    if (o.period_hint > 0.0) periods.insert(periods.begin(), o.period_hint);
    for (const double p : periods) {
      if (p > 0.0) starts.push_back(start_at(x, p, floor_abs));
    }
  }
  // A short run from every start, then the most likely one runs to convergence (refits from a
  // given start, in the bootstraps, get fewer iterations).
  EmResult best;
  for (const Beat& s : starts) {
    const EmResult r = run_em(x, m.sum, s, floor_rel, floor_abs, starts.size() > 1 ? 25 : 0);
    if (starts.size() == 1 || r.log_likelihood > best.log_likelihood) best = r;
  }
  if (!best.converged && !best.at_bound) {
    const bool refit = !o.initial.empty();
    const Beat from = starts.size() > 1 ? best.beat : starts.front();
    best = run_em(x, m.sum, from, floor_rel, floor_abs, refit ? 100 : 1000);
  }
  if (!std::isfinite(best.log_likelihood)) {
    return failed_fit(model, x.size(), FitStatus::not_converged, o);
  }
  ModelFit f = make_model(model, {best.beat.period, best.beat.sigma, best.beat.miss});
  f.n = x.size();
  f.log_likelihood = best.log_likelihood;
  // Observed information over the parameters not on a boundary.
  std::vector<std::size_t> free = {0};
  if (!best.at_floor) free.push_back(1);
  if (best.beat.miss > 1e-6) free.push_back(2);
  const Objective ll = [&](std::span<const double> p) {
    ModelFit trial = f;
    for (std::size_t i = 0; i < free.size(); ++i) trial.params[free[i]] = p[i];
    if (!(trial.params[0] > 0.0 && trial.params[1] > 0.0 && trial.params[2] >= 0.0 &&
          trial.params[2] < 1.0)) {
      return -std::numeric_limits<double>::infinity();
    }
    double total = 0.0;
    for (const double v : x) total += log_pdf(trial, v);
    return total;
  };
  std::vector<double> at, scale;
  for (const std::size_t i : free) at.push_back(f.params[i]), scale.push_back(0.0);
  const auto se = standard_errors(observed_information(ll, at, scale));
  for (std::size_t i = 0; i < free.size(); ++i) f.std_errors[free[i]] = se[i];
  if (best.at_floor || best.at_bound)
    f.status = FitStatus::at_bound;
  else if (!best.converged)
    f.status = FitStatus::not_converged;
  return f;
}

}  // namespace tealeaves::interarrival::detail
