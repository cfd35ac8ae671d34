#include "candidates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/periodogram.hpp"

namespace tealeaves::periodicity::detail {
namespace {

// Binned spectra stay below this many bins; the bins widen instead (losing the band's top).
constexpr double kMaxBins = double(1 << 22);
constexpr double kRelativeTolerance = 0.05;
constexpr double kRelativeHarmonics = 4.0;
// Beyond that, a tolerance wider than this share of the fundamental cannot tell multiples apart.
constexpr double kResolvable = 0.25;

double z2_at(const EventSeries& series, double f, unsigned harmonics) {
  return events::z2_cumulative(series, f, harmonics, true)[harmonics - 1];
}

}  // namespace

std::vector<std::size_t> top_local_maxima(const std::vector<double>& power, std::size_t count) {
  std::vector<std::size_t> peaks;
  for (std::size_t k = 0; k < power.size(); ++k) {
    const bool left = k == 0 || power[k] >= power[k - 1];
    const bool right = k + 1 == power.size() || power[k] > power[k + 1];
    if (left && right) peaks.push_back(k);
  }
  const std::size_t keep = std::min(count, peaks.size());
  std::partial_sort(peaks.begin(), peaks.begin() + static_cast<std::ptrdiff_t>(keep), peaks.end(),
                    [&](std::size_t a, std::size_t b) { return power[a] > power[b]; });
  peaks.resize(keep);
  return peaks;
}

std::vector<Candidate> event_candidates(const events::Z2Result& z2, std::size_t count) {
  std::vector<Candidate> out;
  for (const std::size_t k : top_local_maxima(z2.power, count)) {
    out.push_back({z2.grid.frequency(k), z2.power[k], true, false});
  }
  return out;
}

std::vector<double> binned_candidates(const EventSeries& series, double fmin, double fmax,
                                      std::size_t count) {
  // Four bins per shortest period searched puts the Nyquist frequency at 2 fmax.
  const double width = std::max(1.0 / (4.0 * fmax), series.duration() / kMaxBins);
  const auto counts = spectral::bin_events(series, width);
  if (counts.counts.size() < 16 || counts.total_count <= 0.0) return {};
  spectral::PeriodogramOptions o;
  o.fs = 1.0 / width;
  o.scaling = spectral::Scaling::leahy;
  const auto spectrum = spectral::periodogram(counts.counts, o);
  std::vector<double> power = spectrum.power;
  for (std::size_t k = 0; k < power.size(); ++k) {
    const double f = spectrum.frequency(k);
    if (f < fmin || f > fmax) power[k] = 0.0;  // outside the band searched
  }
  std::vector<double> out;
  for (const std::size_t k : top_local_maxima(power, count)) {
    if (power[k] > 0.0) out.push_back(spectrum.frequency(k));
  }
  return out;
}

Candidate refine(const EventSeries& series, double f, double half_width, unsigned harmonics) {
  constexpr double kGolden = 0.6180339887498949;
  double lo = std::max(f - half_width, f * 0.5), hi = f + half_width;
  double x1 = hi - kGolden * (hi - lo), x2 = lo + kGolden * (hi - lo);
  double z1 = z2_at(series, x1, harmonics), z2 = z2_at(series, x2, harmonics);
  for (int iteration = 0; iteration < 40 && hi - lo > 1e-9 * f; ++iteration) {
    if (z1 < z2) {
      lo = x1;
      x1 = x2;
      z1 = z2;
      x2 = lo + kGolden * (hi - lo);
      z2 = z2_at(series, x2, harmonics);
    } else {
      hi = x2;
      x2 = x1;
      z2 = z1;
      x1 = hi - kGolden * (hi - lo);
      z1 = z2_at(series, x1, harmonics);
    }
  }
  Candidate best{z1 > z2 ? x1 : x2, std::max(z1, z2), false, false};
  const double start = z2_at(series, f, harmonics);
  if (start > best.power) best = {f, start, false, false};  // a local maximum elsewhere
  return best;
}

double peak_half_width(const events::Z2Result& z2, double frequency, double power) {
  const auto& p = z2.power;
  const double df = z2.grid.df;
  const double position = std::round((frequency - z2.grid.f0) / df);
  if (p.empty() || position < 0.0 || position >= static_cast<double>(p.size())) return df;
  const auto centre = static_cast<std::size_t>(position);
  std::size_t lo = centre, hi = centre;
  while (lo > 0 && p[lo - 1] > power / 2.0) --lo;
  while (hi + 1 < p.size() && p[hi + 1] > power / 2.0) ++hi;
  return std::max(df, df * static_cast<double>(std::max(centre - lo, hi - centre)));
}

unsigned harmonic_number(double fundamental, double precision, const Candidate& c,
                         double duration) {
  if (fundamental <= 0.0 || c.frequency <= fundamental) return 0;
  const double k = std::round(c.frequency / fundamental);
  if (k < 2.0) return 0;
  // Low harmonics of a jittered or drifting period are broad: 5 % in frequency.
  if (k <= kRelativeHarmonics &&
      std::abs(c.frequency / (k * fundamental) - 1.0) <= kRelativeTolerance) {
    return static_cast<unsigned>(k);
  }
  // Higher ones: k times the fundamental must fall inside the candidate's own peak (at least
  // 2/T: a phase jump splits a harmonic's peak by about that much), allowing for k times the
  // fundamental's uncertainty, while multiples can still be told apart.
  const double tolerance = std::max(c.half_width, 2.0 / duration) + k * precision;
  if (tolerance > kResolvable * fundamental) return 0;
  return std::abs(c.frequency - k * fundamental) <= tolerance ? static_cast<unsigned>(k) : 0;
}

}  // namespace tealeaves::periodicity::detail
