// Fit every requested model, rank by AIC/BIC, and test the nested pairs by likelihood ratio
// with a seeded parametric bootstrap from the fitted null.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "tealeaves/nullmodel/montecarlo.hpp"
#include "verdict_internal.hpp"

namespace tealeaves::verdict {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kStreamsPerTest = std::uint64_t{1} << 32;

bool has(const std::vector<ProcessModel>& models, ProcessModel m) {
  return std::find(models.begin(), models.end(), m) != models.end();
}

const ProcessFit* find_fit(const std::vector<ProcessFit>& fits, ProcessModel m) {
  for (const auto& f : fits) {
    if (f.model == m && f.usable() && std::isfinite(f.log_likelihood)) return &f;
  }
  return nullptr;
}

RoutineOptions flat(const RoutineOptions& like) {
  RoutineOptions o = like;
  o.harmonics = 0;
  o.weekly = false;
  o.trend = false;
  return o;
}

// The parametric bootstrap of one LR test: replicate i from Rng(seed, first_stream + i),
// p = (k + 1) / (B + 1), or Besag-Clifford's h / L when `sequential_h` exceedances came first
// (NaN replicates count as exceeding; ties within rounding of the statistic count too).
void bootstrap_p(LrTest& t, const CompareOptions& options, std::uint64_t first_stream,
                 const std::function<double(Rng&)>& replicate) {
  nullmodel::McOptions mc;
  mc.n = options.n_bootstrap;
  mc.seed = options.seed;
  mc.threads = options.threads;
  mc.sequential_h = options.sequential_h;
  mc.keep_null_values = false;
  const auto r = nullmodel::mc_replicates(t.statistic, t.null_model, mc, first_stream, replicate);
  t.k = r.k;
  t.n_bootstrap = r.n;
  t.stopped_early = r.stopped_early;
  t.p_bootstrap = r.p_value;
  t.p_value = r.p_value;
  t.method = "parametric_bootstrap";
}

// 2 (logL routine - logL poisson) on one simulated series (NaN if too few events).
double routine_statistic(const RoutineDesign& design, const std::vector<double>& t,
                         const std::vector<Interval>& good, double exposure) {
  if (t.size() < 3) return kNaN;
  const double n = static_cast<double>(t.size());
  const double ll0 = n * (std::log(n / exposure) - 1.0);
  const auto r = detail::fit_routine_raw(design, t, good);
  return std::max(0.0, 2.0 * (r.log_likelihood - ll0));
}

// 2 (logL hawkes - logL background) on one series, refitting the background as the data fit did.
double hawkes_statistic(const RoutineDesign& design, bool routine_background,
                        const std::vector<double>& t, const std::vector<Interval>& good,
                        double exposure) {
  if (t.size() < 3) return kNaN;
  const double n = static_cast<double>(t.size());
  std::vector<double> shape(design.size(), 0.0);
  double ll0 = n * (std::log(n / exposure) - 1.0);
  if (routine_background) {
    const auto r = detail::fit_routine_raw(design, t, good);
    shape = r.coef;
    shape[0] += std::log(exposure / r.integral_shape);
    ll0 = r.log_likelihood;
  }
  std::vector<double> b(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) b[i] = std::exp(design.log_rate(t[i], shape));
  const auto h = detail::fit_hawkes_raw(t, good, b, exposure);
  if (!std::isfinite(h.log_likelihood)) return kNaN;
  return std::max(0.0, 2.0 * (h.log_likelihood - ll0));
}

}  // namespace

