// BIND query logs, Pi-hole exports, CSV column mappings, wall-clock offsets, and the malformed
// fixtures of every format (tests/data/ingest/malformed, expectations in EXPECTED.tsv written by
// hand beside them): counted rejections with reasons, never a crash, names kept byte for byte.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ingest_helpers.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/ingest/log.hpp"

using tealeaves::ingest::LogFormat;
using tealeaves::ingest::LogTable;
using tealeaves::ingest::parse_log;
using tealeaves::ingest::read_log;
using tealeaves::ingest::ReadOptions;
using namespace tealeaves::testing;

namespace {

const std::string malformed = TEALEAVES_SOURCE_DIR "/tests/data/ingest/malformed/";

// 13-Aug-2025 00:00:00 UTC, computed by hand: 20313 days after 1970-01-01.
constexpr double aug13 = 20313.0 * 86400.0;

ReadOptions with_format(LogFormat format) {
  ReadOptions o;
  o.format = format;
  return o;
}

ReadOptions mapped_csv() {
  ReadOptions o = with_format(LogFormat::csv);
  o.columns.ts = "when";
  o.columns.client = "HOST";  // header names match case-insensitively
  o.columns.qname = "name";
  o.columns.qtype = "kind";
  o.columns.rcode = "result";
  return o;
}

struct Expected {
  std::string outcome, reason;
};

// file -> line -> expectation, from EXPECTED.tsv.
std::map<std::string, std::map<std::size_t, Expected>> expectations() {
  std::ifstream in(malformed + "EXPECTED.tsv");
  REQUIRE(in.good());
  std::map<std::string, std::map<std::size_t, Expected>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, number, outcome, reason;
    std::getline(fields, file, '\t');
    std::getline(fields, number, '\t');
    std::getline(fields, outcome, '\t');
    std::getline(fields, reason);
    out[file][std::stoul(number)] = {outcome, reason};
  }
  return out;
}

}  // namespace

TEST_CASE("bind: the query-log forms of BIND 9.9 to 9.18, exact values") {
  const std::string text =
      "13-Aug-2025 01:05:35.123 client @0x7f3a2c0e1d40 192.168.1.5#53712 (example.com): query: "
      "example.com IN A +E(0)K (192.168.1.1)\n"
      "13-Aug-2025 01:05:36.001 queries: info: client @0x7f 192.168.1.5#53713 (example.com): "
      "view internal: query: example.com IN AAAA +E(0)DK (192.168.1.1)\n"
      "13-Aug-2025 01:05:37 client 10.0.0.9#1053: query: old.example IN MX -\n"
      "\n"
      "13-Aug-2025 01:05:38.5 client 2001:db8::5#40000 (v6.test): query: v6.test IN HTTPS +E(0) "
      "(2001:db8::1)\n"
      "2025-08-13T01:05:39.250Z queries: info: client @0x1 192.168.1.6#5300 (iso.test): query: "
      "iso.test CH TXT + (127.0.0.1)\n"
      "31-Dec-2024 23:59:59.999 info: client 10.0.0.9#1 (x): query: x IN TYPE65 +\n";
  const LogTable t = parse_log(text);
  check_accounting(t);
  CHECK(t.format == LogFormat::bind);
  CHECK(t.lines_read == 7);
  CHECK(t.lines_used == 6);
  CHECK(t.lines_meta == 1);
  CHECK(t.lines_rejected == 0);
  CHECK(std::abs(t.ts[0] - (aug13 + 3935.123)) < 1e-6);
  CHECK(t.ts[1] == aug13 + 3936.001);
  CHECK(t.ts[2] == aug13 + 3937.0);
  CHECK(t.ts[3] == aug13 + 3938.5);
  CHECK(t.ts[4] == aug13 + 3939.25);
  CHECK(t.ts[5] == aug13 - 86400.0 * 224 - 0.001);  // 2025-01-01 is 224 days before
  CHECK(t.clients ==
        std::vector<std::string>{"192.168.1.5", "10.0.0.9", "2001:db8::5", "192.168.1.6"});
  CHECK(qname_of(t, 1) == "example.com");
  CHECK(qname_of(t, 2) == "old.example");
  CHECK(qname_of(t, 4) == "iso.test");
  CHECK(t.qtypes == std::vector<std::string>{"A", "AAAA", "MX", "HTTPS", "TXT", "TYPE65"});
  CHECK(t.local == std::vector<std::uint8_t>{1, 1, 1, 1, 0, 1});  // the ISO "Z" row is exact
  for (std::size_t i = 0; i < t.lines_used; ++i) {
    CHECK(t.rcode[i] == -1);
    CHECK(std::isnan(t.ttl[i]));
  }
  CHECK(tealeaves::ingest::parse_log_format("querylog") == LogFormat::bind);
  CHECK(tealeaves::ingest::parse_log_format("pihole") == LogFormat::pihole);
  CHECK(tealeaves::ingest::format_name(LogFormat::bind) == "bind");
}

