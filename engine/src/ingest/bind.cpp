// BIND (named) query-log lines, as written by `category queries` with print-time on.
//
// Accepted forms (fields separated by blanks; [..] optional):
//   TIME [CATEGORY: [SEVERITY:]] client [@0xADDR] IP#PORT[:] [(NAME)[:]] [view VIEW:]
//        query: QNAME CLASS TYPE [FLAGS] [(SERVER)]
// where TIME is BIND's default "DD-Mon-YYYY HH:MM:SS[.fff]" (a wall clock without a zone, flagged
// local) or an ISO-8601 date-time (print-time iso8601 / iso8601-utc). This covers BIND 9.9
// ("client 1.2.3.4#5353: query: ..."), 9.10 (the "(name)" field) and 9.11+ (the "@0x..." client
// object). A syslog line ("Aug 13 01:05:35 host named[12]: ...") has no year and is rejected.
//
// client = IP (the port is dropped), qname = QNAME as written (BIND escapes odd bytes as \DDD;
// any raw bytes are kept), qtype = TYPE. Query logs have no rcode or TTL. A non-blank line that
// is not a query line (another category, "denied" messages, a truncated line) is rejected with
// the field at fault; blank lines are meta.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "ingest_internal.hpp"

namespace tealeaves::ingest::detail {
namespace {

bool blank_char(char c) {
  return c == ' ' || c == '\t';
}

// Blank-separated tokens of a line.
class Tokens {
 public:
  explicit Tokens(std::string_view line) : line_(line) {}
  bool next(std::string_view& token) {
    while (pos_ < line_.size() && blank_char(line_[pos_])) ++pos_;
    if (pos_ >= line_.size()) return false;
    const std::size_t start = pos_;
    while (pos_ < line_.size() && !blank_char(line_[pos_])) ++pos_;
    token = line_.substr(start, pos_ - start);
    return true;
  }

 private:
  std::string_view line_;
  std::size_t pos_ = 0;
};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "13-Aug-2025" -> "2025-08-13" in `out` (10 chars); false unless exactly that shape.
bool bind_date(std::string_view s, char* out) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 11 || s[2] != '-' || s[6] != '-') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(7, 4))) return false;
  const std::string_view month = s.substr(3, 3);
  for (std::size_t m = 0; m < 12; ++m) {
    if (month != months[m]) continue;
    const std::string_view year = s.substr(7, 4);
    std::copy(year.begin(), year.end(), out);
    out[4] = '-';
    out[5] = static_cast<char>('0' + (m + 1) / 10);
    out[6] = static_cast<char>('0' + (m + 1) % 10);
    out[7] = '-';
    out[8] = s[0];
    out[9] = s[1];
    return true;
  }
  return false;
}

bool valid_class(std::string_view c) {
  if (c == "IN" || c == "CH" || c == "HS" || c == "ANY" || c == "NONE") return true;
  return c.size() > 5 && c.starts_with("CLASS") && all_digits(c.substr(5));
}

bool valid_type(std::string_view t) {
  if (t.empty() || t.size() > 16) return false;
  for (const char c : t) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// "HH:MM:SS[.fff]" as seconds into the day (the fraction as the ISO parser reads it: at most 9
// digits count); false for anything else, including 24:00:00 and leap seconds.
bool time_of_day(std::string_view s, std::int64_t& whole, double& frac) {
  if (s.size() < 8 || s[2] != ':' || s[5] != ':') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2)))
    return false;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  const int sec = (s[6] - '0') * 10 + (s[7] - '0');
  if (h > 23 || m > 59 || sec > 59) return false;
  whole = h * 3600 + m * 60 + sec;
  frac = 0.0;
  if (s.size() == 8) return true;
  if (s[8] != '.' || !all_digits(s.substr(9))) return false;
  std::int64_t numerator = 0, denominator = 1;
  for (const char c : s.substr(9)) {
    if (denominator < 1'000'000'000) {
      numerator = numerator * 10 + (c - '0');
      denominator *= 10;
    }
  }
  frac = static_cast<double>(numerator) / static_cast<double>(denominator);
  return true;
}

// The time at the start of a line: "DD-Mon-YYYY HH:MM:SS[.fff]" or one ISO-8601 token. The day
// of the last date seen is cached (consecutive lines share it).
class Clock {
 public:
  // Consumes the time's tokens; on failure `bad` holds the text that did not parse.
  std::optional<double> read(Tokens& tokens, bool& zoned, std::string& bad) {
    std::string_view first, second;
    if (!tokens.next(first)) return std::nullopt;
    if (first.size() == 11 && first[2] == '-') {
      if (!tokens.next(second)) {
        bad = std::string(first);
        return std::nullopt;
      }
      std::int64_t seconds = 0;
      double frac = 0.0;
      if (day(first) && time_of_day(second, seconds, frac)) {
        zoned = false;  // BIND's clock has no zone
        return static_cast<double>(day_ + seconds) + frac;
      }
      bad = std::string(first) + " " + std::string(second);
      return std::nullopt;
    }
    // ISO form: one token, a full date-time (an epoch number is not BIND's).
    if (first.size() >= 19 && first[4] == '-') {
      if (const auto t = parse_timestamp(first, zoned)) return t;
    }
    bad = std::string(first);
    return std::nullopt;
  }

