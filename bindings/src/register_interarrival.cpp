// Inter-arrival distributions, model comparison and burstiness. Every engine call runs without
// the GIL; arrays come in as spans without copying and results move into numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/interarrival/analysis.hpp"
#include "tealeaves/interarrival/special.hpp"

namespace py = pybind11;
namespace ia = tealeaves::interarrival;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

std::string str(std::string_view s) {
  return std::string(s);
}

py::dict fit_dict(const ia::ModelFit& f) {
  py::dict d;
  d["model"] = str(ia::model_name(f.model));
  py::list names;
  for (const auto name : ia::param_names(f.model)) names.append(str(name));
  d["param_names"] = names;
  d["params"] = f.params;
  d["std_errors"] = f.std_errors;
  d["xmin"] = f.xmin;
  d["discrete"] = f.discrete;
  d["log_likelihood"] = f.log_likelihood;
  d["n"] = f.n;
  d["status"] = str(ia::status_name(f.status));
  d["aic"] = f.usable() ? f.aic() : std::numeric_limits<double>::quiet_NaN();
  d["bic"] = f.usable() ? f.bic() : std::numeric_limits<double>::quiet_NaN();
  return d;
}

py::dict gof_dict(const ia::GoodnessOfFit& g) {
  py::dict d;
  d["ks"] = g.ks;
  d["anderson_darling"] = g.anderson_darling;
  d["p_ks"] = g.p_ks;
  d["p_ad"] = g.p_ad;
  d["replicates"] = g.replicates;
  d["n_failed"] = g.n_failed;
  return d;
}

py::dict comparison_dict(const ia::Comparison& c) {
  py::dict d;
  d["first"] = str(ia::model_name(c.first));
  d["second"] = str(ia::model_name(c.second));
  d["nested"] = c.nested;
  d["log_likelihood_ratio"] = c.log_likelihood_ratio;
  d["statistic"] = c.statistic;
  d["dof"] = c.dof;
  d["p_value"] = c.p_value;
  d["n"] = c.n;
  return d;
}

py::list comparisons_list(const std::vector<ia::Comparison>& cs) {
  py::list out;
  for (const auto& c : cs) out.append(comparison_dict(c));
  return out;
}

py::dict powerlaw_dict(ia::PowerLawFit&& p) {
  py::dict d;
  d["fit"] = fit_dict(p.fit);
  d["alpha"] = p.alpha;
  d["alpha_se"] = p.alpha_se;
  d["xmin"] = p.xmin;
  d["discrete"] = p.discrete;
  d["n"] = p.n;
  d["n_nonpositive"] = p.n_nonpositive;
  d["n_tail"] = p.n_tail;
  d["ks_distance"] = p.ks_distance;
  d["anderson_darling"] = p.anderson_darling;
  d["p_value"] = p.p_value;
  d["p_value_ad"] = p.p_value_ad;
  d["replicates"] = p.replicates;
  d["xmin_sd"] = p.xmin_sd;
  d["alpha_sd"] = p.alpha_sd;
  d["n_tail_sd"] = p.n_tail_sd;
  d["uncertainty_replicates"] = p.uncertainty_replicates;
  py::list alternatives;
  for (const auto& a : p.alternatives) alternatives.append(fit_dict(a));
  d["alternatives"] = alternatives;
  d["comparisons"] = comparisons_list(p.comparisons);
  d["status"] = str(ia::status_name(p.status));
  return d;
}

py::dict burstiness_dict(const ia::Burstiness& b) {
  py::dict d;
  d["n_gaps"] = b.n_gaps;
  d["n_pairs"] = b.n_pairs;
  d["mean"] = b.mean;
  d["std_dev"] = b.std_dev;
  d["cv"] = b.cv;
  d["b"] = b.b;
  d["b_n"] = b.b_n;
  d["memory"] = b.memory;
  d["cv2"] = b.cv2;
  d["lv"] = b.lv;
  d["lvr"] = b.lvr;
  d["refractory"] = b.refractory;
  return d;
}

