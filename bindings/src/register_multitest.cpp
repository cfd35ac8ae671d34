// Multiple-testing corrections and surrogates of binned series (phase randomisation, AAFT,
// IAAFT). Every engine call runs without the GIL; results move into numpy without copying.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/nullmodel/multitest.hpp"
#include "tealeaves/nullmodel/spectral_surrogates.hpp"

namespace py = pybind11;
namespace nm = tealeaves::nullmodel;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

constexpr const char* kMultitestDoc = R"doc(
Adjusted p-values and reject decisions, as statsmodels.stats.multitest.multipletests.

Parameters
----------
pvalues : 1-D float64 array in [0, 1], no NaN
method : "bonferroni", "holm", "bh" ("fdr_bh") or "by" ("fdr_by")
alpha : family-wise error rate or false discovery rate, in (0, 1)

Returns
-------
dict with adjusted (float64), reject (bool), method, alpha
)doc";

constexpr const char* kSurrogateDoc = R"doc(
Surrogates of an evenly sampled series; see tealeaves.binned_surrogates.

Returns
-------
dict with values (float64, n_surrogates * length, row-major), length, n_surrogates,
iterations (uint64) and spectral_error (float64), both empty except for IAAFT
)doc";

py::dict multitest(const DoubleArray& pvalues, const std::string& method, double alpha) {
  const auto span = as_span(pvalues, "pvalues");
  const nm::MultitestMethod m = nm::parse_multitest_method(method);
  nm::MultitestResult r;
  {
    py::gil_scoped_release release;
    r = nm::multitest(span, m, alpha);
  }
  py::array_t<bool> reject(static_cast<py::ssize_t>(r.reject.size()));
  auto out = reject.mutable_unchecked<1>();
  for (std::size_t i = 0; i < r.reject.size(); ++i) {
    out(static_cast<py::ssize_t>(i)) = r.reject[i];
  }
  py::dict d;
  d["adjusted"] = to_numpy(std::move(r.adjusted));
  d["reject"] = reject;
  d["method"] = nm::multitest_method_name(r.method);
  d["alpha"] = r.alpha;
  return d;
}

using Generator = nm::BinnedSurrogates (*)(std::span<const double>,
                                           const nm::BinnedSurrogateOptions&);

py::dict surrogates(Generator generate, const DoubleArray& x, std::uint64_t seed,
                    std::size_t n_surrogates, std::size_t threads, std::size_t max_iterations,
                    double tolerance) {
  nm::BinnedSurrogateOptions o;
  o.seed = seed;
  o.n_surrogates = n_surrogates;
  o.threads = threads;
  o.max_iterations = max_iterations;
  o.tolerance = tolerance;
  const auto span = as_span(x, "x");
  nm::BinnedSurrogates r;
  {
    py::gil_scoped_release release;
    r = generate(span, o);
  }
  std::vector<std::uint64_t> iterations(r.iterations.begin(), r.iterations.end());
  py::dict d;
  d["length"] = r.length;
  d["n_surrogates"] = r.n_surrogates;
  d["values"] = to_numpy(std::move(r.values));
  d["iterations"] = to_numpy(std::move(iterations));
  d["spectral_error"] = to_numpy(std::move(r.spectral_error));
  return d;
}

template <Generator generate>
py::dict bound(const DoubleArray& x, std::uint64_t seed, std::size_t n_surrogates,
               std::size_t threads, std::size_t max_iterations, double tolerance) {
  return surrogates(generate, x, seed, n_surrogates, threads, max_iterations, tolerance);
}

}  // namespace

void register_multitest(py::module_& m) {
  m.def("multitest", &multitest, kMultitestDoc, py::arg("pvalues"), py::arg("method") = "bh",
        py::arg("alpha") = 0.05);
  for (const auto& [name, fn] :
       {std::pair{"phase_randomized", &bound<&nm::phase_randomized>},
        std::pair{"aaft", &bound<&nm::aaft>}, std::pair{"iaaft", &bound<&nm::iaaft>}}) {
    m.def(name, fn, kSurrogateDoc, py::arg("x"), py::arg("seed"), py::arg("n_surrogates") = 1,
          py::arg("threads") = 0, py::arg("max_iterations") = 1000, py::arg("tolerance") = 1e-10);
  }
}
