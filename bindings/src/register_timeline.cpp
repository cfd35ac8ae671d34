// Coincidence of lookups with a timeline of outside events (tealeaves::timeline). Every engine
// call runs without the GIL; results move into numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"
#include "tealeaves/timeline/coincidence.hpp"
#include "tealeaves/timeline/lockstep.hpp"

namespace py = pybind11;
namespace tl = tealeaves::timeline;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

constexpr const char* kCoincidenceDoc = R"doc(
Event coincidence analysis of one EventSeries with outside events (use tealeaves.timeline).

Parameters
----------
series : EventSeries (engine object)
event_starts, event_ends : 1-D float arrays, absolute seconds like the series' times
    (event_ends empty: instants).
tolerances, lags : lists of seconds (the scanned grid).
direction : "both", "precursor" or "trigger" (the directions in the corrected family).
correction : "max_t" (standardised max-T, default) or "min_p" (Westfall-Young single step).
null : surrogate null model name (circular_shift, routine, poisson, ...).
n_surrogates, seed, threads : Monte-Carlo settings; results do not depend on threads.
shift_step : circular_shift by whole steps of this many seconds (0: any shift).
randomize_ties : seeded random tie-break of equal counts (exact size) or ties against.
bin_width, max_lag, correlation : lagged correlation (seconds, bins, on/off).
utc_offset_seconds, weekly, smoothing_hours, bandwidth, delta, block_length : null options.

Returns
-------
dict with per-cell columns (numpy arrays, tolerance-major), n_tests, global_p, null, direction,
counts and a "correlation" dict (lags, r, p, p_adjusted, global_p, bin_width, n_bins).
)doc";

py::dict coincidence(const tealeaves::EventSeries& series, const DoubleArray& event_starts,
                     const DoubleArray& event_ends, const std::vector<double>& tolerances,
                     const std::vector<double>& lags, const std::string& direction,
                     const std::string& correction, const std::string& null,
                     std::size_t n_surrogates, std::uint64_t seed, std::size_t threads,
                     double bin_width, std::size_t max_lag, bool correlation, bool randomize_ties,
                     double shift_step, double utc_offset_seconds, bool weekly,
                     double smoothing_hours, double bandwidth, double delta,
                     std::size_t block_length) {
  tl::CoincidenceOptions o;
  o.tolerances = tolerances;
  o.lags = lags;
  o.direction = tl::parse_direction(direction);
  o.correction = tl::parse_correction(correction);
  o.null = tealeaves::nullmodel::parse_null(null);
  o.null_options.utc_offset_seconds = utc_offset_seconds;
  o.null_options.weekly = weekly;
  o.null_options.smoothing_hours = smoothing_hours;
  o.null_options.bandwidth = bandwidth;
  o.null_options.delta = delta;
  o.null_options.block_length = block_length;
  o.n_surrogates = n_surrogates;
  o.seed = seed;
  o.threads = threads;
  o.bin_width = bin_width;
  o.max_lag = max_lag;
  o.correlation = correlation;
  o.randomize_ties = randomize_ties;
  o.shift_step = shift_step;
  const auto starts = as_span(event_starts, "events");
  const auto ends = as_span(event_ends, "event_ends");
  tl::CoincidenceResult r;
  {
    py::gil_scoped_release release;
    r = tl::coincidence_analysis(series, starts, ends, o);
  }
  const std::size_t n = r.cells.size();
  const auto col = [&](auto field) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(r.cells[i].*field);
    return to_numpy(std::move(v));
  };
  using C = tl::CoincidenceCell;
  py::dict d;
  d["tolerance"] = col(&C::tolerance);
  d["lag"] = col(&C::lag);
  d["k_precursor"] = col(&C::k_precursor);
  d["k_trigger"] = col(&C::k_trigger);
  d["precursor_rate"] = col(&C::precursor_rate);
  d["trigger_rate"] = col(&C::trigger_rate);
  d["p_precursor"] = col(&C::p_precursor);
  d["p_trigger"] = col(&C::p_trigger);
  d["p_adjusted_precursor"] = col(&C::p_adjusted_precursor);
  d["p_adjusted_trigger"] = col(&C::p_adjusted_trigger);
  d["q_precursor"] = col(&C::q_precursor);
  d["q_trigger"] = col(&C::q_trigger);
  d["p_poisson_precursor"] = col(&C::p_poisson_precursor);
  d["p_poisson_trigger"] = col(&C::p_poisson_trigger);
  d["n_tests"] = r.n_tests;
  d["global_p"] = r.global_p;
  d["null"] = r.null;
  d["direction"] = r.direction;
  d["correction"] = r.correction;
  d["n_surrogates"] = r.n_surrogates;
  d["n_lookups"] = r.n_lookups;
  d["n_events"] = r.n_events;
  d["n_events_dropped"] = r.n_events_dropped;
  d["exposure"] = r.exposure;
  py::dict c;
  c["lags"] = to_numpy(std::move(r.correlation.lags));
  c["r"] = to_numpy(std::move(r.correlation.r));
  c["p"] = to_numpy(std::move(r.correlation.p));
  c["p_adjusted"] = to_numpy(std::move(r.correlation.p_adjusted));
  c["global_p"] = r.correlation.global_p;
  c["bin_width"] = r.correlation.bin_width;
  c["n_bins"] = r.correlation.n_bins;
  d["correlation"] = c;
  return d;
}