py::dict counting_dict(ia::CountingFactors&& c) {
  py::dict d;
  d["window"] = to_numpy(std::move(c.window));
  d["n_windows"] = to_numpy(std::move(c.n_windows));
  d["fano"] = to_numpy(std::move(c.fano));
  d["allan"] = to_numpy(std::move(c.allan));
  d["fano_low"] = to_numpy(std::move(c.fano_low));
  d["fano_high"] = to_numpy(std::move(c.fano_high));
  d["allan_low"] = to_numpy(std::move(c.allan_low));
  d["allan_high"] = to_numpy(std::move(c.allan_high));
  d["fano_p"] = to_numpy(std::move(c.fano_p));
  d["allan_p"] = to_numpy(std::move(c.allan_p));
  d["replicates"] = c.replicates;
  d["level"] = c.level;
  return d;
}

py::dict empirical_dict(ia::EmpiricalSummary&& e) {
  py::dict d;
  d["n"] = e.n;
  d["mean"] = e.mean;
  d["std_dev"] = e.std_dev;
  d["values"] = to_numpy(std::move(e.values));
  d["ecdf"] = to_numpy(std::move(e.ecdf));
  d["bin_edges"] = to_numpy(std::move(e.bin_edges));
  d["density"] = to_numpy(std::move(e.density));
  d["bin_counts"] = to_numpy(std::move(e.bin_counts));
  d["probabilities"] = to_numpy(std::move(e.probabilities));
  d["quantiles"] = to_numpy(std::move(e.quantiles));
  d["mode"] = e.mode;
  return d;
}

py::dict sample_dict(ia::GapSample&& s) {
  py::dict d;
  d["gaps"] = to_numpy(std::move(s.gaps));
  std::vector<double> starts(s.run_starts.begin(), s.run_starts.end());
  d["run_starts"] = to_numpy(std::move(starts));
  d["n_events"] = s.n_events;
  d["n_spanning_outage"] = s.n_spanning_outage;
  d["n_zero"] = s.n_zero;
  return d;
}

std::vector<ia::Model> parse_models(const std::vector<std::string>& names) {
  std::vector<ia::Model> out;
  for (const auto& n : names) out.push_back(ia::parse_model(n));
  return out;
}

ia::Convention parse_convention(const std::string& name) {
  if (name == "exact") return ia::Convention::exact;
  if (name == "plfit") return ia::Convention::plfit;
  tealeaves::throw_invalid("convention",
                           "unknown convention '" + name + "'; expected exact or plfit");
}

constexpr const char* kAnalyzeDoc = R"doc(
Inter-arrival analysis of one EventSeries (engine call; use tealeaves.interarrival).

Returns a dict: sample (gaps, counts), positive (sorted fitted sample), empirical, models (fit +
gof per model), comparisons, ranking, power_law (or None), burstiness, counting, status.
)doc";