 private:
  // Sets day_ (epoch seconds at 00:00) for "DD-Mon-YYYY"; false for a malformed or invalid date.
  bool day(std::string_view token) {
    if (cached_ && token == std::string_view(date_.data(), date_.size())) return true;
    char iso[19] = {};
    if (!bind_date(token, iso)) return false;
    std::copy_n(" 00:00:00", 9, iso + 10);
    bool zoned = true;
    const auto t = parse_timestamp(std::string_view(iso, 19), zoned);  // checks 31-Feb etc.
    if (!t) return false;
    day_ = static_cast<std::int64_t>(*t);
    std::copy(token.begin(), token.end(), date_.begin());
    cached_ = true;
    return true;
  }

  std::array<char, 11> date_{};
  bool cached_ = false;
  std::int64_t day_ = 0;
};

class BindReader {
 public:
  explicit BindReader(TableBuilder& out) : out_(out) {}

  void line(std::string_view text, std::size_t number) {
    if (is_blank(text)) return out_.meta();
    Tokens tokens(text);
    Row row;
    bool zoned = true;
    std::string bad;
    const auto t = clock_.read(tokens, zoned, bad);
    if (!t) {
      return out_.reject(number, "ts: cannot parse " + quoted(bad) +
                                     " as a time (DD-Mon-YYYY HH:MM:SS.fff or ISO 8601)");
    }
    row.ts = *t;
    row.local = !zoned;
    std::string_view token;
    // Up to two "category:" / "severity:" labels before "client".
    int labels = 0;
    for (;;) {
      if (!tokens.next(token)) return out_.reject(number, "client: missing (not a query line)");
      if (token == "client") break;
      if (labels == 2 || token.size() < 2 || token.back() != ':') {
        return out_.reject(
            number, "client: expected 'client', found " + quoted(token) + " (not a query line)");
      }
      ++labels;
    }
    if (!tokens.next(token)) return out_.reject(number, "client: missing address (truncated)");
    if (token.starts_with("@0x")) {
      if (!tokens.next(token)) return out_.reject(number, "client: missing address (truncated)");
    }
    std::string_view address = token;
    if (address.ends_with(':')) address.remove_suffix(1);
    const std::size_t hash = address.rfind('#');
    if (hash == std::string_view::npos || hash == 0 || !all_digits(address.substr(hash + 1)) ||
        address.size() - hash - 1 > 5) {
      return out_.reject(number, "client: cannot parse " + quoted(token) + " as ADDRESS#PORT");
    }
    row.client = address.substr(0, hash);
    // Optional "(name):" and "view NAME:", then "query:".
    if (!tokens.next(token)) return out_.reject(number, "query: missing (truncated)");
    if (token.starts_with('(')) {
      if (!tokens.next(token)) return out_.reject(number, "query: missing (truncated)");
    }
    if (token == "view") {
      if (!tokens.next(token) || !tokens.next(token)) {
        return out_.reject(number, "query: missing after the view (truncated)");
      }
    }
    if (token != "query:") {
      return out_.reject(
          number, "query: expected 'query:', found " + quoted(token) + " (not a query line)");
    }
    std::string_view qname, qclass, qtype;
    if (!tokens.next(qname)) return out_.reject(number, "qname: missing (truncated)");
    if (!tokens.next(qclass)) return out_.reject(number, "class: missing (truncated)");
    if (!valid_class(qclass)) {
      return out_.reject(number, "class: " + quoted(qclass) + " is not a DNS class");
    }
    if (!tokens.next(qtype)) return out_.reject(number, "qtype: missing (truncated)");
    if (!valid_type(qtype)) {
      return out_.reject(number, "qtype: " + quoted(qtype) + " is not a record type");
    }
    // FLAGS and (SERVER) may follow; anything more is not a query line.
    for (int extra = 0; tokens.next(token); ++extra) {
      if (extra == 2) {
        return out_.reject(number, "qtype: unexpected text after the query: " + quoted(token));
      }
    }
    row.qname = qname;
    row.qtype = qtype;
    row.has_qtype = true;
    out_.add(row);
  }

 private:
  TableBuilder& out_;
  Clock clock_;
};

}  // namespace

bool looks_like_bind(std::string_view line) {
  if (line.find(" client ") == std::string_view::npos ||
      line.find(" query: ") == std::string_view::npos) {
    return false;
  }
  Tokens tokens(line);
  bool zoned = true;
  std::string bad;
  return Clock().read(tokens, zoned, bad).has_value();
}

void parse_bind(LineReader& lines, TableBuilder& out) {
  BindReader reader(out);
  std::string_view line;
  while (lines.next(line)) reader.line(line, lines.number());
}

}  // namespace tealeaves::ingest::detail
