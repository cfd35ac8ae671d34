// Point-process model comparison (tealeaves::verdict models). Every engine call runs without
// the GIL; results move into numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/verdict/models.hpp"
#include "tealeaves/verdict/verdict.hpp"

namespace py = pybind11;
namespace vd = tealeaves::verdict;
using tealeaves::bindings::to_numpy;

namespace {

py::dict fit_dict(vd::ProcessFit&& f) {
  py::dict d;
  d["name"] = vd::process_model_name(f.model);
  py::dict params;
  for (std::size_t i = 0; i < f.params.size(); ++i) params[py::str(f.param_names[i])] = f.params[i];
  d["params"] = params;
  d["log_likelihood"] = f.log_likelihood;
  d["n_params"] = f.n_params;
  d["aic"] = f.aic;
  d["bic"] = f.bic;
  d["ks_stat"] = f.ks_stat;
  d["ks_p"] = f.ks_p;
  d["status"] = f.status;
  d["converged"] = f.converged;
  d["rescaled"] = to_numpy(std::move(f.rescaled));
  return d;
}

py::dict test_dict(const vd::LrTest& t) {
  py::dict d;
  d["null"] = t.null;
  d["alternative"] = t.alternative;
  d["statistic"] = t.statistic;
  d["dof"] = t.dof;
  d["p_chi2"] = t.p_chi2;
  d["p_bootstrap"] = t.p_bootstrap;
  d["k"] = t.k;
  d["n_bootstrap"] = t.n_bootstrap;
  d["p_value"] = t.p_value;
  d["method"] = t.method;
  d["null_model"] = t.null_model;
  return d;
}

constexpr const char* kCompareDoc = R"doc(
Fit poisson / routine / renewal / hawkes point-process models to one EventSeries and compare
them (engine call; use tealeaves.pointprocess.compare_models).

Returns a dict: fits (list of dicts: name, params, log_likelihood, n_params, aic, bic, ks_stat,
ks_p, status, converged, rescaled), best_aic, best_bic, lr_tests, branching_ratio,
hawkes_background, n_events, exposure.
)doc";

py::dict compare(const tealeaves::EventSeries& series, const std::vector<std::string>& models,
                 unsigned harmonics, bool weekly, bool trend, double utc_offset_seconds,
                 double grid_step, double period_hint, std::size_t n_bootstrap, std::uint64_t seed,
                 std::size_t threads) {
  vd::CompareOptions o;
  o.models.clear();
  for (const auto& m : models) o.models.push_back(vd::parse_process_model(m));
  o.routine.harmonics = harmonics;
  o.routine.weekly = weekly;
  o.routine.trend = trend;
  o.routine.utc_offset_seconds = utc_offset_seconds;
  o.routine.grid_step = grid_step;
  o.period_hint = period_hint;
  o.n_bootstrap = n_bootstrap;
  o.seed = seed;
  o.threads = threads;
  vd::ModelComparison c;
  {
    py::gil_scoped_release release;
    c = vd::compare_models(series, o);
  }
  py::dict d;
  py::list fits, tests;
  for (auto& f : c.fits) fits.append(fit_dict(std::move(f)));
  for (const auto& t : c.lr_tests) tests.append(test_dict(t));
  d["fits"] = fits;
  d["lr_tests"] = tests;
  d["best_aic"] = c.best_aic.empty() ? py::object(py::none()) : py::object(py::str(c.best_aic));
  d["best_bic"] = c.best_bic.empty() ? py::object(py::none()) : py::object(py::str(c.best_bic));
  d["branching_ratio"] = c.branching_ratio;
  d["hawkes_background"] = c.hawkes_background;
  d["n_events"] = c.n_events;
  d["exposure"] = c.exposure;
  return d;
}

std::vector<tealeaves::Interval> window(double start, double end) {
  tealeaves::require(std::isfinite(start) && std::isfinite(end) && end > start, "end",
                     "must be finite and after start");
  return {{0.0, end - start}};
}

py::array_t<double> absolute(std::vector<double>&& t, double start) {
  for (double& v : t) v += start;
  return to_numpy(std::move(t));
}

py::array_t<double> simulate_hawkes(double mu, double alpha, double beta, double start, double end,
                                    std::uint64_t seed) {
  const auto good = window(start, end);
  std::vector<double> t;
  {
    py::gil_scoped_release release;
    const vd::RoutineDesign flat(start, end - start, {0, false, false, 0.0, 300.0});
    tealeaves::Rng rng(seed);
    t = vd::simulate_hawkes(flat, std::vector<double>{0.0}, {mu, alpha, beta}, good, rng);
  }
  return absolute(std::move(t), start);
}

py::array_t<double> simulate_renewal(double period, double jitter, double miss, double start,
                                     double end, std::uint64_t seed) {
  const auto good = window(start, end);
  std::vector<double> t;
  {
    py::gil_scoped_release release;
    tealeaves::Rng rng(seed);
    t = vd::simulate_renewal({period, jitter, miss}, good, rng);
  }
  return absolute(std::move(t), start);
}

py::object optional_float(double v) {
  return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v));
}

py::dict evidence_dict(const vd::Evidence& e) {
  py::dict d;
  d["test"] = e.test;
  d["statistic"] = e.statistic;
  d["p_value"] = optional_float(e.p_value);
  d["null"] = e.null;
  d["explanation"] = e.explanation;
  d["supports"] = e.supports;
  return d;
}

