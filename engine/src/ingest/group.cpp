// One time series per (client, query name): the unit every later analysis looks at.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/ingest/log.hpp"

namespace tealeaves::ingest {
namespace {

void check_table(const LogTable& t) {
  const std::size_t n = t.ts.size();
  require(t.client.size() == n && t.qname.size() == n, "table",
          "ts, client and qname columns differ in length");
  const auto check_codes = [](const std::vector<std::int32_t>& codes, std::size_t size,
                              const char* column) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (codes[i] < 0 || static_cast<std::size_t>(codes[i]) >= size) {
        throw_invalid("table", std::string(column) + " code at row " + std::to_string(i) + " is " +
                                   std::to_string(codes[i]) + ", outside its dictionary of " +
                                   std::to_string(size));
      }
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    // Sorting needs an order: NaN would break it (parsed tables never hold one).
    if (!std::isfinite(t.ts[i])) {
      throw_invalid("table", "ts at row " + std::to_string(i) + " is " + format_number(t.ts[i]));
    }
  }
  check_codes(t.client, t.clients.size(), "client");
  check_codes(t.qname, t.qnames.size(), "qname");
}

}  // namespace

std::vector<GroupedTimes> group_by_client_qname(const LogTable& table) {
  check_table(table);
  // Both codes fit in 32 bits, so one 64-bit integer keys the pair.
  const auto pair_key = [](std::int32_t c, std::int32_t q) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(c)) << 32) |
           static_cast<std::uint32_t>(q);
  };
  std::unordered_map<std::uint64_t, std::size_t> index;
  std::vector<GroupedTimes> groups;
  for (std::size_t i = 0; i < table.ts.size(); ++i) {
    const auto [it, fresh] =
        index.try_emplace(pair_key(table.client[i], table.qname[i]), groups.size());
    if (fresh) groups.push_back({{table.client[i], table.qname[i]}, {}});
    groups[it->second].times.push_back(table.ts[i]);
  }
  for (GroupedTimes& g : groups) {
    // Logs are mostly in time order already; checking first is cheaper than sorting.
    if (!std::is_sorted(g.times.begin(), g.times.end())) std::sort(g.times.begin(), g.times.end());
  }
  std::sort(groups.begin(), groups.end(), [](const GroupedTimes& a, const GroupedTimes& b) {
    if (a.times.size() != b.times.size()) return a.times.size() > b.times.size();
    if (a.key.client != b.key.client) return a.key.client < b.key.client;
    return a.key.qname < b.key.qname;
  });
  return groups;
}

}  // namespace tealeaves::ingest
