// Log readers on small texts whose every value is known: exact values, rejects with their line
// numbers and reasons, the line accounting, strict mode and format detection.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "ingest_helpers.hpp"
#include "tealeaves/ingest/log.hpp"

using tealeaves::ingest::LogFormat;
using tealeaves::ingest::LogTable;
using tealeaves::ingest::parse_log;
using tealeaves::ingest::parse_timestamp;
using tealeaves::ingest::read_log;
using tealeaves::ingest::ReadOptions;
using namespace tealeaves::testing;

namespace {

const std::string fixtures = TEALEAVES_SOURCE_DIR "/tests/data/ingest/";

void check_rejects(const LogTable& t,
                   const std::vector<std::pair<std::size_t, std::string>>& want) {
  REQUIRE(t.rejected.size() == want.size());
  CHECK(t.lines_rejected == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(t.rejected[i].line == want[i].first);
    CHECK(t.rejected[i].reason == want[i].second);
  }
}

}  // namespace

TEST_CASE("format names parse, and an unknown one names the argument") {
  CHECK(tealeaves::ingest::parse_log_format("auto") == LogFormat::automatic);
  CHECK(tealeaves::ingest::parse_log_format("zeek") == LogFormat::zeek_tsv);
  CHECK(tealeaves::ingest::parse_log_format("zeek-tsv") == LogFormat::zeek_tsv);
  CHECK(tealeaves::ingest::parse_log_format("zeek-json") == LogFormat::zeek_json);
  CHECK(tealeaves::ingest::parse_log_format("json") == LogFormat::zeek_json);
  CHECK(tealeaves::ingest::parse_log_format("csv") == LogFormat::csv);
  CHECK(tealeaves::ingest::format_name(LogFormat::zeek_json) == "zeek-json");
  CHECK(starts_with(error_of([] { tealeaves::ingest::parse_log_format("xml"); }),
                    "format: unknown log format 'xml'"));
}

TEST_CASE("timestamps: epoch numbers and ISO date-times with offsets and leap days") {
  CHECK(*parse_timestamp("1521911720.870123") == 1521911720.870123);
  CHECK(*parse_timestamp("1.7e9") == 1.7e9);
  CHECK(*parse_timestamp("-1.5") == -1.5);
  CHECK(*parse_timestamp("1970-01-01T00:00:00Z") == 0.0);
  CHECK(*parse_timestamp("1969-12-31 23:59:59") == -1.0);
  CHECK(std::abs(*parse_timestamp("2018-03-24T17:15:20.870123Z") - 1521911720.870123) < 1e-6);
  CHECK(std::abs(*parse_timestamp("2018-03-24t17:15:20,5z") - 1521911720.5) < 1e-9);
  CHECK(*parse_timestamp("2024-02-29T12:00:00+05:30") == 1709188200.0);
  CHECK(*parse_timestamp("2024-02-28T20:00:00-0800") == 1709179200.0);
  CHECK(*parse_timestamp("2024-02-28T20:00:00-08") == 1709179200.0);
  CHECK(*parse_timestamp("2000-02-29 00:00:00") == 951782400.0);
  CHECK(*parse_timestamp("2100-02-28T23:59:59Z") == 4107542399.0);
  // Nanoseconds are read; digits beyond them are accepted and ignored.
  CHECK(std::abs(*parse_timestamp("1970-01-01T00:00:00.1234567891234Z") - 0.123456789) < 1e-12);
  for (const char* bad :
       {"2023-02-29 00:00:00", "2100-02-29T00:00:00Z", "2024-13-01T00:00:00", "2024-04-31T00:00:00",
        "2024-01-01T24:00:00", "2024-01-01T00:60:00", "2016-12-31T23:59:60Z", "2024-01-01",
        "2024-01-01T00:00:00Zjunk", "2024-01-01T00:00:00+5", "2024-01-01T00:00:00.Z", "inf", "nan",
        "", "12abc", "0x10", "1e999", " 12"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_timestamp(bad).has_value());
  }
}

