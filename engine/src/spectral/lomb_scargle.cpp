// Lomb-Scargle: input checks, weights and centring, frequency grids, and power from the sums.
#include "tealeaves/spectral/lomb_scargle.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "lomb_scargle_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"

namespace tealeaves::spectral {
namespace detail {

SimdLevel simd_level() {
#if TEALEAVES_X86_DISPATCH
  // TEALEAVES_SIMD=generic|avx2 caps the level (to test every kernel on one machine).
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    SimdLevel best = SimdLevel::generic;
    if (__builtin_cpu_supports("x86-64-v4")) {
      best = SimdLevel::avx512;
    } else if (__builtin_cpu_supports("x86-64-v3")) {
      best = SimdLevel::avx2;
    }
    const char* cap = std::getenv("TEALEAVES_SIMD");
    const std::string wanted = cap ? cap : "";
    if (wanted == "generic") return SimdLevel::generic;
    if (wanted == "avx2" && best == SimdLevel::avx512) return SimdLevel::avx2;
    return best;
  }();
  return level;
#else
  return SimdLevel::generic;
#endif
}

std::size_t useful_threads(std::size_t requested, double work_ns) {
  constexpr double kWorkPerThread = 2e6;
  const double cap = std::max(1.0, std::floor(work_ns / kWorkPerThread));
  return std::min(resolve_threads(requested), static_cast<std::size_t>(std::min(cap, 1024.0)));
}

void sincos_cycles(double x, double& cos_out, double& sin_out) {
  const Vec<2> v = {x, x};
  Vec<2> c, s;
  sincos_cycles<2>(v, c, s);
  cos_out = c[0];
  sin_out = s[0];
}

}  // namespace detail

namespace {

constexpr double kMaxCycles = 1125899906842624.0;  // 2^50: beyond, f t has no fractional part

void check_finite(std::span<const double> v, const char* name) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw_invalid(name, "value at index " + std::to_string(i) + " is " + format_number(v[i]) +
                              "; every value must be finite");
    }
  }
}

void check_inputs(std::span<const double> t, std::span<const double> y,
                  std::span<const double> dy) {
  require(!t.empty(), "t", "is empty; a periodogram needs at least one point");
  require(y.size() == t.size(), "y",
          "has " + std::to_string(y.size()) + " values but t has " + std::to_string(t.size()));
  require(dy.empty() || dy.size() == t.size(), "dy",
          "has " + std::to_string(dy.size()) + " values but t has " + std::to_string(t.size()));
  check_finite(t, "t");
  check_finite(y, "y");
  check_finite(dy, "dy");
  for (std::size_t i = 0; i < dy.size(); ++i) {
    if (!(dy[i] > 0.0)) {
      throw_invalid("dy", "value at index " + std::to_string(i) + " is " + format_number(dy[i]) +
                              "; uncertainties must be positive");
    }
  }
}

struct Prepared {
  detail::LsData data;
  FapModel fap;
  double y_mean = 0.0;
  double y_variance = 0.0;  // YY
  double psd_scale = 0.0;   // sum dy^-2 / 2
};

Prepared prepare(std::span<const double> t, std::span<const double> y, std::span<const double> dy,
                 const LombScargleOptions& o) {
  check_inputs(t, y, dy);
  Prepared p;
  detail::LsData& d = p.data;
  d.n = t.size();
  d.padded = (d.n + detail::kMaxLanes - 1) / detail::kMaxLanes * detail::kMaxLanes;
  d.t.assign(d.padded, 0.0);
  d.w.assign(d.padded, 0.0);
  d.wy.assign(d.padded, 0.0);
  const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
  double weight_sum = 0.0;
  for (std::size_t i = 0; i < d.n; ++i) {
    d.t[i] = t[i] - *lo;  // phases lose no precision to a large time origin
    d.w[i] = dy.empty() ? 1.0 : 1.0 / (dy[i] * dy[i]);
    weight_sum += d.w[i];
  }
  double t_mean = 0.0, y_mean = 0.0;
  for (std::size_t i = 0; i < d.n; ++i) {
    d.w[i] /= weight_sum;
    t_mean += d.w[i] * d.t[i];
    y_mean += d.w[i] * y[i];
  }
  const bool centre = o.fit_mean || o.center_data;
  double t_var = 0.0, yy = 0.0;
  for (std::size_t i = 0; i < d.n; ++i) {
    const double v = centre ? y[i] - y_mean : y[i];
    d.wy[i] = d.w[i] * v;
    yy += d.wy[i] * v;
    t_var += d.w[i] * (d.t[i] - t_mean) * (d.t[i] - t_mean);
  }
  p.fap = {d.n, 0.0, *hi - *lo, t_var, o.normalization, centre};
  p.y_mean = y_mean;
  p.y_variance = yy;
  p.psd_scale = 0.5 * weight_sum;
  return p;
}