ModelComparison compare_models(const EventSeries& series, const CompareOptions& options) {
  require(!options.models.empty(), "models", "must name at least one model");
  require(std::isfinite(options.period_hint) && options.period_hint >= 0.0, "period_hint",
          "must be finite and >= 0");
  require(options.n_bootstrap <= 100000, "n_bootstrap", "must be <= 100000");
  const RoutineDesign design(series.origin(), series.duration(), options.routine);  // validates
  ModelComparison out;
  out.n_events = series.size();
  const auto& good = series.good_intervals();
  out.exposure = detail::good_exposure(good);
  const bool routine_background = has(options.models, ProcessModel::routine);
  out.hawkes_background = routine_background ? "routine" : "constant";
  std::vector<ProcessModel> seen;
  for (const auto m : options.models) {
    if (has(seen, m)) continue;
    seen.push_back(m);
    switch (m) {
      case ProcessModel::poisson: out.fits.push_back(fit_poisson(series)); break;
      case ProcessModel::routine: out.fits.push_back(fit_routine(series, options.routine)); break;
      case ProcessModel::renewal:
        out.fits.push_back(fit_renewal(series, options.period_hint));
        break;
      case ProcessModel::hawkes:
        out.fits.push_back(fit_hawkes(series, options.routine, routine_background));
        break;
    }
  }
  double best_aic = std::numeric_limits<double>::infinity(), best_bic = best_aic;
  for (const auto& f : out.fits) {
    if (!f.usable() || !std::isfinite(f.aic)) continue;
    if (f.aic < best_aic) best_aic = f.aic, out.best_aic = process_model_name(f.model);
    if (f.bic < best_bic) best_bic = f.bic, out.best_bic = process_model_name(f.model);
  }
  const ProcessFit* hawkes = find_fit(out.fits, ProcessModel::hawkes);
  out.branching_ratio = hawkes ? hawkes->params[1] : kNaN;

  const std::size_t b_count = options.n_bootstrap;
  const std::vector<Interval>& gti = good;
  const ProcessFit* poisson = find_fit(out.fits, ProcessModel::poisson);
  const ProcessFit* routine = find_fit(out.fits, ProcessModel::routine);
  // Test 0: poisson (null) vs routine.
  if (poisson && routine) {
    LrTest t;
    t.null = "poisson";
    t.alternative = "routine";
    t.null_model = "homogeneous Poisson at the fitted rate on the observed good time";
    t.statistic = std::max(0.0, 2.0 * (routine->log_likelihood - poisson->log_likelihood));
    t.dof = static_cast<double>(routine->n_params - poisson->n_params);
    t.p_chi2 = t.dof > 0.0 ? std::exp(stats::log_chi2_sf(t.statistic, t.dof)) : kNaN;
    t.p_value = t.p_chi2;
    t.method = "chi2";
    t.p_bootstrap = kNaN;
    if (b_count > 0) {
      const RoutineDesign flat_design(series.origin(), series.duration(), flat(options.routine));
      const std::vector<double> coef = {std::log(poisson->params[0])};
      bootstrap_p(t, options, 0, [&](Rng& rng) {
        const auto sim = simulate_routine(flat_design, coef, gti, rng);
        return routine_statistic(design, sim, gti, out.exposure);
      });
    }
    out.lr_tests.push_back(t);
  }
  // Test 1: background (routine or constant) vs hawkes.
  const ProcessFit* background = routine_background ? routine : poisson;
  if (hawkes) {
    LrTest t;
    t.null = routine_background ? "routine" : "poisson";
    t.alternative = "hawkes";
    t.null_model = routine_background
                       ? "inhomogeneous Poisson at the fitted routine rate (alpha = 0)"
                       : "homogeneous Poisson at the fitted rate (alpha = 0)";
    // The background's likelihood is the Hawkes likelihood at alpha = 0.
    double ll0 = kNaN;
    if (background) {
      ll0 = background->log_likelihood;
    } else if (!routine_background) {
      const double n = static_cast<double>(series.size());
      ll0 = n * (std::log(n / out.exposure) - 1.0);
    }
    t.statistic = std::max(0.0, 2.0 * (hawkes->log_likelihood - ll0));
    t.dof = 2.0;
    t.p_chi2 = kNaN;  // alpha = 0 on the boundary, beta unidentified: no chi2 theory
    t.p_value = kNaN;
    t.p_bootstrap = kNaN;
    t.method = "parametric_bootstrap";
    if (b_count > 0 && std::isfinite(ll0)) {
      const RoutineDesign null_design(series.origin(), series.duration(),
                                      routine_background ? options.routine : flat(options.routine));
      std::vector<double> coef =
          routine_background
              ? background->params
              : std::vector<double>{std::log(static_cast<double>(series.size()) / out.exposure)};
      bootstrap_p(t, options, kStreamsPerTest, [&](Rng& rng) {
        const auto sim = simulate_routine(null_design, coef, gti, rng);
        return hawkes_statistic(null_design, routine_background, sim, gti, out.exposure);
      });
    }
    out.lr_tests.push_back(t);
  }
  return out;
}

}  // namespace tealeaves::verdict
