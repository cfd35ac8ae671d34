// Programmer errors: one helper so every message names the argument at fault.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tealeaves {

// Throws std::invalid_argument("<argument>: <problem>"). pybind11 maps it to ValueError.
[[noreturn]] void throw_invalid(std::string_view argument, std::string_view problem);

inline void require(bool ok, std::string_view argument, std::string_view problem) {
  if (!ok) throw_invalid(argument, problem);
}

// Shortest round-trip text of a number, for error messages.
std::string format_number(double value);

}  // namespace tealeaves
