// Daily/weekly rhythm, circular statistics and the time-zone fit (tealeaves::rhythm). Every
// engine call runs without the GIL; arrays come in as spans and results move into numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "numpy_interop.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/rhythm/circadian.hpp"
#include "tealeaves/rhythm/timezone.hpp"

namespace py = pybind11;
namespace rh = tealeaves::rhythm;
using tealeaves::bindings::as_span;
using tealeaves::bindings::DoubleArray;
using tealeaves::bindings::to_numpy;

namespace {

std::vector<double> copy(const DoubleArray& a, const char* name) {
  const auto s = as_span(a, name);
  return {s.begin(), s.end()};
}

rh::LocalClock make_clock(double utc_offset, const DoubleArray& change_times,
                          const DoubleArray& change_offsets) {
  rh::LocalClock c;
  c.utc_offset = utc_offset;
  c.change_times = copy(change_times, "change_times");
  c.change_offsets = copy(change_offsets, "change_offsets");
  return c;
}

py::dict test_dict(const rh::CircularTest& t) {
  py::dict d;
  d["statistic"] = t.statistic;
  d["p_value"] = t.p_value;
  d["n"] = t.n;
  d["null"] = t.null;
  return d;
}

py::dict chi2_dict(const rh::ChiSquareTest& t) {
  py::dict d;
  d["statistic"] = t.statistic;
  d["dof"] = t.dof;
  d["p_value"] = t.p_value;
  d["log_p_value"] = t.log_p_value;
  d["null"] = t.null;
  return d;
}

py::dict vm_dict(const rh::VonMisesFit& f) {
  py::dict d;
  d["mu"] = f.mu;
  d["kappa"] = f.kappa;
  d["r_bar"] = f.r_bar;
  d["mu_low"] = f.mu_low;
  d["mu_high"] = f.mu_high;
  d["kappa_low"] = f.kappa_low;
  d["kappa_high"] = f.kappa_high;
  d["level"] = f.level;
  d["n"] = f.n;
  return d;
}

py::dict profile_dict(rh::Profile&& p) {
  py::dict d;
  d["counts"] = to_numpy(std::move(p.counts));
  d["exposure"] = to_numpy(std::move(p.exposure));
  d["rate"] = to_numpy(std::move(p.rate));
  return d;
}

const char* const kAnalyzeDoc = R"doc(
Daily and weekly rhythm of a series in local time (engine call; use tealeaves.rhythm.rhythm).

Parameters: series; event_offsets (seconds per stored event, or empty to use the clock);
utc_offset, change_times, change_offsets (the local clock, for exposure); bins;
collapse_within (seconds); mean_direction_hours (None: no V-test); level.
Returns a dict of profiles (daily, weekly), week_counts/week_exposure (7 x 24), tests.
)doc";

py::dict analyze(const tealeaves::EventSeries& series, const DoubleArray& event_offsets,
                 double utc_offset, const DoubleArray& change_times,
                 const DoubleArray& change_offsets, std::size_t bins, double collapse_within,
                 std::optional<double> mean_direction_hours, double level) {
  rh::RhythmOptions o;
  o.bins = bins;
  o.collapse_within = collapse_within;
  o.mean_direction_hours = mean_direction_hours;
  o.clock = make_clock(utc_offset, change_times, change_offsets);
  o.level = level;
  const auto offsets = as_span(event_offsets, "event_offsets");
  rh::RhythmResult r;
  {
    py::gil_scoped_release release;
    r = rh::analyze_rhythm(series, offsets, o);
  }
  py::dict d;
  d["n_events"] = r.n_events;
  d["n_raw"] = r.n_raw;
  d["n_sessions"] = r.n_sessions;
  d["daily"] = profile_dict(std::move(r.daily));
  d["weekly"] = profile_dict(std::move(r.weekly));
  d["week_counts"] = to_numpy(std::move(r.week_counts));
  d["week_exposure"] = to_numpy(std::move(r.week_exposure));
  d["mean_hour"] = r.mean_hour;
  d["rayleigh"] = test_dict(r.rayleigh);
  d["v_test"] = r.v_test ? py::object(test_dict(*r.v_test)) : py::object(py::none());
  d["kuiper"] = test_dict(r.kuiper);
  d["von_mises"] = vm_dict(r.von_mises);
  d["chi2_daily"] = chi2_dict(r.chi2_daily);
  d["chi2_weekly"] = chi2_dict(r.chi2_weekly);
  return d;
}

