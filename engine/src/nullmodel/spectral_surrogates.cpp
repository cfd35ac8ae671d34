#include "tealeaves/nullmodel/spectral_surrogates.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <numbers>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../spectral/fft_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"

// All transforms go through the cached FFTW plans and each thread's reusable aligned buffers;
// per surrogate only the output row and the rank-ordering scratch are touched.
namespace tealeaves::nullmodel {
namespace {

namespace sd = spectral::detail;
using Complex = std::complex<double>;

struct Plans {
  std::shared_ptr<const sd::RealPlan> forward;
  std::shared_ptr<const sd::RealPlan> inverse;
};

Plans plans_for(std::size_t n) {
  return {sd::forward_plan(n, spectral::PlanEffort::automatic),
          sd::inverse_plan(n, spectral::PlanEffort::automatic)};
}

std::size_t half_size(std::size_t n) {
  return n / 2 + 1;
}

void check_series(std::span<const double> x) {
  require(!x.empty(), "x", "is empty; a surrogate needs at least one sample");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw_invalid("x", "value at index " + std::to_string(i) + " is " + format_number(x[i]) +
                             "; every sample must be finite");
    }
  }
}

void check_options(const BinnedSurrogateOptions& o, bool iterative) {
  require(o.n_surrogates >= 1, "n_surrogates", "must be at least 1");
  if (!iterative) return;
  require(o.max_iterations >= 1, "max_iterations", "must be at least 1");
  require(std::isfinite(o.tolerance) && o.tolerance >= 0.0, "tolerance",
          "must be non-negative and finite, got " + format_number(o.tolerance));
}

// One-sided spectrum of x (a copy; the thread's buffers are reused by the caller).
std::vector<Complex> spectrum_of(std::span<const double> x, const sd::RealPlan& forward) {
  sd::ThreadBuffers& b = sd::thread_buffers();
  double* in = b.real.ensure(x.size());
  Complex* out = b.spectrum.ensure(half_size(x.size()));
  std::copy(x.begin(), x.end(), in);
  forward.forward(in, out);
  return {out, out + half_size(x.size())};
}

// Indices of v in ascending order, ties by index (deterministic on every platform). Sorting
// (value, index) pairs rather than indices keeps the compared values in cache: about twice
// as fast, and the order is the same.
void rank_order(const double* v, std::vector<std::size_t>& order) {
  thread_local std::vector<std::pair<double, std::size_t>> keyed;
  keyed.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) keyed[i] = {v[i], i};
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  });
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = keyed[i].second;
}

// Keeps |spec_k| and draws a uniform phase for every k but DC and (even n) Nyquist, which
// stay real and unchanged so that the inverse transform is real.
void randomize_phases(Complex* spec, std::size_t n, Rng& rng) {
  const std::size_t last = half_size(n) - 1;
  const std::size_t end = n % 2 == 0 ? last : last + 1;
  for (std::size_t k = 1; k < end; ++k) {
    spec[k] = std::polar(std::abs(spec[k]), 2.0 * std::numbers::pi * rng.uniform());
  }
}

// sqrt(sum (|S_k|^2 - P_k)^2 / sum P_k^2); 0 when the target power is all zero.
double power_error(const Complex* spec, const std::vector<double>& power, double power_norm) {
  if (power_norm == 0.0) return 0.0;
  double sum = 0.0;
  for (std::size_t k = 0; k < power.size(); ++k) {
    const double d = std::norm(spec[k]) - power[k];
    sum += d * d;
  }
  return std::sqrt(sum) / power_norm;
}

BinnedSurrogates prepare(std::size_t n, const BinnedSurrogateOptions& o) {
  BinnedSurrogates r;
  r.length = n;
  r.n_surrogates = o.n_surrogates;
  r.values.resize(n * o.n_surrogates);
  return r;
}

// Runs body(i, row) for every surrogate, one block per surrogate.
template <class Body>
void for_each_surrogate(BinnedSurrogates& r, const BinnedSurrogateOptions& o, Body body) {
  parallel_for_blocks(r.n_surrogates, 1, o.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      Rng rng(o.seed, o.stream + i);
      body(rng, r.values.data() + i * r.length, i);
    }
  });
}

}  // namespace

BinnedSurrogates phase_randomized(std::span<const double> x,
                                  const BinnedSurrogateOptions& options) {
  check_series(x);
  check_options(options, false);
  const std::size_t n = x.size();
  const Plans plans = plans_for(n);
  const std::vector<Complex> original = spectrum_of(x, *plans.forward);
  BinnedSurrogates r = prepare(n, options);
  const double scale = 1.0 / static_cast<double>(n);
  for_each_surrogate(r, options, [&](Rng& rng, double* row, std::size_t) {
    sd::ThreadBuffers& b = sd::thread_buffers();
    double* out = b.real.ensure(n);
    Complex* spec = b.spectrum.ensure(half_size(n));
    std::copy(original.begin(), original.end(), spec);
    randomize_phases(spec, n, rng);
    plans.inverse->inverse(spec, out);
    for (std::size_t t = 0; t < n; ++t) row[t] = out[t] * scale;
  });
  return r;
}