TEST_CASE("utc_offset shifts wall-clock times only, and is range-checked") {
  const std::string text =
      "13-Aug-2025 01:05:35 client 10.0.0.1#1: query: a.test IN A +\n"
      "2025-08-13T01:05:35Z client 10.0.0.1#1: query: a.test IN A +\n";
  ReadOptions o;
  o.utc_offset = -4 * 3600.0;  // EDT
  const LogTable t = parse_log(text, o);
  CHECK(t.ts[0] == aug13 + 3935.0 + 4 * 3600.0);
  CHECK(t.ts[1] == aug13 + 3935.0);
  // The same on CSV (naive vs zoned vs epoch) and Zeek JSON ISO strings.
  const LogTable c = parse_log(
      "ts,client,qname\n2025-08-13 01:05:35,a,b\n2025-08-13 01:05:35+00:00,a,b\n1755047135,a,b\n",
      o);
  CHECK(c.ts == std::vector<double>{aug13 + 3935.0 + 14400.0, aug13 + 3935.0, aug13 + 3935.0});
  CHECK(c.local == std::vector<std::uint8_t>{1, 0, 0});
  const LogTable j =
      parse_log("{\"ts\":\"2025-08-13T01:05:35\",\"id.orig_h\":\"a\",\"query\":\"b\"}\n", o);
  CHECK(j.ts == std::vector<double>{aug13 + 3935.0 + 14400.0});
  o.utc_offset = 19 * 3600.0;
  CHECK(starts_with(error_of([&] { parse_log(text, o); }), "utc_offset: must be finite"));
  o.utc_offset = std::nan("");
  CHECK(starts_with(error_of([&] { parse_log(text, o); }), "utc_offset: must be finite"));
}

TEST_CASE("bind: strict mode, and detection never mistakes other formats for it") {
  ReadOptions strict = with_format(LogFormat::bind);
  strict.strict = true;
  CHECK(error_of([&] {
          parse_log(
              "13-Aug-2025 01:05:35 client 10.0.0.1#1: query: a.test IN A +\n"
              "13-Aug-2025 01:05:36 client 10.0.0.1#1: query: a.test IN\n",
              strict);
        }) == "line 2: qtype: missing (truncated)");
  CHECK(parse_log("ts,client,qname\n").format == LogFormat::csv);
  CHECK(parse_log("TIME,Client,Domain,Type,Status\n").format == LogFormat::pihole);
  CHECK(parse_log("\"time\",\"client\",\"domain\",\"type\",\"status\"\n").format ==
        LogFormat::pihole);
  CHECK(parse_log("time,client,domain,type\n").format == LogFormat::csv);
  // A CSV header that merely mentions "client" and "query: " is not BIND without a BIND time.
  CHECK(parse_log("ts, client ,qname, query: y\n").format == LogFormat::csv);
}

