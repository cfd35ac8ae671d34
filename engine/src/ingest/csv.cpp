// CSV (RFC 4180) with a header line naming the columns.
//
// Columns are found by name, case-insensitively, trying aliases in priority order:
//   ts      ts, time, timestamp, ts_epoch_s        (required; epoch seconds or a date-time)
//   client  client, src, src_ip, id.orig_h         (required)
//   qname   qname, query, domain, name             (required)
//   qtype   qtype_name, qtype, type                (optional; a name is preferred to a number)
//   rcode   rcode                                  (optional; number or mnemonic)
//   ttl     ttl                                    (optional; seconds)
// ReadOptions::columns overrides the aliases role by role (an explicit column mapping); the
// explicit names are placed first, then the aliases among the columns still free.
// The pihole format is this reader with Pi-hole's FTL qtype codes turned into names; so is any
// CSV whose header is exactly Pi-hole's (unless ReadOptions::qtype_codes says as_written).
// A date-time without a zone is flagged local (Row::local).
// A quoted field holding a line break is not supported yet: its line is rejected.
#include <algorithm>
#include <array>
#include <string>

#include "ingest_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::ingest::detail {
namespace {

enum Slot : int { ts, client, qname, qtype, rcode, ttl, n_slots };

struct Role {
  std::string_view label;
  bool required;
  std::array<std::string_view, 4> aliases;  // priority order; empty entries unused
};
constexpr std::array<Role, n_slots> roles = {{
    {"ts", true, {"ts", "time", "timestamp", "ts_epoch_s"}},
    {"client", true, {"client", "src", "src_ip", "id.orig_h"}},
    {"qname", true, {"qname", "query", "domain", "name"}},
    {"qtype", false, {"qtype_name", "qtype", "type", ""}},
    {"rcode", false, {"rcode", "", "", ""}},
    {"ttl", false, {"ttl", "", "", ""}},
}};

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The inside of a quoted field with each "" turned into ".
void unquote(std::string_view inner, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < inner.size(); ++i) {
    out.push_back(inner[i]);
    if (inner[i] == '"') ++i;  // skip the second quote of the pair
  }
}

// Calls field(index, text, has_escaped_quotes) for every field of the line, where text is the
// raw field or the inside of its quotes. Returns an empty string, or what is malformed.
template <typename Field>
std::string split_csv(std::string_view line, Field&& field) {
  std::size_t pos = 0, k = 0;
  for (;;) {
    if (pos < line.size() && line[pos] == '"') {
      bool escaped = false;
      std::size_t close = line.find('"', pos + 1);
      while (close != std::string_view::npos && close + 1 < line.size() && line[close + 1] == '"') {
        escaped = true;
        close = line.find('"', close + 2);
      }
      if (close == std::string_view::npos) {
        return "field " + std::to_string(k + 1) +
               ": unterminated quote (quoted line breaks are not supported)";
      }
      field(k, line.substr(pos + 1, close - pos - 1), escaped);
      pos = close + 1;
      if (pos < line.size() && line[pos] != ',') {
        return "field " + std::to_string(k + 1) + ": text after the closing quote";
      }
    } else {
      const std::size_t comma = std::min(line.find(',', pos), line.size());
      const std::string_view raw = line.substr(pos, comma - pos);
      if (raw.find('"') != std::string_view::npos) {
        return "field " + std::to_string(k + 1) + ": quote inside an unquoted field";
      }
      field(k, raw, false);
      pos = comma;
    }
    ++k;
    if (pos >= line.size()) return {};
    ++pos;  // past the comma; a trailing comma leaves one more, empty, field
  }
}

std::string lower(std::string_view text) {
  std::string name(text);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return name;
}

class CsvReader {
 public:
  CsvReader(TableBuilder& out, std::string_view source, const ReadOptions& options, bool pihole)
      : out_(out),
        source_(source),
        mapped_{options.columns.ts,    options.columns.client, options.columns.qname,
                options.columns.qtype, options.columns.rcode,  options.columns.ttl},
        qtype_codes_(options.qtype_codes),
        pihole_codes_(options.qtype_codes == QtypeCodes::pihole ||
                      (options.qtype_codes == QtypeCodes::automatic && pihole)) {}

  void line(std::string_view text, std::size_t number) {
    if (is_blank(text) || text.starts_with('#')) return out_.meta();
    if (n_columns_ == 0) {
      header(text, number);
      return out_.meta();
    }
    data(text, number);
  }

