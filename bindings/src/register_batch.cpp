// Ranking every series of a log (tealeaves::batch). The engine runs without the GIL; the rows
// come back as numpy columns, the names as str (invalid UTF-8 as \xHH escapes).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "log_text.hpp"
#include "numpy_interop.hpp"
#include "tealeaves/batch/score.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/ingest/log.hpp"

namespace py = pybind11;
namespace batch = tealeaves::batch;
namespace ingest = tealeaves::ingest;
using tealeaves::bindings::add_accounting;
using tealeaves::bindings::decode;
using tealeaves::bindings::to_numpy;

namespace {

batch::RankOptions make_options(std::size_t min_events, std::size_t threads, std::uint64_t seed,
                                double alpha, const std::string& q_method,
                                const std::string& duplicates, double duplicate_tolerance,
                                const std::string& window, double bin_width, double max_period,
                                double collapse_within, std::size_t n_surrogates,
                                std::size_t n_bootstrap) {
  batch::RankOptions o;
  o.min_events = min_events;
  o.verdict.min_events = min_events;
  o.threads = threads;
  o.q_method = q_method;
  o.verdict.seed = seed;
  o.verdict.alpha = alpha;
  o.verdict.bin_width = bin_width;
  o.verdict.max_period = max_period;
  o.verdict.collapse_within = collapse_within;
  o.verdict.n_surrogates = n_surrogates;
  o.verdict.n_bootstrap = n_bootstrap;
  if (duplicates == "keep") {
    o.duplicates = tealeaves::DuplicatePolicy::keep;
  } else if (duplicates == "collapse") {
    o.duplicates = tealeaves::DuplicatePolicy::collapse;
  } else {
    tealeaves::throw_invalid("duplicates",
                             "expected 'keep' or 'collapse', got '" + duplicates + "'");
  }
  o.duplicate_tolerance = duplicate_tolerance;
  if (window == "log") {
    o.log_window = true;
  } else if (window == "series") {
    o.log_window = false;
  } else {
    tealeaves::throw_invalid("window", "expected 'log' or 'series', got '" + window + "'");
  }
  return o;
}

py::dict to_dict(batch::RankResult&& r) {
  const std::size_t n = r.rows.size();
  std::vector<std::size_t> n_events(n), index(n);
  std::vector<double> start(n), end(n), span(n), rate(n), period(n), line_period(n), p_line(n),
      p_machine(n), p_human(n), p_any(n), b(n), memory(n), q(n);
  std::vector<std::uint64_t> seed(n);
  py::list client(n), qname(n), label(n);
  // Each distinct name is decoded once.
  std::vector<py::object> client_str(r.clients.size()), qname_str(r.qnames.size());
  for (std::size_t i = 0; i < n; ++i) {
    const batch::RankRow& row = r.rows[i];
    auto& c = client_str[static_cast<std::size_t>(row.client)];
    if (!c) c = decode(r.clients[static_cast<std::size_t>(row.client)]);
    auto& qn = qname_str[static_cast<std::size_t>(row.qname)];
    if (!qn) qn = decode(r.qnames[static_cast<std::size_t>(row.qname)]);
    client[i] = c;
    qname[i] = qn;
    label[i] = py::str(row.label);
    n_events[i] = row.n_events;
    index[i] = row.index;
    start[i] = row.start;
    end[i] = row.end;
    span[i] = row.span;
    rate[i] = row.rate;
    period[i] = row.period_s;
    line_period[i] = row.line_period_s;
    p_line[i] = row.p_line;
    p_machine[i] = row.p_machine;
    p_human[i] = row.p_human;
    p_any[i] = row.p_any;
    b[i] = row.burstiness;
    memory[i] = row.memory;
    q[i] = row.q_value;
    seed[i] = row.seed;
  }
  py::dict d;
  d["client"] = client;
  d["qname"] = qname;
  d["n_events"] = to_numpy(std::move(n_events));
  d["start"] = to_numpy(std::move(start));
  d["end"] = to_numpy(std::move(end));
  d["span"] = to_numpy(std::move(span));
  d["rate"] = to_numpy(std::move(rate));
  d["verdict"] = label;
  d["period_s"] = to_numpy(std::move(period));
  d["line_period_s"] = to_numpy(std::move(line_period));
  d["p_line"] = to_numpy(std::move(p_line));
  d["p_machine"] = to_numpy(std::move(p_machine));
  d["p_human"] = to_numpy(std::move(p_human));
  d["p_any"] = to_numpy(std::move(p_any));
  d["burstiness"] = to_numpy(std::move(b));
  d["memory"] = to_numpy(std::move(memory));
  d["q_value"] = to_numpy(std::move(q));
  d["index"] = to_numpy(std::move(index));
  d["seed"] = to_numpy(std::move(seed));
  d["n_series"] = r.n_series;
  d["n_skipped"] = r.n_skipped;
  d["n_tested"] = r.n_tested;
  d["q_method"] = r.q_method;
  d["null"] = r.null;
  d["alpha"] = r.alpha;
  d["bin_width"] = r.bin_width;
  d["window_start"] = r.window_start;
  d["window_end"] = r.window_end;
  return d;
}

py::dict ingest_dict(const ingest::LogTable& t) {
  py::dict d;
  add_accounting(d, t);
  return d;
}

// Ranks with the GIL released. With a `progress` callable, the ranking runs on a worker thread
// while this thread calls progress(done, total) about five times a second (GIL held only for
// the call); an exception from it (KeyboardInterrupt) cancels the remaining series and is
// re-raised once the worker has stopped.
batch::RankResult run_rank(const ingest::LogTable& table, batch::RankOptions o,
                           const py::object& progress) {
  batch::RankResult r;
  if (progress.is_none()) {
    py::gil_scoped_release release;
    r = batch::rank(table, o);
    return r;
  }
  batch::RankProgress state;
  o.progress = &state;
  std::atomic<bool> finished{false};
  std::exception_ptr failure;
  std::exception_ptr callback_failure;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        r = batch::rank(table, o);
      } catch (...) {
        failure = std::current_exception();
      }
      finished.store(true);
    });
    while (!finished.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (callback_failure || finished.load()) continue;
      py::gil_scoped_acquire acquire;
      try {
        progress(state.done.load(), state.total.load());
      } catch (...) {
        callback_failure = std::current_exception();
        state.cancel.store(true);
      }
    }
    worker.join();
  }
  if (callback_failure) std::rethrow_exception(callback_failure);
  if (failure) std::rethrow_exception(failure);
  progress(state.done.load(), state.total.load());
  return r;
}

