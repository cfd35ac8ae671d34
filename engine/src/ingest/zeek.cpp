// Zeek ASCII (TSV) logs: '#' directives describe the separators and the columns of the data
// lines that follow; a log may be several such logs concatenated.
#include <algorithm>
#include <array>
#include <string>

#include "ingest_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::ingest::detail {
namespace {

enum Slot : int { ts, client, query, qtype_name, qtype, rcode, ttls, n_slots };
constexpr std::array<std::string_view, n_slots> slot_fields = {
    "ts", "id.orig_h", "query", "qtype_name", "qtype", "rcode", "TTLs"};

// Zeek writes header values with \xHH escapes ("#separator \x09").
std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      int value = 0;
      bool ok = true;
      for (std::size_t k = 2; k < 4 && ok; ++k) {
        const char c = text[i + k];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        ok = digit >= 0;
        value = value * 16 + digit;
      }
      if (ok) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// Splits on a separator of any length, with memchr speed for the usual single byte.
class Splitter {
 public:
  explicit Splitter(std::string_view separator) : sep_(separator) {}
  // Next field of `text` from `pos`; false once the text is exhausted.
  bool next(std::string_view text, std::size_t& pos, std::string_view& field) const {
    if (pos > text.size()) return false;
    const std::size_t end = sep_.size() == 1 ? text.find(sep_[0], pos) : text.find(sep_, pos);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    field = text.substr(pos, stop - pos);
    pos = end == std::string_view::npos ? text.size() + 1 : end + sep_.size();
    return true;
  }

 private:
  std::string_view sep_;
};

// How values are written; Zeek states each in the header, these are its defaults.
struct Syntax {
  std::string separator = "\t";
  std::string set_separator = ",";
  std::string empty = "(empty)";
  std::string unset = "-";
};

class ZeekReader {
 public:
  ZeekReader(TableBuilder& out, std::string_view source) : out_(out), source_(source) {}

  void line(std::string_view text, std::size_t number) {
    if (text.starts_with('#')) {
      directive(text, number);
      out_.meta();
    } else if (is_blank(text)) {
      out_.meta();
    } else if (n_fields_ == 0) {
      out_.reject(number, "no #fields header before this data line");
    } else {
      data(text, number);
    }
  }

 private:
  void reset() {
    syntax_ = Syntax{};
    slot_of_.clear();
    n_fields_ = 0;
  }

  void directive(std::string_view text, std::size_t number) {
    // "#separator" is the one directive written with a space, since the separator is unknown.
    if (text.starts_with("#separator") && text.size() > 11 &&
        (text[10] == ' ' || text[10] == '\t')) {
      reset();  // a new log starts: back to Zeek's defaults
      std::string separator = unescape(text.substr(11));
      if (!separator.empty()) syntax_.separator = std::move(separator);
      return;
    }
    const std::size_t cut = text.find(syntax_.separator);
    if (cut == std::string_view::npos) return;  // a comment or an empty directive
    const std::string_view key = text.substr(0, cut);
    const std::string_view value = text.substr(cut + syntax_.separator.size());
    if (key == "#set_separator") syntax_.set_separator = unescape(value);
    if (key == "#empty_field") syntax_.empty = unescape(value);
    if (key == "#unset_field") syntax_.unset = unescape(value);
    if (key == "#fields") fields(value, number);
  }

  void fields(std::string_view names, std::size_t number) {
    slot_of_.clear();
    n_fields_ = 0;
    std::array<bool, n_slots> seen{};
    std::string found;
    const Splitter split(syntax_.separator);
    std::size_t pos = 0;
    std::string_view name;
    while (split.next(names, pos, name)) {
      const auto hit = std::find(slot_fields.begin(), slot_fields.end(), name);
      const int slot = hit == slot_fields.end() ? -1 : static_cast<int>(hit - slot_fields.begin());
      if (slot >= 0 && !seen[slot]) {
        seen[slot] = true;
      } else if (slot >= 0) {
        throw_invalid(source_, "Zeek #fields at line " + std::to_string(number) +
                                   " repeats the column " + std::string(name));
      }
      slot_of_.push_back(static_cast<signed char>(slot));
      if (!found.empty()) found.append(", ");
      found.append(name);
      ++n_fields_;
    }
    for (const Slot required : {Slot::ts, Slot::client, Slot::query}) {
      if (!seen[required]) {
        throw_invalid(source_, "Zeek #fields at line " + std::to_string(number) + " lacks the " +
                                   std::string(slot_fields[required]) + " column; found: " + found);
      }
    }
  }

