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
//              ReadOptions::columns names the header's columns explicitly (a column mapping).
//   pihole     A Pi-hole query export: CSV "time,client,domain,type,status" whose type is an FTL
//              query-type code (1=A, 2=AAAA, 3=ANY, 4=SRV, 5=SOA, 6=PTR, 7=TXT, 8=NAPTR, 9=MX,
//              10=DS, 11=RRSIG, 12=DNSKEY, 13=NS, 14=OTHER, 15=SVCB, 16=HTTPS), stored by name;
//              another number n is kept as "FTL<n>", a non-number as written.
//   bind       BIND (named) query-log lines (see bind.cpp for the accepted forms), e.g.
//                13-Aug-2025 01:05:35.123 queries: info: client @0x7f.. 192.168.1.5#53712
//                (example.com): view internal: query: example.com IN A +E(0)K (192.168.1.1)
//              Every non-blank line must be a query line; other named messages are rejected.
//   automatic  Sniffs the first non-blank line (after any plain '#' comments): a Zeek directive
//              (#separator, #fields, ...) means zeek_tsv, '{' means zeek_json, a BIND query line
//              means bind, Pi-hole's exact header means pihole, anything else csv.
//
// Times are epoch seconds (UTC). A date-time written without a zone (BIND's wall clock, most CSV
// exports) is local: it is read as UTC minus ReadOptions::utc_offset, and flagged in
// LogTable::local so that a caller can apply a DST-aware zone instead (tealeaves.io does).
//
// Names are kept byte for byte, including invalid UTF-8, NUL bytes and markup such as <script>:
// escaping is the job of whoever prints them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tealeaves::ingest {

enum class LogFormat { automatic, zeek_tsv, zeek_json, csv, pihole, bind };

// "auto", "zeek" / "zeek-tsv", "zeek-json" / "json", "csv", "pihole", "bind" / "querylog".
LogFormat parse_log_format(std::string_view name);
// The canonical name: "auto", "zeek-tsv", "zeek-json", "csv", "pihole", "bind".
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
  // 1 where the time was a wall-clock date-time without a zone (shifted by utc_offset), else 0.
  std::vector<std::uint8_t> local;

  std::size_t lines_read = 0;               // every physical line
  std::size_t lines_used = 0;               // rows in the table
  std::size_t lines_rejected = 0;           // malformed data lines (all counted)
  std::size_t lines_meta = 0;               // headers, '#' comments, blank lines
  std::vector<RejectedLine> rejected;       // the first max_rejected_kept rejects, with reasons
  LogFormat format = LogFormat::automatic;  // the format detected or used
};

// Header names of the CSV columns, matched case-insensitively; an empty entry means "find it
// through the usual aliases" (see csv.cpp). A name that is not in the header is an error.
struct ColumnMap {
  std::string ts, client, qname, qtype, rcode, ttl;
};

// How a CSV qtype column is read: as written, or as Pi-hole FTL codes (automatic: FTL codes for
// the pihole format and for any CSV whose header is exactly Pi-hole's).
enum class QtypeCodes { automatic, as_written, pihole };

struct ReadOptions {
  LogFormat format = LogFormat::automatic;
  ColumnMap columns;  // csv and pihole only
  QtypeCodes qtype_codes = QtypeCodes::automatic;
  // Seconds east of UTC of the wall clock of zone-less date-times: utc = wall - utc_offset.
  // Must be finite and within +-18 h.
  double utc_offset = 0.0;
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
// As above; `zoned` tells whether the text fixed the instant (an epoch number or a date-time with
// Z or an offset) rather than a wall-clock reading.
std::optional<double> parse_timestamp(std::string_view text, bool& zoned);

// The name of a Pi-hole FTL query-type code (1 -> "A", 16 -> "HTTPS"), empty when unknown.
std::string_view pihole_qtype_name(std::int32_t code);

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