constexpr const char* kOptionsDoc = R"doc(
min_events : int
    Series with fewer lookups are counted (n_skipped) but not scored; also the verdict's
    min_events (events after collapsing duplicates; fewer: "insufficient", no p-value).
threads : int
    Series scored in parallel (0: all cores); results are identical for any number.
seed : int
    Base seed; series i of the canonical order uses Rng(seed, i).next().
alpha, bin_width, max_period, collapse_within, n_surrogates, n_bootstrap
    The verdict's options (tealeaves.verdict).
q_method : {"bh", "by", "holm", "bonferroni"}
    Correction over the p_any of every scored series.
duplicates : {"keep", "collapse"}, duplicate_tolerance : float
    As EventSeries: lookups within the tolerance of a run's first are one event.
window : {"log", "series"}
    Observation window of each series: the whole log's span, or its own first..last lookup.

Returns a dict of numpy columns (client, qname, n_events, start, end, span, rate, verdict,
period_s, line_period_s, p_line, p_machine, p_human, p_any, burstiness, memory, q_value, index,
seed) sorted by q_value then p_any, and n_series, n_skipped, n_tested, q_method, null, alpha,
window_start, window_end, bin_width.
progress : callable or None
    Called as progress(done, total) about five times a second while series are scored (and
    once at the end); an exception from it cancels the ranking and is re-raised.
)doc";

}  // namespace

