// Inter-arrival analysis of one EventSeries in one call: the gaps (respecting outages), their
// empirical distribution, maximum-likelihood fits of every model with bootstrap goodness of fit,
// pairwise tests and an AIC ranking with a best supported model, a Clauset power-law tail with
// its own tests, and burstiness / dispersion statistics.
//
// Every fit uses the same sample, the positive gaps (zero gaps, from equal times kept as
// separate events, are counted but have no density); the burstiness statistics use every gap.
// A jittered period whose fit ends on its sigma = period / 4 or miss = 0.9 bound describes no
// period; its goodness-of-fit bootstrap is skipped (p-values NaN, replicates 0).
// RNG streams are disjoint per analysis (goodness of fit of model m: (m+1) 2^32 + r; power law:
// its own streams; counting: 2^41 + r), so every bootstrap is reproducible from `seed` and
// identical for any number of threads.
#pragma once

#include <cstdint>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/interarrival/burstiness.hpp"
#include "tealeaves/interarrival/compare.hpp"
#include "tealeaves/interarrival/empirical.hpp"
#include "tealeaves/interarrival/fit.hpp"
#include "tealeaves/interarrival/gaps.hpp"
#include "tealeaves/interarrival/gof.hpp"
#include "tealeaves/interarrival/models.hpp"
#include "tealeaves/interarrival/powerlaw.hpp"

namespace tealeaves::interarrival {

struct InterarrivalOptions {
  std::vector<Model> models = {Model::exponential, Model::shifted_exponential,
                               Model::gamma,       Model::weibull,
                               Model::lognormal,   Model::jittered_period};
  std::size_t gof_replicates = 200;  // parametric bootstrap per model; 0: statistics only
  bool power_law = true;             // Clauset tail fit (continuous, exact KS convention)
  std::size_t power_law_replicates = 200;
  double period_hint = 0.0;  // starting period for the jittered model (0: from the data)
  double resolution = 0.0;   // timestamp resolution, seconds (floor of the jitter sigma)
  EmpiricalOptions empirical;
  BurstinessOptions burstiness;
  CountingOptions counting;  // its seed, stream and threads are set from the fields below
  std::uint64_t seed = 0;
  std::size_t threads = 0;
  std::size_t min_gaps = 3;  // fewer positive gaps: status insufficient_data, no fits
};

struct ModelReport {
  ModelFit fit;
  GoodnessOfFit gof;
};

struct InterarrivalAnalysis {
  FitStatus status = FitStatus::ok;  // ok or insufficient_data
  GapSample sample;
  std::vector<double> positive;  // sorted positive gaps: the sample every model is fitted to
  EmpiricalSummary empirical;
  std::vector<ModelReport> models;
  // Every pair of usable models, the one listed first in `models` as `first`.
  std::vector<Comparison> comparisons;
  Ranking ranking;  // indexed like `models`
  bool has_power_law = false;
  PowerLawFit power_law;
  Burstiness burstiness;
  CountingFactors counting;
};

InterarrivalAnalysis analyze_interarrivals(const EventSeries& series,
                                           const InterarrivalOptions& options = {});

}  // namespace tealeaves::interarrival

namespace tealeaves {
using interarrival::analyze_interarrivals;
using interarrival::InterarrivalAnalysis;
using interarrival::InterarrivalOptions;
}  // namespace tealeaves
