// Format dispatch, file reading and the table builder shared by the three readers.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "ingest_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::ingest {
namespace detail {

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Pi-hole's query export header, exactly (any letter case, optional quotes).
bool is_pihole_header(std::string_view line) {
  std::string plain;
  for (const char c : line) {
    if (c == '"' || c == ' ') continue;
    plain.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  return plain == "time,client,domain,type,status";
}

std::int32_t Dictionary::code(std::string_view value) {
  if (last_ >= 0 && names_[static_cast<std::size_t>(last_)] == value) return last_;
  auto found = map_.find(value);
  if (found == map_.end()) {
    const auto next = static_cast<std::int32_t>(names_.size());
    found = map_.emplace(std::string(value), next).first;
    names_.emplace_back(value);
  }
  last_ = found->second;
  return last_;
}

TableBuilder::TableBuilder(LogFormat format, const ReadOptions& options, std::size_t expected_rows)
    : options_(options) {
  table_.format = format;
  table_.ts.reserve(expected_rows);
  table_.client.reserve(expected_rows);
  table_.qname.reserve(expected_rows);
  table_.qtype.reserve(expected_rows);
  table_.rcode.reserve(expected_rows);
  table_.ttl.reserve(expected_rows);
  table_.local.reserve(expected_rows);
}

void TableBuilder::add(const Row& row) {
  table_.ts.push_back(row.local ? row.ts - options_.utc_offset : row.ts);
  table_.client.push_back(clients_.code(row.client));
  table_.qname.push_back(qnames_.code(row.qname));
  table_.qtype.push_back(row.has_qtype ? qtypes_.code(row.qtype) : -1);
  table_.rcode.push_back(row.rcode);
  table_.ttl.push_back(row.ttl);
  table_.local.push_back(row.local ? 1 : 0);
  ++table_.lines_used;
}

void TableBuilder::reject(std::size_t line, std::string reason) {
  if (options_.strict) throw_invalid("line " + std::to_string(line), reason);
  ++table_.lines_rejected;
  if (table_.rejected.size() < options_.max_rejected_kept) {
    table_.rejected.push_back({line, std::move(reason)});
  }
}

LogTable TableBuilder::finish(std::size_t lines_read) {
  table_.lines_read = lines_read;
  return std::move(table_);
}

bool parse_double(std::string_view text, double& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(value);
}

bool parse_int(std::string_view text, std::int32_t& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end;
}

bool parse_rcode(std::string_view text, std::int32_t& value) {
  if (parse_int(text, value)) return value >= 0;
  // RFC 1035 / 2136 mnemonics, as Pi-hole and dnstap exports write them.
  static constexpr std::string_view names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                               "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                               "NXRRSET", "NOTAUTH", "NOTZONE"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (text == names[i]) {
      value = static_cast<std::int32_t>(i);
      return true;
    }
  }
  return false;
}

std::string quoted(std::string_view text) {
  std::size_t cut = std::min<std::size_t>(text.size(), 40);
  // Never split a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string out = "'";
  out.append(text.substr(0, cut));
  if (cut < text.size()) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace detail

namespace {

bool starts_with_zeek_directive(std::string_view line) {
  static constexpr std::string_view directives[] = {
      "#separator", "#set_separator", "#empty_field", "#unset_field",
      "#path",      "#open",          "#fields",      "#types"};
  return std::any_of(std::begin(directives), std::end(directives),
                     [&](std::string_view d) { return line.starts_with(d); });
}

LogFormat sniff(std::string_view text) {
  detail::LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (detail::is_blank(line)) continue;
    if (starts_with_zeek_directive(line)) return LogFormat::zeek_tsv;
    if (line.front() == '#') continue;  // a plain comment says nothing about the format
    if (line[line.find_first_not_of(" \t")] == '{') return LogFormat::zeek_json;
    if (detail::looks_like_bind(line)) return LogFormat::bind;
    return detail::is_pihole_header(line) ? LogFormat::pihole : LogFormat::csv;
  }
  return LogFormat::csv;  // empty: any reader gives the same empty table
}

LogTable parse_with_source(std::string_view text, const ReadOptions& options,
                           std::string_view source) {
  require(std::isfinite(options.utc_offset) && std::abs(options.utc_offset) <= 18 * 3600.0,
          "utc_offset", "must be finite and within +-18 hours (64800 s)");
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first line.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const LogFormat format = options.format == LogFormat::automatic ? sniff(text) : options.format;
  // One row per line at most: reserving for all of them avoids regrowing the columns.
  const auto n_lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  detail::TableBuilder builder(format, options, n_lines);
  detail::LineReader lines(text);
  switch (format) {
    case LogFormat::zeek_tsv: detail::parse_zeek_tsv(lines, builder, source); break;
    case LogFormat::zeek_json: detail::parse_zeek_json(lines, builder); break;
    case LogFormat::bind: detail::parse_bind(lines, builder); break;
    case LogFormat::pihole: detail::parse_csv(lines, builder, source, options, true); break;
    case LogFormat::csv:
    case LogFormat::automatic: detail::parse_csv(lines, builder, source, options, false); break;
  }
  return builder.finish(lines.number());
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string read_file(const std::string& path) {
  std::error_code ec;
  // fopen() accepts a directory on Linux and its size is meaningless: say what it is instead.
  if (std::filesystem::is_directory(path, ec))
    throw_invalid("path", "'" + path + "' is a directory");
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw_invalid("path", "cannot open '" + path + "': " + std::generic_category().message(errno));
  }
  std::string content;
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    if (size > 0) content.reserve(static_cast<std::size_t>(size));
    std::rewind(file.get());
  }
  // Read in chunks rather than trusting the size, so pipes and growing files work too.
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) content.append(buffer, n);
  if (std::ferror(file.get())) {
    throw_invalid("path", "cannot read '" + path + "': " + std::generic_category().message(errno));
  }
  return content;
}

}  // namespace

LogFormat parse_log_format(std::string_view name) {
  if (name == "auto" || name == "automatic") return LogFormat::automatic;
  if (name == "zeek" || name == "zeek-tsv" || name == "zeek_tsv") return LogFormat::zeek_tsv;
  if (name == "zeek-json" || name == "zeek_json" || name == "json") return LogFormat::zeek_json;
  if (name == "csv") return LogFormat::csv;
  if (name == "pihole" || name == "pi-hole") return LogFormat::pihole;
  if (name == "bind" || name == "querylog" || name == "bind-querylog") return LogFormat::bind;
  throw_invalid("format", "unknown log format '" + std::string(name) +
                              "'; expected auto, zeek, zeek-tsv, zeek-json, json, csv, pihole, "
                              "bind or querylog");
}

std::string_view format_name(LogFormat format) {
  switch (format) {
    case LogFormat::automatic: return "auto";
    case LogFormat::zeek_tsv: return "zeek-tsv";
    case LogFormat::zeek_json: return "zeek-json";
    case LogFormat::csv: return "csv";
    case LogFormat::pihole: return "pihole";
    case LogFormat::bind: return "bind";
  }
  return "auto";
}

LogTable parse_log(std::string_view text, const ReadOptions& options) {
  return parse_with_source(text, options, "text");
}

LogTable read_log(const std::string& path, const ReadOptions& options) {
  const std::string content = read_file(path);
  return parse_with_source(content, options, "path");
}

}  // namespace tealeaves::ingest
