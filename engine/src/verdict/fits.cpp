// One fit per model on an EventSeries: parameters, likelihood, information criteria and the
// time-rescaling goodness of fit.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "verdict_internal.hpp"

namespace tealeaves::verdict {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMinEvents = 3;

ProcessFit empty_fit(ProcessModel model, std::vector<std::string> names) {
  ProcessFit f;
  f.model = model;
  f.params.assign(names.size(), kNaN);
  f.param_names = std::move(names);
  f.log_likelihood = f.aic = f.bic = f.ks_stat = f.ks_p = kNaN;
  f.status = "insufficient_data";
  return f;
}

std::vector<double> differences(const std::vector<double>& cumulative) {
  std::vector<double> out(cumulative.size());
  double last = 0.0;
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    out[i] = cumulative[i] - last;
    last = cumulative[i];
  }
  return out;
}

bool enough(const EventSeries& series) {
  return series.size() >= kMinEvents && detail::good_exposure(series.good_intervals()) > 0.0;
}

// Exactly tied times make the Hawkes (beta -> infinity) and renewal (density 0 at gap 0)
// likelihoods degenerate: those fits report status "tied_events" (collapse duplicates first).
bool has_ties(std::span<const double> t) {
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i] == t[i - 1]) return true;
  }
  return false;
}

RoutineOptions constant_options(const RoutineOptions& like) {
  RoutineOptions o = like;
  o.harmonics = 0;
  o.weekly = false;
  o.trend = false;
  return o;
}

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

}  // namespace

ProcessModel parse_process_model(std::string_view name) {
  if (name == "poisson") return ProcessModel::poisson;
  if (name == "routine") return ProcessModel::routine;
  if (name == "renewal") return ProcessModel::renewal;
  if (name == "hawkes") return ProcessModel::hawkes;
  throw_invalid("models", "unknown model '" + std::string(name) +
                              "'; expected poisson, routine, renewal or hawkes");
}

std::string process_model_name(ProcessModel model) {
  switch (model) {
    case ProcessModel::poisson: return "poisson";
    case ProcessModel::routine: return "routine";
    case ProcessModel::renewal: return "renewal";
    case ProcessModel::hawkes: return "hawkes";
  }
  return "unknown";
}

void ks_exponential(std::vector<double> values, double& statistic, double& p_value) {
  const std::size_t n = values.size();
  if (n == 0) {
    statistic = p_value = kNaN;
    return;
  }
  std::sort(values.begin(), values.end());
  double d = 0.0;
  const double nn = static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double f = -std::expm1(-std::max(values[i], 0.0));
    d = std::max({d, f - static_cast<double>(i) / nn, static_cast<double>(i + 1) / nn - f});
  }
  statistic = d;
  const double root = std::sqrt(nn);
  const double lambda = (root + 0.12 + 0.11 / root) * d;
  if (lambda < 0.2) {
    p_value = 1.0;
    return;
  }
  double q = 0.0, sign = 1.0;
  for (int k = 1; k <= 100; ++k, sign = -sign) {
    const double term = sign * 2.0 * std::exp(-2.0 * k * k * lambda * lambda);
    q += term;
    if (std::abs(term) < 1e-17) break;
  }
  p_value = std::clamp(q, 0.0, 1.0);
}

namespace detail {

void finish_fit(ProcessFit& fit, std::size_t n_events) {
  const double k = static_cast<double>(fit.n_params);
  fit.aic = 2.0 * k - 2.0 * fit.log_likelihood;
  fit.bic = k * std::log(static_cast<double>(n_events)) - 2.0 * fit.log_likelihood;
  ks_exponential(fit.rescaled, fit.ks_stat, fit.ks_p);
  if (fit.status == "ok" && !fit.converged) fit.status = "not_converged";
}

}  // namespace detail

