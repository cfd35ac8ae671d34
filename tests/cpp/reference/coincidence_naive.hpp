// O(n m) event coincidence counts straight from Donges et al. (2016): every lookup against every
// outside event, no sorting, no merging.
#pragma once

#include <cstddef>
#include <vector>

namespace tealeaves::reference {

struct NaiveCoincidence {
  std::size_t precursor = 0;  // lookups t with s_j + lag <= t <= e_j + lag + tolerance for some j
  std::size_t trigger = 0;    // events j with such a lookup
};

inline NaiveCoincidence naive_coincidence(const std::vector<double>& times,
                                          const std::vector<double>& starts,
                                          const std::vector<double>& ends, double tolerance,
                                          double lag) {
  NaiveCoincidence c;
  for (const double t : times) {
    bool hit = false;
    for (std::size_t j = 0; j < starts.size(); ++j) {
      hit = hit || (t - lag >= starts[j] && t - lag - tolerance <= ends[j]);
    }
    c.precursor += hit ? 1 : 0;
  }
  for (std::size_t j = 0; j < starts.size(); ++j) {
    bool hit = false;
    for (const double t : times)
      hit = hit || (t - lag >= starts[j] && t - lag - tolerance <= ends[j]);
    c.trigger += hit ? 1 : 0;
  }
  return c;
}

}  // namespace tealeaves::reference
