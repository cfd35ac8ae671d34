// Log reading: the engine parses with the GIL released; columns move into numpy uncopied.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "log_text.hpp"
#include "numpy_interop.hpp"
#include "tealeaves/ingest/log.hpp"

namespace py = pybind11;
using tealeaves::bindings::to_numpy;
namespace ingest = tealeaves::ingest;
using tealeaves::bindings::add_accounting;
using tealeaves::bindings::decode_all;

namespace {

py::dict to_dict(ingest::LogTable&& t) {
  py::dict d;
  d["ts"] = to_numpy(std::move(t.ts));
  d["client"] = to_numpy(std::move(t.client));
  d["qname"] = to_numpy(std::move(t.qname));
  d["qtype"] = to_numpy(std::move(t.qtype));
  d["rcode"] = to_numpy(std::move(t.rcode));
  d["ttl"] = to_numpy(std::move(t.ttl));
  d["local"] = to_numpy(std::move(t.local));
  d["clients"] = decode_all(t.clients);
  d["qnames"] = decode_all(t.qnames);
  d["qtypes"] = decode_all(t.qtypes);
  add_accounting(d, t);
  return d;
}

using ColumnArg = std::optional<std::map<std::string, std::string>>;

ingest::ReadOptions options(const std::string& format, bool strict, std::size_t max_kept,
                            const ColumnArg& columns, const std::string& qtype_codes,
                            double utc_offset) {
  ingest::ReadOptions o;
  o.format = ingest::parse_log_format(format);
  o.strict = strict;
  o.max_rejected_kept = max_kept;
  o.utc_offset = utc_offset;
  if (qtype_codes == "auto") {
    o.qtype_codes = ingest::QtypeCodes::automatic;
  } else if (qtype_codes == "as-written") {
    o.qtype_codes = ingest::QtypeCodes::as_written;
  } else if (qtype_codes == "pihole") {
    o.qtype_codes = ingest::QtypeCodes::pihole;
  } else {
    throw std::invalid_argument("qtype_codes: expected 'auto', 'as-written' or 'pihole', got '" +
                                qtype_codes + "'");
  }
  if (columns) {
    for (const auto& [role, name] : *columns) {
      std::string* slot = role == "ts"       ? &o.columns.ts
                          : role == "client" ? &o.columns.client
                          : role == "qname"  ? &o.columns.qname
                          : role == "qtype"  ? &o.columns.qtype
                          : role == "rcode"  ? &o.columns.rcode
                          : role == "ttl"    ? &o.columns.ttl
                                             : nullptr;
      if (slot == nullptr) {
        throw std::invalid_argument("columns: unknown role '" + role +
                                    "'; expected ts, client, qname, qtype, rcode or ttl");
      }
      if (name.empty()) throw std::invalid_argument("columns: the " + role + " name is empty");
      *slot = name;
    }
  }
  return o;
}

constexpr const char* kColumnsDoc = R"doc(
Returns
-------
dict
    ``ts`` (float64 epoch s), ``client``/``qname``/``qtype`` (int32 codes into the lists
    ``clients``/``qnames``/``qtypes``; qtype -1 when absent), ``rcode`` (int32, -1 when absent),
    ``ttl`` (float64 minimum answer TTL, NaN when absent), ``local`` (uint8, 1 where the time
    was a zone-less wall clock, shifted by ``utc_offset``), the counts ``lines_read``,
    ``lines_used``, ``lines_rejected``, ``lines_meta``, ``rejected`` (list of (line, reason),
    the first ``max_rejected_kept``) and ``format`` (the format used).
)doc";