ProcessFit fit_poisson(const EventSeries& series) {
  ProcessFit f = empty_fit(ProcessModel::poisson, {"rate"});
  const std::size_t n = series.size();
  if (!enough(series)) return f;
  const auto& good = series.good_intervals();
  const double exposure = detail::good_exposure(good);
  const double rate = static_cast<double>(n) / exposure;
  f.params = {rate};
  f.log_likelihood = static_cast<double>(n) * (std::log(rate) - 1.0);
  f.n_params = 1;
  f.status = "ok";
  f.converged = true;
  const RoutineDesign flat(series.origin(), series.duration(), constant_options({}));
  const std::vector<double> coef = {std::log(rate)};
  f.rescaled = differences(
      detail::rate_cumulative_at_events(flat, coef, series.times(), series.good_intervals()));
  detail::finish_fit(f, n);
  return f;
}

ProcessFit fit_routine(const EventSeries& series, const RoutineOptions& options) {
  const RoutineDesign design(series.origin(), series.duration(), options);
  ProcessFit f = empty_fit(ProcessModel::routine, design.names());
  const std::size_t n = series.size();
  if (!enough(series)) return f;
  const auto r = detail::fit_routine_raw(design, series.times(), series.good_intervals());
  f.params = r.coef;
  f.log_likelihood = r.log_likelihood;
  f.n_params = design.size();
  f.converged = r.converged;
  f.status = r.at_bound ? "at_bound" : "ok";
  f.rescaled = differences(
      detail::rate_cumulative_at_events(design, r.coef, series.times(), series.good_intervals()));
  detail::finish_fit(f, n);
  return f;
}

ProcessFit fit_renewal(const EventSeries& series, double period_hint) {
  require(std::isfinite(period_hint) && period_hint >= 0.0, "period_hint",
          "must be finite and >= 0 (0: the median gap)");
  ProcessFit f = empty_fit(ProcessModel::renewal, {"period", "jitter", "miss"});
  const std::size_t n = series.size();
  const auto times = series.times();
  const auto& good = series.good_intervals();
  std::vector<double> gaps;
  std::size_t i = 0;
  for (const auto& g : good) {
    double last = kNaN;
    for (; i < n && times[i] <= g.stop; ++i) {
      if (std::isfinite(last) && times[i] > last) gaps.push_back(times[i] - last);
      last = times[i];
    }
  }
  if (!enough(series) || gaps.size() < 2) return f;
  if (has_ties(times)) {
    f.status = "tied_events";
    return f;
  }
  std::vector<double> sorted = gaps;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double p0 = period_hint > 0.0 ? period_hint : median;
  constexpr double kMinJitter = 1e-6, kMaxMiss = 0.95;
  auto unpack = [&](std::span<const double> x) {
    RenewalParams p;
    p.period = std::exp(x[0]);
    p.jitter = p.period * (kMinJitter + (0.5 - kMinJitter) * logistic(x[1]));
    p.miss = kMaxMiss * logistic(x[2]);
    return p;
  };
  auto objective = [&](std::span<const double> x) {
    return -renewal_log_likelihood(times, good, unpack(x));
  };
  detail::OptimResult best;
  best.value = std::numeric_limits<double>::infinity();
  for (const double start : {p0, 0.5 * p0}) {
    // The half-period start matters only when most beats are missed (median gap 2 P).
    if (start < p0 && std::isfinite(best.value) && unpack(best.x).miss < 0.25) break;
    // Refine the start: the median of gap / (nearest number of periods).
    std::vector<double> ratio, resid;
    std::size_t missed = 0;
    for (const double g : gaps) {
      const double m = std::max(1.0, std::round(g / start));
      ratio.push_back(g / m);
      missed += m > 1.0 ? 1 : 0;
    }
    std::nth_element(ratio.begin(), ratio.begin() + static_cast<std::ptrdiff_t>(ratio.size() / 2),
                     ratio.end());
    const double period = ratio[ratio.size() / 2];
    for (const double g : gaps) {
      resid.push_back(std::abs(g - std::max(1.0, std::round(g / period)) * period));
    }
    std::nth_element(resid.begin(), resid.begin() + static_cast<std::ptrdiff_t>(resid.size() / 2),
                     resid.end());
    const double jitter =
        std::clamp(1.4826 * resid[resid.size() / 2], 1e-4 * period, 0.45 * period);
    const double miss =
        std::clamp(static_cast<double>(missed) / static_cast<double>(gaps.size()), 0.01, 0.9);
    const double u = (jitter / period - kMinJitter) / (0.5 - kMinJitter);
    std::vector<double> x0 = {std::log(period), std::log(u / (1.0 - u)),
                              std::log((miss / kMaxMiss) / (1.0 - miss / kMaxMiss))};
    auto r = detail::nelder_mead(objective, x0, {0.02, 0.5, 0.5}, 1500, 1e-10);
    r = detail::nelder_mead(objective, r.x, {0.002, 0.1, 0.1}, 400, 1e-12);  // restart
    if (r.value < best.value) best = r;
  }
  if (!std::isfinite(best.value)) {  // e.g. a zero gap: the density is 0 at gap 0
    f.status = "not_converged";
    return f;
  }
  const RenewalParams p = unpack(best.x);
  f.params = {p.period, p.jitter, p.miss};
  f.log_likelihood = -best.value;
  f.n_params = 3;
  f.converged = best.converged;
  f.status = "ok";
  if (best.x[1] < -12.0 || best.x[1] > 12.0) f.status = "at_bound";
  // Time rescaling: -log S_e for the first event of each good interval, -log S(gap) after.
  i = 0;
  for (const auto& g : good) {
    double last = kNaN;
    for (; i < n && times[i] <= g.stop; ++i) {
      f.rescaled.push_back(std::isfinite(last)
                               ? -renewal_log_sf(times[i] - last, p)
                               : -renewal_log_equilibrium_sf(times[i] - g.start, p));
      last = times[i];
    }
  }
  detail::finish_fit(f, n);
  return f;
}

