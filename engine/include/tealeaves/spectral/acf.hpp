// Sample autocorrelation through FFTs with zero padding (no circular wrap-around),
// and the Ljung-Box portmanteau test.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "tealeaves/spectral/fft.hpp"

namespace tealeaves::spectral {

struct AcfOptions {
  std::size_t max_lag = 0;  // 0: min(10 log10(n), n - 1), as statsmodels' default
  bool adjusted = false;    // divide the lag-k autocovariance by n - k instead of n
  bool demean = true;
  double alpha = 0.0;  // > 0: Bartlett confidence intervals at level 1 - alpha
  PlanEffort effort = PlanEffort::automatic;
};

struct AcfResult {
  std::vector<double> acf;  // lags 0 .. max_lag; acf[0] = 1
  std::vector<double> autocovariance;
  // Bartlett's standard error of acf[k] under "no autocorrelation beyond lag k-1";
  // confidence bounds are acf +- z_{1-alpha/2} * se (filled when alpha > 0).
  std::vector<double> confint_low, confint_high;
  std::size_t n = 0;
};

AcfResult acf(std::span<const double> x, const AcfOptions& options = {});

struct LjungBox {
  std::vector<double> q;        // Q(k) for k = 1 .. max_lag
  std::vector<double> p_value;  // chi^2 survival with k - model_df dof (NaN when dof < 1)
  std::size_t model_df = 0;
};

// Ljung-Box Q(k) = n (n + 2) sum_{j<=k} r_j^2 / (n - j) from autocorrelations r (r[0] = 1).
// Null: the series is independent (white); each Q(k) is one test (no correction across k).
LjungBox ljung_box(std::span<const double> acf, std::size_t n, std::size_t model_df = 0);

}  // namespace tealeaves::spectral

namespace tealeaves {
using spectral::acf;
using spectral::AcfResult;
using spectral::ljung_box;
}  // namespace tealeaves
