// Bayesian Blocks, Kleinberg bursts, PELT change points, outages and the time to a first
// lookup. Every engine call runs without the GIL; results move into numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/bursts/bayesian_blocks.hpp"
#include "tealeaves/bursts/changepoint.hpp"
#include "tealeaves/bursts/kleinberg.hpp"
#include "tealeaves/bursts/outages.hpp"
#include "tealeaves/core/series.hpp"

namespace py = pybind11;
namespace bu = tealeaves::bursts;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

std::vector<std::uint8_t> as_bytes(const std::vector<bool>& v) {
  return {v.begin(), v.end()};
}

constexpr const char* kBayesianBlocksDoc = R"doc(
Bayesian Blocks (events fitness) of an EventSeries (engine call; use tealeaves.bursts).

Returns a dict: edges, counts, rates, rate_low, rate_high, ncp_prior, p0, method, n_cells,
n_calibration, calibration_rate, level, null.
)doc";

py::dict bayesian_blocks(const tealeaves::EventSeries& series, double p0,
                         std::optional<double> ncp_prior, bool calibrate, std::size_t n_calibration,
                         std::uint64_t seed, std::size_t threads, double level) {
  bu::BayesianBlocksOptions o;
  o.p0 = p0;
  o.ncp_prior = ncp_prior;
  o.calibrate = calibrate;
  o.n_calibration = n_calibration;
  o.seed = seed;
  o.threads = threads;
  o.level = level;
  bu::BayesianBlocks r;
  {
    py::gil_scoped_release release;
    r = bu::bayesian_blocks(series, o);
  }
  py::dict d;
  d["edges"] = to_numpy(std::move(r.edges));
  d["counts"] = to_numpy(std::move(r.counts));
  d["rates"] = to_numpy(std::move(r.rates));
  d["rate_low"] = to_numpy(std::move(r.rate_low));
  d["rate_high"] = to_numpy(std::move(r.rate_high));
  d["ncp_prior"] = r.ncp_prior;
  d["p0"] = r.p0;
  d["method"] = r.method;
  d["n_cells"] = r.n_cells;
  d["n_calibration"] = r.n_calibration;
  d["calibration_rate"] = r.calibration_rate;
  d["level"] = r.level;
  d["null"] = r.null;
  return d;
}

constexpr const char* kKleinbergDoc = R"doc(
Kleinberg's burst automaton on the gaps of an EventSeries (engine call; use tealeaves.bursts).

Returns a dict: states (per gap), gap_rates, level/start/end/first/last/n_events/rate arrays
(one entry per burst), cost, base_rate.
)doc";

py::dict kleinberg(const tealeaves::EventSeries& series, double s, double gamma,
                   std::size_t levels) {
  bu::KleinbergOptions o{s, gamma, levels};
  bu::KleinbergResult r;
  {
    py::gil_scoped_release release;
    r = bu::kleinberg(series, o);
  }
  std::vector<double> start, end, rate;
  std::vector<std::int64_t> level, first, last, n_events;
  for (const auto& b : r.bursts) {
    level.push_back(static_cast<std::int64_t>(b.level));
    start.push_back(b.start);
    end.push_back(b.end);
    first.push_back(static_cast<std::int64_t>(b.first));
    last.push_back(static_cast<std::int64_t>(b.last));
    n_events.push_back(static_cast<std::int64_t>(b.n_events));
    rate.push_back(b.rate);
  }
  std::vector<std::int64_t> states(r.states.begin(), r.states.end());
  py::dict d;
  d["states"] = to_numpy(std::move(states));
  d["gap_rates"] = to_numpy(std::move(r.gap_rates));
  d["level"] = to_numpy(std::move(level));
  d["start"] = to_numpy(std::move(start));
  d["end"] = to_numpy(std::move(end));
  d["first"] = to_numpy(std::move(first));
  d["last"] = to_numpy(std::move(last));
  d["n_events"] = to_numpy(std::move(n_events));
  d["rate"] = to_numpy(std::move(rate));
  d["cost"] = r.cost;
  d["base_rate"] = r.base_rate;
  return d;
}

constexpr const char* kChangePointsDoc = R"doc(
PELT change points of the binned Poisson rate (engine call; use tealeaves.bursts).

penalty is "bic", "aic" or "value" (then penalty_value). Returns a dict: change_points,
start, end, count, exposure, rate, rate_low, rate_high, bin_width, n_bins, penalty,
penalty_name, cost, level.
)doc";

py::dict change_points(const tealeaves::EventSeries& series, double bin_width,
                       const std::string& penalty, double penalty_value, std::size_t min_size,
                       double level) {
  bu::ChangePointOptions o;
  o.bin_width = bin_width;
  o.penalty = penalty;
  o.penalty_value = penalty_value;
  o.min_size = min_size;
  o.level = level;
  bu::ChangePoints r;
  {
    py::gil_scoped_release release;
    r = bu::change_points(series, o);
  }
  py::dict d;
  d["change_points"] = to_numpy(std::move(r.change_points));
  d["start"] = to_numpy(std::move(r.start));
  d["end"] = to_numpy(std::move(r.end));
  d["count"] = to_numpy(std::move(r.count));
  d["exposure"] = to_numpy(std::move(r.exposure));
  d["rate"] = to_numpy(std::move(r.rate));
  d["rate_low"] = to_numpy(std::move(r.rate_low));
  d["rate_high"] = to_numpy(std::move(r.rate_high));
  d["bin_width"] = r.bin_width;
  d["n_bins"] = r.n_bins;
  d["penalty"] = r.penalty;
  d["penalty_name"] = r.penalty_name;
  d["cost"] = r.cost;
  d["level"] = r.level;
  return d;
}

