#include "tealeaves/spectral/periodogram.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>
#include <string>

#include "fft_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::spectral {
namespace {

struct Layout {
  std::size_t nperseg = 0;
  std::size_t noverlap = 0;
  std::size_t nfft = 0;
  std::size_t n_segments = 0;
};

void check_signal(std::span<const double> x, Scaling scaling) {
  require(!x.empty(), "x", "is empty; a spectrum needs at least one sample");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw_invalid("x", "value at index " + std::to_string(i) + " is " + format_number(x[i]) +
                             "; every sample must be finite");
    }
    if (scaling == Scaling::leahy && x[i] < 0.0) {
      throw_invalid("x", "value at index " + std::to_string(i) +
                             " is negative; the leahy "
                             "normalisation is for counts");
    }
  }
}

void check_fs(double fs) {
  require(std::isfinite(fs) && fs > 0.0, "fs",
          "must be positive and finite, got " + format_number(fs));
}

struct WindowSums {
  double sum = 0.0;
  double sum_sq = 0.0;
  double mean_sq = 0.0;
};

WindowSums window_sums(const std::vector<double>& w) {
  WindowSums s;
  for (const double v : w) {
    s.sum += v;
    s.sum_sq += v * v;
  }
  s.mean_sq = s.sum_sq / static_cast<double>(w.size());
  return s;
}

// Scale applied to |X_k|^2 of one segment, before one-sided doubling.
double segment_scale(Scaling scaling, const WindowSums& w, double fs, double raw_sum) {
  switch (scaling) {
    case Scaling::power: return 1.0 / (w.sum * w.sum);
    case Scaling::density: return 1.0 / (fs * w.sum_sq);
    case Scaling::leahy: return raw_sum > 0.0 ? 2.0 / (raw_sum * w.mean_sq) : 0.0;
  }
  return 1.0;
}

// One-sided doubling: every bin but DC and (for even nfft) Nyquist. Leahy is not doubled.
void fold_onesided(std::span<double> power, std::size_t nfft, Scaling scaling) {
  if (scaling == Scaling::leahy) return;
  const std::size_t last = (nfft % 2 == 0) ? power.size() - 1 : power.size();
  for (std::size_t k = 1; k < last; ++k) power[k] *= 2.0;
}

// |FFT(window * detrended segment)|^2 * scale, written (or added) to `out`.
void segment_power(std::span<const double> segment, const std::vector<double>& w, Detrend detrend,
                   const detail::RealPlan& plan, double scale, std::span<double> out,
                   bool accumulate) {
  detail::ThreadBuffers& buffers = detail::thread_buffers();
  const std::size_t nfft = plan.size();
  double* in = buffers.real.ensure(nfft);
  std::complex<double>* spectrum = buffers.spectrum.ensure(onesided_size(nfft));
  double mean = 0.0;
  if (detrend == Detrend::constant) {
    mean =
        std::accumulate(segment.begin(), segment.end(), 0.0) / static_cast<double>(segment.size());
  }
  for (std::size_t i = 0; i < segment.size(); ++i) in[i] = (segment[i] - mean) * w[i];
  std::fill(in + segment.size(), in + nfft, 0.0);
  plan.forward(in, spectrum);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double p = std::norm(spectrum[k]) * scale;
    out[k] = accumulate ? out[k] + p : p;
  }
}

double raw_sum(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0);
}

double median_bias(std::size_t n) {
  double bias = 1.0;
  for (std::size_t k = 1; 2 * k + 1 <= n; ++k) {
    const double even = 2.0 * static_cast<double>(k);
    bias += 1.0 / (even + 1.0) - 1.0 / even;
  }
  return bias;
}

Spectrum describe(const Layout& layout, double fs, Scaling scaling, double total) {
  Spectrum s;
  s.fs = fs;
  s.nfft = layout.nfft;
  s.nperseg = layout.nperseg;
  s.noverlap = layout.noverlap;
  s.n_segments = layout.n_segments;
  s.scaling = scaling;
  s.total_count = total;
  return s;
}

Layout welch_layout(std::size_t n, const WelchOptions& o) {
  require(o.nperseg >= 1, "nperseg", "must be at least 1");
  Layout l;
  l.nperseg = std::min(o.nperseg, n);
  l.noverlap = o.noverlap == static_cast<std::size_t>(-1) ? l.nperseg / 2 : o.noverlap;
  require(l.noverlap < l.nperseg, "noverlap",
          "must be less than nperseg (" + std::to_string(l.nperseg) + "), got " +
              std::to_string(l.noverlap));
  l.nfft = l.nperseg;
  l.n_segments = (n - l.noverlap) / (l.nperseg - l.noverlap);
  return l;
}

}  // namespace