rh::TimezoneOptions tz_options(const std::optional<DoubleArray>& templ, bool sleep,
                               double work_start, double work_end, double step_minutes,
                               double min_offset_hours, double max_offset_hours,
                               double collapse_within) {
  rh::TimezoneOptions o;
  if (templ) {
    o.templ.office = false;
    o.templ.rates = copy(*templ, "template");
  }
  o.templ.sleep = sleep;
  if (sleep) {
    o.templ.sleep_start_hours = work_start;
    o.templ.sleep_end_hours = work_end;
  }
  o.templ.work_start_hours = work_start;
  o.templ.work_end_hours = work_end;
  o.step_minutes = step_minutes;
  o.min_offset_hours = min_offset_hours;
  o.max_offset_hours = max_offset_hours;
  o.collapse_within = collapse_within;
  return o;
}

const char* const kFitDoc = R"doc(
Time-zone fit (engine call; use tealeaves.rhythm.fit_timezone).

template: None for a parametric template: office (work_start..work_end local, weekdays) or,
with sleep=True, sleep (asleep work_start..work_end local, every day), or
168 relative rates (7 x 24, Monday first). Returns a dict with the log-likelihood curve, best
offset, profile-likelihood interval, circular-shift and Poisson p-values, and two-zone fields.
)doc";

py::dict fit(const tealeaves::EventSeries& series, const std::optional<DoubleArray>& templ,
             bool sleep, double work_start, double work_end, double step_minutes,
             double min_offset_hours, double max_offset_hours, double collapse_within, double level,
             bool two_zones, double min_separation_hours, std::size_t n_bootstrap,
             std::size_t n_surrogates, std::uint64_t seed, std::size_t threads) {
  auto o = tz_options(templ, sleep, work_start, work_end, step_minutes, min_offset_hours,
                      max_offset_hours, collapse_within);
  o.level = level;
  o.two_zones = two_zones;
  o.min_separation_hours = min_separation_hours;
  o.n_bootstrap = n_bootstrap;
  o.n_surrogates = n_surrogates;
  o.seed = seed;
  o.threads = threads;
  rh::TimezoneFit f;
  {
    py::gil_scoped_release release;
    f = rh::fit_timezone(series, o);
  }
  py::dict d;
  d["offsets_hours"] = to_numpy(std::move(f.offsets_hours));
  d["loglik"] = to_numpy(std::move(f.loglik));
  d["best_offset_hours"] = f.best_offset_hours;
  d["best_loglik"] = f.best_loglik;
  d["best_levels"] = to_numpy(std::move(f.best_levels));
  d["flat_loglik"] = f.flat_loglik;
  d["interval_low_hours"] = f.interval_low_hours;
  d["interval_high_hours"] = f.interval_high_hours;
  d["interval_wraps"] = f.interval_wraps;
  d["statistic"] = f.statistic;
  d["p_value"] = f.p_value;
  d["null"] = f.null;
  d["p_value_poisson"] = f.p_value_poisson;
  d["null_poisson"] = f.null_poisson;
  d["n_surrogates"] = f.n_surrogates;
  d["n_events"] = f.n_events;
  d["n_sessions"] = f.n_sessions;
  d["two_zone_fitted"] = f.two_zone_fitted;
  d["two_offset1_hours"] = f.two_offset1_hours;
  d["two_offset2_hours"] = f.two_offset2_hours;
  d["two_weight"] = f.two_weight;
  d["two_loglik"] = f.two_loglik;
  d["lr_statistic"] = f.lr_statistic;
  d["bic_one"] = f.bic_one;
  d["bic_two"] = f.bic_two;
  d["two_preferred_bic"] = f.two_preferred_bic;
  d["two_p_value"] = f.two_p_value;
  d["n_bootstrap"] = f.n_bootstrap;
  d["two_preferred_test"] = f.two_preferred_test;
  d["two_null"] = f.two_null;
  return d;
}

