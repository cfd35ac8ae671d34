// numpy <-> engine conversions: spans in without copying, owned vectors out without copying.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <span>
#include <string>
#include <vector>

namespace tealeaves::bindings {

namespace py = pybind11;

// Accepts any real numeric array; forcecast converts only when the dtype or layout differs,
// so a C-contiguous float64 array is used in place. The Python layer checks dtypes first so
// that its messages can name the argument.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

inline std::span<const double> as_span(const DoubleArray& a, const char* name) {
  if (a.ndim() != 1) {
    throw py::value_error(std::string(name) + ": expected a 1-D array, got " +
                          std::to_string(a.ndim()) + "-D");
  }
  return {a.data(), static_cast<std::size_t>(a.size())};
}

inline std::span<double> as_mutable_span(py::array_t<double, py::array::c_style>& a,
                                         const char* name) {
  if (a.ndim() != 1 || !a.writeable()) {
    throw py::value_error(std::string(name) + ": expected a writeable 1-D float64 array");
  }
  return {a.mutable_data(), static_cast<std::size_t>(a.size())};
}

// Moves the vector to the heap and hands numpy its buffer; the capsule frees it with the array.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), free_when_done);
}

// Read-only numpy view of memory owned by `owner` (kept alive by the array).
template <class T>
py::array_t<T> readonly_view(std::span<const T> values, py::handle owner) {
  py::array_t<T> view(static_cast<py::ssize_t>(values.size()), values.data(), owner);
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

}  // namespace tealeaves::bindings