py::dict analyze(const tealeaves::EventSeries& series, const std::vector<std::string>& models,
                 std::size_t gof_replicates, bool power_law, std::size_t power_law_replicates,
                 double period_hint, double resolution, const std::vector<double>& probabilities,
                 double bins_per_decade, double refractory, const std::vector<double>& windows,
                 std::size_t n_windows, std::size_t counting_replicates, double level,
                 std::uint64_t seed, std::size_t threads, std::size_t min_gaps) {
  ia::InterarrivalOptions o;
  o.models = parse_models(models);
  o.gof_replicates = gof_replicates;
  o.power_law = power_law;
  o.power_law_replicates = power_law_replicates;
  o.period_hint = period_hint;
  o.resolution = resolution;
  o.empirical.probabilities = probabilities;
  o.empirical.bins_per_decade = bins_per_decade;
  o.burstiness.refractory = refractory;
  o.counting.windows = windows;
  o.counting.n_windows = n_windows;
  o.counting.replicates = counting_replicates;
  o.counting.level = level;
  o.seed = seed;
  o.threads = threads;
  o.min_gaps = min_gaps;
  ia::InterarrivalAnalysis a;
  {
    py::gil_scoped_release release;
    a = ia::analyze_interarrivals(series, o);
  }
  py::dict d;
  d["status"] = str(ia::status_name(a.status));
  d["burstiness"] = burstiness_dict(a.burstiness);
  d["counting"] = counting_dict(std::move(a.counting));
  d["sample"] = sample_dict(std::move(a.sample));
  d["positive"] = to_numpy(std::move(a.positive));
  d["empirical"] = a.status == ia::FitStatus::ok
                       ? py::object(empirical_dict(std::move(a.empirical)))
                       : py::object(py::none());
  py::list reports;
  for (const auto& r : a.models) {
    py::dict m = fit_dict(r.fit);
    m["gof"] = gof_dict(r.gof);
    reports.append(m);
  }
  d["models"] = reports;
  d["comparisons"] = comparisons_list(a.comparisons);
  py::dict ranking;
  ranking["aic"] = a.ranking.aic;
  ranking["bic"] = a.ranking.bic;
  ranking["delta_aic"] = a.ranking.delta_aic;
  ranking["akaike_weight"] = a.ranking.akaike_weight;
  ranking["best"] = a.ranking.has_best ? py::object(py::int_(a.ranking.best)) : py::none();
  ranking["runner_up"] =
      a.ranking.has_runner_up ? py::object(py::int_(a.ranking.runner_up)) : py::none();
  ranking["strength"] = a.ranking.strength;
  ranking["evidence"] = a.ranking.evidence;
  d["ranking"] = ranking;
  d["power_law"] =
      a.has_power_law ? py::object(powerlaw_dict(std::move(a.power_law))) : py::object(py::none());
  return d;
}

py::dict fit_powerlaw(const DoubleArray& values, bool discrete, double xmin, std::size_t min_tail,
                      const std::string& convention, std::size_t replicates,
                      std::size_t uncertainty_replicates, bool compare, std::uint64_t seed,
                      std::size_t threads) {
  ia::PowerLawOptions o;
  o.discrete = discrete;
  o.xmin = xmin;
  o.min_tail = min_tail;
  o.convention = parse_convention(convention);
  o.replicates = replicates;
  o.uncertainty_replicates = uncertainty_replicates;
  o.compare = compare;
  o.seed = seed;
  o.threads = threads;
  const auto span = as_span(values, "values");
  ia::PowerLawFit p;
  {
    py::gil_scoped_release release;
    p = ia::fit_powerlaw(span, o);
  }
  return powerlaw_dict(std::move(p));
}

py::dict burstiness(const tealeaves::EventSeries& series, double refractory,
                    const std::vector<double>& windows, std::size_t n_windows,
                    std::size_t replicates, double level, std::uint64_t seed, std::size_t threads) {
  ia::BurstinessOptions bo;
  bo.refractory = refractory;
  ia::CountingOptions co;
  co.windows = windows;
  co.n_windows = n_windows;
  co.replicates = replicates;
  co.level = level;
  co.seed = seed;
  co.threads = threads;
  ia::GapSample sample;
  ia::Burstiness b;
  ia::CountingFactors c;
  {
    py::gil_scoped_release release;
    sample = ia::inter_arrival_times(series);
    b = ia::burstiness(sample, bo);
    c = ia::counting_factors(series, co);
  }
  py::dict d = burstiness_dict(b);
  d["counting"] = counting_dict(std::move(c));
  d["n_spanning_outage"] = sample.n_spanning_outage;
  d["n_zero"] = sample.n_zero;
  return d;
}