std::vector<double> Spectrum::frequencies() const {
  std::vector<double> f(onesided_size(nfft));
  for (std::size_t k = 0; k < f.size(); ++k) f[k] = frequency(k);
  return f;
}

Spectrum periodogram_into(std::span<const double> x, std::span<double> power,
                          const PeriodogramOptions& o) {
  check_fs(o.fs);
  check_signal(x, o.scaling);
  const Layout layout{x.size(), 0, o.nfft == 0 ? x.size() : o.nfft, 1};
  require(layout.nfft >= x.size(), "nfft",
          "must be at least the series length " + std::to_string(x.size()) + ", got " +
              std::to_string(layout.nfft));
  require(power.size() == onesided_size(layout.nfft), "power",
          "output needs " + std::to_string(onesided_size(layout.nfft)) + " values, got " +
              std::to_string(power.size()));
  const std::vector<double> w = make_window(o.window, x.size());
  const double total = raw_sum(x);
  const auto plan = detail::forward_plan(layout.nfft, o.effort);
  const double scale = segment_scale(o.scaling, window_sums(w), o.fs, total);
  segment_power(x, w, o.detrend, *plan, scale, power, false);
  fold_onesided(power, layout.nfft, o.scaling);
  return describe(layout, o.fs, o.scaling, total);
}

Spectrum periodogram(std::span<const double> x, const PeriodogramOptions& o) {
  const std::size_t nfft = o.nfft == 0 ? x.size() : o.nfft;
  std::vector<double> power(onesided_size(std::max<std::size_t>(nfft, 1)));
  Spectrum s = periodogram_into(x, power, o);
  s.power = std::move(power);
  return s;
}

Spectrum welch(std::span<const double> x, const WelchOptions& o) {
  check_fs(o.fs);
  check_signal(x, o.scaling);
  const Layout layout = welch_layout(x.size(), o);
  const std::vector<double> w = make_window(o.window, layout.nperseg);
  const WindowSums sums = window_sums(w);
  const auto plan = detail::forward_plan(layout.nfft, o.effort);
  const std::size_t nf = onesided_size(layout.nfft);
  const std::size_t step = layout.nperseg - layout.noverlap;
  const bool median = o.average == Average::median && layout.n_segments > 1;
  // Median needs every segment's powers; the mean accumulates in place.
  std::vector<double> all(median ? nf * layout.n_segments : nf, 0.0);
  for (std::size_t s = 0; s < layout.n_segments; ++s) {
    const auto segment = x.subspan(s * step, layout.nperseg);
    const double scale = segment_scale(o.scaling, sums, o.fs, raw_sum(segment));
    std::span<double> out(all.data() + (median ? s * nf : 0), nf);
    segment_power(segment, w, o.detrend, *plan, scale, out, !median);
  }
  Spectrum result = describe(layout, o.fs, o.scaling, raw_sum(x));
  result.power.resize(nf);
  if (median) {
    std::vector<double> column(layout.n_segments);
    const double bias = median_bias(layout.n_segments);
    for (std::size_t k = 0; k < nf; ++k) {
      for (std::size_t s = 0; s < layout.n_segments; ++s) column[s] = all[s * nf + k];
      const std::size_t mid = column.size() / 2;
      std::nth_element(column.begin(), column.begin() + mid, column.end());
      double m = column[mid];
      if (column.size() % 2 == 0) {
        m = 0.5 * (m + *std::max_element(column.begin(), column.begin() + mid));
      }
      result.power[k] = m / bias;
    }
  } else {
    const double inv = 1.0 / static_cast<double>(layout.n_segments);
    for (std::size_t k = 0; k < nf; ++k) result.power[k] = all[k] * inv;
  }
  fold_onesided(result.power, layout.nfft, o.scaling);
  return result;
}

Scaling parse_scaling(std::string_view name) {
  if (name == "power" || name == "spectrum") return Scaling::power;
  if (name == "density") return Scaling::density;
  if (name == "leahy") return Scaling::leahy;
  throw_invalid("scaling",
                "unknown scaling '" + std::string(name) + "'; expected power, density or leahy");
}

Detrend parse_detrend(std::string_view name) {
  if (name == "constant" || name == "mean") return Detrend::constant;
  if (name == "none" || name == "false") return Detrend::none;
  throw_invalid("detrend",
                "unknown detrend '" + std::string(name) + "'; expected constant or none");
}

Average parse_average(std::string_view name) {
  if (name == "mean") return Average::mean;
  if (name == "median") return Average::median;
  throw_invalid("average", "unknown average '" + std::string(name) + "'; expected mean or median");
}

}  // namespace tealeaves::spectral
