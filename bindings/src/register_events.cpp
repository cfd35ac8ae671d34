// Periodicity statistics on raw event times: Z^2_n search, H-test, folding, pulse shape.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_interop.hpp"
#include "tealeaves/events/folding.hpp"
#include "tealeaves/events/rayleigh.hpp"

namespace py = pybind11;
namespace ev = tealeaves::events;
using tealeaves::bindings::to_numpy;

namespace {

py::dict grid_dict(const ev::FrequencyGrid& g) {
  py::dict d;
  d["f0"] = g.f0;
  d["df"] = g.df;
  d["n"] = g.n;
  return d;
}

py::dict make_grid(double duration, double oversample, double min_cycles, double fmin, double fmax,
                   std::size_t max_frequencies) {
  ev::GridOptions o;
  o.oversample = oversample;
  o.min_cycles = min_cycles;
  o.fmin = fmin;
  o.fmax = fmax;
  o.max_frequencies = max_frequencies;
  return grid_dict(ev::make_grid(duration, o));
}

py::dict z2n_search(const tealeaves::EventSeries& series, double f0, double df, std::size_t n,
                    unsigned harmonics, bool window_correction, std::size_t threads, bool fast,
                    double tolerance) {
  ev::Z2Options o;
  o.harmonics = harmonics;
  o.window_correction = window_correction;
  o.threads = threads;
  o.fast = fast;
  o.tolerance = tolerance;
  ev::Z2Result r;
  {
    py::gil_scoped_release release;
    r = ev::z2n_search(series, {f0, df, n}, o);
  }
  py::dict d;
  d["grid"] = grid_dict(r.grid);
  d["harmonics"] = r.harmonics;
  d["n_events"] = r.n_events;
  d["time_variance"] = r.time_variance;
  d["error_bound"] = r.error_bound;
  d["power"] = to_numpy(std::move(r.power));
  return d;
}

py::dict fold(const tealeaves::EventSeries& series, double frequency, std::size_t bins) {
  ev::FoldedProfile p;
  {
    py::gil_scoped_release release;
    p = ev::fold(series, frequency, bins);
  }
  py::dict d;
  d["frequency"] = p.frequency;
  d["counts"] = to_numpy(std::move(p.counts));
  d["expected"] = to_numpy(std::move(p.expected));
  d["chi2"] = p.chi2;
  d["dof"] = p.dof;
  d["log_p"] = p.log_p;
  return d;
}

py::dict pulse_shape(const tealeaves::EventSeries& series, double frequency) {
  const ev::PulseShape s = ev::pulse_shape(series, frequency);
  py::dict d;
  d["pulsed_fraction"] = s.pulsed_fraction;
  d["jitter_cycles"] = s.jitter_cycles;
  d["peak_phase"] = s.peak_phase;
  d["amplitude1"] = s.amplitude1;
  d["amplitude2"] = s.amplitude2;
  return d;
}

py::dict htest(const tealeaves::EventSeries& series, double frequency, unsigned max_harmonics,
               bool window_correction) {
  const ev::HTest h = ev::htest(series, frequency, max_harmonics, window_correction);
  py::dict d;
  d["h"] = h.h;
  d["harmonics"] = h.harmonics;
  d["log_p"] = h.log_p;
  return d;
}

}  // namespace

void register_events(py::module_& m) {
  m.def("make_grid", &make_grid, py::arg("duration"), py::kw_only(), py::arg("oversample") = 5.0,
        py::arg("min_cycles") = 3.0, py::arg("fmin") = 0.0, py::arg("fmax") = 0.5,
        py::arg("max_frequencies") = std::size_t{1} << 26);
  m.def("z2n_search", &z2n_search, py::arg("series"), py::kw_only(), py::arg("f0"), py::arg("df"),
        py::arg("n"), py::arg("harmonics") = 2, py::arg("window_correction") = true,
        py::arg("threads") = 0, py::arg("fast") = false, py::arg("tolerance") = 1e-10);
  m.def(
      "z2_cumulative",
      [](const tealeaves::EventSeries& s, double f, unsigned harmonics, bool window_correction) {
        return to_numpy(ev::z2_cumulative(s, f, harmonics, window_correction));
      },
      py::arg("series"), py::arg("frequency"), py::kw_only(), py::arg("harmonics") = 2,
      py::arg("window_correction") = true);
  m.def("htest", &htest, py::arg("series"), py::arg("frequency"), py::kw_only(),
        py::arg("max_harmonics") = 20, py::arg("window_correction") = true);
  m.def("fold", &fold, py::arg("series"), py::arg("frequency"), py::kw_only(),
        py::arg("bins") = 10);
  m.def("pulse_shape", &pulse_shape, py::arg("series"), py::arg("frequency"));
  m.def("z2_log_p_single", &ev::z2_log_p_single, py::arg("z"), py::arg("harmonics"));
  m.def("z2_log_p_global", &ev::z2_log_p_global, py::arg("z"), py::arg("harmonics"),
        py::arg("fmin"), py::arg("fmax"), py::arg("time_variance"));
  m.def("z2_effective_trials", &ev::z2_effective_trials, py::arg("z"), py::arg("harmonics"),
        py::arg("fmin"), py::arg("fmax"), py::arg("time_variance"));
  m.def("null_time_variance", &ev::null_time_variance, py::arg("series"));
}