py::dict fit_model(const DoubleArray& values, const std::string& model, double xmin, bool discrete,
                   double period_hint, double resolution, std::size_t gof_replicates,
                   std::uint64_t seed, std::size_t threads) {
  const ia::Model m = ia::parse_model(model);
  ia::FitOptions o;
  o.xmin = xmin;
  o.discrete = discrete;
  o.period_hint = period_hint;
  o.resolution = resolution;
  const auto span = as_span(values, "values");
  ia::ModelFit f;
  ia::GoodnessOfFit g;
  {
    py::gil_scoped_release release;
    f = ia::fit_model(m, span, o);
    if (f.usable()) {
      ia::GofOptions go;
      go.replicates = gof_replicates;
      go.seed = seed;
      go.threads = threads;
      go.resolution = resolution;
      g = ia::goodness_of_fit(f, span, go);
    }
  }
  py::dict d = fit_dict(f);
  d["gof"] = gof_dict(g);
  return d;
}

py::array_t<double> evaluate(const std::string& model, std::vector<double> params, double xmin,
                             bool discrete, const DoubleArray& x, const std::string& kind) {
  const ia::ModelFit f = ia::make_model(ia::parse_model(model), std::move(params), xmin, discrete);
  double (*fn)(const ia::ModelFit&, double) = nullptr;
  if (kind == "log_pdf") fn = &ia::log_pdf;
  if (kind == "cdf") fn = &ia::cdf;
  if (kind == "sf") fn = &ia::sf;
  if (fn == nullptr) tealeaves::throw_invalid("kind", "expected log_pdf, cdf or sf");
  const auto span = as_span(x, "x");
  std::vector<double> out(span.size());
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < span.size(); ++i) out[i] = fn(f, span[i]);
  }
  return to_numpy(std::move(out));
}

}  // namespace

void register_interarrival(py::module_& m) {
  m.def("analyze", &analyze, kAnalyzeDoc, py::arg("series"), py::kw_only(), py::arg("models"),
        py::arg("gof_replicates") = 200, py::arg("power_law") = true,
        py::arg("power_law_replicates") = 200, py::arg("period_hint") = 0.0,
        py::arg("resolution") = 0.0, py::arg("probabilities"), py::arg("bins_per_decade") = 10.0,
        py::arg("refractory") = -1.0, py::arg("windows") = std::vector<double>{},
        py::arg("n_windows") = 20, py::arg("counting_replicates") = 200, py::arg("level") = 0.95,
        py::arg("seed") = 0, py::arg("threads") = 0, py::arg("min_gaps") = 3);
  m.def("fit_powerlaw", &fit_powerlaw, "Clauset et al. power-law fit (use tealeaves.fit_powerlaw)",
        py::arg("values"), py::kw_only(), py::arg("discrete") = false, py::arg("xmin") = 0.0,
        py::arg("min_tail") = 2, py::arg("convention") = "exact", py::arg("replicates") = 1000,
        py::arg("uncertainty_replicates") = 0, py::arg("compare") = true, py::arg("seed") = 0,
        py::arg("threads") = 0);
  m.def("burstiness", &burstiness, "Burstiness and Fano/Allan factors (use tealeaves.burstiness)",
        py::arg("series"), py::kw_only(), py::arg("refractory") = -1.0,
        py::arg("windows") = std::vector<double>{}, py::arg("n_windows") = 20,
        py::arg("replicates") = 200, py::arg("level") = 0.95, py::arg("seed") = 0,
        py::arg("threads") = 0);
  m.def("fit_model", &fit_model, "One model's MLE (+ bootstrap GOF) on sorted positive values",
        py::arg("values"), py::arg("model"), py::kw_only(), py::arg("xmin") = 0.0,
        py::arg("discrete") = false, py::arg("period_hint") = 0.0, py::arg("resolution") = 0.0,
        py::arg("gof_replicates") = 0, py::arg("seed") = 0, py::arg("threads") = 0);
  m.def("evaluate", &evaluate, "log_pdf, cdf or sf of a model at x", py::arg("model"),
        py::arg("params"), py::arg("xmin"), py::arg("discrete"), py::arg("x"), py::arg("kind"));
  m.def(
      "hurwitz_zeta",
      [](double s, double q) {
        const auto z = ia::hurwitz_zeta(s, q);
        return py::make_tuple(z.value, z.derivative);
      },
      "Hurwitz zeta(s, q) and its derivative in s", py::arg("s"), py::arg("q"));
}
