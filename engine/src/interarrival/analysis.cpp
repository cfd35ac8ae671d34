#include "tealeaves/interarrival/analysis.hpp"

#include <string>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::interarrival {
namespace {

constexpr std::uint64_t kCountingStreams = std::uint64_t{1} << 41;

// A jittered period pushed to sigma = period / 4 or miss = 0.9 describes no period (the data
// are aperiodic); bootstrapping it would cost much and say nothing, so its p-values stay NaN.
bool worth_bootstrapping(const ModelFit& f) {
  if (f.model != Model::jittered_period || f.status != FitStatus::at_bound) return true;
  return f.params[1] < 0.2499 * f.params[0] && f.params[2] < 0.8999;
}

void fit_models(const InterarrivalOptions& o, InterarrivalAnalysis& a) {
  FitOptions fo;
  fo.period_hint = o.period_hint;
  fo.resolution = o.resolution;
  for (std::size_t m = 0; m < o.models.size(); ++m) {
    ModelReport report;
    report.fit = fit_model(o.models[m], a.positive, fo);
    if (report.fit.usable()) {
      GofOptions go;
      go.replicates = worth_bootstrapping(report.fit) ? o.gof_replicates : 0;
      go.seed = o.seed;
      go.stream = (static_cast<std::uint64_t>(o.models[m]) + 1) << 32;
      go.threads = o.threads;
      go.resolution = o.resolution;
      report.gof = goodness_of_fit(report.fit, a.positive, go);
    }
    a.models.push_back(std::move(report));
  }
  std::vector<ModelFit> fits;
  for (const ModelReport& r : a.models) fits.push_back(r.fit);
  for (std::size_t i = 0; i < fits.size(); ++i) {
    for (std::size_t j = i + 1; j < fits.size(); ++j) {
      if (fits[i].usable() && fits[j].usable()) {
        a.comparisons.push_back(compare_models(fits[i], fits[j], a.positive));
      }
    }
  }
  a.ranking = rank_models(fits, a.comparisons);
}

void fit_tail(const InterarrivalOptions& o, InterarrivalAnalysis& a) {
  PowerLawOptions po;
  po.replicates = o.power_law_replicates;
  po.seed = o.seed;
  po.threads = o.threads;
  a.power_law = fit_powerlaw(a.positive, po);
  a.has_power_law = true;
}

}  // namespace

InterarrivalAnalysis analyze_interarrivals(const EventSeries& series,
                                           const InterarrivalOptions& o) {
  require(o.min_gaps >= 2, "min_gaps", "must be at least 2");
  for (std::size_t i = 0; i < o.models.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      require(o.models[i] != o.models[j], "models",
              "lists " + std::string(model_name(o.models[i])) + " twice");
    }
    require(o.models[i] != Model::power_law && o.models[i] != Model::power_law_cutoff, "models",
            "power laws are fitted to the tail (power_law = true), not to every gap");
  }
  InterarrivalAnalysis a;
  a.sample = inter_arrival_times(series);
  a.positive = positive_sorted(a.sample.gaps);
  a.burstiness = burstiness(a.sample, o.burstiness);
  CountingOptions co = o.counting;
  co.seed = o.seed;
  co.stream = kCountingStreams;
  co.threads = o.threads;
  a.counting = counting_factors(series, co);
  if (a.positive.size() < o.min_gaps) {
    a.status = FitStatus::insufficient_data;
    return a;
  }
  a.empirical = describe(a.positive, o.empirical);
  fit_models(o, a);
  if (o.power_law) fit_tail(o, a);
  return a;
}

}  // namespace tealeaves::interarrival
