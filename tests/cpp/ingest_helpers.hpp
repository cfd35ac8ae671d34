// Small helpers shared by the ingest tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tealeaves/ingest/log.hpp"

namespace tealeaves::testing {

inline ingest::LogTable parse_as(std::string_view text, ingest::LogFormat format,
                                 bool strict = false) {
  ingest::ReadOptions options;
  options.format = format;
  options.strict = strict;
  return ingest::parse_log(text, options);
}

// The invariants every table must keep, whatever it was read from.
inline void check_accounting(const ingest::LogTable& t) {
  CHECK(t.lines_read == t.lines_used + t.lines_rejected + t.lines_meta);
  const std::size_t n = t.lines_used;
  CHECK(t.ts.size() == n);
  CHECK(t.client.size() == n);
  CHECK(t.qname.size() == n);
  CHECK(t.qtype.size() == n);
  CHECK(t.rcode.size() == n);
  CHECK(t.ttl.size() == n);
  CHECK(t.local.size() == n);
  CHECK(t.rejected.size() == std::min<std::size_t>(t.lines_rejected, 1000));
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(t.client[i] >= 0);
    CHECK(static_cast<std::size_t>(t.client[i]) < t.clients.size());
    CHECK(static_cast<std::size_t>(t.qname[i]) < t.qnames.size());
    CHECK(t.qtype[i] < static_cast<std::int32_t>(t.qtypes.size()));
    CHECK(std::isfinite(t.ts[i]));
  }
}

inline std::string client_of(const ingest::LogTable& t, std::size_t row) {
  return t.clients.at(static_cast<std::size_t>(t.client.at(row)));
}
inline std::string qname_of(const ingest::LogTable& t, std::size_t row) {
  return t.qnames.at(static_cast<std::size_t>(t.qname.at(row)));
}
inline std::string qtype_of(const ingest::LogTable& t, std::size_t row) {
  const std::int32_t code = t.qtype.at(row);
  return code < 0 ? "<none>" : t.qtypes.at(static_cast<std::size_t>(code));
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

inline bool starts_with(const std::string& text, std::string_view prefix) {
  return std::string_view(text).starts_with(prefix);
}

}  // namespace tealeaves::testing