const std::string kParseDoc = std::string(R"doc(
Parse a whole DNS log held in memory (engine function; use tealeaves.io).

Parameters
----------
text : str or bytes
format : {"auto", "zeek", "zeek-tsv", "zeek-json", "json", "csv", "pihole", "bind", "querylog"}
strict : bool
    Raise ValueError("line N: reason") at the first malformed line.
max_rejected_kept : int
    Reasons kept for at most this many rejected lines (all are counted).
columns : dict or None
    CSV column mapping ``{"ts": "time", "client": ..., "qname": ..., "qtype": ..., "rcode": ...,
    "ttl": ...}`` (header names, case-insensitive); unmapped roles use the usual aliases.
qtype_codes : {"auto", "as-written", "pihole"}
    Read a CSV qtype column as written or as Pi-hole FTL codes; "auto": FTL codes for pihole.
utc_offset : float
    Seconds east of UTC of zone-less date-times (utc = wall clock - utc_offset), within +-18 h.
)doc") + kColumnsDoc;

const std::string kReadDoc = std::string(R"doc(
Read and parse a DNS log file in one go (engine function; use tealeaves.io.read_log).

Parameters
----------
path : str
format, strict, max_rejected_kept
    As for parse_log.
)doc") + kColumnsDoc;

}  // namespace

void register_ingest(py::module_& m) {
  m.def(
      "parse_log",
      [](std::string_view text, const std::string& format, bool strict, std::size_t max_kept,
         const ColumnArg& columns, const std::string& qtype_codes, double utc_offset) {
        const ingest::ReadOptions o =
            options(format, strict, max_kept, columns, qtype_codes, utc_offset);
        ingest::LogTable table;
        {
          // `text` views the caller's str/bytes buffer, which the call keeps alive.
          py::gil_scoped_release release;
          table = ingest::parse_log(text, o);
        }
        return to_dict(std::move(table));
      },
      py::arg("text"), py::kw_only(), py::arg("format") = "auto", py::arg("strict") = false,
      py::arg("max_rejected_kept") = 1000, py::arg("columns") = py::none(),
      py::arg("qtype_codes") = "auto", py::arg("utc_offset") = 0.0, kParseDoc.c_str());
  m.def(
      "read_log",
      [](const std::string& path, const std::string& format, bool strict, std::size_t max_kept,
         const ColumnArg& columns, const std::string& qtype_codes, double utc_offset) {
        const ingest::ReadOptions o =
            options(format, strict, max_kept, columns, qtype_codes, utc_offset);
        ingest::LogTable table;
        {
          py::gil_scoped_release release;
          table = ingest::read_log(path, o);
        }
        return to_dict(std::move(table));
      },
      py::arg("path"), py::kw_only(), py::arg("format") = "auto", py::arg("strict") = false,
      py::arg("max_rejected_kept") = 1000, py::arg("columns") = py::none(),
      py::arg("qtype_codes") = "auto", py::arg("utc_offset") = 0.0, kReadDoc.c_str());
  m.def(
      "parse_timestamps",
      [](const std::vector<std::string>& texts) {
        std::vector<double> ts(texts.size(), std::numeric_limits<double>::quiet_NaN());
        std::vector<std::uint8_t> local(texts.size(), 0), ok(texts.size(), 0);
        {
          py::gil_scoped_release release;
          for (std::size_t i = 0; i < texts.size(); ++i) {
            bool zoned = true;
            if (const auto t = ingest::parse_timestamp(texts[i], zoned)) {
              ts[i] = *t;
              local[i] = zoned ? 0 : 1;
              ok[i] = 1;
            }
          }
        }
        return py::make_tuple(to_numpy(std::move(ts)), to_numpy(std::move(local)),
                              to_numpy(std::move(ok)));
      },
      py::arg("texts"), R"doc(
Parse date-time strings as the log readers do (engine function; used by tealeaves.io).

Parameters
----------
texts : list of str
    Epoch seconds or "YYYY-MM-DD[T ]HH:MM:SS[.f][Z|+HH:MM]".

Returns
-------
(ts, local, ok) : float64, uint8, uint8 arrays
    Epoch seconds (wall clocks read as UTC; NaN where not ok), 1 where no zone was written,
    1 where the text parsed.
)doc");
}
