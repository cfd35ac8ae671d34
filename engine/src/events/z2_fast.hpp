// The Z^2_n fast path: Fourier sums of the events by non-uniform FFT (shared with Lomb-Scargle).
#pragma once

#include "tealeaves/events/rayleigh.hpp"

namespace tealeaves::events::detail {

Z2Result z2n_search_fast(const EventSeries& series, const FrequencyGrid& grid,
                         const Z2Options& options);

}  // namespace tealeaves::events::detail