py::dict pelt_poisson(const DoubleArray& counts, const DoubleArray& exposure, double penalty,
                      std::size_t min_size) {
  const auto c = as_span(counts, "counts");
  const auto e = as_span(exposure, "exposure");
  bu::Partition p;
  {
    py::gil_scoped_release release;
    p = bu::pelt_poisson(c, e, penalty, min_size);
  }
  std::vector<std::int64_t> starts(p.starts.begin(), p.starts.end());
  py::dict d;
  d["starts"] = to_numpy(std::move(starts));
  d["cost"] = p.cost;
  return d;
}

constexpr const char* kOutagesDoc = R"doc(
Silences too long for the local rate (engine call; use tealeaves.bursts.outages).

Returns a dict of per-silence arrays (start, end, length, context_events, context_exposure,
rate, expected, p_value, p_sidak, p_bonferroni, edge, significant) and n_examined, context,
alpha, null.
)doc";

py::dict outages(const tealeaves::EventSeries& series, double context, double alpha, bool edges,
                 bool both_sides) {
  bu::OutageOptions o{context, alpha, edges, both_sides};
  bu::Outages r;
  {
    py::gil_scoped_release release;
    r = bu::outages(series, o);
  }
  py::dict d;
  d["start"] = to_numpy(std::move(r.start));
  d["end"] = to_numpy(std::move(r.end));
  d["length"] = to_numpy(std::move(r.length));
  d["context_events"] = to_numpy(std::move(r.context_events));
  d["context_exposure"] = to_numpy(std::move(r.context_exposure));
  d["rate"] = to_numpy(std::move(r.rate));
  d["expected"] = to_numpy(std::move(r.expected));
  d["p_value"] = to_numpy(std::move(r.p_value));
  d["p_sidak"] = to_numpy(std::move(r.p_sidak));
  d["p_bonferroni"] = to_numpy(std::move(r.p_bonferroni));
  d["edge"] = to_numpy(as_bytes(r.edge));
  d["significant"] = to_numpy(as_bytes(r.significant));
  d["n_examined"] = r.n_examined;
  d["context"] = r.context;
  d["alpha"] = r.alpha;
  d["both_sides"] = r.both_sides;
  d["null"] = r.null;
  return d;
}

py::dict first_lookup(double reference, double first, double rate) {
  const bu::FirstLookup r = bu::first_lookup(reference, first, rate);
  py::dict d;
  d["delay"] = r.delay;
  d["rate"] = r.rate;
  d["expected_delay"] = r.expected_delay;
  d["p_early"] = r.p_early;
  d["p_late"] = r.p_late;
  d["p_two_sided"] = r.p_two_sided;
  d["null"] = r.null;
  return d;
}

}  // namespace

void register_bursts(py::module_& m) {
  m.def("bayesian_blocks", &bayesian_blocks, kBayesianBlocksDoc, py::arg("series"), py::kw_only(),
        py::arg("p0") = 0.05, py::arg("ncp_prior") = py::none(), py::arg("calibrate") = false,
        py::arg("n_calibration") = 200, py::arg("seed") = 0, py::arg("threads") = 0,
        py::arg("level") = 0.95);
  m.def("kleinberg", &kleinberg, kKleinbergDoc, py::arg("series"), py::kw_only(),
        py::arg("s") = 2.0, py::arg("gamma") = 1.0, py::arg("levels") = 2);
  m.def("default_change_bin_width", &bu::default_change_bin_width,
        "change_points' automatic bin width: the window in clamp(N / 2, 16, 4096) bins",
        py::arg("series"));
  m.def("change_points", &change_points, kChangePointsDoc, py::arg("series"), py::kw_only(),
        py::arg("bin_width") = 0.0, py::arg("penalty") = "bic", py::arg("penalty_value") = 0.0,
        py::arg("min_size") = 2, py::arg("level") = 0.95);
  m.def("pelt_poisson", &pelt_poisson, "PELT on per-bin counts and exposures (seconds)",
        py::arg("counts"), py::arg("exposure"), py::kw_only(), py::arg("penalty"),
        py::arg("min_size") = 2);
  m.def("outages", &outages, kOutagesDoc, py::arg("series"), py::kw_only(),
        py::arg("context") = 0.0, py::arg("alpha") = 0.05, py::arg("edges") = true,
        py::arg("both_sides") = false);
  m.def("first_lookup", &first_lookup, "p-values of the delay to a first lookup (Poisson null)",
        py::arg("reference"), py::arg("first"), py::arg("rate"));
  m.def("baseline_rate", &bu::baseline_rate, "count / exposure of a baseline EventSeries",
        py::arg("baseline"));
  m.def("p0_prior", &bu::p0_prior, "astropy's ncp_prior from p0 and the number of cells",
        py::arg("p0"), py::arg("n_cells"));
}