BinnedSurrogates aaft(std::span<const double> x, const BinnedSurrogateOptions& options) {
  check_series(x);
  check_options(options, false);
  const std::size_t n = x.size();
  const Plans plans = plans_for(n);
  std::vector<std::size_t> x_order(n);
  rank_order(x.data(), x_order);
  std::vector<double> sorted(n);
  for (std::size_t j = 0; j < n; ++j) sorted[j] = x[x_order[j]];
  BinnedSurrogates r = prepare(n, options);
  for_each_surrogate(r, options, [&](Rng& rng, double* row, std::size_t) {
    sd::ThreadBuffers& b = sd::thread_buffers();
    double* real = b.real.ensure(n);
    Complex* spec = b.spectrum.ensure(half_size(n));
    // 1. Gaussian values in the rank order of x.
    std::vector<double> gauss(n);
    for (double& g : gauss) g = rng.normal();
    std::sort(gauss.begin(), gauss.end());
    for (std::size_t j = 0; j < n; ++j) real[x_order[j]] = gauss[j];
    // 2. Phase-randomise the Gaussian series.
    plans.forward->forward(real, spec);
    randomize_phases(spec, n, rng);
    plans.inverse->inverse(spec, real);  // scaled by n: ranks do not care
    // 3. The original values in the rank order of the result.
    std::vector<std::size_t> order(n);
    rank_order(real, order);
    for (std::size_t j = 0; j < n; ++j) row[order[j]] = sorted[j];
  });
  return r;
}

BinnedSurrogates iaaft(std::span<const double> x, const BinnedSurrogateOptions& options) {
  check_series(x);
  check_options(options, true);
  const std::size_t n = x.size();
  const std::size_t m = half_size(n);
  const Plans plans = plans_for(n);
  const std::vector<Complex> original = spectrum_of(x, *plans.forward);
  std::vector<double> amplitude(m), power(m);
  double power_sq = 0.0;
  for (std::size_t k = 0; k < m; ++k) {
    power[k] = std::norm(original[k]);
    amplitude[k] = std::abs(original[k]);
    power_sq += power[k] * power[k];
  }
  const double power_norm = std::sqrt(power_sq);
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());

  BinnedSurrogates r = prepare(n, options);
  r.iterations.assign(options.n_surrogates, 0);
  r.spectral_error.assign(options.n_surrogates, 0.0);
  for_each_surrogate(r, options, [&](Rng& rng, double* row, std::size_t index) {
    sd::ThreadBuffers& b = sd::thread_buffers();
    double* real = b.real.ensure(n);
    Complex* spec = b.spectrum.ensure(m);
    // Start from a random shuffle (Fisher-Yates).
    std::vector<double> current(x.begin(), x.end()), next(n);
    for (std::size_t i = n; i > 1; --i) std::swap(current[i - 1], current[rng.below(i)]);
    std::copy(current.begin(), current.end(), real);
    plans.forward->forward(real, spec);
    double error = power_error(spec, power, power_norm);
    std::vector<std::size_t> order(n);
    std::size_t it = 0;
    while (it < options.max_iterations && error > 0.0) {
      ++it;
      // Impose the original amplitudes, keeping the current phases.
      for (std::size_t k = 0; k < m; ++k) {
        const double a = std::abs(spec[k]);
        spec[k] = a > 0.0 ? spec[k] * (amplitude[k] / a) : Complex(amplitude[k], 0.0);
      }
      plans.inverse->inverse(spec, real);  // scaled by n: ranks do not care
      // Impose the original values by rank.
      rank_order(real, order);
      for (std::size_t j = 0; j < n; ++j) next[order[j]] = sorted[j];
      std::copy(next.begin(), next.end(), real);
      plans.forward->forward(real, spec);
      const double next_error = power_error(spec, power, power_norm);
      if (!(next_error < error)) break;  // no longer improving: keep the previous iterate
      const double improvement = error - next_error;
      current.swap(next);
      error = next_error;
      if (improvement <= options.tolerance * (error + improvement)) break;
    }
    std::copy(current.begin(), current.end(), row);
    r.iterations[index] = it;
    r.spectral_error[index] = error;
  });
  return r;
}

double relative_spectral_error(std::span<const double> x, std::span<const double> s) {
  check_series(x);
  require(s.size() == x.size(), "s",
          "must have the length of x (" + std::to_string(x.size()) + "), got " +
              std::to_string(s.size()));
  const Plans plans = plans_for(x.size());
  const std::vector<Complex> target = spectrum_of(x, *plans.forward);
  const std::vector<Complex> other = spectrum_of(s, *plans.forward);
  std::vector<double> power(target.size());
  double power_sq = 0.0;
  for (std::size_t k = 0; k < target.size(); ++k) {
    power[k] = std::norm(target[k]);
    power_sq += power[k] * power[k];
  }
  return power_error(other.data(), power, std::sqrt(power_sq));
}

}  // namespace tealeaves::nullmodel