  bool unset(std::string_view v) const { return v == syntax_.unset; }
  bool empty(std::string_view v) const { return v.empty() || v == syntax_.empty; }

  void data(std::string_view text, std::size_t number) {
    std::array<std::string_view, n_slots> value{};
    std::array<bool, n_slots> present{};
    const Splitter split(syntax_.separator);
    std::size_t pos = 0, count = 0;
    std::string_view field;
    while (split.next(text, pos, field)) {
      if (count < slot_of_.size() && slot_of_[count] >= 0) {
        value[slot_of_[count]] = field;
        present[slot_of_[count]] = true;
      }
      ++count;
    }
    if (count != n_fields_) {
      out_.reject(number, "expected " + std::to_string(n_fields_) + " fields, found " +
                              std::to_string(count) + " (is the #separator right?)");
      return;
    }
    Row row;
    if (unset(value[ts]) || empty(value[ts])) return out_.reject(number, "ts: unset");
    bool zoned = true;
    const auto t = parse_timestamp(value[ts], zoned);
    row.local = !zoned;
    if (!t) return out_.reject(number, "ts: cannot parse " + quoted(value[ts]) + " as a time");
    row.ts = *t;
    if (unset(value[client]) || empty(value[client])) {
      return out_.reject(number, "id.orig_h: unset");
    }
    row.client = value[client];
    if (unset(value[query])) return out_.reject(number, "query: unset");
    row.qname = value[query] == syntax_.empty ? std::string_view() : value[query];
    qtype_of(value, present, row);
    if (present[rcode] && !unset(value[rcode]) && !empty(value[rcode]) &&
        !parse_rcode(value[rcode], row.rcode)) {
      return out_.reject(number, "rcode: cannot parse " + quoted(value[rcode]));
    }
    if (present[ttls] && !unset(value[ttls]) && !empty(value[ttls]) &&
        !min_ttl(value[ttls], row.ttl)) {
      return out_.reject(number, "TTLs: cannot parse " + quoted(value[ttls]) +
                                     " as numbers separated by '" + syntax_.set_separator + "'");
    }
    out_.add(row);
  }

  // The name (A, AAAA, ...) when Zeek knows it, else the number as written.
  void qtype_of(const std::array<std::string_view, n_slots>& value,
                const std::array<bool, n_slots>& present, Row& row) const {
    for (const Slot slot : {Slot::qtype_name, Slot::qtype}) {
      if (present[slot] && !unset(value[slot]) && !empty(value[slot])) {
        row.qtype = value[slot];
        row.has_qtype = true;
        return;
      }
    }
  }

  bool min_ttl(std::string_view text, double& ttl) const {
    const Splitter split(syntax_.set_separator);
    std::size_t pos = 0;
    std::string_view item;
    double low = 0.0;
    bool first = true;
    while (split.next(text, pos, item)) {
      double v = 0.0;
      if (!parse_double(item, v)) return false;
      low = first ? v : std::min(low, v);
      first = false;
    }
    ttl = low;
    return true;
  }

  TableBuilder& out_;
  std::string_view source_;
  Syntax syntax_;
  std::vector<signed char> slot_of_;  // data column -> Slot, or -1 when unused
  std::size_t n_fields_ = 0;          // 0 until a #fields line
};

}  // namespace

void parse_zeek_tsv(LineReader& lines, TableBuilder& out, std::string_view source) {
  ZeekReader reader(out, source);
  std::string_view line;
  while (lines.next(line)) reader.line(line, lines.number());
}

}  // namespace tealeaves::ingest::detail
