// Null models: surrogate event series and Monte-Carlo tests against them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/montecarlo.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

namespace py = pybind11;
namespace nm = tealeaves::nullmodel;
using tealeaves::bindings::to_numpy;

namespace {

constexpr const char* kSurrogateDoc = R"doc(
One surrogate of ``series`` under the named null model, drawn from Rng(seed, stream).

Parameters
----------
series : EventSeries (engine object)
null : str
    poisson, routine, smoothed_rate, shuffle, dither, circular_shift or block_bootstrap.
seed, stream : int
    The random stream; Monte-Carlo surrogate i uses stream i.
utc_offset_seconds, weekly, smoothing_hours : routine profile options.
bandwidth : float
    smoothed_rate kernel sigma, seconds.
delta : float
    dither half-width, seconds.
block_length : int
    block_bootstrap block length, in gaps.
)doc";

constexpr const char* kMcTestDoc = R"doc(
Monte-Carlo test of a built-in statistic against a surrogate null; returns a dict with
observed, k, n, p_value, ci_low, ci_high, null, statistic, stopped_early, null_values.
coincidence: events (absolute times), tolerance and event_lag (seconds), direction
(trigger, precursor or both).
)doc";

nm::NullOptions null_options(double utc_offset_seconds, bool weekly, double smoothing_hours,
                             double bandwidth, double delta, std::size_t block_length) {
  nm::NullOptions o;
  o.utc_offset_seconds = utc_offset_seconds;
  o.weekly = weekly;
  o.smoothing_hours = smoothing_hours;
  o.bandwidth = bandwidth;
  o.delta = delta;
  o.block_length = block_length;
  return o;
}

tealeaves::EventSeries surrogate(const tealeaves::EventSeries& series, const std::string& null,
                                 std::uint64_t seed, std::uint64_t stream,
                                 double utc_offset_seconds, bool weekly, double smoothing_hours,
                                 double bandwidth, double delta, std::size_t block_length) {
  const nm::Null kind = nm::parse_null(null);
  const nm::NullOptions o =
      null_options(utc_offset_seconds, weekly, smoothing_hours, bandwidth, delta, block_length);
  py::gil_scoped_release release;
  const nm::SurrogateGenerator generator(series, kind, o);
  tealeaves::Rng rng(seed, stream);
  return generator(rng);
}

py::dict mc_test(const tealeaves::EventSeries& series, const std::string& statistic,
                 const std::string& null, std::size_t n, std::uint64_t seed, std::size_t threads,
                 std::size_t sequential_h, double ci_level, double fmin, double fmax,
                 unsigned harmonics, double oversample, double bin_width, std::size_t lag,
                 double fano_window, std::vector<double> events, double tolerance, double event_lag,
                 const std::string& direction, double utc_offset_seconds, bool weekly,
                 double smoothing_hours, double bandwidth, double delta, std::size_t block_length) {
  const nm::Statistic stat = nm::parse_statistic(statistic);
  const nm::Null kind = nm::parse_null(null);
  nm::McOptions o;
  o.n = n;
  o.seed = seed;
  o.threads = threads;
  o.sequential_h = sequential_h;
  o.ci_level = ci_level;
  o.statistic.fmin = fmin;
  o.statistic.fmax = fmax;
  o.statistic.harmonics = harmonics;
  o.statistic.oversample = oversample;
  o.statistic.bin_width = bin_width;
  o.statistic.lag = lag;
  o.statistic.fano_window = fano_window;
  o.statistic.events = std::move(events);
  o.statistic.tolerance = tolerance;
  o.statistic.event_lag = event_lag;
  o.statistic.direction = nm::parse_direction(direction);
  o.null =
      null_options(utc_offset_seconds, weekly, smoothing_hours, bandwidth, delta, block_length);
  nm::McResult r;
  {
    py::gil_scoped_release release;
    r = nm::mc_test(series, stat, kind, o);
  }
  py::dict d;
  d["observed"] = r.observed;
  d["k"] = r.k;
  d["n"] = r.n;
  d["p_value"] = r.p_value;
  d["ci_low"] = r.ci_low;
  d["ci_high"] = r.ci_high;
  d["null"] = r.null;
  d["statistic"] = r.statistic;
  d["stopped_early"] = r.stopped_early;
  d["null_values"] = to_numpy(std::move(r.null_values));
  return d;
}

py::tuple clopper_pearson(std::size_t k, std::size_t n, double level) {
  double lo = 0.0, hi = 1.0;
  nm::clopper_pearson(k, n, level, lo, hi);
  return py::make_tuple(lo, hi);
}

}  // namespace

void register_nullmodel(py::module_& m) {
  m.def("surrogate", &surrogate, kSurrogateDoc, py::arg("series"), py::arg("null"), py::kw_only(),
        py::arg("seed") = 0, py::arg("stream") = 0, py::arg("utc_offset_seconds") = 0.0,
        py::arg("weekly") = true, py::arg("smoothing_hours") = 0.0, py::arg("bandwidth") = 3600.0,
        py::arg("delta") = 1.0, py::arg("block_length") = 10);
  m.def("mc_test", &mc_test, kMcTestDoc, py::arg("series"), py::arg("statistic"), py::arg("null"),
        py::kw_only(), py::arg("n") = 999, py::arg("seed") = 0, py::arg("threads") = 0,
        py::arg("sequential_h") = 0, py::arg("ci_level") = 0.95, py::arg("fmin") = 0.0,
        py::arg("fmax") = 0.0, py::arg("harmonics") = 2, py::arg("oversample") = 5.0,
        py::arg("bin_width") = 1.0, py::arg("lag") = 1, py::arg("fano_window") = 60.0,
        py::arg("events") = std::vector<double>{}, py::arg("tolerance") = 0.0,
        py::arg("event_lag") = 0.0, py::arg("direction") = "trigger",
        py::arg("utc_offset_seconds") = 0.0, py::arg("weekly") = true,
        py::arg("smoothing_hours") = 0.0, py::arg("bandwidth") = 3600.0, py::arg("delta") = 1.0,
        py::arg("block_length") = 10);
  m.def("clopper_pearson", &clopper_pearson, py::arg("k"), py::arg("n"), py::kw_only(),
        py::arg("level") = 0.95);
}
