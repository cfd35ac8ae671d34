// Shared machinery of the log readers: line splitting, dictionary encoding, the table being
// built (with its line accounting), and small field parsers. Not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tealeaves/ingest/log.hpp"

namespace tealeaves::ingest::detail {

// Physical lines of a text: split on '\n', a trailing '\r' removed. A final line without '\n'
// counts; the empty remainder after a final '\n' does not (as `wc -l` plus an unterminated tail).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = text_.find('\n', pos_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    line = text_.substr(pos_, stop - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = stop + 1;
    ++number_;
    return true;
  }
  std::size_t number() const { return number_; }  // 1-based number of the last line returned

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

bool is_blank(std::string_view line);

// Maps strings to codes in first-seen order, appending new strings to `names`. Lookups take a
// string_view and allocate nothing unless the string is new.
class Dictionary {
 public:
  explicit Dictionary(std::vector<std::string>& names) : names_(names) {}
  std::int32_t code(std::string_view value);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string>& names_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> map_;
  std::int32_t last_ = -1;  // consecutive rows often repeat a value: skip the hash then
};

// One parsed row; string_views point into the text or into a parser's scratch buffers.
struct Row {
  double ts = 0.0;
  std::string_view client;
  std::string_view qname;
  std::string_view qtype;
  bool has_qtype = false;
  std::int32_t rcode = -1;
  double ttl = std::numeric_limits<double>::quiet_NaN();
  bool local = false;  // ts is a zone-less wall clock read as UTC; add() applies utc_offset
};

// The table under construction. Each physical line must end in exactly one of add(), reject()
// or meta(), which keeps lines_read == used + rejected + meta.
class TableBuilder {
 public:
  TableBuilder(LogFormat format, const ReadOptions& options, std::size_t expected_rows);
  void add(const Row& row);
  // Counts the line and keeps the reason; throws "line N: reason" in strict mode.
  void reject(std::size_t line, std::string reason);
  void meta() { ++table_.lines_meta; }
  LogTable finish(std::size_t lines_read);

 private:
  LogTable table_;
  ReadOptions options_;
  Dictionary clients_{table_.clients};
  Dictionary qnames_{table_.qnames};
  Dictionary qtypes_{table_.qtypes};
};

// The format parsers. `source` ("text" or "path") names the argument in structural errors.
void parse_zeek_tsv(LineReader& lines, TableBuilder& out, std::string_view source);
void parse_zeek_json(LineReader& lines, TableBuilder& out);
// `pihole`: the Pi-hole export (FTL qtype codes unless options.qtype_codes says otherwise).
void parse_csv(LineReader& lines, TableBuilder& out, std::string_view source,
               const ReadOptions& options, bool pihole);
void parse_bind(LineReader& lines, TableBuilder& out);
// Whether a CSV header is exactly Pi-hole's query export "time,client,domain,type,status".
bool is_pihole_header(std::string_view line);
// Whether a line looks like a BIND query-log line (for format detection).
bool looks_like_bind(std::string_view line);

// Whole-field parsers: false unless all of `text` is consumed.
bool parse_double(std::string_view text, double& value);  // finite only
bool parse_int(std::string_view text, std::int32_t& value);
// A DNS rcode as a non-negative integer or a mnemonic (NOERROR, NXDOMAIN, ...).
bool parse_rcode(std::string_view text, std::int32_t& value);

// 'text' in quotes, shortened for messages.
std::string quoted(std::string_view text);

}  // namespace tealeaves::ingest::detail
