// Competing generative point-process models for one series, fitted by maximum likelihood on its
// observation window (outages have zero exposure), compared by AIC/BIC and likelihood ratios.
//
//   poisson  lambda(t) = r                                                      1 parameter
//   routine  log lambda(t) = c0 + sum_k a_k cos(k w h) + b_k sin(k w h)         1 + 2K (+1 +1)
//                            + c_we [local day is Sat/Sun] + c_tr (t - T/2) / T
//            h = local hour of day = UTC + utc_offset; w = 2 pi / 24 h; T = window duration.
//            Fitted by Newton's method (Eigen LDLT); the compensator is integrated by 4-point
//            Gauss-Legendre on pieces of at most `grid_step` seconds that never cross a local
//            midnight (where the weekend term jumps), i.e. exact to ~1e-15 for smooth pieces.
//   renewal  gaps i.i.d. with the "jittered period with missed beats" density on g > 0:
//              f(g) = sum_{m>=1} (1 - q) q^(m-1) phi((g - m P) / s) / (s Phi(m P / s)),
//            a geometric number m of periods (each beat missed with probability q) plus Gaussian
//            jitter s, each component truncated to g > 0 and renormalised (so f is a proper
//            density on g > 0). Constraints: s <= P / 2, q <= 0.95. On each good interval [a, b]
//            the likelihood of a stationary renewal process is used: the first event has the
//            equilibrium (forward-recurrence) density S(x) / E[g], the last one is censored by
//            S(b - t_last), and an empty interval has probability S_e(b - a).
//   hawkes   lambda(t) = mu b(t) + sum_{t_i < t} alpha beta exp(-beta (t - t_i)),
//            b(t) = the fitted routine rate normalised to mean 1 over the exposure (or b = 1),
//            alpha in (0, 1) (branching ratio), beta > 0. O(n) recursive likelihood with its
//            analytic gradient, BFGS on (log mu, logit alpha, log beta) from several starts.
//            Events excite through outages but nothing is observed (or counted) inside them.
//            When b is the routine shape, its 2K (+2) shape coefficients count as parameters.
//
// Every event is counted once whatever its multiplicity (a collapsed retry cluster is one
// lookup). Times are relative to the series origin. The Hawkes background is the routine rate
// when "routine" is among the compared models, else a constant.
//
// Goodness of fit by time rescaling (Brown et al. 2002): the increments of the fitted
// compensator between consecutive events (from the window start; for the renewal model
// -log S(gap), and -log S_e for the first event of a good interval) are i.i.d. Exp(1) under
// the model. The KS test of them against Exp(1) uses the asymptotic Kolmogorov distribution
// with Stephens' small-sample correction; its p-value is optimistic (too large, conservative)
// because the parameters were fitted on the same data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"

namespace tealeaves::verdict {

enum class ProcessModel { poisson, routine, renewal, hawkes };
ProcessModel parse_process_model(std::string_view name);  // "poisson", "routine", ...
std::string process_model_name(ProcessModel model);

struct RoutineOptions {
  unsigned harmonics = 3;           // K daily Fourier harmonics in local time
  bool weekly = true;               // a weekend (local Saturday or Sunday) vs weekday effect
  bool trend = true;                // a log-linear trend over the window
  double utc_offset_seconds = 0.0;  // local time = UTC + offset (fixed offset)
  double grid_step = 300.0;         // longest quadrature piece, seconds
};

// The log-linear rate's features at relative time t, for a series with `origin` (absolute
// time of t = 0) and `duration`: [1, cos(w h), sin(w h), ..., cos(K w h), sin(K w h),
// weekend?, trend?]. Features the window cannot identify are left out (options() shows what
// is used): the harmonics need a window of >= 2 days, the weekend effect >= 1 day of weekend
// and >= 1 day of weekdays.
class RoutineDesign {
 public:
  RoutineDesign(double origin, double duration, const RoutineOptions& options);
  std::size_t size() const { return size_; }
  std::vector<std::string> names() const;
  void features(double t, std::span<double> out) const;
  double log_rate(double t, std::span<const double> coef) const;
  // Next local midnight strictly after relative time t.
  double next_midnight(double t) const;
  bool is_weekend(double t) const;  // local Saturday or Sunday
  const RoutineOptions& options() const { return options_; }
  double duration() const { return duration_; }

