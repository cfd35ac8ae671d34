// Grouping into series, and the readers on real third-party logs from ../shared/data. The
// expected numbers were derived independently (a few lines of Python's csv/str.split), not by
// running this reader. Tests on shared data skip cleanly where it is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>

#include "ingest_helpers.hpp"
#include "tealeaves/ingest/log.hpp"

using tealeaves::ingest::group_by_client_qname;
using tealeaves::ingest::GroupedTimes;
using tealeaves::ingest::LogTable;
using tealeaves::ingest::parse_log;
using tealeaves::ingest::read_log;
using namespace tealeaves::testing;

namespace {

const std::string shared = TEALEAVES_SOURCE_DIR "/../shared/data/";

// The path when the shared file is present; otherwise a message and an empty string.
std::string shared_file(const std::string& relative) {
  const std::string path = shared + relative;
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: " << path << " is absent");
    return "";
  }
  return path;
}

std::size_t count_of(const std::vector<std::int32_t>& codes, std::int32_t code) {
  return static_cast<std::size_t>(std::count(codes.begin(), codes.end(), code));
}

std::size_t finite_ttls(const LogTable& t) {
  return static_cast<std::size_t>(
      std::count_if(t.ttl.begin(), t.ttl.end(), [](double v) { return std::isfinite(v); }));
}

double ttl_sum(const LogTable& t) {
  double sum = 0.0;
  for (const double v : t.ttl) sum += std::isfinite(v) ? v : 0.0;
  return sum;
}

const GroupedTimes* find_group(const std::vector<GroupedTimes>& groups, const LogTable& t,
                               const std::string& client, const std::string& qname) {
  for (const GroupedTimes& g : groups) {
    if (t.clients[g.key.client] == client && t.qnames[g.key.qname] == qname) return &g;
  }
  return nullptr;
}

void check_groups(const std::vector<GroupedTimes>& groups, const LogTable& t) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    total += groups[i].times.size();
    CHECK(std::is_sorted(groups[i].times.begin(), groups[i].times.end()));
    if (i > 0) CHECK(groups[i - 1].times.size() >= groups[i].times.size());
  }
  CHECK(total == t.lines_used);
}

}  // namespace

TEST_CASE("grouping: one sorted series per (client, qname), biggest first, ties by key") {
  const LogTable t =
      parse_log("ts,client,qname\n5,b,x\n1,a,y\n3,a,x\n2,a,x\n4,b,x\n0,a,y\n9,c,z\n");
  const auto groups = group_by_client_qname(t);
  REQUIRE(groups.size() == 4);
  // Codes in first-seen order: clients b=0, a=1, c=2; qnames x=0, y=1, z=2.
  CHECK(groups[0].key.client == 0);
  CHECK(groups[0].key.qname == 0);
  CHECK(groups[0].times == std::vector<double>{4, 5});
  CHECK(groups[1].key.client == 1);
  CHECK(groups[1].key.qname == 0);
  CHECK(groups[1].times == std::vector<double>{2, 3});
  CHECK(groups[2].key.qname == 1);
  CHECK(groups[2].times == std::vector<double>{0, 1});
  CHECK(groups[3].times == std::vector<double>{9});
  CHECK(group_by_client_qname(parse_log("ts,client,qname\n")).empty());
}

TEST_CASE("grouping: a hand-made table with bad codes is refused") {
  LogTable t;
  t.ts = {1.0};
  t.client = {0};
  t.qname = {1};
  t.clients = {"a"};
  t.qnames = {"x"};
  CHECK(starts_with(error_of([&] { group_by_client_qname(t); }),
                    "table: qname code at row 0 is 1, outside its dictionary of 1"));
  t.qname = {0};
  t.ts = {std::nan("")};
  CHECK(starts_with(error_of([&] { group_by_client_qname(t); }), "table: ts at row 0 is nan"));
}

