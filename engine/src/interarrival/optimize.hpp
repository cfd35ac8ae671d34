// Small derivative-free maximiser and numerical information matrix for the models without
// closed-form estimates (a handful of parameters each).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace tealeaves::interarrival::detail {

using Objective = std::function<double(std::span<const double>)>;

struct Optimum {
  std::vector<double> x;
  double value = 0.0;
  bool converged = false;
};

// Maximises f (non-finite values count as -infinity): Nelder-Mead from `start` with initial
// simplex offsets `step`, restarted at its optimum, then Newton steps on a central-difference
// Hessian while they improve f.
Optimum maximize(const Objective& f, std::vector<double> start, std::vector<double> step,
                 std::size_t max_evaluations = 6000);

// -Hessian of f at x by central differences (steps 1e-4 max(|x_i|, scale_i)).
Eigen::MatrixXd observed_information(const Objective& f, std::span<const double> x,
                                     std::span<const double> scale);

// sqrt(diag(information^-1)), NaN where the information is not positive definite.
std::vector<double> standard_errors(const Eigen::MatrixXd& information);

}  // namespace tealeaves::interarrival::detail