 private:
  void header(std::string_view text, std::size_t number) {
    std::vector<std::string> spelled, names;  // as written, and lower-cased for matching
    std::string decoded;
    const std::string problem = split_csv(text, [&](std::size_t, std::string_view v, bool esc) {
      if (esc) unquote(v, decoded);
      spelled.emplace_back(trim(esc ? std::string_view(decoded) : v));
      names.push_back(lower(spelled.back()));
    });
    if (!problem.empty()) {
      throw_invalid(source_, "CSV header at line " + std::to_string(number) + ": " + problem);
    }
    std::string found;
    for (const std::string& name : spelled) found.append(found.empty() ? "" : ", ").append(name);
    slot_of_.assign(names.size(), -1);
    std::array<bool, n_slots> placed{};
    for (std::size_t s = 0; s < n_slots; ++s) {  // the explicit mapping first
      if (mapped_[s].empty()) continue;
      const auto hit = std::find(names.begin(), names.end(), lower(mapped_[s]));
      if (hit == names.end()) {
        throw_invalid("columns", std::string(roles[s].label) + ": no column '" + mapped_[s] +
                                     "' in the CSV header at line " + std::to_string(number) +
                                     "; found: " + found);
      }
      const auto column = static_cast<std::size_t>(hit - names.begin());
      if (slot_of_[column] >= 0) {
        throw_invalid("columns",
                      "'" + mapped_[s] + "' is mapped to both " +
                          std::string(roles[static_cast<std::size_t>(slot_of_[column])].label) +
                          " and " + std::string(roles[s].label));
      }
      place(column, s, spelled);
      placed[s] = true;
    }
    for (std::size_t s = 0; s < n_slots; ++s) {  // then the aliases, among the free columns
      if (placed[s]) continue;
      const std::size_t column = find_column(names, roles[s]);
      if (column < names.size()) {
        place(column, s, spelled);
      } else if (roles[s].required) {
        throw_invalid(source_, "CSV header lacks a " + std::string(roles[s].label) +
                                   " column; found: " + found);
      }
    }
    n_columns_ = names.size();
    if (qtype_codes_ == QtypeCodes::automatic && is_pihole_header(text)) pihole_codes_ = true;
  }

  void place(std::size_t column, std::size_t slot, const std::vector<std::string>& spelled) {
    slot_of_[column] = static_cast<signed char>(slot);
    labels_[slot] = spelled[column];
  }

  std::size_t find_column(const std::vector<std::string>& names, const Role& role) const {
    for (const std::string_view alias : role.aliases) {
      if (alias.empty()) break;
      for (std::size_t c = 0; c < names.size(); ++c) {
        if (names[c] == alias && slot_of_[c] < 0) return c;
      }
    }
    return names.size();
  }

  void data(std::string_view text, std::size_t number) {
    std::array<std::string_view, n_slots> value{};
    std::size_t count = 0;
    const std::string problem = split_csv(text, [&](std::size_t k, std::string_view v, bool esc) {
      count = k + 1;
      if (k >= slot_of_.size() || slot_of_[k] < 0) return;
      const auto s = static_cast<std::size_t>(slot_of_[k]);
      if (esc) {
        unquote(v, scratch_[s]);
        v = scratch_[s];
      }
      value[s] = v;
    });
    if (!problem.empty()) return out_.reject(number, problem);
    if (count != n_columns_) {
      return out_.reject(number, "expected " + std::to_string(n_columns_) + " fields, found " +
                                     std::to_string(count));
    }
    Row row;
    const std::string_view when = trim(value[ts]);
    bool zoned = true;
    const auto t = parse_timestamp(when, zoned);
    if (!t)
      return reject(number, ts,
                    when.empty() ? "empty" : "cannot parse " + quoted(when) + " as a time");
    row.ts = *t;
    row.local = !zoned;
    if (value[client].empty()) return reject(number, client, "empty");
    if (value[qname].empty()) return reject(number, qname, "empty");
    row.client = value[client];
    row.qname = value[qname];
    row.has_qtype = !value[qtype].empty();
    row.qtype = value[qtype];
    std::int32_t ftl = 0;
    if (pihole_codes_ && parse_int(trim(row.qtype), ftl)) {
      row.qtype = pihole_qtype_name(ftl);
      if (row.qtype.empty()) {
        scratch_[qtype] = "FTL" + std::to_string(ftl);
        row.qtype = scratch_[qtype];
      }
    }
    const std::string_view code = trim(value[rcode]);
    if (!code.empty() && !parse_rcode(code, row.rcode)) {
      return reject(number, rcode, "cannot parse " + quoted(code));
    }
    const std::string_view seconds = trim(value[ttl]);
    if (!seconds.empty() && !parse_double(seconds, row.ttl)) {
      return reject(number, ttl, "cannot parse " + quoted(seconds) + " as seconds");
    }
    out_.add(row);
  }

  // Reasons name the column as the header spells it.
  void reject(std::size_t number, Slot slot, const std::string& problem) {
    out_.reject(number, labels_[slot] + ": " + problem);
  }

  TableBuilder& out_;
  std::string_view source_;
  std::array<std::string, n_slots> mapped_;  // ReadOptions::columns by slot
  QtypeCodes qtype_codes_;
  bool pihole_codes_ = false;
  std::size_t n_columns_ = 0;  // 0 until the header
  std::vector<signed char> slot_of_;
  std::array<std::string, n_slots> labels_;
  std::array<std::string, n_slots> scratch_;  // unquoted values, reused from line to line
};

}  // namespace

void parse_csv(LineReader& lines, TableBuilder& out, std::string_view source,
               const ReadOptions& options, bool pihole) {
  CsvReader reader(out, source, options, pihole);
  std::string_view line;
  while (lines.next(line)) reader.line(line, lines.number());
}

}  // namespace tealeaves::ingest::detail
