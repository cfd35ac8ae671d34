#include "tealeaves/events/folding.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "phasor.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/stats.hpp"
#include "window.hpp"

namespace tealeaves::events {
namespace {

// Measure of {x in [0, x_end) : frac(x) in [p0, p1)} for x in cycles.
double phase_measure(double x_end, double p0, double p1) {
  const double whole = std::floor(x_end);
  return whole * (p1 - p0) + std::clamp(x_end - whole - p0, 0.0, p1 - p0);
}

std::vector<double> phase_exposure(const EventSeries& series, double f, std::size_t bins) {
  std::vector<double> exposure(bins, 0.0);
  for (const Interval& g : series.good_intervals()) {
    if (g.stop <= g.start) continue;
    // Cycles are counted from the interval start, whose own phase offsets every bin.
    const double start_phase = detail::cycles(f, g.start);
    const double span = f * g.length();
    for (std::size_t i = 0; i < bins; ++i) {
      const double p0 = static_cast<double>(i) / static_cast<double>(bins);
      const double p1 = static_cast<double>(i + 1) / static_cast<double>(bins);
      exposure[i] += phase_measure(start_phase + span, p0, p1) - phase_measure(start_phase, p0, p1);
    }
  }
  return exposure;
}

}  // namespace

FoldedProfile fold(const EventSeries& series, double frequency, std::size_t bins) {
  require(std::isfinite(frequency) && frequency > 0.0, "frequency",
          "must be positive and finite, got " + format_number(frequency));
  require(bins >= 2 && bins <= 1000, "bins", "must be in 2..1000, got " + std::to_string(bins));
  FoldedProfile out;
  out.frequency = frequency;
  out.counts.assign(bins, 0.0);
  for (const double t : series.times()) {
    const auto k =
        static_cast<std::size_t>(detail::cycles(frequency, t) * static_cast<double>(bins));
    out.counts[std::min(k, bins - 1)] += 1.0;
  }
  const std::vector<double> exposure = phase_exposure(series, frequency, bins);
  double total_exposure = 0.0;
  for (double e : exposure) total_exposure += e;
  const double n = static_cast<double>(series.size());
  out.expected.resize(bins);
  out.dof = bins - 1;
  for (std::size_t i = 0; i < bins; ++i) {
    out.expected[i] = total_exposure > 0.0 ? n * exposure[i] / total_exposure : 0.0;
    if (out.expected[i] > 0.0) {
      const double d = out.counts[i] - out.expected[i];
      out.chi2 += d * d / out.expected[i];
    }
  }
  out.log_p = stats::log_chi2_sf(out.chi2, static_cast<double>(out.dof));
  return out;
}

PulseShape pulse_shape(const EventSeries& series, double frequency) {
  require(std::isfinite(frequency) && frequency > 0.0, "frequency",
          "must be positive and finite, got " + format_number(frequency));
  PulseShape shape;
  const double n = static_cast<double>(series.size());
  if (n < 2.0) return shape;
  detail::Phasor a1, a2;
  for (const double t : series.times()) {
    const detail::Phasor z = detail::cis_cycles(detail::cycles(frequency, t));
    a1.re += z.re;
    a1.im += z.im;
    const detail::Phasor z2 = z * z;
    a2.re += z2.re;
    a2.im += z2.im;
  }
  // Remove what the observation window alone puts into the mean phasors.
  const auto edges = detail::window_edges(series);
  const detail::Phasor w1 = detail::window_at(edges, frequency);
  const detail::Phasor w2 = detail::window_at(edges, 2.0 * frequency);
  const double r1sq = std::pow(a1.re / n - w1.re, 2) + std::pow(a1.im / n - w1.im, 2);
  const double r2sq = std::pow(a2.re / n - w2.re, 2) + std::pow(a2.im / n - w2.im, 2);
  // E|a_k|^2 = |true a_k|^2 + 1/n under Poisson noise.
  shape.amplitude1 = std::sqrt(std::max(0.0, r1sq - 1.0 / n));
  shape.amplitude2 = std::sqrt(std::max(0.0, r2sq - 1.0 / n));
  shape.peak_phase = std::atan2(a1.im / n - w1.im, a1.re / n - w1.re) / (2.0 * std::numbers::pi);
  if (shape.peak_phase < 0.0) shape.peak_phase += 1.0;
  if (shape.amplitude1 <= 0.0) return shape;
  // A second harmonic at or below the noise floor only bounds the spread: use the floor.
  const double r2 = std::max(shape.amplitude2, std::min(shape.amplitude1, 1.0 / std::sqrt(n)));
  const double ratio = std::min(1.0, r2 / shape.amplitude1);
  const double sigma2 =
      std::max(0.0, -std::log(ratio) / (6.0 * std::numbers::pi * std::numbers::pi));
  shape.jitter_cycles = std::sqrt(sigma2);
  shape.pulsed_fraction = std::min(
      1.0, shape.amplitude1 * std::exp(2.0 * std::numbers::pi * std::numbers::pi * sigma2));
  return shape;
}

}  // namespace tealeaves::events
