// Shared internals of the point-process models: small optimisers and fit helpers.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/verdict/models.hpp"

namespace tealeaves::verdict::detail {

struct OptimResult {
  std::vector<double> x;
  double value = 0.0;  // minimised objective
  bool converged = false;
  std::size_t iterations = 0;
};

// Minimises f (returns value, fills gradient) by BFGS with a backtracking Armijo line search.
using ObjectiveWithGradient = std::function<double(std::span<const double>, std::span<double>)>;
OptimResult bfgs(const ObjectiveWithGradient& f, std::vector<double> x0, std::size_t max_iter = 300,
                 double gtol = 1e-7);

// Nelder-Mead simplex (derivative-free) with initial step `step` per coordinate.
OptimResult nelder_mead(const std::function<double(std::span<const double>)>& f,
                        std::vector<double> x0, std::vector<double> step,
                        std::size_t max_iter = 2000, double ftol = 1e-11);

// Relative event times (each stored event once).
inline std::vector<double> event_times(const EventSeries& s) {
  return {s.times().begin(), s.times().end()};
}

// Pieces of the good time of at most grid_step seconds that never cross a local midnight.
std::vector<Interval> quadrature_pieces(const RoutineDesign& design,
                                        const std::vector<Interval>& good);
// quadrature_pieces split further so that lipschitz * length <= 2 (thinning accepts >= e^-2).
std::vector<Interval> thinning_pieces(const RoutineDesign& design,
                                      const std::vector<Interval>& good, double lipschitz);
// A bound on |d/dt log rate| for the coefficients (for thinning bounds).
double log_rate_lipschitz(const RoutineDesign& design, std::span<const double> coef);

double good_exposure(const std::vector<Interval>& good);

// Fills the information criteria and the time-rescaling KS test of a fit.
void finish_fit(ProcessFit& fit, std::size_t n_events);

// The routine fit on raw inputs (used by the bootstrap without building an EventSeries).
struct RoutineFitRaw {
  std::vector<double> coef;
  double log_likelihood = 0.0;
  double integral_shape = 0.0;  // integral of exp(x . coef) over good time
  bool converged = false;
  bool at_bound = false;
};
RoutineFitRaw fit_routine_raw(const RoutineDesign& design, std::span<const double> times,
                              const std::vector<Interval>& good);

struct HawkesFitRaw {
  HawkesParams params;
  double log_likelihood = 0.0;
  bool converged = false;
  bool at_bound = false;
};
// b: background at each event (mean 1 over the exposure), integral of b over good time.
HawkesFitRaw fit_hawkes_raw(std::span<const double> times, const std::vector<Interval>& good,
                            std::span<const double> b, double b_integral);

// The rescaled increments of an inhomogeneous Poisson rate exp(x . coef): per event, the integral
// of the rate since the previous event (or the window start).
std::vector<double> rate_cumulative_at_events(const RoutineDesign& design,
                                              std::span<const double> coef,
                                              std::span<const double> times,
                                              const std::vector<Interval>& good);

}  // namespace tealeaves::verdict::detail