TEST_CASE("pihole: FTL qtype codes by name, unknown codes kept, and the choice can be forced") {
  CHECK(tealeaves::ingest::pihole_qtype_name(1) == "A");
  CHECK(tealeaves::ingest::pihole_qtype_name(2) == "AAAA");
  CHECK(tealeaves::ingest::pihole_qtype_name(13) == "NS");
  CHECK(tealeaves::ingest::pihole_qtype_name(16) == "HTTPS");
  CHECK(tealeaves::ingest::pihole_qtype_name(0).empty());
  CHECK(tealeaves::ingest::pihole_qtype_name(17).empty());
  const std::string text =
      "time,client,domain,type,status\n"
      "2025-08-13 00:00:01,c,a.test,1,2\n"
      "2025-08-13 00:00:02,c,a.test,15,2\n"
      "2025-08-13 00:00:03,c,a.test,42,2\n"
      "2025-08-13 00:00:04,c,a.test,MX,2\n"
      "2025-08-13 00:00:05,c,a.test,,2\n";
  const LogTable t = parse_log(text);
  check_accounting(t);
  CHECK(t.format == LogFormat::pihole);
  CHECK(t.qtypes == std::vector<std::string>{"A", "SVCB", "FTL42", "MX"});
  CHECK(t.qtype == std::vector<std::int32_t>{0, 1, 2, 3, -1});
  // Pi-hole's exact header decodes the codes even when the format is forced to csv.
  CHECK(parse_log(text, with_format(LogFormat::csv)).qtypes == t.qtypes);
  ReadOptions raw;
  raw.qtype_codes = tealeaves::ingest::QtypeCodes::as_written;
  CHECK(parse_log(text, raw).qtypes == std::vector<std::string>{"1", "15", "42", "MX"});
  ReadOptions decode = with_format(LogFormat::csv);
  decode.qtype_codes = tealeaves::ingest::QtypeCodes::pihole;
  CHECK(parse_log("ts,client,qname,qtype\n1,c,a,12\n", decode).qtypes ==
        std::vector<std::string>{"DNSKEY"});
}

TEST_CASE("csv column mapping: explicit names win over aliases; bad mappings name columns") {
  ReadOptions o = with_format(LogFormat::csv);
  o.columns.ts = "Seen";
  o.columns.qname = "name";
  // Without the mapping "domain" would be the qname by alias priority... but "name" is chosen,
  // and "time" stays unused because ts is mapped elsewhere.
  const LogTable t = parse_log("time,seen,client,domain,name\n1,2,c,d.test,n.test\n", o);
  check_accounting(t);
  CHECK(t.ts == std::vector<double>{2.0});
  CHECK(t.qnames == std::vector<std::string>{"n.test"});
  ReadOptions missing = with_format(LogFormat::csv);
  missing.columns.qtype = "kind";
  CHECK(error_of([&] { parse_log("ts,client,qname\n", missing); }) ==
        "columns: qtype: no column 'kind' in the CSV header at line 1; found: ts, client, qname");
  ReadOptions twice = with_format(LogFormat::csv);
  twice.columns.client = "x";
  twice.columns.qname = "X";
  CHECK(error_of([&] { parse_log("ts,x\n", twice); }) ==
        "columns: 'X' is mapped to both client and qname");
  // A mapped column's name is used in reasons, as the header spells it.
  ReadOptions when = with_format(LogFormat::csv);
  when.columns.ts = "when";
  const LogTable r = parse_log("When,client,qname\nyesterday,c,q\n", when);
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].reason == "When: cannot parse 'yesterday' as a time");
}