void check_phase_range(double fmax, double baseline) {
  if (fmax * baseline >= kMaxCycles) {
    throw_invalid("frequency", "the highest frequency times the time span is " +
                                   format_number(fmax * baseline) +
                                   " cycles; beyond 2^50 phases are meaningless in double");
  }
}

void check_options(const LombScargleOptions& o) {
  if (o.method == LsMethod::fast) {
    // Below 1e-12 the double rounding of the phases f t (~1e-13, in both paths) dominates.
    require(o.tolerance >= 1e-12 && o.tolerance <= 0.1, "tolerance",
            "must be in [1e-12, 0.1], got " + format_number(o.tolerance));
  }
}

// Power at each frequency from the sums (astropy's slow implementation, without the tau shift:
// the same quadratic form written in the unrotated basis).
struct PowerModel {
  bool fit_mean = true;
  double y_offset = 0.0;  // sum w y of the values used (0 up to rounding when centred)
  double yy = 0.0;
  LsNormalization normalization = LsNormalization::standard;
  double psd_scale = 0.0;

  void operator()(std::span<const detail::TrigSums> sums, double* out) const {
    for (std::size_t k = 0; k < sums.size(); ++k) {
      const detail::TrigSums& s = sums[k];
      double yc = s.yc, ys = s.ys;
      double cc = 0.5 * (1.0 + s.c2), ss = 0.5 * (1.0 - s.c2), cs = 0.5 * s.s2;
      if (fit_mean) {
        yc -= y_offset * s.c;
        ys -= y_offset * s.s;
        cc -= s.c * s.c;
        ss -= s.s * s.s;
        cs -= s.c * s.s;
      }
      const double det = cc * ss - cs * cs;
      const double reduction = (ss * yc * yc + cc * ys * ys - 2.0 * cs * yc * ys) / det;
      switch (normalization) {
        case LsNormalization::standard: out[k] = reduction / yy; break;
        case LsNormalization::model: out[k] = reduction / (yy - reduction); break;
        case LsNormalization::log: out[k] = -std::log1p(-reduction / yy); break;
        case LsNormalization::psd: out[k] = reduction * psd_scale; break;
      }
    }
  }
};

PowerModel power_model(const Prepared& p, const LombScargleOptions& o) {
  PowerModel m;
  m.fit_mean = o.fit_mean;
  double offset = 0.0;
  for (std::size_t i = 0; i < p.data.n; ++i) offset += p.data.wy[i];
  m.y_offset = offset;
  m.yy = p.y_variance;
  m.normalization = o.normalization;
  m.psd_scale = p.psd_scale;
  return m;
}

LombScargleResult finish(Prepared& p, const LombScargleOptions& o) {
  LombScargleResult r;
  r.fap = p.fap;
  r.y_mean = p.y_mean;
  r.y_variance = p.y_variance;
  r.method = o.method;
  return r;
}

// A list equal to minimum + k step to within a few ulps is treated as that grid.
std::optional<FrequencyGrid> as_uniform(std::span<const double> f) {
  if (f.size() < 2) return FrequencyGrid{f.empty() ? 0.0 : f[0], 0.0, f.size()};
  const FrequencyGrid g{f[0], (f.back() - f[0]) / static_cast<double>(f.size() - 1), f.size()};
  if (!(g.step > 0.0)) return std::nullopt;
  const double slack = 8.0 * std::numeric_limits<double>::epsilon() * std::abs(f.back());
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (std::abs(f[k] - g.frequency(k)) > slack) return std::nullopt;
  }
  return g;
}

}  // namespace

std::vector<double> FrequencyGrid::frequencies() const {
  std::vector<double> f(count);
  for (std::size_t k = 0; k < count; ++k) f[k] = frequency(k);
  return f;
}

FrequencyGrid auto_frequency_grid(std::span<const double> t, const AutoFrequencyOptions& o) {
  require(!t.empty(), "t", "is empty; a frequency grid needs at least two distinct times");
  check_finite(t, "t");
  require(std::isfinite(o.samples_per_peak) && o.samples_per_peak > 0.0, "samples_per_peak",
          "must be positive and finite, got " + format_number(o.samples_per_peak));
  require(std::isfinite(o.nyquist_factor) && o.nyquist_factor > 0.0, "nyquist_factor",
          "must be positive and finite, got " + format_number(o.nyquist_factor));
  const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
  const double baseline = *hi - *lo;
  require(baseline > 0.0, "t",
          "all times are equal; the automatic frequency grid needs a positive time span");
  FrequencyGrid g;
  g.step = 1.0 / baseline / o.samples_per_peak;
  g.minimum = o.minimum_frequency.value_or(0.5 * g.step);
  require(std::isfinite(g.minimum) && g.minimum > 0.0, "minimum_frequency",
          "must be positive and finite, got " + format_number(g.minimum));
  const double top = o.maximum_frequency.value_or(o.nyquist_factor * 0.5 *
                                                  static_cast<double>(t.size()) / baseline);
  require(std::isfinite(top) && top >= g.minimum, "maximum_frequency",
          "must be finite and at least minimum_frequency (" + format_number(g.minimum) + "), got " +
              format_number(top));
  const double steps = std::nearbyint((top - g.minimum) / g.step);
  require(steps < 2147483647.0, "maximum_frequency",
          "gives " + format_number(steps + 1.0) + " frequencies; at most 2^31 - 1 are supported");
  g.count = 1 + static_cast<std::size_t>(steps);
  return g;
}

