// Period detection and the TTL-floor check.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "numpy_interop.hpp"
#include "tealeaves/periodicity/detect.hpp"
#include "tealeaves/periodicity/spans.hpp"

namespace py = pybind11;
namespace pd = tealeaves::periodicity;

namespace {

py::dict ttl_dict(const pd::TtlFloor& t) {
  py::dict d;
  d["detected"] = t.detected;
  d["interpretation"] = t.interpretation;
  d["floor_s"] = t.floor_s;
  d["log_p"] = t.log_p;
  d["excess_cv"] = t.excess_cv;
  d["share_near_floor"] = t.share_near_floor;
  d["n_gaps"] = t.n_gaps;
  d["log_ttl_s"] = t.log_ttl_s;
  d["consistent_with_log_ttl"] = t.consistent_with_log_ttl;
  return d;
}

py::dict period_dict(const pd::DetectedPeriod& p) {
  py::dict d;
  d["frequency_hz"] = p.frequency_hz;
  d["period_s"] = p.period_s;
  d["period_err_s"] = p.period_err_s;
  d["interval_s"] = p.interval_s;
  d["phase"] = p.phase;
  d["jitter_s"] = p.jitter_s;
  d["pulsed_fraction"] = p.pulsed_fraction;
  d["power"] = p.power;
  d["log_p_single"] = p.log_p_single;
  d["log_p_global"] = p.log_p_global;
  d["effective_trials"] = p.effective_trials;
  d["htest_h"] = p.htest_h;
  d["htest_log_p"] = p.htest_log_p;
  d["fold_log_p"] = p.fold_log_p;
  d["acf_hill"] = p.acf_hill;
  d["harmonics_seen"] = p.harmonics_seen;
  d["source"] = p.source;
  return d;
}

py::dict detect(const tealeaves::EventSeries& series, unsigned harmonics, double oversample,
                double min_cycles, double fmin, double fmax, double alpha, std::size_t max_periods,
                std::size_t min_events, bool binned_candidates, bool require_acf,
                std::optional<double> log_ttl, std::size_t threads) {
  pd::DetectOptions o;
  o.harmonics = harmonics;
  o.grid.oversample = oversample;
  o.grid.min_cycles = min_cycles;
  o.grid.fmin = fmin;
  o.grid.fmax = fmax;
  o.alpha = alpha;
  o.max_periods = max_periods;
  o.min_events = min_events;
  o.binned_candidates = binned_candidates;
  o.require_acf = require_acf;
  o.log_ttl = log_ttl;
  o.threads = threads;
  pd::PeriodDetection r;
  {
    py::gil_scoped_release release;
    r = pd::detect_periods(series, o);
  }
  py::dict d;
  d["status"] = r.status;
  d["reason"] = r.reason;
  py::list periods;
  for (const auto& p : r.periods) periods.append(period_dict(p));
  d["periods"] = periods;
  d["n_events"] = r.n_events;
  d["duration"] = r.duration;
  d["grid"] =
      py::dict(py::arg("f0") = r.grid.f0, py::arg("df") = r.grid.df, py::arg("n") = r.grid.n);
  d["harmonics"] = r.harmonics;
  d["time_variance"] = r.time_variance;
  d["null"] = r.null;
  d["global_method"] = r.global_method;
  d["ttl_floor"] = ttl_dict(r.ttl_floor);
  return d;
}

py::dict spans(const tealeaves::EventSeries& series, double period, double window,
               double half_width, double collapse, double alpha) {
  pd::PeriodSpans r;
  {
    py::gil_scoped_release release;
    r = pd::period_spans(series, period, {window, half_width, collapse, alpha});
  }
  const std::size_t n = r.windows.size();
  std::vector<double> start(n), end(n), p(n), p_adj(n);
  std::vector<std::int64_t> on(n), beside(n);
  std::vector<bool> testable(n), significant(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& w = r.windows[i];
    start[i] = w.start;
    end[i] = w.end;
    on[i] = static_cast<std::int64_t>(w.n_on);
    beside[i] = static_cast<std::int64_t>(w.n_beside);
    p[i] = w.p_value;
    p_adj[i] = w.p_adjusted;
    testable[i] = w.testable;
    significant[i] = w.significant;
  }
  py::dict windows;
  windows["start"] = tealeaves::bindings::to_numpy(std::move(start));
  windows["end"] = tealeaves::bindings::to_numpy(std::move(end));
  windows["n_on"] = tealeaves::bindings::to_numpy(std::move(on));
  windows["n_beside"] = tealeaves::bindings::to_numpy(std::move(beside));
  windows["p_value"] = tealeaves::bindings::to_numpy(std::move(p));
  windows["p_adjusted"] = tealeaves::bindings::to_numpy(std::move(p_adj));
  windows["testable"] = py::array(py::cast(testable));
  windows["significant"] = py::array(py::cast(significant));
  py::list span_list;
  for (const auto& s : r.spans) span_list.append(py::make_tuple(s.start, s.end));
  py::dict d;
  d["period"] = r.period;
  d["half_width"] = r.half_width;
  d["window"] = r.window;
  d["collapse"] = r.collapse;
  d["alpha"] = r.alpha;
  d["n_ticks"] = r.n_ticks;
  d["n_testable"] = r.n_testable;
  d["windows"] = windows;
  d["spans"] = span_list;
  d["first_beat"] = r.first_beat;
  d["last_beat"] = r.last_beat;
  d["null"] = r.null;
  d["correction"] = r.correction;
  return d;
}

}  // namespace

void register_periodicity(py::module_& m) {
  m.def("detect_periods", &detect, py::arg("series"), py::kw_only(), py::arg("harmonics") = 2,
        py::arg("oversample") = 5.0, py::arg("min_cycles") = 3.0, py::arg("fmin") = 0.0,
        py::arg("fmax") = 0.5, py::arg("alpha") = 0.01, py::arg("max_periods") = 5,
        py::arg("min_events") = 20, py::arg("binned_candidates") = true,
        py::arg("require_acf") = false, py::arg("log_ttl") = py::none(), py::arg("threads") = 0);
  m.def(
      "ttl_floor",
      [](const tealeaves::EventSeries& s, std::optional<double> log_ttl) {
        return ttl_dict(pd::ttl_floor(s, log_ttl));
      },
      py::arg("series"), py::kw_only(), py::arg("log_ttl") = py::none());
  m.def("period_spans", &spans, py::arg("series"), py::arg("period"), py::kw_only(),
        py::arg("window") = 0.0, py::arg("half_width") = 0.0, py::arg("collapse") = 0.0,
        py::arg("alpha") = 0.01);
}
