// Bins a jittered 300 s beacon and finds its period in the Leahy periodogram; then asks the
// verdict (machine, person or chance?) and when the beat is present, as `tealeaves analyze` does.
#include <tealeaves/tealeaves.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

int main() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> jitter(0.0, 2.0);
  std::vector<double> times;
  for (int k = 0; k < 288; ++k) times.push_back(1.4677632e9 + 300.0 * k + jitter(rng));

  tealeaves::SeriesOptions options;
  options.sort = true;  // jitter may swap neighbours only in theory; sorting is a counted repair
  const tealeaves::EventSeries series(times, options);
  const auto counts = tealeaves::bin_events(series, 1.0);

  tealeaves::spectral::PeriodogramOptions po;
  po.fs = 1.0 / counts.bin_width;
  po.scaling = tealeaves::spectral::Scaling::leahy;
  const auto spectrum = tealeaves::periodogram(counts.counts, po);

  std::size_t best = 1;
  for (std::size_t k = 2; k < spectrum.power.size(); ++k) {
    if (spectrum.power[k] > spectrum.power[best]) best = k;
  }
  const double period = 1.0 / spectrum.frequency(best);
  std::printf("events: %zu, strongest period: %.1f s (Leahy power %.1f)\n", series.size(), period,
              spectrum.power[best]);
  // The strongest peak of a 300 s pulse train is its fundamental or a harmonic of it.
  const double ratio = 300.0 / period;
  const bool harmonic = std::abs(ratio - std::round(ratio)) < 0.02;

  const auto verdict = tealeaves::verdict::verdict(series);
  const auto spans = tealeaves::periodicity::period_spans(series, verdict.period_s);
  std::size_t present = 0;
  for (const auto& w : spans.windows) present += w.significant ? 1 : 0;
  std::printf("verdict: %s, machine period %.2f s; beat present in %zu of %zu windows of %.0f s\n",
              verdict.label.c_str(), verdict.period_s, present, spans.windows.size(), spans.window);
  const bool machine = verdict.label == "periodic" && std::abs(verdict.period_s - 300.0) < 1.0;
  return harmonic && machine && !spans.spans.empty() ? 0 : 1;
}