TEST_CASE("malformed fixtures of every format: each line's fate and reason as written down") {
  const auto expected = expectations();
  CHECK(expected.size() == 5);
  const std::map<std::string, ReadOptions> options = {
      {"dns.log", with_format(LogFormat::automatic)},
      {"dns.json", with_format(LogFormat::automatic)},
      {"pihole.csv", with_format(LogFormat::automatic)},
      {"query.log", with_format(LogFormat::automatic)},
      {"mapped.csv", mapped_csv()}};
  const std::map<std::string, LogFormat> formats = {{"dns.log", LogFormat::zeek_tsv},
                                                    {"dns.json", LogFormat::zeek_json},
                                                    {"pihole.csv", LogFormat::pihole},
                                                    {"query.log", LogFormat::bind},
                                                    {"mapped.csv", LogFormat::csv}};
  for (const auto& [file, lines] : expected) {
    CAPTURE(file);
    const LogTable t = read_log(malformed + file, options.at(file));
    check_accounting(t);
    CHECK(t.format == formats.at(file));
    CHECK(t.lines_read == lines.size());
    std::size_t used = 0, meta = 0;
    std::vector<std::pair<std::size_t, std::string>> rejects;
    for (const auto& [number, e] : lines) {
      if (e.outcome == "used") ++used;
      if (e.outcome == "meta") ++meta;
      if (e.outcome == "rejected") rejects.emplace_back(number, e.reason);
    }
    CHECK(t.lines_used == used);
    CHECK(t.lines_meta == meta);
    REQUIRE(t.rejected.size() == rejects.size());
    for (std::size_t i = 0; i < rejects.size(); ++i) {
      CAPTURE(t.rejected[i].reason);
      CHECK(t.rejected[i].line == rejects[i].first);
      CHECK(starts_with(t.rejected[i].reason, rejects[i].second));
      CHECK(t.rejected[i].reason.size() < 200);  // quoted values are cut, never the whole line
    }
    // Hostile and non-UTF-8 names are kept byte for byte.
    const auto& q = t.qnames;
    CHECK(std::find(q.begin(), q.end(), "<script>alert(1)</script>.evil.test") != q.end());
    CHECK(std::find(q.begin(), q.end(), std::string("nul\0inside.test", 15)) != q.end());
    CHECK(std::find(q.begin(), q.end(), "caf\xe9-\xff\xfe.test") != q.end());
    const auto longest =
        std::max_element(q.begin(), q.end(), [](auto& a, auto& b) { return a.size() < b.size(); });
    CHECK(longest->size() == 63 + 1 + 40 * 63 + 39 + 5);
  }
}

TEST_CASE("mutated lines of every format: accounting holds and nothing crashes") {
  // Random byte edits (deletions, NULs, high bytes, separators, truncation) of valid lines.
  const std::vector<std::pair<LogFormat, std::string>> cases = {
      {LogFormat::bind,
       "13-Aug-2025 01:05:35.123 queries: info: client @0x7f 192.168.1.5#53712 (a.test): view "
       "v: query: a.test IN A +E(0)K (192.168.1.1)"},
      {LogFormat::pihole, "\"2025-08-13 01:05:35\",192.168.1.164,a.test,16,2"},
      {LogFormat::csv, "2025-08-13T01:05:35+02:00,c,\"a,\"\"b\",A,NOERROR,60"},
      {LogFormat::zeek_json,
       "{\"ts\":\"2025-08-13T01:05:35Z\",\"id.orig_h\":\"c\",\"query\":\"a\\u0041\",\"TTLs\":[1,2]"
       "}"},
      {LogFormat::zeek_tsv, "1755047135.5\tC1\tc\ta.test\tA\t0\t300,60"}};
  const std::map<LogFormat, std::string> headers = {
      {LogFormat::bind, ""},
      {LogFormat::pihole, "time,client,domain,type,status\n"},
      {LogFormat::csv, "ts,client,qname,qtype,rcode,ttl\n"},
      {LogFormat::zeek_json, ""},
      {LogFormat::zeek_tsv, "#fields\tts\tuid\tid.orig_h\tquery\tqtype_name\trcode\tTTLs\n"}};
  const std::string alphabet = std::string("\0\t ,\"#:{}[]\\-.()@\xff\x80", 20);
  tealeaves::Rng rng(20250813, 7);
  for (const auto& [format, line] : cases) {
    CAPTURE(tealeaves::ingest::format_name(format));
    std::string text = headers.at(format);
    const std::size_t n = 400;
    for (std::size_t k = 0; k < n; ++k) {
      std::string m = line;
      const std::size_t edits = 1 + rng.below(3);
      for (std::size_t e = 0; e < edits && !m.empty(); ++e) {
        const std::size_t at = rng.below(m.size());
        switch (rng.below(4)) {
          case 0: m.erase(at, 1); break;
          case 1: m[at] = alphabet[rng.below(alphabet.size())]; break;
          case 2: m.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
          default: m.resize(at); break;
        }
      }
      text += m + "\n";
    }
    text += line + "\n" + std::string(1 << 20, 'x') + "\n";  // one clean line, one of 1 MiB
    const LogTable t = parse_log(text, with_format(format));
    check_accounting(t);
    CHECK(t.lines_read == n + 2 + (headers.at(format).empty() ? 0 : 1));
    CHECK(t.lines_used >= 1);
    CHECK(t.lines_rejected >= 1);
    CHECK(t.rejected.back().line == t.lines_read);  // the 1 MiB line, rejected
  }
}