TEST_CASE("zeek tsv: values, dictionaries, unset and empty fields, a second log appended") {
  const LogTable t = read_log(fixtures + "dns_small.log");
  check_accounting(t);
  CHECK(t.format == LogFormat::zeek_tsv);
  CHECK(t.lines_read == 28);
  CHECK(t.lines_used == 7);
  CHECK(t.lines_meta == 15);
  check_rejects(t, {{11, "query: unset"},
                    {13, "ts: cannot parse 'notanumber' as a time"},
                    {14, "expected 9 fields, found 5 (is the #separator right?)"},
                    {17, "rcode: cannot parse 'x'"},
                    {18, "TTLs: cannot parse 'abc,5' as numbers separated by ','"},
                    {27, "query: unset"}});
  CHECK(t.clients == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  CHECK(t.qnames == std::vector<std::string>{"example.com", "evil.test", ""});
  CHECK(t.qtypes == std::vector<std::string>{"A", "AAAA", "16", "NS"});
  CHECK(t.ts == std::vector<double>{1700000000.000001, 1700000030.5, 1700000011, 1700000013,
                                    1700000020, 1700000100.5, 1700000102});
  CHECK(t.client == std::vector<std::int32_t>{0, 0, 1, 1, 1, 2, 0});
  CHECK(t.qname == std::vector<std::int32_t>{0, 0, 1, 1, 2, 0, 0});
  CHECK(t.qtype == std::vector<std::int32_t>{0, 1, 0, 2, 3, -1, -1});
  CHECK(t.rcode == std::vector<std::int32_t>{0, 0, 3, -1, 0, -1, -1});
  CHECK(t.ttl[0] == 60.0);      // the minimum of 300, 60
  CHECK(std::isnan(t.ttl[1]));  // (empty) vector
  CHECK(std::isnan(t.ttl[2]));
  CHECK(t.ttl[5] == 20.0);      // ';'-separated set after the second #separator
  CHECK(std::isnan(t.ttl[6]));  // 'NA' is that log's unset marker
}

TEST_CASE("zeek tsv: data before #fields, #fields that move columns, custom separators") {
  const std::string text =
      "1.0\ta\tb\n"
      "#fields\tquery\tts\tid.orig_h\n"
      "x.org\t5.25\th1\n"
      "#fields\tid.orig_h\tts\tquery\tqtype\n"
      "h2\t6.5\ty.org\t28\n";
  const LogTable t = parse_as(text, LogFormat::zeek_tsv);
  check_accounting(t);
  check_rejects(t, {{1, "no #fields header before this data line"}});
  CHECK(t.ts == std::vector<double>{5.25, 6.5});
  CHECK(client_of(t, 0) == "h1");
  CHECK(qname_of(t, 1) == "y.org");
  CHECK(qtype_of(t, 0) == "<none>");
  CHECK(qtype_of(t, 1) == "28");

  const LogTable pipes = parse_log(
      "#separator \\x7c\\x7c\n#unset_field||?\n#fields||ts||id.orig_h||query||rcode\n"
      "7||c||q.net||?\n8||c||?||0\n");
  check_accounting(pipes);
  CHECK(pipes.format == LogFormat::zeek_tsv);
  CHECK(pipes.ts == std::vector<double>{7.0});
  CHECK(pipes.rcode == std::vector<std::int32_t>{-1});
  check_rejects(pipes, {{5, "query: unset"}});
}

TEST_CASE("zeek tsv: a #fields line without a needed column is an error naming the source") {
  const std::string message = error_of([] { parse_log("#separator \\x09\n#fields\tts\tquery\n"); });
  CHECK(message == "text: Zeek #fields at line 2 lacks the id.orig_h column; found: ts, query");
  CHECK(starts_with(error_of([] { parse_log("#fields\tts\tts\tid.orig_h\tquery\n"); }),
                    "text: Zeek #fields at line 1 repeats the column ts"));
}

TEST_CASE("zeek json: values, escapes, ISO timestamps, nested values skipped") {
  const LogTable t = read_log(fixtures + "dns_small.json");
  check_accounting(t);
  CHECK(t.format == LogFormat::zeek_json);
  CHECK(t.lines_read == 12);
  CHECK(t.lines_used == 6);
  CHECK(t.lines_meta == 1);
  check_rejects(t, {{3, "query: null (unset)"},
                    {5, "invalid JSON object: expected a string at column 61"},
                    {6, "invalid JSON object: expected '{' at column 1"},
                    {7, "ts: cannot parse 'yesterday' as a time"},
                    {9, "TTLs: expected an array of numbers"}});
  CHECK(t.clients == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(t.qnames == std::vector<std::string>{"example.com", "caf\xC3\xA9.test",
                                             "\xF0\x9F\x98\x80.example", "tab\tin.test",
                                             "esc\"aped\\.test"});
  CHECK(t.qtypes == std::vector<std::string>{"A", "AAAA", "1"});
  CHECK(t.ts[0] == 1700000000.000001);
  CHECK(t.ts[1] == 1700000030.5);
  CHECK(t.ts[2] == 1700000011.0);
  CHECK(std::abs(t.ts[3] - 1700000030.25) < 1e-6);  // 23:13:50.25+01:00
  CHECK(t.qtype == std::vector<std::int32_t>{0, 1, 2, -1, -1, -1});
  CHECK(t.rcode == std::vector<std::int32_t>{0, 0, 3, 3, -1, -1});
  CHECK(t.ttl[0] == 60.0);
  CHECK(std::isnan(t.ttl[1]));  // empty array
  CHECK(t.ttl[3] == 7.0);       // min of 7 and 3.5e1
}

TEST_CASE("zeek json: the scanner is strict") {
  const std::string good = R"("id.orig_h":"h","query":"q")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"ts":1,)" + good + "} x", "text after the object at column 38"},
      {R"({"ts":01,)" + good + "}", "expected ',' or '}' at column 8"},
      {R"({"ts":1.,)" + good + "}", "invalid number at column 9"},
      {R"({"ts":-,)" + good + "}", "invalid number at column 8"},
      {R"({"ts":1e,)" + good + "}", "invalid number at column 9"},
      {R"({"ts":1,"id.orig_h":"h","query":"q)", "unterminated string at column 35"},
      {R"({"ts":1,"id.orig_h":"h","query":"\q"})", "invalid escape at column 35"},
      {R"({"ts":1,"id.orig_h":"h","query":"\udc00"})",
       "unpaired surrogate in \\u escape at column 40"},
      {R"({"ts":1,"id.orig_h":"h","query":"\ud800x"})",
       "unpaired surrogate in \\u escape at column 40"},
      {R"({"ts":1,"id.orig_h":"h","query":"\u12G4"})", "invalid \\u escape at column 38"},
      {"{\"ts\":1,\"id.orig_h\":\"h\",\"query\":\"a\tb\"}",
       "control character in string at column 35"},
      {R"({"ts":tru,)" + good + "}", "invalid literal at column 7"},
      {R"({"ts" 1})", "expected ':' at column 7"},
      {R"({"ts":})", "unexpected character at column 7"},
      {R"({"ts":)", "missing value at column 7"},
      {R"([1,2])", "expected '{' at column 1"},
      {R"({"ts":1 "query":"q"})", "expected ',' or '}' at column 9"},
      {"{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}",
       "nesting too deep at column 70"},
  };
  for (const auto& [line, reason] : cases) {
    CAPTURE(line);
    const LogTable t = parse_as(line, LogFormat::zeek_json);
    check_accounting(t);
    REQUIRE(t.rejected.size() == 1);
    CHECK(t.rejected[0].reason == "invalid JSON object: " + reason);
  }
  const LogTable ok = parse_as(
      " { \"ts\" : -1.5e+2 , \"id.orig_h\" : \"h\" , \"query\" : \"q\\/\\u0041\" , "
      "\"x\" : [ ] , \"y\" : { } , \"ts\" : 2 } \r\n",
      LogFormat::zeek_json);
  CHECK(ok.lines_used == 1);
  CHECK(ok.ts[0] == 2.0);  // a repeated key: the last one wins
  CHECK(qname_of(ok, 0) == "q/A");
  const LogTable types = parse_log(
      "{\"ts\":true,\"id.orig_h\":\"h\",\"query\":\"q\"}\n{\"ts\":1,\"query\":\"q\"}\n"
      "{\"ts\":1,\"id.orig_h\":\"h\",\"query\":5}\n{\"ts\":1,\"id.orig_h\":\"h\",\"query\":\"q\","
      "\"rcode\":1.5}\n{\"ts\":1,\"id.orig_h\":\"h\",\"query\":\"q\",\"TTLs\":3}\n");
  check_rejects(types, {{1, "ts: expected a number or a date-time string, found a boolean"},
                        {2, "id.orig_h: expected a string, found missing"},
                        {3, "query: expected a string, found a number"},
                        {4, "rcode: cannot parse '1.5'"},
                        {5, "TTLs: expected an array of numbers"}});
}

