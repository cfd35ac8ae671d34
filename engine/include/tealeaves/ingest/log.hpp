// Reading DNS lookup logs (Zeek TSV, Zeek JSON lines, CSV) into a columnar, dictionary-encoded
// table, and grouping it into one sorted time series per (client, query name).
//
// Nothing is dropped silently: every physical line is counted as used, rejected (malformed, with
// its 1-based line number and a reason naming the field) or meta (headers, '#' comments, blank
// lines), and lines_read == lines_used + lines_rejected + lines_meta.
//
// Formats:
//   zeek_tsv   Zeek ASCII logs. Honours #separator (escaped, e.g. \x09), #set_separator,
//              #empty_field, #unset_field; #fields may re-appear (concatenated logs) and resets the
//              column mapping. Columns: ts, id.orig_h, query (required); qtype_name, else qtype;
//              rcode; TTLs (the minimum is kept). Zeek's \xHH escapes inside values are kept as
//              written, so non-UTF-8 bytes stay printable. A row with an unset query is rejected;
//              an empty one ((empty): root priming queries) is kept as the empty name.
//   zeek_json  One flat JSON object per line with Zeek's key names ("ts", "id.orig_h", ...). ts is
//              epoch seconds or an ISO-8601 string. Nested objects are validated and ignored.
//   csv        RFC 4180 with a header line; columns matched by name, case-insensitively, through
//              aliases (see csv.cpp). A quoted field spanning lines is not supported in this first
//              cut: the line is rejected as an unterminated quote.
//   automatic  Sniffs the first non-blank line (after any plain '#' comments): a Zeek directive
//              (#separator, #fields, ...) means zeek_tsv, '{' means zeek_json, anything else csv.
//
// Times are epoch seconds (UTC). A date-time without an offset is taken as UTC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tealeaves::ingest {

enum class LogFormat { automatic, zeek_tsv, zeek_json, csv };

// "auto", "zeek" / "zeek-tsv", "zeek-json" / "json", "csv".
LogFormat parse_log_format(std::string_view name);
// The canonical name: "auto", "zeek-tsv", "zeek-json", "csv".
std::string_view format_name(LogFormat format);

struct RejectedLine {
  std::size_t line = 0;  // 1-based physical line number
  std::string reason;    // names the field at fault, e.g. "ts: cannot parse 'x' as a time"
};

struct LogTable {
  // One row per used line; all columns have lines_used entries.
  std::vector<double> ts;  // epoch seconds, UTC
  // Codes into the dictionaries below, in first-seen order. qtype is -1 when absent/unset.
  std::vector<std::int32_t> client, qname, qtype;
  std::vector<std::string> clients, qnames, qtypes;
  std::vector<std::int32_t> rcode;  // numeric DNS rcode, -1 when absent/unset
  std::vector<double> ttl;          // minimum answer TTL (s), NaN when absent/unset

  std::size_t lines_read = 0;               // every physical line
  std::size_t lines_used = 0;               // rows in the table
  std::size_t lines_rejected = 0;           // malformed data lines (all counted)
  std::size_t lines_meta = 0;               // headers, '#' comments, blank lines
  std::vector<RejectedLine> rejected;       // the first max_rejected_kept rejects, with reasons
  LogFormat format = LogFormat::automatic;  // the format detected or used
};

struct ReadOptions {
  LogFormat format = LogFormat::automatic;
  std::size_t max_rejected_kept = 1000;
  // Throw std::invalid_argument("line N: reason") on the first malformed line.
  bool strict = false;
};

// Parses a whole log held in memory. Structural problems (a CSV header or Zeek #fields line
// without a required column) throw, naming "text".
LogTable parse_log(std::string_view text, const ReadOptions& options = {});
// Reads the file in one go and parses it; errors name "path".
LogTable read_log(const std::string& path, const ReadOptions& options = {});

// Epoch seconds from either a decimal number ("1521911720.865716", "1e9") or a date-time
// "YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z | +HH:MM | -HH:MM | +HHMM | +HH]". No offset means UTC.
// Returns nullopt for anything else, including invalid dates (2023-02-29) and non-finite numbers.
std::optional<double> parse_timestamp(std::string_view text);

struct SeriesKey {
  std::int32_t client = 0;  // code into LogTable::clients
  std::int32_t qname = 0;   // code into LogTable::qnames
};
struct GroupedTimes {
  SeriesKey key;
  std::vector<double> times;  // sorted ascending
};

// One entry per (client, qname) present, ordered by descending event count, then by key.
std::vector<GroupedTimes> group_by_client_qname(const LogTable& table);

}  // namespace tealeaves::ingest

namespace tealeaves {
using ingest::group_by_client_qname;
using ingest::LogFormat;
using ingest::LogTable;
using ingest::parse_log;
using ingest::read_log;
using ingest::ReadOptions;
}  // namespace tealeaves