 private:
  double origin_ = 0.0, duration_ = 1.0;
  RoutineOptions options_;
  std::size_t size_ = 1;
};

// Gauss-Legendre quadrature of the good time: nodes (relative times) and weights.
struct Quadrature {
  std::vector<double> nodes;
  std::vector<double> weights;
};
Quadrature routine_quadrature(const RoutineDesign& design, const std::vector<Interval>& good);

// log L = sum_i x(t_i) . coef - integral over good time of exp(x(t) . coef).
double routine_log_likelihood(const RoutineDesign& design, std::span<const double> coef,
                              std::span<const double> times, const std::vector<Interval>& good);

struct HawkesParams {
  double mu = 0.0, alpha = 0.0, beta = 1.0;
};

// Hawkes log-likelihood (O(n)) on the good intervals. `background` holds b(t_i) for every event,
// `background_integral` the integral of b over the good time. Optional gradient (d/dmu,
// d/dalpha, d/dbeta) into `gradient` (size 3) when non-empty.
double hawkes_log_likelihood(std::span<const double> times, const std::vector<Interval>& good,
                             std::span<const double> background, double background_integral,
                             const HawkesParams& p, std::span<double> gradient = {});

// The Hawkes compensator increments between consecutive events (from the window start).
std::vector<double> hawkes_rescaled(std::span<const double> times,
                                    const std::vector<Interval>& good,
                                    std::span<const double> background_cumulative,
                                    const HawkesParams& p);

struct RenewalParams {
  double period = 1.0, jitter = 0.1, miss = 0.0;
};
double renewal_log_pdf(double gap, const RenewalParams& p);
double renewal_log_sf(double gap, const RenewalParams& p);
double renewal_mean(const RenewalParams& p);
// log of the equilibrium survival S_e(x) = integral_x^inf S(u) du / E[g].
double renewal_log_equilibrium_sf(double x, const RenewalParams& p);
double renewal_log_likelihood(std::span<const double> times, const std::vector<Interval>& good,
                              const RenewalParams& p);

// Seeded simulators on the good intervals (relative times, sorted). The routine rate and the
// Hawkes background use Ogata thinning with a rigorous bound per quadrature piece.
std::vector<double> simulate_routine(const RoutineDesign& design, std::span<const double> coef,
                                     const std::vector<Interval>& good, Rng& rng);
// Hawkes with background mu * b(t), b(t) = exp(x(t) . shape) (shape = {0} for a constant).
std::vector<double> simulate_hawkes(const RoutineDesign& design, std::span<const double> shape,
                                    const HawkesParams& p, const std::vector<Interval>& good,
                                    Rng& rng);
std::vector<double> simulate_renewal(const RenewalParams& p, const std::vector<Interval>& good,
                                     Rng& rng);

struct ProcessFit {
  ProcessModel model = ProcessModel::poisson;
  std::vector<std::string> param_names;
  std::vector<double> params;
  double log_likelihood = 0.0;
  std::size_t n_params = 0;
  double aic = 0.0, bic = 0.0;
  double ks_stat = 0.0, ks_p = 1.0;  // time-rescaling KS vs Exp(1) (p optimistic: fitted)
  std::vector<double> rescaled;      // compensator increments (Exp(1) under the model)
  // ok, not_converged, at_bound (a parameter at its constraint, or a routine coefficient beyond
  // +-15: the rate is ~0 somewhere, e.g. no weekend events), insufficient_data (< 3 events or
  // no exposure), tied_events (hawkes/renewal: exactly equal times make the likelihood
  // degenerate; collapse duplicates first). Only finite likelihoods enter the ranking.
  std::string status = "ok";
  bool converged = false;
  bool usable() const { return status != "insufficient_data" && status != "tied_events"; }
};

struct LrTest {
  std::string null, alternative;
  double statistic = 0.0;              // 2 (logL_alternative - logL_null), >= 0
  double dof = 0.0;                    // extra parameters
  double p_chi2 = 0.0;                 // asymptotic chi2(dof) p (NaN where the chi2 theory fails)
  double p_bootstrap = 0.0;            // (k + 1) / (B + 1) from the fitted null (NaN if B = 0)
  std::size_t k = 0, n_bootstrap = 0;  // exceedances, replicates drawn
  bool stopped_early = false;          // Besag-Clifford: p = k / n_bootstrap
  double p_value = 0.0;                // the bootstrap p when B > 0, else p_chi2
  std::string method;                  // "parametric_bootstrap" or "chi2"
  std::string null_model;              // what the replicates were simulated from
};

struct CompareOptions {
  std::vector<ProcessModel> models = {ProcessModel::poisson, ProcessModel::routine,
                                      ProcessModel::renewal, ProcessModel::hawkes};
  RoutineOptions routine;
  double period_hint = 0.0;      // renewal starting period (0: the median gap)
  std::size_t n_bootstrap = 99;  // parametric-bootstrap replicates per LR test
  // > 0: Besag & Clifford (1991) sequential stopping once this many replicates reach the
  // observed statistic (p = h / L, valid; a clear non-rejection then costs ~h / p replicates).
  std::size_t sequential_h = 0;
  std::uint64_t seed = 0;
  std::size_t threads = 0;
};

struct ModelComparison {
  std::vector<ProcessFit> fits;
  std::string best_aic, best_bic;  // "" when nothing could be fitted
  std::vector<LrTest> lr_tests;
  double branching_ratio = 0.0;   // Hawkes alpha (NaN without a Hawkes fit)
  std::string hawkes_background;  // "routine" or "constant"
  std::size_t n_events = 0;
  double exposure = 0.0;
};

ProcessFit fit_poisson(const EventSeries& series);
ProcessFit fit_routine(const EventSeries& series, const RoutineOptions& options);
ProcessFit fit_renewal(const EventSeries& series, double period_hint = 0.0);
// background_routine: use the fitted routine rate as b(t) (else b = 1).
ProcessFit fit_hawkes(const EventSeries& series, const RoutineOptions& options,
                      bool background_routine);

// Fits every requested model and compares them. LR tests (each on its own, no multiplicity
// correction across the two): poisson vs routine (chi2(dof) and a parametric bootstrap from the
// fitted Poisson); background vs hawkes (alpha = 0 is on the boundary and beta is not identified
// under the null, so only the parametric bootstrap from the fitted background is used). Bootstrap
// replicate i of test j uses Rng(seed, j * 2^32 + i): identical for any thread count.
ModelComparison compare_models(const EventSeries& series, const CompareOptions& options = {});

// KS statistic of values against Exp(1) and its asymptotic p-value (Stephens' correction).
void ks_exponential(std::vector<double> values, double& statistic, double& p_value);

}  // namespace tealeaves::verdict
