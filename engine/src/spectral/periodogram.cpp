#include "tealeaves/spectral/periodogram.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "fft_internal.hpp"
#include "tealeaves/core/errors.hpp"

// Hot path: one validating sum, one pass writing the detrended, tapered samples into the
// reused FFT buffer, the transform, one pass turning |X|^2 into scaled one-sided powers.
// Everything else (window vectors, their sums) is cached or skipped.
namespace tealeaves::spectral {
namespace {

struct Layout {
  std::size_t nperseg = 0;
  std::size_t noverlap = 0;
  std::size_t nfft = 0;
  std::size_t n_segments = 0;
};

// A taper with its sums. A boxcar has no vector: all ones.
struct Taper {
  Window window = Window::boxcar;
  std::size_t n = 0;
  std::vector<double> w;
  double sum = 0.0;
  double sum_sq = 0.0;
};

// The taper for (window, n), from a small per-thread cache: repeated calls (Welch segments,
// surrogates) must not rebuild or re-fault a vector as long as the series.
const Taper& taper(Window window, std::size_t n) {
  thread_local std::vector<Taper> cache;
  for (const Taper& t : cache) {
    if (t.window == window && t.n == n) return t;
  }
  Taper t;
  t.window = window;
  t.n = n;
  if (window == Window::boxcar) {
    t.sum = t.sum_sq = static_cast<double>(n);
  } else {
    t.w = make_window(window, n);
    for (const double v : t.w) {
      t.sum += v;
      t.sum_sq += v * v;
    }
  }
  if (cache.size() >= 4) cache.erase(cache.begin());
  cache.push_back(std::move(t));
  return cache.back();
}

// Sum with four independent accumulators (the loop vectorises and pipelines).
double fast_sum(std::span<const double> x) {
  double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= x.size(); i += 4) {
    a += x[i];
    b += x[i + 1];
    c += x[i + 2];
    d += x[i + 3];
  }
  for (; i < x.size(); ++i) a += x[i];
  return (a + b) + (c + d);
}

// Validates x through its sum: a NaN or infinity makes the sum non-finite, and only then is
// the offending index looked for. Negative counts matter only to the Leahy normalisation.
double checked_sum(std::span<const double> x, Scaling scaling) {
  require(!x.empty(), "x", "is empty; a spectrum needs at least one sample");
  const double sum = fast_sum(x);
  if (!std::isfinite(sum)) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i])) {
        throw_invalid("x", "value at index " + std::to_string(i) + " is " + format_number(x[i]) +
                               "; every sample must be finite");
      }
    }
    throw_invalid("x", "values are too large: their sum overflows a double");
  }
  if (scaling == Scaling::leahy) {
    const auto low = std::min_element(x.begin(), x.end());
    if (*low < 0.0) {
      throw_invalid("x", "value at index " + std::to_string(low - x.begin()) +
                             " is negative; the leahy normalisation is for counts");
    }
  }
  return sum;
}

void check_fs(double fs) {
  require(std::isfinite(fs) && fs > 0.0, "fs",
          "must be positive and finite, got " + format_number(fs));
}

// Scale applied to |X_k|^2 of one segment, before one-sided doubling.
double segment_scale(Scaling scaling, const Taper& t, double fs, double raw_sum) {
  switch (scaling) {
    case Scaling::power: return 1.0 / (t.sum * t.sum);
    case Scaling::density: return 1.0 / (fs * t.sum_sq);
    case Scaling::leahy: {
      const double mean_sq = t.sum_sq / static_cast<double>(t.n);
      return raw_sum > 0.0 ? 2.0 / (raw_sum * mean_sq) : 0.0;
    }
  }
  return 1.0;
}