TEST_CASE("reasons quote at most 40 bytes of a value, never splitting a UTF-8 character") {
  std::string e_acute_25;
  for (int i = 0; i < 25; ++i) e_acute_25 += "\xC3\xA9";
  const LogTable t =
      parse_log("{\"ts\":\"a" + e_acute_25 + "\",\"id.orig_h\":\"h\",\"query\":\"q\"}");
  REQUIRE(t.rejected.size() == 1);
  CHECK(t.rejected[0].reason ==
        "ts: cannot parse 'a" + e_acute_25.substr(0, 38) + "...' as a time");
}

TEST_CASE("csv: aliases, quoting, date-times, mnemonic rcodes, CRLF") {
  const LogTable t = read_log(fixtures + "small.csv");
  check_accounting(t);
  CHECK(t.format == LogFormat::csv);
  CHECK(t.lines_read == 14);
  CHECK(t.lines_used == 6);
  CHECK(t.lines_meta == 3);
  check_rejects(t, {{6, "expected 7 fields, found 8"},
                    {7, "Time: cannot parse 'bad-time' as a time"},
                    {8, "Client: empty"},
                    {9, "field 3: unterminated quote (quoted line breaks are not supported)"},
                    {10, "RCode: cannot parse 'oops'"}});
  CHECK(t.ts[0] == 1700000000.000001);
  CHECK(std::abs(t.ts[1] - 1700000030.5) < 1e-6);
  CHECK(t.ts[2] == 1700000031.0);
  CHECK(t.ts[3] == 1700000016.0);
  CHECK(t.ts[4] == 1709164800.0);  // 2024-02-29, no offset: UTC
  CHECK(t.ts[5] == 1700000017.0);
  CHECK(t.clients == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  CHECK(t.qnames == std::vector<std::string>{"example.com", "evil.test", "leap.test"});
  CHECK(t.qtypes == std::vector<std::string>{"A", "AAAA"});
  CHECK(t.qtype == std::vector<std::int32_t>{0, 1, -1, 0, 0, 0});
  CHECK(t.rcode == std::vector<std::int32_t>{0, 0, 3, 3, 0, 0});
  CHECK(t.ttl[0] == 300.0);
  CHECK(std::isnan(t.ttl[1]));
  CHECK(t.ttl[2] == 60.5);
  CHECK(t.ttl[3] == 100.0);
}

TEST_CASE("csv: header aliases by priority, a BOM, malformed quoting") {
  const LogTable t = parse_log(
      "\xEF\xBB\xBFts_epoch_s,src_ip,query,qtype,QTYPE_NAME\n"
      "1.5,h,\"a,b\",1,A\n"
      "2.5,h,x\"y,1,A\n"
      "3.5,h,\"x\"y,1,A\n"
      "4.5,h,\"\",28,\n"
      "5.5,h,x,28,AAAA,\n");
  check_accounting(t);
  CHECK(t.format == LogFormat::csv);
  check_rejects(t, {{3, "field 3: quote inside an unquoted field"},
                    {4, "field 3: text after the closing quote"},
                    {5, "query: empty"},
                    {6, "expected 5 fields, found 6"}});
  CHECK(qname_of(t, 0) == "a,b");
  CHECK(qtype_of(t, 0) == "A");  // qtype_name is preferred to the number
  CHECK(starts_with(error_of([] { parse_log("when,client,qname\n1,a,b\n"); }),
                    "text: CSV header lacks a ts column; found: when, client, qname"));
  CHECK(starts_with(error_of([] { parse_log("ts,\"client\",domain2\n"); }),
                    "text: CSV header lacks a qname column; found: ts, client, domain2"));
}

TEST_CASE("strict mode throws at the first malformed line, naming it") {
  ReadOptions strict;
  strict.strict = true;
  CHECK(error_of([&] { read_log(fixtures + "dns_small.log", strict); }) == "line 11: query: unset");
  CHECK(error_of([&] { read_log(fixtures + "dns_small.json", strict); }) ==
        "line 3: query: null (unset)");
  CHECK(error_of([&] { read_log(fixtures + "small.csv", strict); }) ==
        "line 6: expected 7 fields, found 8");
  const LogTable clean = parse_as("ts,client,qname\n1,a,b\n", LogFormat::csv, true);
  CHECK(clean.lines_used == 1);
}

TEST_CASE("only the first max_rejected_kept reasons are kept, every reject is counted") {
  ReadOptions o;
  o.max_rejected_kept = 2;
  const LogTable t = parse_log("ts,client,qname\nx,a,b\ny,a,b\n3,a,b\nz,a,b\n", o);
  CHECK(t.lines_rejected == 3);
  CHECK(t.rejected.size() == 2);
  CHECK(t.rejected[1].line == 3);
  CHECK(t.lines_read == t.lines_used + t.lines_rejected + t.lines_meta);
}

TEST_CASE("format detection sniffs the first meaningful line") {
  CHECK(parse_log("\n\n#separator \\x09\n").format == LogFormat::zeek_tsv);
  CHECK(parse_log("# a comment\n#fields\tts\tid.orig_h\tquery\n").format == LogFormat::zeek_tsv);
  CHECK(parse_log("  \n  {\"ts\":1,\"id.orig_h\":\"a\",\"query\":\"b\"}\n").format ==
        LogFormat::zeek_json);
  CHECK(parse_log("# note\nts,client,qname\n").format == LogFormat::csv);
  const LogTable empty = parse_log("");
  CHECK(empty.lines_read == 0);
  CHECK(empty.lines_used == 0);
  const LogTable blank = parse_log("\n \n\t\n");
  CHECK(blank.lines_read == 3);
  CHECK(blank.lines_meta == 3);
  // Forcing a format overrides the sniffing.
  CHECK(error_of([] { parse_as("{\"ts\":1}\n", LogFormat::csv); }) ==
        "text: CSV header at line 1: field 1: quote inside an unquoted field");
  CHECK(parse_as("ts,client,qname\n", LogFormat::zeek_tsv).lines_rejected == 1);
}

TEST_CASE("a final line without a newline counts; the empty tail after one does not") {
  CHECK(parse_log("ts,client,qname\n1,a,b").lines_read == 2);
  CHECK(parse_log("ts,client,qname\n1,a,b\n").lines_read == 2);
  CHECK(parse_log("ts,client,qname\r\n1,a,b\r\n\r\n").lines_read == 3);
}

TEST_CASE("files that cannot be read are errors naming path") {
  CHECK(starts_with(error_of([] { read_log("/nonexistent/dns.log"); }),
                    "path: cannot open '/nonexistent/dns.log': No such file or directory"));
  CHECK(error_of([] { read_log(fixtures); }) == "path: '" + fixtures + "' is a directory");
  ReadOptions as_csv;
  as_csv.format = LogFormat::csv;
  CHECK(starts_with(error_of([&] { read_log(fixtures + "dns_small.log", as_csv); }),
                    "path: CSV header lacks a ts column"));
}