TEST_CASE("real zeek log: rita home network") {
  const std::string path = shared_file("rita-home-network-dns/dns.log");
  if (path.empty()) return;
  const LogTable t = read_log(path);
  check_accounting(t);
  CHECK(t.lines_read == 951);
  CHECK(t.lines_used == 942);
  CHECK(t.lines_rejected == 0);
  CHECK(t.lines_meta == 9);
  CHECK(t.clients.size() == 7);
  CHECK(t.qnames.size() == 119);
  CHECK(t.qtypes == std::vector<std::string>{"PTR", "A", "NB", "NBSTAT", "AAAA"});
  CHECK(count_of(t.qtype, -1) == 16);
  CHECK(count_of(t.rcode, -1) == 686);
  CHECK(count_of(t.rcode, 0) == 231);
  CHECK(count_of(t.rcode, 3) == 23);
  CHECK(count_of(t.rcode, 2) == 2);
  CHECK(finite_ttls(t) == 227);
  CHECK(ttl_sum(t) == 1121875.0);
  CHECK(*std::min_element(t.ttl.begin(), t.ttl.end(), [](double a, double b) {
    return std::isfinite(a) && (!std::isfinite(b) || a < b);
  }) == 1.0);
  CHECK(t.ts.front() == 1610645203.325590);
  CHECK(t.ts.back() == 1610658427.881397);
  const double sum = std::accumulate(t.ts.begin(), t.ts.end(), 0.0);
  CHECK(std::abs(sum - 1517234905797.0515) < 1e-2);
  const auto groups = group_by_client_qname(t);
  check_groups(groups, t);
  CHECK(groups.size() == 125);
  CHECK(t.clients[groups[0].key.client] == "fe80::c8f:f724:910a:bb99");
  CHECK(t.qnames[groups[0].key.qname] == "_homekit._tcp.local");
  CHECK(groups[0].times.size() == 246);
  CHECK(t.clients[groups[1].key.client] == "192.168.0.20");
  CHECK(groups[1].times.size() == 242);
  CHECK(t.qnames[groups[2].key.qname] == "_sleep-proxy._udp.local");
  CHECK(groups[2].times.size() == 54);
}

TEST_CASE("real zeek log: CTU Simda botnet, unset queries rejected") {
  const std::string path = shared_file("ctu-botnet-355-1-simda-dns/dns.log");
  if (path.empty()) return;
  const LogTable t = read_log(path);
  check_accounting(t);
  CHECK(t.lines_read == 1000);  // no #close: the upstream file was cut at 1,000 lines
  CHECK(t.lines_used == 980);
  CHECK(t.lines_rejected == 12);
  CHECK(t.lines_meta == 8);
  REQUIRE(t.rejected.size() == 12);
  CHECK(t.rejected[0].line == 313);
  CHECK(t.rejected[0].reason == "query: unset");
  CHECK(t.clients.size() == 5);
  CHECK(t.qnames.size() == 368);
  CHECK(group_by_client_qname(t).size() == 402);
}

TEST_CASE("real zeek log: WRCCDC 2018, 53,615 rows with a #close footer") {
  const std::string path = shared_file("wrccdc-2018-zeek-dns/dns.log");
  if (path.empty()) return;
  const LogTable t = read_log(path);
  check_accounting(t);
  CHECK(t.lines_read == 53624);
  CHECK(t.lines_used + t.lines_rejected == 53615);
  CHECK(t.lines_used == 53613);
  CHECK(t.lines_meta == 9);
  REQUIRE(t.rejected.size() == 2);
  CHECK(t.rejected[0].line == 43082);
  CHECK(t.rejected[1].line == 43083);
  CHECK(t.clients.size() == 77);
  CHECK(t.qnames.size() == 1650);  // includes "" from the 12 root "(empty)" NS queries
  CHECK(t.qtypes.size() == 10);
  CHECK(count_of(t.qtype, -1) == 7);
  CHECK(count_of(t.rcode, -1) == 9497);
  CHECK(count_of(t.rcode, 0) == 42010);
  CHECK(count_of(t.rcode, 3) == 2095);
  CHECK(finite_ttls(t) == 39682);
  CHECK(ttl_sum(t) == 153356706.0);
  CHECK(t.ts.front() == 1521911720.865716);
  const auto groups = group_by_client_qname(t);
  check_groups(groups, t);
  CHECK(groups.size() == 3368);
  CHECK(t.clients[groups[0].key.client] == "10.47.2.100");
  CHECK(t.qnames[groups[0].key.qname] == "ise.wrccdc.org");
  CHECK(groups[0].times.size() == 7290);
  const GroupedTimes* poller = find_group(groups, t, "10.47.5.155", "ise.wrccdc.org");
  REQUIRE(poller != nullptr);
  CHECK(poller->times.size() == 1116);
  CHECK(poller->times.front() == 1521911744.348904);
  CHECK(poller->times.back() == 1521912978.180471);
}