py::tuple count(const tealeaves::EventSeries& series, const DoubleArray& event_starts,
                const DoubleArray& event_ends, double tolerance, double lag) {
  const auto starts = as_span(event_starts, "events");
  const auto ends = as_span(event_ends, "event_ends");
  tl::CoincidenceCounts c;
  std::size_t dropped = 0, n_events = 0;
  {
    py::gil_scoped_release release;
    const auto windows = tl::make_event_windows(series, starts, ends, &dropped);
    n_events = windows.size();
    c = tl::count_coincidences(series.times(), windows, tolerance, lag);
  }
  return py::make_tuple(c.precursor, c.trigger, n_events, dropped);
}

py::dict lockstep(const tealeaves::EventSeries& a, const tealeaves::EventSeries& b,
                  double tolerance, double max_shift, std::size_t n_surrogates, std::uint64_t seed,
                  std::size_t threads) {
  tl::Lockstep r;
  {
    py::gil_scoped_release release;
    r = tl::lockstep(a, b, {tolerance, max_shift, n_surrogates, seed, threads});
  }
  py::dict d;
  d["n_a"] = r.n_a;
  d["n_b"] = r.n_b;
  d["n_b_outside"] = r.n_b_outside;
  d["k_a"] = r.k_a;
  d["k_b"] = r.k_b;
  d["fraction_a"] = r.fraction_a;
  d["fraction_b"] = r.fraction_b;
  d["median_lag"] = r.median_lag;
  d["p_a"] = r.p_a;
  d["p_b"] = r.p_b;
  d["p_value"] = r.p_value;
  d["n_surrogates"] = r.n_surrogates;
  d["matched_a"] = to_numpy(std::move(r.matched_a));
  d["lags"] = to_numpy(std::move(r.lags));
  d["null"] = r.null;
  return d;
}

}  // namespace

void register_timeline(py::module_& m) {
  m.def("coincidence", &coincidence, kCoincidenceDoc, py::arg("series"), py::arg("event_starts"),
        py::arg("event_ends"), py::kw_only(),
        py::arg("tolerances") = std::vector<double>{3600.0, 86400.0},
        py::arg("lags") = std::vector<double>{0.0}, py::arg("direction") = "both",
        py::arg("correction") = "max_t", py::arg("null") = "circular_shift",
        py::arg("n_surrogates") = 999, py::arg("seed") = 0, py::arg("threads") = 0,
        py::arg("bin_width") = 86400.0, py::arg("max_lag") = 7, py::arg("correlation") = true,
        py::arg("randomize_ties") = true, py::arg("shift_step") = 0.0,
        py::arg("utc_offset_seconds") = 0.0, py::arg("weekly") = true,
        py::arg("smoothing_hours") = 0.0, py::arg("bandwidth") = 3600.0, py::arg("delta") = 1.0,
        py::arg("block_length") = 10);
  m.def("count_coincidences", &count,
        "(precursor lookups, triggered events, events kept, events dropped) for one cell",
        py::arg("series"), py::arg("event_starts"), py::arg("event_ends"), py::kw_only(),
        py::arg("tolerance"), py::arg("lag") = 0.0);
  m.def("lockstep", &lockstep, py::arg("a"), py::arg("b"), py::kw_only(),
        py::arg("tolerance") = 2.0, py::arg("max_shift") = 600.0, py::arg("n_surrogates") = 999,
        py::arg("seed") = 0, py::arg("threads") = 0);
  m.def("donges_p_value", &tl::donges_p_value,
        "Donges et al. (2016) P(K >= k), K ~ Binomial(n, 1 - (1 - width/span)^n_other)",
        py::arg("k"), py::arg("n"), py::arg("n_other"), py::arg("width"), py::arg("span"));
}
