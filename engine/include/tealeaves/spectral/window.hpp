// Tapers for spectral estimation, periodic (DFT-even) as scipy.signal.get_window builds them.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tealeaves::spectral {

enum class Window { boxcar, hann, hamming, blackman };

// Periodic window of length n: w[k] = sum_j a_j cos(2 pi j k / n) with the usual coefficients.
std::vector<double> make_window(Window window, std::size_t n);

// "boxcar" (also "rectangular", "none"), "hann" ("hanning"), "hamming", "blackman".
Window parse_window(std::string_view name);
std::string_view window_name(Window window);

}  // namespace tealeaves::spectral
