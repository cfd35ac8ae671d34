// Binning, periodograms, Welch, ACF and the FFTW plan cache. Every engine call runs without
// the GIL; results move into numpy arrays without copying.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/fft.hpp"
#include "tealeaves/spectral/lomb_scargle.hpp"
#include "tealeaves/spectral/periodogram.hpp"

namespace py = pybind11;
namespace sp = tealeaves::spectral;
using tealeaves::bindings::as_mutable_span;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

sp::PlanEffort parse_effort(const std::string& name) {
  if (name == "auto") return sp::PlanEffort::automatic;
  if (name == "estimate") return sp::PlanEffort::estimate;
  if (name == "measure") return sp::PlanEffort::measure;
  tealeaves::throw_invalid(
      "effort", "unknown planner effort '" + name + "'; expected auto, estimate or measure");
}

const char* scaling_name(sp::Scaling s) {
  switch (s) {
    case sp::Scaling::power: return "power";
    case sp::Scaling::density: return "density";
    case sp::Scaling::leahy: return "leahy";
  }
  return "";
}

py::dict spectrum_dict(sp::Spectrum&& s) {
  py::dict d;
  d["fs"] = s.fs;
  d["nfft"] = s.nfft;
  d["nperseg"] = s.nperseg;
  d["noverlap"] = s.noverlap;
  d["n_segments"] = s.n_segments;
  d["scaling"] = scaling_name(s.scaling);
  d["total_count"] = s.total_count;
  d["power"] = to_numpy(std::move(s.power));
  return d;
}

py::dict bin_events(const tealeaves::EventSeries& series, double bin_width) {
  sp::BinnedCounts b;
  {
    py::gil_scoped_release release;
    b = sp::bin_events(series, bin_width);
  }
  py::dict d;
  d["origin"] = b.origin;
  d["bin_width"] = b.bin_width;
  d["total_count"] = b.total_count;
  d["counts"] = to_numpy(std::move(b.counts));
  d["exposure"] = to_numpy(std::move(b.exposure));
  return d;
}

py::dict periodogram(const DoubleArray& x, double fs, const std::string& window,
                     const std::string& detrend, const std::string& scaling, std::size_t nfft,
                     const std::string& effort);

py::dict periodogram_into(const DoubleArray& x, py::array_t<double, py::array::c_style>& out,
                          double fs, const std::string& window, const std::string& detrend,
                          const std::string& scaling, std::size_t nfft, const std::string& effort) {
  sp::PeriodogramOptions o;
  o.fs = fs;
  o.window = sp::parse_window(window);
  o.detrend = sp::parse_detrend(detrend);
  o.scaling = sp::parse_scaling(scaling);
  o.nfft = nfft;
  o.effort = parse_effort(effort);
  const auto span = as_span(x, "x");
  const auto target = as_mutable_span(out, "out");
  sp::Spectrum s;
  {
    py::gil_scoped_release release;
    s = sp::periodogram_into(span, target, o);
  }
  py::dict d = spectrum_dict(std::move(s));
  d["power"] = out;
  return d;
}

// The result array comes from numpy, uninitialised: no zero-filling pass over fresh pages.
py::dict periodogram(const DoubleArray& x, double fs, const std::string& window,
                     const std::string& detrend, const std::string& scaling, std::size_t nfft,
                     const std::string& effort) {
  const std::size_t length = nfft == 0 ? static_cast<std::size_t>(x.size()) : nfft;
  py::array_t<double, py::array::c_style> out(
      static_cast<py::ssize_t>(sp::onesided_size(std::max<std::size_t>(length, 1))));
  return periodogram_into(x, out, fs, window, detrend, scaling, nfft, effort);
}

py::dict welch(const DoubleArray& x, double fs, const std::string& window, std::size_t nperseg,
               std::optional<std::size_t> noverlap, const std::string& detrend,
               const std::string& scaling, const std::string& average, const std::string& effort) {
  sp::WelchOptions o;
  o.fs = fs;
  o.window = sp::parse_window(window);
  o.nperseg = nperseg;
  if (noverlap) o.noverlap = *noverlap;
  o.detrend = sp::parse_detrend(detrend);
  o.scaling = sp::parse_scaling(scaling);
  o.average = sp::parse_average(average);
  o.effort = parse_effort(effort);
  const auto span = as_span(x, "x");
  sp::Spectrum s;
  {
    py::gil_scoped_release release;
    s = sp::welch(span, o);
  }
  return spectrum_dict(std::move(s));
}