LombScargleResult lomb_scargle(std::span<const double> t, std::span<const double> y,
                               std::span<const double> dy, const FrequencyGrid& grid,
                               const LombScargleOptions& o) {
  check_options(o);
  require(grid.count >= 1, "frequency", "the grid is empty");
  require(std::isfinite(grid.minimum) && grid.minimum > 0.0, "minimum_frequency",
          "must be positive and finite, got " + format_number(grid.minimum));
  require(grid.count == 1 || (std::isfinite(grid.step) && grid.step > 0.0), "frequency",
          "grid step must be positive and finite, got " + format_number(grid.step));
  Prepared p = prepare(t, y, dy, o);
  p.fap.fmax = grid.maximum();
  check_phase_range(p.fap.fmax, p.fap.baseline);
  LombScargleResult r = finish(p, o);
  r.grid = grid;
  r.power.resize(grid.count);
  const PowerModel model = power_model(p, o);
  const detail::SumsSink sink = [&](std::size_t first, std::span<const detail::TrigSums> sums) {
    model(sums, r.power.data() + first);
  };
  if (o.method == LsMethod::fast) {
    r.sum_error_bound = detail::nufft_sums(p.data, grid, o.tolerance, o.fit_mean, o.threads, sink);
  } else {
    detail::exact_sums(p.data, grid, o.threads, sink);
  }
  return r;
}

LombScargleResult lomb_scargle(std::span<const double> t, std::span<const double> y,
                               std::span<const double> dy, std::span<const double> frequency,
                               const LombScargleOptions& o) {
  require(!frequency.empty(), "frequency", "is empty");
  check_finite(frequency, "frequency");
  for (std::size_t k = 0; k < frequency.size(); ++k) {
    if (!(frequency[k] > 0.0)) {
      throw_invalid("frequency", "value at index " + std::to_string(k) + " is " +
                                     format_number(frequency[k]) +
                                     "; frequencies must be positive");
    }
  }
  if (const auto grid = as_uniform(frequency)) {
    LombScargleResult r = lomb_scargle(t, y, dy, *grid, o);
    r.frequency.assign(frequency.begin(), frequency.end());
    return r;
  }
  require(o.method == LsMethod::exact, "frequency",
          "is not a uniform grid; method 'fast' needs minimum + k step (use method 'exact')");
  check_options(o);
  Prepared p = prepare(t, y, dy, o);
  p.fap.fmax = *std::max_element(frequency.begin(), frequency.end());
  check_phase_range(p.fap.fmax, p.fap.baseline);
  LombScargleResult r = finish(p, o);
  r.frequency.assign(frequency.begin(), frequency.end());
  r.power.resize(frequency.size());
  const PowerModel model = power_model(p, o);
  detail::exact_sums(p.data, frequency, o.threads,
                     [&](std::size_t first, std::span<const detail::TrigSums> sums) {
                       model(sums, r.power.data() + first);
                     });
  return r;
}

LsNormalization parse_ls_normalization(std::string_view name) {
  if (name == "standard") return LsNormalization::standard;
  if (name == "model") return LsNormalization::model;
  if (name == "log") return LsNormalization::log;
  if (name == "psd") return LsNormalization::psd;
  throw_invalid("normalization", "unknown normalization '" + std::string(name) +
                                     "'; expected standard, model, log or psd");
}

LsMethod parse_ls_method(std::string_view name) {
  if (name == "exact") return LsMethod::exact;
  if (name == "fast") return LsMethod::fast;
  throw_invalid("method", "unknown method '" + std::string(name) + "'; expected exact or fast");
}

FapMethod parse_fap_method(std::string_view name) {
  if (name == "single") return FapMethod::single;
  if (name == "naive") return FapMethod::naive;
  if (name == "davies") return FapMethod::davies;
  if (name == "baluev") return FapMethod::baluev;
  throw_invalid("method", "unknown false-alarm method '" + std::string(name) +
                              "'; expected single, naive, davies or baluev");
}

}  // namespace tealeaves::spectral