double zone_loglik(const tealeaves::EventSeries& series, const DoubleArray& event_offsets,
                   double utc_offset, const DoubleArray& change_times,
                   const DoubleArray& change_offsets, const std::optional<DoubleArray>& templ,
                   bool sleep, double work_start, double work_end, double collapse_within) {
  const auto o = tz_options(templ, sleep, work_start, work_end, 15.0, -12.0, 14.0, collapse_within);
  const auto clock = make_clock(utc_offset, change_times, change_offsets);
  const auto offsets = as_span(event_offsets, "event_offsets");
  py::gil_scoped_release release;
  return rh::zone_loglik(series, offsets, clock, o);
}

}  // namespace

void register_rhythm(py::module_& m) {
  m.doc() = "Daily/weekly rhythm, circular statistics and the time-zone fit.";
  m.def("analyze", &analyze, kAnalyzeDoc, py::arg("series"), py::kw_only(),
        py::arg("event_offsets"), py::arg("utc_offset") = 0.0, py::arg("change_times"),
        py::arg("change_offsets"), py::arg("bins") = 24, py::arg("collapse_within") = 0.0,
        py::arg("mean_direction_hours") = py::none(), py::arg("level") = 0.95);
  m.def("fit_timezone", &fit, kFitDoc, py::arg("series"), py::kw_only(),
        py::arg("template") = py::none(), py::arg("sleep") = false, py::arg("work_start") = 9.0,
        py::arg("work_end") = 18.0, py::arg("step_minutes") = 15.0,
        py::arg("min_offset_hours") = -12.0, py::arg("max_offset_hours") = 14.0,
        py::arg("collapse_within") = 0.0, py::arg("level") = 0.95, py::arg("two_zones") = true,
        py::arg("min_separation_hours") = 2.0, py::arg("n_bootstrap") = 99,
        py::arg("n_surrogates") = 199, py::arg("seed") = 0, py::arg("threads") = 0);
  m.def("zone_loglik", &zone_loglik,
        "Log-likelihood of the template in a local clock (per-event offsets + clock).",
        py::arg("series"), py::kw_only(), py::arg("event_offsets"), py::arg("utc_offset") = 0.0,
        py::arg("change_times"), py::arg("change_offsets"), py::arg("template") = py::none(),
        py::arg("sleep") = false, py::arg("work_start") = 9.0, py::arg("work_end") = 18.0,
        py::arg("collapse_within") = 0.0);
  m.def(
      "rayleigh_test",
      [](const DoubleArray& angles) {
        const auto a = as_span(angles, "angles");
        return test_dict(rh::rayleigh_test(a));
      },
      "Rayleigh test of uniformity of angles (radians); Z = n Rbar^2, astropy's p.",
      py::arg("angles"));
  m.def(
      "v_test",
      [](const DoubleArray& angles, double mu) {
        return test_dict(rh::v_test(as_span(angles, "angles"), mu));
      },
      "V-test of angles (radians) against mean direction mu; astropy's p.", py::arg("angles"),
      py::arg("mu"));
  m.def(
      "kuiper_test",
      [](const DoubleArray& u, const std::optional<DoubleArray>& cdf_grid) {
        const auto x = as_span(u, "u");
        std::span<const double> g;
        if (cdf_grid) g = as_span(*cdf_grid, "cdf_grid");
        return test_dict(rh::kuiper_test(x, g));
      },
      "Kuiper test of values in [0, 1] against uniform or a gridded CDF.", py::arg("u"),
      py::arg("cdf_grid") = py::none());
  m.def("kuiper_false_positive_probability", &rh::kuiper_false_positive_probability,
        "Stephens' false-positive probability of Kuiper V for n values.", py::arg("v"),
        py::arg("n"));
  m.def(
      "von_mises_fit",
      [](const DoubleArray& angles, double level) {
        return vm_dict(rh::von_mises_fit(as_span(angles, "angles"), level));
      },
      "Von Mises ML fit (mu, kappa exact ML) with Wald intervals.", py::arg("angles"),
      py::arg("level") = 0.95);
  m.def(
      "chi_square_exposure",
      [](const DoubleArray& counts, const DoubleArray& exposure) {
        return chi2_dict(
            rh::chi_square_exposure(as_span(counts, "counts"), as_span(exposure, "exposure")));
      },
      "Pearson chi-square of counts against exposure-proportional expectation.", py::arg("counts"),
      py::arg("exposure"));
}