py::dict acf(const DoubleArray& x, std::size_t max_lag, bool adjusted, bool demean, double alpha,
             const std::string& effort) {
  sp::AcfOptions o;
  o.max_lag = max_lag;
  o.adjusted = adjusted;
  o.demean = demean;
  o.alpha = alpha;
  o.effort = parse_effort(effort);
  const auto span = as_span(x, "x");
  sp::AcfResult r;
  {
    py::gil_scoped_release release;
    r = sp::acf(span, o);
  }
  py::dict d;
  d["n"] = r.n;
  d["acf"] = to_numpy(std::move(r.acf));
  d["autocovariance"] = to_numpy(std::move(r.autocovariance));
  d["confint_low"] = to_numpy(std::move(r.confint_low));
  d["confint_high"] = to_numpy(std::move(r.confint_high));
  return d;
}

py::dict ljung_box(const DoubleArray& acf_values, std::size_t n, std::size_t model_df) {
  const auto span = as_span(acf_values, "acf");
  sp::LjungBox lb = sp::ljung_box(span, n, model_df);
  py::dict d;
  d["q"] = to_numpy(std::move(lb.q));
  d["p_value"] = to_numpy(std::move(lb.p_value));
  d["model_df"] = lb.model_df;
  return d;
}

py::dict plan_cache_stats() {
  const auto s = sp::plan_cache_stats();
  py::dict d;
  d["plans"] = s.plans;
  d["hits"] = s.hits;
  d["misses"] = s.misses;
  d["measured"] = s.measured;
  return d;
}

sp::FapModel fap_model(std::size_t n, double fmax, double baseline, double t_variance,
                       const std::string& normalization, bool centered) {
  return {n, fmax, baseline, t_variance, sp::parse_ls_normalization(normalization), centered};
}

py::dict lomb_scargle(const DoubleArray& t, const DoubleArray& y, std::optional<DoubleArray> dy,
                      std::optional<DoubleArray> frequency, std::optional<double> minimum_frequency,
                      std::optional<double> maximum_frequency, double samples_per_peak,
                      double nyquist_factor, const std::string& normalization, bool fit_mean,
                      bool center_data, const std::string& method, double tolerance,
                      std::size_t threads) {
  sp::LombScargleOptions o;
  o.normalization = sp::parse_ls_normalization(normalization);
  o.fit_mean = fit_mean;
  o.center_data = center_data;
  o.method = sp::parse_ls_method(method);
  o.tolerance = tolerance;
  o.threads = threads;
  const sp::AutoFrequencyOptions grid_options{samples_per_peak, nyquist_factor, minimum_frequency,
                                              maximum_frequency};
  const auto t_span = as_span(t, "t");
  const auto y_span = as_span(y, "y");
  const auto dy_span = dy ? as_span(*dy, "dy") : std::span<const double>();
  const auto f_span = frequency ? as_span(*frequency, "frequency") : std::span<const double>();
  sp::LombScargleResult r;
  {
    py::gil_scoped_release release;
    if (frequency) {
      r = sp::lomb_scargle(t_span, y_span, dy_span, f_span, o);
    } else {
      r = sp::lomb_scargle(t_span, y_span, dy_span, sp::auto_frequency_grid(t_span, grid_options),
                           o);
    }
  }
  py::dict d;
  d["power"] = to_numpy(std::move(r.power));
  d["frequency"] =
      r.frequency.empty() ? py::object(py::none()) : py::object(to_numpy(std::move(r.frequency)));
  d["minimum_frequency"] = r.grid.minimum;
  d["frequency_step"] = r.grid.step;
  d["n"] = r.fap.n;
  d["fmax"] = r.fap.fmax;
  d["baseline"] = r.fap.baseline;
  d["t_variance"] = r.fap.t_variance;
  d["y_mean"] = r.y_mean;
  d["y_variance"] = r.y_variance;
  d["sum_error_bound"] = r.sum_error_bound;
  return d;
}

