#include "tealeaves/spectral/window.hpp"

#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::spectral {
namespace {

std::array<double, 3> cosine_coefficients(Window window) {
  switch (window) {
    case Window::hann: return {0.5, 0.5, 0.0};
    case Window::hamming: return {0.54, 0.46, 0.0};
    case Window::blackman: return {0.42, 0.5, 0.08};
    case Window::boxcar: break;
  }
  return {1.0, 0.0, 0.0};
}

}  // namespace

std::vector<double> make_window(Window window, std::size_t n) {
  std::vector<double> w(n, 1.0);
  // Like scipy, a window of one sample is [1]: a taper needs at least two points.
  if (window == Window::boxcar || n <= 1) return w;
  const auto a = cosine_coefficients(window);
  const double step = 2.0 * std::numbers::pi / static_cast<double>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double x = step * static_cast<double>(k);
    w[k] = a[0] - a[1] * std::cos(x) + a[2] * std::cos(2.0 * x);
  }
  return w;
}

Window parse_window(std::string_view name) {
  if (name == "boxcar" || name == "rectangular" || name == "none") return Window::boxcar;
  if (name == "hann" || name == "hanning") return Window::hann;
  if (name == "hamming") return Window::hamming;
  if (name == "blackman") return Window::blackman;
  throw_invalid("window", "unknown window '" + std::string(name) +
                              "'; expected boxcar, hann, hamming or blackman");
}

std::string_view window_name(Window window) {
  switch (window) {
    case Window::hann: return "hann";
    case Window::hamming: return "hamming";
    case Window::blackman: return "blackman";
    case Window::boxcar: break;
  }
  return "boxcar";
}

}  // namespace tealeaves::spectral
