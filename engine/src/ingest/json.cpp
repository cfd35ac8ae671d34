// Zeek JSON logs: one flat object per line. A small strict JSON scanner (RFC 8259) reads each
// line; only the values of the keys we use are kept, everything else is validated and skipped.
#include <algorithm>
#include <array>
#include <string>

#include "ingest_internal.hpp"

namespace tealeaves::ingest::detail {
namespace {

constexpr int max_depth = 64;  // nesting beyond this is refused rather than risking the stack

enum class Kind { missing, null, boolean, number, string, array, object };

struct Value {
  Kind kind = Kind::missing;
  std::string_view text;  // number as written, or the decoded string
  // For arrays: the minimum of the elements when all are numbers.
  bool all_numbers = true;
  bool any = false;
  double min = 0.0;
};

class JsonCursor {
 public:
  explicit JsonCursor(std::string_view s) : s_(s) {}

  const std::string& error() const { return error_; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  bool consume(char c) {
    skip_ws();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool fail(std::string_view what) {
    if (error_.empty()) error_ = std::string(what) + " at column " + std::to_string(pos_ + 1);
    return false;
  }

  // A string at the cursor. Without escapes the result views the line; with them it is decoded
  // into `scratch`, which must outlive the use of `out`.
  bool string(std::string& scratch, std::string_view& out) {
    if (peek() != '"') return fail("expected a string");
    const std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\') {
      if (static_cast<unsigned char>(s_[pos_]) < 0x20) return fail("control character in string");
      ++pos_;
    }
    if (peek() == '"') {
      out = s_.substr(start, pos_++ - start);
      return true;
    }
    scratch.assign(s_.substr(start, pos_ - start));
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') {
        out = scratch;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        scratch.push_back(c);
      } else if (!escape(scratch)) {
        return false;
      }
    }
    return fail("unterminated string");
  }

  bool number(std::string_view& out) {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("invalid number");
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return fail("invalid number");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return fail("invalid number");
    }
    out = s_.substr(start, pos_ - start);
    return true;
  }

