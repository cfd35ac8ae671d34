// EventSeries: validated once in C++, exposed with zero-copy read-only views.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "numpy_interop.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/series.hpp"

namespace py = pybind11;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::readonly_view;

namespace {

tealeaves::DuplicatePolicy parse_duplicates(const std::string& name) {
  if (name == "keep") return tealeaves::DuplicatePolicy::keep;
  if (name == "collapse") return tealeaves::DuplicatePolicy::collapse;
  tealeaves::throw_invalid("duplicates",
                           "unknown policy '" + name + "'; expected keep or collapse");
}

std::vector<tealeaves::Interval> parse_gaps(
    const py::array_t<double, py::array::c_style | py::array::forcecast>& gaps) {
  if (gaps.size() == 0) return {};
  if (gaps.ndim() != 2 || gaps.shape(1) != 2) {
    throw py::value_error("gaps: expected an (n, 2) array of [start, stop] pairs");
  }
  std::vector<tealeaves::Interval> out(static_cast<std::size_t>(gaps.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {gaps.at(i, 0), gaps.at(i, 1)};
  return out;
}

py::array_t<double> intervals_array(const std::vector<tealeaves::Interval>& intervals) {
  py::array_t<double> out({static_cast<py::ssize_t>(intervals.size()), py::ssize_t{2}});
  auto view = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const auto row = static_cast<py::ssize_t>(i);
    view(row, 0) = intervals[i].start;
    view(row, 1) = intervals[i].stop;
  }
  return out;
}

py::dict repairs_dict(const tealeaves::SeriesRepairs& r) {
  py::dict d;
  d["n_input"] = r.n_input;
  d["n_out_of_order"] = r.n_out_of_order;
  d["n_duplicates"] = r.n_duplicates;
  d["n_collapsed"] = r.n_collapsed;
  d["n_dropped_outside"] = r.n_dropped_outside;
  d["n_gaps_merged"] = r.n_gaps_merged;
  return d;
}

constexpr const char* kEventSeriesDoc = R"doc(
Validated event times (engine object; use tealeaves.EventSeries).

Parameters
----------
times : float64 array, seconds since ``time_origin``.
sort, start, end, gaps, duplicates, duplicate_tolerance, drop_outside, time_origin
    See tealeaves.EventSeries.
)doc";

}  // namespace

void register_core(py::module_& m) {
  py::class_<tealeaves::EventSeries>(m, "EventSeries", kEventSeriesDoc)
      .def(py::init([](const DoubleArray& times, bool sort, std::optional<double> start,
                       std::optional<double> end, const DoubleArray& gaps,
                       const std::string& duplicates, double duplicate_tolerance, bool drop_outside,
                       double time_origin) {
             tealeaves::SeriesOptions o;
             o.sort = sort;
             o.start = start;
             o.end = end;
             o.gaps = parse_gaps(gaps);
             o.duplicates = parse_duplicates(duplicates);
             o.duplicate_tolerance = duplicate_tolerance;
             o.drop_outside = drop_outside;
             o.time_origin = time_origin;
             const auto span = as_span(times, "times");
             py::gil_scoped_release release;
             return tealeaves::EventSeries(span, o);
           }),
           py::arg("times"), py::kw_only(), py::arg("sort") = false, py::arg("start") = py::none(),
           py::arg("end") = py::none(), py::arg("gaps") = DoubleArray(),
           py::arg("duplicates") = "keep", py::arg("duplicate_tolerance") = 0.0,
           py::arg("drop_outside") = false, py::arg("time_origin") = 0.0)
      .def("__len__", &tealeaves::EventSeries::size)
      .def_property_readonly("times",
                             [](py::object self) {
                               const auto& s = self.cast<const tealeaves::EventSeries&>();
                               return readonly_view(s.times(), self);
                             })
      .def_property_readonly("multiplicity",
                             [](py::object self) {
                               const auto& s = self.cast<const tealeaves::EventSeries&>();
                               return readonly_view(s.multiplicity(), self);
                             })
      .def_property_readonly("origin", &tealeaves::EventSeries::origin)
      .def_property_readonly("start", &tealeaves::EventSeries::start)
      .def_property_readonly("end", &tealeaves::EventSeries::end)
      .def_property_readonly("duration", &tealeaves::EventSeries::duration)
      .def_property_readonly("exposure", &tealeaves::EventSeries::exposure)
      .def_property_readonly("total_count", &tealeaves::EventSeries::total_count)
      .def_property_readonly(
          "good_intervals",
          [](const tealeaves::EventSeries& s) { return intervals_array(s.good_intervals()); })
      .def_property_readonly(
          "repairs", [](const tealeaves::EventSeries& s) { return repairs_dict(s.repairs()); })
      .def(
          "collapsed",
          [](const tealeaves::EventSeries& s, double tolerance) {
            py::gil_scoped_release release;
            return s.collapsed(tolerance);
          },
          py::arg("tolerance"));
}
