// What ingest and batch bindings both hand back from a parsed log: names as text, and the
// line accounting.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/ingest/log.hpp"

namespace tealeaves::bindings {

// Logs are bytes: invalid UTF-8 becomes \xHH text (Zeek's own escaping) rather than an error,
// so every name can be printed and written to JSON.
inline pybind11::str decode(std::string_view bytes) {
  PyObject* text = PyUnicode_DecodeUTF8(bytes.data(), static_cast<pybind11::ssize_t>(bytes.size()),
                                        "backslashreplace");
  if (text == nullptr) throw pybind11::error_already_set();
  return pybind11::reinterpret_steal<pybind11::str>(text);
}

inline pybind11::list decode_all(const std::vector<std::string>& names) {
  pybind11::list out(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) out[i] = decode(names[i]);
  return out;
}

// format, lines_read = lines_used + lines_rejected + lines_meta, and (line, reason) rejections.
inline void add_accounting(pybind11::dict& d, const ingest::LogTable& t) {
  d["format"] = std::string(ingest::format_name(t.format));
  d["lines_read"] = t.lines_read;
  d["lines_used"] = t.lines_used;
  d["lines_rejected"] = t.lines_rejected;
  d["lines_meta"] = t.lines_meta;
  pybind11::list rejected(t.rejected.size());
  for (std::size_t i = 0; i < t.rejected.size(); ++i) {
    rejected[i] = pybind11::make_tuple(t.rejected[i].line, decode(t.rejected[i].reason));
  }
  d["rejected"] = rejected;
}

}  // namespace tealeaves::bindings