  // Any value; arrays also report the minimum of numeric elements (for TTLs).
  bool value(Value& v, std::string& scratch, int depth) {
    skip_ws();
    if (depth > max_depth) return fail("nesting too deep");
    switch (peek()) {
      case '"': v.kind = Kind::string; return string(scratch, v.text);
      case '{': v.kind = Kind::object; return object(depth);
      case '[': v.kind = Kind::array; return array(v, depth);
      case 't': v.kind = Kind::boolean; return literal("true");
      case 'f': v.kind = Kind::boolean; return literal("false");
      case 'n': v.kind = Kind::null; return literal("null");
      default: break;
    }
    if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
      v.kind = Kind::number;
      return number(v.text);
    }
    return at_end() ? fail("missing value") : fail("unexpected character");
  }

  // The members of an object; `member(key, cursor)` must consume each value.
  template <typename Member>
  bool members(Member&& member) {
    if (!consume('{')) return fail("expected '{'");
    if (consume('}')) return true;
    std::string key_scratch;
    do {
      skip_ws();
      std::string_view key;
      if (!string(key_scratch, key)) return false;
      if (!consume(':')) return fail("expected ':'");
      if (!member(key)) return false;
    } while (consume(','));
    return consume('}') || fail("expected ',' or '}'");
  }

 private:
  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool object(int depth) {
    std::string scratch;
    return members([&](std::string_view) {
      Value ignored;
      return value(ignored, scratch, depth + 1);
    });
  }

  bool array(Value& v, int depth) {
    ++pos_;
    if (consume(']')) return true;
    std::string scratch;
    do {
      Value element;
      if (!value(element, scratch, depth + 1)) return false;
      double x = 0.0;
      if (element.kind == Kind::number && parse_double(element.text, x)) {
        v.min = v.any ? std::min(v.min, x) : x;
        v.any = true;
      } else {
        v.all_numbers = false;
      }
    } while (consume(','));
    return consume(']') || fail("expected ',' or ']'");
  }

  bool hex4(unsigned& code) {
    code = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      const char c = peek();
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) return fail("invalid \\u escape");
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return true;
  }

  static void append_utf8(std::string& out, unsigned code) {
    auto byte = [&](unsigned b) { out.push_back(static_cast<char>(b)); };
    if (code < 0x80) {
      byte(code);
    } else if (code < 0x800) {
      byte(0xC0 | (code >> 6));
      byte(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      byte(0xE0 | (code >> 12));
      byte(0x80 | ((code >> 6) & 0x3F));
      byte(0x80 | (code & 0x3F));
    } else {
      byte(0xF0 | (code >> 18));
      byte(0x80 | ((code >> 12) & 0x3F));
      byte(0x80 | ((code >> 6) & 0x3F));
      byte(0x80 | (code & 0x3F));
    }
  }

  // After a backslash: one escape, appended decoded.
  bool escape(std::string& out) {
    if (at_end()) return fail("unterminated string");
    const char c = s_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/': out.push_back(c); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: --pos_; return fail("invalid escape");
    }
    unsigned code = 0;
    if (!hex4(code)) return false;
    if (code >= 0xDC00 && code <= 0xDFFF) return fail("unpaired surrogate in \\u escape");
    if (code >= 0xD800 && code <= 0xDBFF) {
      unsigned low = 0;
      if (s_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
      pos_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate in \\u escape");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, code);
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

enum Slot : int { ts, client, query, qtype_name, qtype, rcode, ttls, n_slots };
constexpr std::array<std::string_view, n_slots> slot_keys = {
    "ts", "id.orig_h", "query", "qtype_name", "qtype", "rcode", "TTLs"};

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::missing: return "missing";
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::string: return "a string";
    case Kind::array: return "an array";
    case Kind::object: return "an object";
  }
  return "?";
}

class JsonReader {
 public:
  explicit JsonReader(TableBuilder& out) : out_(out) {}

  void line(std::string_view text, std::size_t number) {
    if (is_blank(text) || text.starts_with('#')) return out_.meta();
    std::array<Value, n_slots> values{};
    JsonCursor cursor(text);
    std::string skip_scratch;
    const bool ok = cursor.members([&](std::string_view key) {
      const auto hit = std::find(slot_keys.begin(), slot_keys.end(), key);
      if (hit == slot_keys.end()) {
        Value ignored;
        return cursor.value(ignored, skip_scratch, 1);
      }
      const auto slot = static_cast<std::size_t>(hit - slot_keys.begin());
      values[slot] = Value{};  // a repeated key: the last one wins
      return cursor.value(values[slot], scratch_[slot], 1);
    });
    cursor.skip_ws();
    if (!ok) return out_.reject(number, "invalid JSON object: " + cursor.error());
    if (!cursor.at_end()) {
      cursor.fail("text after the object");
      return out_.reject(number, "invalid JSON object: " + cursor.error());
    }
    row(values, number);
  }

 private:
  void row(const std::array<Value, n_slots>& v, std::size_t number) {
    Row row;
    std::optional<double> t;
    if (v[ts].kind == Kind::number) {
      double x = 0.0;
      if (parse_double(v[ts].text, x)) t = x;
    } else if (v[ts].kind == Kind::string) {
      bool zoned = true;
      t = parse_timestamp(v[ts].text, zoned);
      row.local = !zoned;
    } else {
      return out_.reject(number, "ts: expected a number or a date-time string, found " +
                                     std::string(kind_name(v[ts].kind)));
    }
    if (!t) return out_.reject(number, "ts: cannot parse " + quoted(v[ts].text) + " as a time");
    row.ts = *t;
    if (v[client].kind != Kind::string) {
      return out_.reject(
          number, "id.orig_h: expected a string, found " + std::string(kind_name(v[client].kind)));
    }
    row.client = v[client].text;
    if (v[query].kind == Kind::null) return out_.reject(number, "query: null (unset)");
    if (v[query].kind != Kind::string) {
      return out_.reject(
          number, "query: expected a string, found " + std::string(kind_name(v[query].kind)));
    }
    row.qname = v[query].text;
    if (v[qtype_name].kind == Kind::string) {
      row.qtype = v[qtype_name].text;
      row.has_qtype = true;
    } else if (v[qtype].kind == Kind::number) {
      row.qtype = v[qtype].text;
      row.has_qtype = true;
    }
    const Value& r = v[rcode];
    if ((r.kind == Kind::number || r.kind == Kind::string) && !parse_rcode(r.text, row.rcode)) {
      return out_.reject(number, "rcode: cannot parse " + quoted(r.text));
    }
    if (r.kind != Kind::number && r.kind != Kind::string && r.kind != Kind::null &&
        r.kind != Kind::missing) {
      return out_.reject(number,
                         "rcode: expected a number, found " + std::string(kind_name(r.kind)));
    }
    const Value& t_ls = v[ttls];
    if (t_ls.kind == Kind::array && t_ls.all_numbers) {
      if (t_ls.any) row.ttl = t_ls.min;
    } else if (t_ls.kind != Kind::null && t_ls.kind != Kind::missing) {
      return out_.reject(number, "TTLs: expected an array of numbers");
    }
    out_.add(row);
  }

  TableBuilder& out_;
  std::array<std::string, n_slots> scratch_;  // decoded strings, reused from line to line
};

}  // namespace

void parse_zeek_json(LineReader& lines, TableBuilder& out) {
  JsonReader reader(out);
  std::string_view line;
  while (lines.next(line)) reader.line(line, lines.number());
}

}  // namespace tealeaves::ingest::detail
