#include "tealeaves/core/errors.hpp"

#include <charconv>
#include <string>

namespace tealeaves {

void throw_invalid(std::string_view argument, std::string_view problem) {
  std::string message;
  message.reserve(argument.size() + problem.size() + 2);
  message.append(argument).append(": ").append(problem);
  throw std::invalid_argument(message);
}

std::string format_number(double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace tealeaves
