// The extension module: one submodule per engine area, each filled by its register_<area>.cpp.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_core(py::module_& m);
void register_spectral(py::module_& m);
void register_ingest(py::module_& m);
void register_events(py::module_& m);
void register_periodicity(py::module_& m);
void register_interarrival(py::module_& m);
void register_nullmodel(py::module_& m);
void register_multitest(py::module_& m);
void register_rhythm(py::module_& m);
void register_bursts(py::module_& m);
void register_timeline(py::module_& m);
void register_verdict(py::module_& m);
void register_batch(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "tealeaves C++ engine (use the tealeaves package, not this module, directly)";
  auto core = m.def_submodule("core", "EventSeries and validation");
  auto spectral = m.def_submodule("spectral", "binning, FFT periodograms, Welch, ACF");
  register_core(core);
  register_spectral(spectral);
  auto ingest = m.def_submodule("ingest", "reading DNS logs (Zeek TSV/JSON, CSV) into columns");
  register_ingest(ingest);
  auto events = m.def_submodule("events", "Z^2_n, H-test and folding on event times");
  register_events(events);
  auto periodicity = m.def_submodule("periodicity", "period detection and the TTL floor");
  register_periodicity(periodicity);
  auto interarrival = m.def_submodule("interarrival", "inter-arrival fits, tests, burstiness");
  register_interarrival(interarrival);
  auto multitest = m.def_submodule("multitest", "multiple-testing corrections, binned surrogates");
  register_multitest(multitest);
  auto nullmodel = m.def_submodule("nullmodel", "event-series surrogates, Monte-Carlo tests");
  register_nullmodel(nullmodel);
  auto rhythm =
      m.def_submodule("rhythm", "daily and weekly rhythm, circular statistics, time zones");
  register_rhythm(rhythm);
  auto bursts = m.def_submodule("bursts", "Bayesian Blocks, Kleinberg bursts, PELT, outages");
  register_bursts(bursts);
  auto timeline = m.def_submodule("timeline", "coincidence with a timeline of outside events");
  register_timeline(timeline);
  auto verdict = m.def_submodule("verdict", "point-process model comparison");
  register_verdict(verdict);
  auto batch = m.def_submodule("batch", "every series of a log scored in one pass (rank)");
  register_batch(batch);
}