ProcessFit fit_hawkes(const EventSeries& series, const RoutineOptions& options,
                      bool background_routine) {
  ProcessFit f = empty_fit(ProcessModel::hawkes, {"mu", "alpha", "beta"});
  const std::size_t n = series.size();
  if (!enough(series)) return f;
  if (has_ties(series.times())) {
    f.status = "tied_events";
    return f;
  }
  const auto& good = series.good_intervals();
  const double exposure = detail::good_exposure(good);
  const RoutineDesign design(series.origin(), series.duration(),
                             background_routine ? options : constant_options(options));
  std::vector<double> shape(design.size(), 0.0);
  if (background_routine) {
    const auto r = detail::fit_routine_raw(design, series.times(), good);
    shape = r.coef;
    // b(t) = exp(x . coef) * exposure / integral: mean 1 over the exposure.
    shape[0] += std::log(exposure / r.integral_shape);
  }
  std::vector<double> b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = std::exp(design.log_rate(series.times()[i], shape));
  const auto h = detail::fit_hawkes_raw(series.times(), good, b, exposure);
  if (!std::isfinite(h.log_likelihood)) {
    f.status = "not_converged";
    return f;
  }
  f.params = {h.params.mu, h.params.alpha, h.params.beta};
  if (background_routine) {
    for (std::size_t j = 1; j < design.size(); ++j) {
      f.param_names.push_back("background_" + design.names()[j]);
      f.params.push_back(shape[j]);
    }
  }
  f.log_likelihood = h.log_likelihood;
  f.n_params = 2 + design.size();
  f.converged = h.converged;
  f.status = h.at_bound ? "at_bound" : "ok";
  const auto cumulative = detail::rate_cumulative_at_events(design, shape, series.times(), good);
  f.rescaled = hawkes_rescaled(series.times(), good, cumulative, h.params);
  detail::finish_fit(f, n);
  return f;
}

}  // namespace tealeaves::verdict