// Natural logs of false-alarm probabilities of each power (a vector of astropy's formula).
py::array_t<double> ls_log_false_alarm(const DoubleArray& power, std::size_t n, double fmax,
                                       double baseline, double t_variance,
                                       const std::string& normalization, bool centered,
                                       const std::string& method) {
  const sp::FapModel model = fap_model(n, fmax, baseline, t_variance, normalization, centered);
  const sp::FapMethod m = sp::parse_fap_method(method);
  const auto z = as_span(power, "power");
  std::vector<double> out(z.size());
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < z.size(); ++i) {
      out[i] = sp::log_false_alarm_probability(z[i], model, m);
    }
  }
  return to_numpy(std::move(out));
}

py::array_t<double> ls_false_alarm_level(const DoubleArray& probability, std::size_t n, double fmax,
                                         double baseline, double t_variance,
                                         const std::string& normalization, bool centered,
                                         const std::string& method) {
  const sp::FapModel model = fap_model(n, fmax, baseline, t_variance, normalization, centered);
  const sp::FapMethod m = sp::parse_fap_method(method);
  const auto p = as_span(probability, "probability");
  std::vector<double> out(p.size());
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < p.size(); ++i) out[i] = sp::false_alarm_level(p[i], model, m);
  }
  return to_numpy(std::move(out));
}

}  // namespace

void register_spectral(py::module_& m) {
  m.def("bin_events", &bin_events, py::arg("series"), py::arg("bin_width"));
  m.def("periodogram", &periodogram, py::arg("x"), py::kw_only(), py::arg("fs") = 1.0,
        py::arg("window") = "boxcar", py::arg("detrend") = "constant",
        py::arg("scaling") = "density", py::arg("nfft") = 0, py::arg("effort") = "auto");
  m.def("periodogram_into", &periodogram_into, py::arg("x"), py::arg("out"), py::kw_only(),
        py::arg("fs") = 1.0, py::arg("window") = "boxcar", py::arg("detrend") = "constant",
        py::arg("scaling") = "density", py::arg("nfft") = 0, py::arg("effort") = "auto");
  m.def("welch", &welch, py::arg("x"), py::kw_only(), py::arg("fs") = 1.0,
        py::arg("window") = "hann", py::arg("nperseg") = 256, py::arg("noverlap") = py::none(),
        py::arg("detrend") = "constant", py::arg("scaling") = "density",
        py::arg("average") = "mean", py::arg("effort") = "auto");
  m.def("acf", &acf, py::arg("x"), py::kw_only(), py::arg("max_lag") = 0,
        py::arg("adjusted") = false, py::arg("demean") = true, py::arg("alpha") = 0.0,
        py::arg("effort") = "auto");
  m.def("ljung_box", &ljung_box, py::arg("acf"), py::arg("n"), py::kw_only(),
        py::arg("model_df") = 0);
  m.def("next_fast_size", &sp::next_fast_size, py::arg("n"));
  m.def(
      "prepare_plans",
      [](const std::vector<std::size_t>& sizes, const std::string& effort) {
        const auto e = parse_effort(effort);
        py::gil_scoped_release release;
        sp::prepare_plans(sizes, e);
      },
      py::arg("sizes"), py::kw_only(), py::arg("effort") = "measure");
  m.def("plan_cache_stats", &plan_cache_stats);
  m.def("clear_plan_cache", &sp::clear_plan_cache);
  m.def("wisdom_path", &sp::wisdom_path);
  m.def("lomb_scargle", &lomb_scargle, py::arg("t"), py::arg("y"), py::arg("dy") = py::none(),
        py::kw_only(), py::arg("frequency") = py::none(), py::arg("minimum_frequency") = py::none(),
        py::arg("maximum_frequency") = py::none(), py::arg("samples_per_peak") = 5.0,
        py::arg("nyquist_factor") = 5.0, py::arg("normalization") = "standard",
        py::arg("fit_mean") = true, py::arg("center_data") = true, py::arg("method") = "exact",
        py::arg("tolerance") = 1e-12, py::arg("threads") = 0);
  m.def("ls_log_false_alarm", &ls_log_false_alarm, py::arg("power"), py::arg("n"), py::arg("fmax"),
        py::arg("baseline"), py::arg("t_variance"), py::arg("normalization"), py::arg("centered"),
        py::arg("method"));
  m.def("ls_false_alarm_level", &ls_false_alarm_level, py::arg("probability"), py::arg("n"),
        py::arg("fmax"), py::arg("baseline"), py::arg("t_variance"), py::arg("normalization"),
        py::arg("centered"), py::arg("method"));
}