void register_batch(py::module_& m) {
  const std::string columns_doc =
      std::string(
          "Rank every (client, qname) series of columns (engine function; use "
          "tealeaves.rank).\n\nts : float64 epoch s; client, qname : int32 codes into "
          "the lists clients, qnames (bytes or str).\n") +
      kOptionsDoc;
  m.def(
      "rank_columns",
      [](const tealeaves::bindings::DoubleArray& ts,
         const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& client,
         const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& qname,
         std::vector<std::string> clients, std::vector<std::string> qnames, std::size_t min_events,
         std::size_t threads, std::uint64_t seed, double alpha, const std::string& q_method,
         const std::string& duplicates, double duplicate_tolerance, const std::string& window,
         double bin_width, double max_period, double collapse_within, std::size_t n_surrogates,
         std::size_t n_bootstrap, const py::object& progress) {
        const batch::RankOptions o = make_options(
            min_events, threads, seed, alpha, q_method, duplicates, duplicate_tolerance, window,
            bin_width, max_period, collapse_within, n_surrogates, n_bootstrap);
        const auto t = tealeaves::bindings::as_span(ts, "ts");
        if (client.ndim() != 1 || qname.ndim() != 1 ||
            static_cast<std::size_t>(client.size()) != t.size() ||
            static_cast<std::size_t>(qname.size()) != t.size()) {
          throw py::value_error("client: client and qname must be 1-D and as long as ts");
        }
        ingest::LogTable table;
        table.ts.assign(t.begin(), t.end());
        table.client.assign(client.data(), client.data() + client.size());
        table.qname.assign(qname.data(), qname.data() + qname.size());
        table.clients = std::move(clients);
        table.qnames = std::move(qnames);
        return to_dict(run_rank(table, o, progress));
      },
      py::arg("ts"), py::arg("client"), py::arg("qname"), py::arg("clients"), py::arg("qnames"),
      py::kw_only(), py::arg("min_events") = 20, py::arg("threads") = 0, py::arg("seed") = 0,
      py::arg("alpha") = 0.01, py::arg("q_method") = "bh", py::arg("duplicates") = "keep",
      py::arg("duplicate_tolerance") = 0.0, py::arg("window") = "log", py::arg("bin_width") = 0.0,
      py::arg("max_period") = 21600.0, py::arg("collapse_within") = 300.0,
      py::arg("n_surrogates") = 999, py::arg("n_bootstrap") = 199, py::arg("progress") = py::none(),
      columns_doc.c_str());

  const std::string file_doc =
      std::string(
          "Read a log with the engine and rank every (client, qname) series in one "
          "call (engine function; use tealeaves.rank). Adds 'ingest' (format and line "
          "counts) and 'seconds_ingest' / 'seconds_rank'.\n\npath : str\nformat : as "
          "read_log\nutc_offset : float, seconds east of UTC of zone-less times\n") +
      kOptionsDoc;
  m.def(
      "rank_file",
      [](const std::string& path, const std::string& format, double utc_offset,
         std::size_t min_events, std::size_t threads, std::uint64_t seed, double alpha,
         const std::string& q_method, const std::string& duplicates, double duplicate_tolerance,
         const std::string& window, double bin_width, double max_period, double collapse_within,
         std::size_t n_surrogates, std::size_t n_bootstrap, const py::object& progress) {
        const batch::RankOptions o = make_options(
            min_events, threads, seed, alpha, q_method, duplicates, duplicate_tolerance, window,
            bin_width, max_period, collapse_within, n_surrogates, n_bootstrap);
        ingest::ReadOptions ro;
        ro.format = ingest::parse_log_format(format);
        ro.utc_offset = utc_offset;
        ingest::LogTable table;
        const auto t0 = std::chrono::steady_clock::now();
        {
          py::gil_scoped_release release;
          table = ingest::read_log(path, ro);
        }
        const auto t1 = std::chrono::steady_clock::now();
        batch::RankResult r = run_rank(table, o, progress);
        const auto t2 = std::chrono::steady_clock::now();
        const double seconds_ingest = std::chrono::duration<double>(t1 - t0).count();
        const double seconds_rank = std::chrono::duration<double>(t2 - t1).count();
        py::dict d = to_dict(std::move(r));
        d["ingest"] = ingest_dict(table);
        d["seconds_ingest"] = seconds_ingest;
        d["seconds_rank"] = seconds_rank;
        return d;
      },
      py::arg("path"), py::kw_only(), py::arg("format") = "auto", py::arg("utc_offset") = 0.0,
      py::arg("min_events") = 20, py::arg("threads") = 0, py::arg("seed") = 0,
      py::arg("alpha") = 0.01, py::arg("q_method") = "bh", py::arg("duplicates") = "keep",
      py::arg("duplicate_tolerance") = 0.0, py::arg("window") = "log", py::arg("bin_width") = 0.0,
      py::arg("max_period") = 21600.0, py::arg("collapse_within") = 300.0,
      py::arg("n_surrogates") = 999, py::arg("n_bootstrap") = 199, py::arg("progress") = py::none(),
      file_doc.c_str());
  m.def("rank_bin_width", &batch::rank_bin_width,
        "The bin width (s) every series is scored with for a log of this span when bin_width "
        "is 0: the verdict's auto_bin_width, refined to keep >= 1024 bins for short logs.",
        py::arg("span"));
  m.def("series_seed", &batch::series_seed,
        "The verdict seed of the series at canonical position index: Rng(seed, index).next().",
        py::arg("seed"), py::arg("index"));
}