constexpr const char* kVerdictDoc = R"doc(
Machine, person, chance, or both (engine call; use tealeaves.verdict.verdict).

Returns a dict: label, evidence (list of dicts: test, statistic, p_value (None: no p-value),
null, explanation, supports), n_events, alpha, period_s (None: no machine period), n_residual,
p_machine, p_human, p_any, p_line, p_segment_line, line_period_s (the whole-series line's
period, aliases resolved and refined on the event times), line_binned_period_s (the same line's
period on the bin grid) (None for "insufficient").
)doc";

py::dict run_verdict(const tealeaves::EventSeries& series, double alpha, double bin_width,
                     double max_period, double collapse_within, std::size_t min_events,
                     std::size_t n_surrogates, std::size_t n_bootstrap, std::uint64_t seed,
                     std::size_t threads) {
  vd::VerdictOptions o;
  o.alpha = alpha;
  o.bin_width = bin_width;
  o.max_period = max_period;
  o.collapse_within = collapse_within;
  o.min_events = min_events;
  o.n_surrogates = n_surrogates;
  o.n_bootstrap = n_bootstrap;
  o.seed = seed;
  o.threads = threads;
  vd::Verdict v;
  {
    py::gil_scoped_release release;
    v = vd::verdict(series, o);
  }
  py::dict d;
  d["label"] = v.label;
  py::list ev;
  for (const auto& e : v.evidence) ev.append(evidence_dict(e));
  d["evidence"] = ev;
  d["n_events"] = v.n_events;
  d["alpha"] = v.alpha;
  d["period_s"] = optional_float(v.period_s);
  d["n_residual"] = v.n_residual;
  d["p_machine"] = optional_float(v.p_machine);
  d["p_human"] = optional_float(v.p_human);
  d["p_any"] = optional_float(v.p_any);
  d["p_line"] = optional_float(v.p_line);
  d["p_segment_line"] = optional_float(v.p_segment_line);
  d["line_period_s"] = v.line_period_s;
  d["line_binned_period_s"] = v.line_binned_period_s;
  return d;
}

py::dict segment_line(const tealeaves::EventSeries& series, double bin_width) {
  tealeaves::require(std::isfinite(bin_width) && bin_width > 0, "bin_width",
                     "must be positive and finite");
  vd::Line l;
  {
    py::gil_scoped_release release;
    l = vd::segment_line(series, bin_width);
  }
  py::dict d;
  d["period"] = l.period;
  d["p_global"] = l.p_global;
  d["k_eff"] = l.k_eff;
  d["binned_period"] = l.binned_period;
  d["alias_order"] = l.alias_order;
  d["evidence"] = evidence_dict(l.evidence);
  return d;
}

}  // namespace

void register_verdict(py::module_& m) {
  m.doc() = "Point-process model comparison and verdicts (use tealeaves.pointprocess).";
  m.def("compare_models", &compare, kCompareDoc, py::arg("series"), py::kw_only(),
        py::arg("models"), py::arg("harmonics") = 3u, py::arg("weekly") = true,
        py::arg("trend") = true, py::arg("utc_offset_seconds") = 0.0, py::arg("grid_step") = 300.0,
        py::arg("period_hint") = 0.0, py::arg("n_bootstrap") = 99, py::arg("seed") = 0,
        py::arg("threads") = 0);
  m.def("simulate_hawkes", &simulate_hawkes,
        "Seeded Hawkes process (constant background mu, kernel alpha beta exp(-beta t)) on "
        "[start, end] by Ogata thinning; absolute times.",
        py::arg("mu"), py::arg("alpha"), py::arg("beta"), py::arg("start"), py::arg("end"),
        py::arg("seed") = 0);
  m.def("simulate_renewal", &simulate_renewal,
        "Seeded jittered-period renewal process (period, jitter, miss probability) on "
        "[start, end]; absolute times.",
        py::arg("period"), py::arg("jitter"), py::arg("miss"), py::arg("start"), py::arg("end"),
        py::arg("seed") = 0);
  m.def("verdict", &run_verdict, kVerdictDoc, py::arg("series"), py::kw_only(),
        py::arg("alpha") = 0.01, py::arg("bin_width") = 0.0, py::arg("max_period") = 21600.0,
        py::arg("collapse_within") = 300.0, py::arg("min_events") = 20,
        py::arg("n_surrogates") = 999, py::arg("n_bootstrap") = 199, py::arg("seed") = 0,
        py::arg("threads") = 1);
  m.def("segment_line", &segment_line,
        "The verdict's segment-averaged line search: dict(period, p_global, k_eff, evidence, "
        "binned_period, alias_order).",
        py::arg("series"), py::arg("bin_width"));
  m.def("log_sf_ratio", &vd::log_sf_ratio,
        "log P(X / M > r): X ~ Exp(1), M the 32nd smallest of 64 iid Exp(1) (closed form).",
        py::arg("r"));
  m.def("log_sf_ratio_averaged", &vd::log_sf_ratio_averaged,
        "log P(X / M > r): X the mean of k iid Exp(1), M the 32nd smallest of 64 such means.",
        py::arg("r"), py::arg("k"));
  m.def("auto_bin_width", &vd::auto_bin_width,
        "The verdict's default bin width (s) for a window of this duration.", py::arg("duration"));
}
