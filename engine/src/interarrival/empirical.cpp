#include "tealeaves/interarrival/empirical.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {
namespace {

void fill_ecdf(std::span<const double> x, EmpiricalSummary& s) {
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i + 1 < x.size() && x[i + 1] == x[i]) continue;
    s.values.push_back(x[i]);
    s.ecdf.push_back(static_cast<double>(i + 1) / n);
  }
}

void fill_density(std::span<const double> x, double per_decade, EmpiricalSummary& s) {
  const double lo = std::log10(x.front()), hi = std::log10(x.back());
  const auto bins = static_cast<std::size_t>(std::max(1.0, std::ceil((hi - lo) * per_decade)));
  s.bin_edges.resize(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) {
    s.bin_edges[i] = std::pow(10.0, lo + (hi - lo) * static_cast<double>(i) / double(bins));
  }
  s.bin_edges.front() = x.front();
  s.bin_edges.back() = x.back();
  if (!(x.back() > x.front())) s.bin_edges.back() = x.front() * (1.0 + 1e-9);
  s.bin_counts.assign(bins, 0.0);
  std::size_t b = 0;
  for (const double v : x) {
    while (b + 1 < bins && v >= s.bin_edges[b + 1]) ++b;
    s.bin_counts[b] += 1.0;
  }
  s.density.resize(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    const double width = s.bin_edges[i + 1] - s.bin_edges[i];
    s.density[i] = s.bin_counts[i] / (static_cast<double>(x.size()) * width);
  }
}

}  // namespace

double quantile(std::span<const double> sorted, double p) {
  require(!sorted.empty(), "values", "needs at least one value");
  require(p >= 0.0 && p <= 1.0, "probabilities", "must be in [0, 1], got " + format_number(p));
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double t = position - static_cast<double>(below);
  return sorted[below] + t * (sorted[above] - sorted[below]);
}

double half_sample_mode(std::span<const double> sorted) {
  require(!sorted.empty(), "values", "needs at least one value");
  std::size_t begin = 0, size = sorted.size();
  while (size > 3) {
    const std::size_t half = (size + 1) / 2;
    std::size_t best = begin;
    double shortest = sorted[begin + half - 1] - sorted[begin];
    for (std::size_t i = begin + 1; i + half <= begin + size; ++i) {
      const double width = sorted[i + half - 1] - sorted[i];
      if (width < shortest) shortest = width, best = i;
    }
    begin = best;
    size = half;
  }
  if (size == 3) {
    const double a = sorted[begin], b = sorted[begin + 1], c = sorted[begin + 2];
    if (b - a < c - b) return 0.5 * (a + b);
    if (b - a > c - b) return 0.5 * (b + c);
    return b;
  }
  return size == 2 ? 0.5 * (sorted[begin] + sorted[begin + 1]) : sorted[begin];
}

EmpiricalSummary describe(std::span<const double> x, const EmpiricalOptions& o) {
  require(!x.empty(), "values", "needs at least one value");
  require(x.front() > 0.0, "values", "must be positive (use positive_sorted)");
  require(o.bins_per_decade > 0.0 && std::isfinite(o.bins_per_decade), "bins_per_decade",
          "must be positive and finite");
  EmpiricalSummary s;
  s.n = x.size();
  double sum = 0.0;
  for (const double v : x) sum += v;
  s.mean = sum / static_cast<double>(x.size());
  double squares = 0.0;
  for (const double v : x) squares += (v - s.mean) * (v - s.mean);
  s.std_dev = std::sqrt(squares / static_cast<double>(x.size()));
  fill_ecdf(x, s);
  fill_density(x, o.bins_per_decade, s);
  s.probabilities = o.probabilities;
  for (const double p : o.probabilities) s.quantiles.push_back(quantile(x, p));
  s.mode = half_sample_mode(x);
  return s;
}

}  // namespace tealeaves::interarrival
