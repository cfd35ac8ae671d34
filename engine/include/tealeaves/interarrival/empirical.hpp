// The empirical distribution of inter-arrival times: ECDF, log-binned density, quantiles and a
// robust mode.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tealeaves::interarrival {

struct EmpiricalOptions {
  std::vector<double> probabilities = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
  double bins_per_decade = 10.0;  // log-binned density
};

struct EmpiricalSummary {
  std::size_t n = 0;
  double mean = 0.0;
  double std_dev = 0.0;  // with 1/n
  // ECDF as steps: F(values[i]) = ecdf[i] at each distinct value (right-continuous).
  std::vector<double> values;
  std::vector<double> ecdf;
  // Density on log-spaced bins [edges[i], edges[i+1]) (the last bin closed): counts / (n width).
  std::vector<double> bin_edges;
  std::vector<double> density;
  std::vector<double> bin_counts;
  std::vector<double> probabilities;
  std::vector<double> quantiles;  // linear interpolation between order statistics (numpy's default)
  double mode = 0.0;              // half-sample mode
};

// `sorted` must be sorted ascending and positive (e.g. positive_sorted(gaps)); at least 1 value.
EmpiricalSummary describe(std::span<const double> sorted, const EmpiricalOptions& options = {});

// numpy.quantile(x, p) (method "linear") of sorted data.
double quantile(std::span<const double> sorted, double p);

// Half-sample mode of sorted data (Bickel & Fruehwirth 2006): repeatedly keep the shortest
// interval holding half the points; robust to heavy tails, exact for a spike of equal values.
double half_sample_mode(std::span<const double> sorted);

}  // namespace tealeaves::interarrival