TEST_CASE("real csv exports: Pi-hole (local date-times) and a Slips capture") {
  const std::string pihole = shared_file("pihole-home-day-2025-08-13/pihole-yesterday.csv");
  if (!pihole.empty()) {
    const LogTable t = read_log(pihole);
    check_accounting(t);
    CHECK(t.format == tealeaves::ingest::LogFormat::pihole);  // its header is recognised
    CHECK(t.lines_read == 5226);
    CHECK(t.lines_used == 5225);
    CHECK(t.lines_meta == 1);
    CHECK(t.lines_rejected == 0);
    CHECK(t.ts.front() == 1755047135.0);  // "2025-08-13 01:05:35" read as UTC
    CHECK(t.ts.back() == 1755129587.0);
    CHECK(std::all_of(t.local.begin(), t.local.end(), [](auto v) { return v == 1; }));
    // FTL type codes 2, 1, 6, 4, 16 in first-seen order, as names.
    CHECK(t.qtypes == std::vector<std::string>{"AAAA", "A", "PTR", "SRV", "HTTPS"});
    // Counts from SOURCE.md: 1:2136, 2:1933, 16:1075, 6:73, 4:8.
    CHECK(count_of(t.qtype, 0) == 1933);
    CHECK(count_of(t.qtype, 1) == 2136);
    CHECK(count_of(t.qtype, 2) == 73);
    CHECK(count_of(t.qtype, 3) == 8);
    CHECK(count_of(t.qtype, 4) == 1075);
    // Read as plain CSV with as_written codes, the numbers stay; Eastern daylight time shifts by 4
    // h.
    tealeaves::ingest::ReadOptions plain;
    plain.format = tealeaves::ingest::LogFormat::csv;
    plain.utc_offset = -4 * 3600.0;
    plain.qtype_codes = tealeaves::ingest::QtypeCodes::as_written;
    const LogTable c = read_log(pihole, plain);
    CHECK(c.qtypes == std::vector<std::string>{"2", "1", "6", "4", "16"});
    CHECK(c.ts.front() == 1755047135.0 + 4 * 3600.0);
    const auto groups = group_by_client_qname(t);
    CHECK(groups.size() == 290);
    CHECK(t.qnames[groups[0].key.qname] == "privacy.aurasvc.io");
    CHECK(groups[0].times.size() == 814);
  }
  const std::string slips = shared_file("slips-test-cc-beacon-pcaps/capture2_dns_messages.csv");
  if (!slips.empty()) {
    const LogTable t = read_log(slips);
    check_accounting(t);
    CHECK(t.lines_used == 495);
    CHECK(t.ts.front() == 1707834878.788187);
    CHECK(count_of(t.rcode, 3) == 117);
    const auto groups = group_by_client_qname(t);
    CHECK(groups.size() == 407);
    const GroupedTimes* beacon = find_group(groups, t, "147.32.80.37", "testing.com");
    REQUIRE(beacon != nullptr);
    CHECK(beacon->times.size() == 23);
  }
}
