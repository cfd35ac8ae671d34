// Timestamps as epoch seconds: decimal numbers, or ISO-8601-style date-times.
#include <chrono>
#include <cstdint>
#include <iterator>

#include "ingest_internal.hpp"

namespace tealeaves::ingest {
namespace {

// Reads exactly `n` digits at `pos`, advancing it.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// ".ffffff" (or ",ffffff", ISO's other decimal sign) at `pos`; only the first 9 digits count
// (nanoseconds are already below a double's resolution at epoch scale).
bool fraction(std::string_view s, std::size_t& pos, double& value) {
  value = 0.0;
  if (pos >= s.size() || (s[pos] != '.' && s[pos] != ',')) return true;
  ++pos;
  std::int64_t numerator = 0, denominator = 1;
  const std::size_t first = pos;
  for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
    if (denominator < 1'000'000'000) {
      numerator = numerator * 10 + (s[pos] - '0');
      denominator *= 10;
    }
  }
  value = static_cast<double>(numerator) / static_cast<double>(denominator);
  return pos > first;
}

// "Z", "+HH:MM", "-HH:MM", "+HHMM", "+HH" or nothing (UTC), as seconds east of UTC.
bool utc_offset(std::string_view s, std::size_t& pos, int& seconds) {
  seconds = 0;
  if (pos == s.size()) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') return ++pos == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos++] == '-' ? -1 : 1;
  int hours = 0, minutes = 0;
  if (!digits(s, pos, 2, hours) || hours > 23) return false;
  if (pos < s.size()) {
    if (s[pos] == ':') ++pos;
    if (!digits(s, pos, 2, minutes) || minutes > 59) return false;
  }
  seconds = sign * (hours * 3600 + minutes * 60);
  return pos == s.size();
}

std::optional<double> parse_datetime(std::string_view s, bool& zoned) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset = 0;
  double frac = 0.0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!digits(s, pos, 2, hour) || !expect(s, pos, ':') || !digits(s, pos, 2, minute) ||
      !expect(s, pos, ':') || !digits(s, pos, 2, second) || !fraction(s, pos, frac)) {
    return std::nullopt;
  }
  zoned = pos < s.size();
  if (!utc_offset(s, pos, offset)) return std::nullopt;
  // Leap seconds (60) are refused: epoch seconds have no room for them.
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                            std::chrono::day{unsigned(day)}};
  if (!date.ok()) return std::nullopt;  // month 13, 31 April, 29 February outside leap years
  const std::int64_t days = sys_days{date}.time_since_epoch().count();
  const std::int64_t whole = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return static_cast<double>(whole) + frac;
}

}  // namespace

std::optional<double> parse_timestamp(std::string_view text, bool& zoned) {
  double value = 0.0;
  zoned = true;
  if (detail::parse_double(text, value)) return value;
  return parse_datetime(text, zoned);
}

std::optional<double> parse_timestamp(std::string_view text) {
  bool zoned = true;
  return parse_timestamp(text, zoned);
}

std::string_view pihole_qtype_name(std::int32_t code) {
  // Pi-hole FTL's query types (docs.pi-hole.net/database/query-database, "Supported query types").
  static constexpr std::string_view names[] = {"",       "A",   "AAAA",  "ANY",  "SRV",  "SOA",
                                               "PTR",    "TXT", "NAPTR", "MX",   "DS",   "RRSIG",
                                               "DNSKEY", "NS",  "OTHER", "SVCB", "HTTPS"};
  if (code < 1 || code >= static_cast<std::int32_t>(std::size(names))) return {};
  return names[code];
}

}  // namespace tealeaves::ingest
