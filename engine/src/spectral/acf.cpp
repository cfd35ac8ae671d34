#include "tealeaves/spectral/acf.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>
#include <string>

#include "fft_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::spectral {
namespace {

void check_input(std::span<const double> x) {
  require(x.size() >= 2, "x", "needs at least 2 samples, got " + std::to_string(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw_invalid("x", "value at index " + std::to_string(i) + " is " + format_number(x[i]) +
                             "; every sample must be finite");
    }
  }
}

std::size_t default_max_lag(std::size_t n) {
  const auto lag = static_cast<std::size_t>(10.0 * std::log10(static_cast<double>(n)));
  return std::min(lag, n - 1);
}

// Raw lagged sums sum_t y_t y_{t+k}, k = 0..max_lag, by FFT on a padded length so that the
// circular correlation equals the linear one for every requested lag.
std::vector<double> lagged_sums(std::span<const double> x, double mean, std::size_t max_lag,
                                PlanEffort effort) {
  const std::size_t m = next_fast_size(x.size() + max_lag);
  detail::ThreadBuffers& buffers = detail::thread_buffers();
  double* y = buffers.real.ensure(m);
  std::complex<double>* spectrum = buffers.spectrum.ensure(m / 2 + 1);
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] - mean;
  std::fill(y + x.size(), y + m, 0.0);
  detail::forward_plan(m, effort)->forward(y, spectrum);
  for (std::size_t k = 0; k <= m / 2; ++k) spectrum[k] = std::norm(spectrum[k]);
  detail::inverse_plan(m, effort)->inverse(spectrum, y);
  std::vector<double> sums(y, y + max_lag + 1);
  const double inv_m = 1.0 / static_cast<double>(m);
  for (double& s : sums) s *= inv_m;
  return sums;
}

void bartlett_intervals(AcfResult& r, double alpha) {
  const boost::math::normal standard;
  const double z = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
  const double n = static_cast<double>(r.n);
  r.confint_low.resize(r.acf.size());
  r.confint_high.resize(r.acf.size());
  double cumulative = 0.0;  // sum_{j=1}^{k-1} r_j^2
  for (std::size_t k = 0; k < r.acf.size(); ++k) {
    double variance = 0.0;
    if (k == 1) variance = 1.0 / n;
    if (k >= 2) {
      cumulative += r.acf[k - 1] * r.acf[k - 1];
      variance = (1.0 + 2.0 * cumulative) / n;
    }
    const double half = z * std::sqrt(variance);
    r.confint_low[k] = r.acf[k] - half;
    r.confint_high[k] = r.acf[k] + half;
  }
}

}  // namespace

AcfResult acf(std::span<const double> x, const AcfOptions& o) {
  check_input(x);
  const std::size_t n = x.size();
  const std::size_t max_lag = o.max_lag == 0 ? default_max_lag(n) : o.max_lag;
  require(max_lag <= n - 1, "max_lag",
          "must be at most n - 1 = " + std::to_string(n - 1) + ", got " + std::to_string(max_lag));
  require(o.alpha >= 0.0 && o.alpha < 1.0, "alpha",
          "must be in [0, 1), got " + format_number(o.alpha));
  const double mean =
      o.demean ? std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n) : 0.0;
  AcfResult r;
  r.n = n;
  r.autocovariance = lagged_sums(x, mean, max_lag, o.effort);
  for (std::size_t k = 0; k <= max_lag; ++k) {
    r.autocovariance[k] /= static_cast<double>(o.adjusted ? n - k : n);
  }
  require(r.autocovariance[0] > 0.0, "x",
          "is constant (zero variance about its mean); autocorrelation is undefined");
  r.acf.resize(max_lag + 1);
  for (std::size_t k = 0; k <= max_lag; ++k) r.acf[k] = r.autocovariance[k] / r.autocovariance[0];
  if (o.alpha > 0.0) bartlett_intervals(r, o.alpha);
  return r;
}

LjungBox ljung_box(std::span<const double> acf_values, std::size_t n, std::size_t model_df) {
  require(acf_values.size() >= 2, "acf", "needs lag 0 and at least one more lag");
  require(n > acf_values.size() - 1, "n",
          "must exceed the largest lag " + std::to_string(acf_values.size() - 1));
  LjungBox out;
  out.model_df = model_df;
  const double nd = static_cast<double>(n);
  double sum = 0.0;
  for (std::size_t k = 1; k < acf_values.size(); ++k) {
    sum += acf_values[k] * acf_values[k] / (nd - static_cast<double>(k));
    const double q = nd * (nd + 2.0) * sum;
    out.q.push_back(q);
    double p = std::numeric_limits<double>::quiet_NaN();
    if (k > model_df) {
      const boost::math::chi_squared chi2(static_cast<double>(k - model_df));
      p = boost::math::cdf(boost::math::complement(chi2, q));
    }
    out.p_value.push_back(p);
  }
  return out;
}

}  // namespace tealeaves::spectral