// |FFT(taper * (segment - mean))|^2 * scale, one-sided doubling folded in (every bin but DC
// and, for even nfft, Nyquist; never for Leahy), written or added to `out`.
void segment_power(std::span<const double> segment, const Taper& t, double mean,
                   const detail::RealPlan& plan, double scale, Scaling scaling,
                   std::span<double> out, bool accumulate) {
  detail::ThreadBuffers& buffers = detail::thread_buffers();
  const std::size_t nfft = plan.size();
  double* in = buffers.real.ensure(nfft);
  std::complex<double>* spectrum = buffers.spectrum.ensure(onesided_size(nfft));
  const std::size_t n = segment.size();
  if (t.w.empty()) {
    for (std::size_t i = 0; i < n; ++i) in[i] = segment[i] - mean;
  } else {
    for (std::size_t i = 0; i < n; ++i) in[i] = (segment[i] - mean) * t.w[i];
  }
  std::fill(in + n, in + nfft, 0.0);
  plan.forward(in, spectrum);
  const double doubled = scaling == Scaling::leahy ? scale : 2.0 * scale;
  const std::size_t last = out.size() - 1;
  const bool nyquist = nfft % 2 == 0 && last > 0;
  auto put = [&](std::size_t k, double factor) {
    const double p = std::norm(spectrum[k]) * factor;
    out[k] = accumulate ? out[k] + p : p;
  };
  put(0, scale);
  const std::size_t middle_end = nyquist ? last : last + 1;
  for (std::size_t k = 1; k < middle_end; ++k) put(k, doubled);
  if (nyquist) put(last, scale);
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

void median_over_segments(const std::vector<double>& all, std::size_t n_segments,
                          std::span<double> out) {
  std::vector<double> column(n_segments);
  const double bias = median_bias(n_segments);
  const std::size_t nf = out.size();
  for (std::size_t k = 0; k < nf; ++k) {
    for (std::size_t s = 0; s < n_segments; ++s) column[s] = all[s * nf + k];
    const std::size_t mid = column.size() / 2;
    std::nth_element(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(mid),
                     column.end());
    double m = column[mid];
    if (column.size() % 2 == 0) {
      m = 0.5 * (m + *std::max_element(column.begin(),
                                       column.begin() + static_cast<std::ptrdiff_t>(mid)));
    }
    out[k] = m / bias;
  }
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
  const double total = checked_sum(x, o.scaling);
  const Layout layout{x.size(), 0, o.nfft == 0 ? x.size() : o.nfft, 1};
  require(layout.nfft >= x.size(), "nfft",
          "must be at least the series length " + std::to_string(x.size()) + ", got " +
              std::to_string(layout.nfft));
  require(power.size() == onesided_size(layout.nfft), "power",
          "output needs " + std::to_string(onesided_size(layout.nfft)) + " values, got " +
              std::to_string(power.size()));
  const Taper& t = taper(o.window, x.size());
  const auto plan = detail::forward_plan(layout.nfft, o.effort);
  const double mean = o.detrend == Detrend::constant ? total / static_cast<double>(x.size()) : 0.0;
  segment_power(x, t, mean, *plan, segment_scale(o.scaling, t, o.fs, total), o.scaling, power,
                false);
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
  const double total = checked_sum(x, o.scaling);
  const Layout layout = welch_layout(x.size(), o);
  const Taper& t = taper(o.window, layout.nperseg);
  const auto plan = detail::forward_plan(layout.nfft, o.effort);
  const std::size_t nf = onesided_size(layout.nfft);
  const std::size_t step = layout.nperseg - layout.noverlap;
  const bool median = o.average == Average::median && layout.n_segments > 1;
  const bool need_sum = o.detrend == Detrend::constant || o.scaling == Scaling::leahy;
  // Median needs every segment's powers; the mean accumulates in place.
  std::vector<double> all(median ? nf * layout.n_segments : nf, 0.0);
  const double fixed_scale = segment_scale(o.scaling, t, o.fs, 0.0);
  for (std::size_t s = 0; s < layout.n_segments; ++s) {
    const auto segment = x.subspan(s * step, layout.nperseg);
    const double sum = need_sum ? fast_sum(segment) : 0.0;
    const double mean =
        o.detrend == Detrend::constant ? sum / static_cast<double>(segment.size()) : 0.0;
    const double scale =
        o.scaling == Scaling::leahy ? segment_scale(o.scaling, t, o.fs, sum) : fixed_scale;
    std::span<double> out(all.data() + (median ? s * nf : 0), nf);
    segment_power(segment, t, mean, *plan, scale, o.scaling, out, !median);
  }
  Spectrum result = describe(layout, o.fs, o.scaling, total);
  result.power.resize(nf);
  if (median) {
    median_over_segments(all, layout.n_segments, result.power);
  } else {
    const double inv = 1.0 / static_cast<double>(layout.n_segments);
    for (std::size_t k = 0; k < nf; ++k) result.power[k] = all[k] * inv;
  }
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
