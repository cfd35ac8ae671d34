// Monte-Carlo significance of a statistic of an event series against a surrogate null model.
//
// p = (k + 1) / (n + 1), k the number of surrogates whose statistic is >= the observed one
// (one-sided: large values are evidence against the null; a NaN surrogate value counts as
// >= so that undefined statistics make the test conservative; values within 1e-12 relative of
// the observed one are ties, so rounding noise never decides). It is never below 1 / (n + 1).
// Surrogate i is drawn from Rng(seed, i) and its statistic computed on its own, in fixed blocks,
// so every result is bit-identical for any thread count.
//
// Besag & Clifford (1991) sequential stopping (`sequential_h` > 0): surrogates are examined in
// index order and the test stops as soon as h of them reach the observed value; then
// p = h / n_done (stopped_early). Otherwise p = (k + 1) / (n + 1) after all n.
// `ci_low`/`ci_high` are the Clopper-Pearson interval (level `ci_level`) for the p-value the
// test would give with infinitely many surrogates, from k exceedances in n_done draws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/nullmodel/surrogates.hpp"

namespace tealeaves::nullmodel {

enum class Statistic {
  max_z2,       // max Z^2_n over [fmin, fmax] on a grid fixed by the observed series
  max_leahy,    // max Leahy power of counts binned at bin_width, over (fmin, fmax]
  acf,          // autocorrelation of counts binned at bin_width at lag `lag` (bins)
  burstiness,   // Goh-Barabasi B of the inter-arrival times
  memory,       // Goh-Barabasi M (correlation of consecutive gaps)
  fano,         // Fano factor of counts in windows of fano_window seconds
  coincidence,  // share of lookups within [0, tolerance] s of an outside event (see below)
};

// Event coincidence rate (Donges et al. 2016), as a share of the stored lookups (each counts
// once, whatever its multiplicity, as surrogates carry multiplicity 1). With s = e + lag:
//   trigger:   lookup t counts if 0 <= t - s <= tolerance for some outside event e;
//   precursor: lookup t counts if 0 <= (e - lag) - t <= tolerance for some e;
//   both:      either. Natural null: circular_shift (keeps the series, kills alignment).
enum class CoincidenceDirection { trigger, precursor, both };
CoincidenceDirection parse_direction(std::string_view name);

// The coincidence rate of `times` with `events` (both relative to the same origin; `events`
// sorted ascending).
double coincidence_rate(std::span<const double> times, const std::vector<double>& events,
                        double tolerance, double lag, CoincidenceDirection direction);

Statistic parse_statistic(std::string_view name);  // "max_z2", "max_leahy", "acf", ...
std::string statistic_name(Statistic statistic);

struct StatisticOptions {
  double fmin = 0.0;  // Hz; max_z2: 0 means 3 cycles over the window; max_leahy: 0 means > DC
  double fmax = 0.0;  // Hz; 0 means 0.5 (max_z2) or the Nyquist frequency (max_leahy)
  unsigned harmonics = 2;
  double oversample = 5.0;
  double bin_width = 1.0;     // seconds (max_leahy, acf)
  std::size_t lag = 1;        // bins (acf)
  double fano_window = 60.0;  // seconds (fano)
  // coincidence: outside event times (absolute, like the series' times), tolerance and lag in
  // seconds, direction.
  std::vector<double> events;
  double tolerance = 0.0;
  double event_lag = 0.0;
  CoincidenceDirection direction = CoincidenceDirection::trigger;
};

// Computes one built-in statistic. Built once from the observed series (which fixes e.g. the
// frequency grid), then applied to the observed series and to every surrogate.
class StatisticFunction {
 public:
  StatisticFunction(const EventSeries& observed, Statistic statistic,
                    const StatisticOptions& options = {});
  double operator()(const EventSeries& series) const;

 private:
  Statistic statistic_;
  StatisticOptions options_;
  double grid_f0_ = 0.0, grid_df_ = 0.0;
  std::size_t grid_n_ = 0;
  std::vector<double> events_;  // coincidence: relative to the observed origin, sorted
};

struct McOptions {
  std::size_t n = 999;  // surrogates
  std::uint64_t seed = 0;
  std::size_t threads = 0;       // 0: all (TEALEAVES_NUM_THREADS or the hardware)
  std::size_t sequential_h = 0;  // > 0: Besag-Clifford stopping after h exceedances
  double ci_level = 0.95;
  bool keep_null_values = true;  // return the surrogate statistics
  NullOptions null;
  StatisticOptions statistic;
};

struct McResult {
  double observed = 0.0;
  std::size_t k = 0;  // surrogates (of n_done) with statistic >= observed
  std::size_t n = 0;  // surrogates drawn (n_done; < requested when stopped early)
  double p_value = 1.0;
  double ci_low = 0.0, ci_high = 1.0;
  std::string null;
  std::string statistic;
  bool stopped_early = false;
  std::vector<double> null_values;  // the n surrogate statistics, by surrogate index
};

McResult mc_test(const EventSeries& series, Statistic statistic, Null null,
                 const McOptions& options = {});

// Any statistic (it must be thread-safe; it is called concurrently on different surrogates).
McResult mc_test(const EventSeries& series, const std::function<double(const EventSeries&)>& stat,
                 const SurrogateGenerator& generator, const McOptions& options = {});

// The same loop for any replicate statistic (a parametric bootstrap, say): draw(rng) is
// replicate i's statistic, with rng = Rng(o.seed, first_stream + i); o.null and o.statistic are
// not used. Sequential stopping, ties and the p-value are as for mc_test.
McResult mc_replicates(double observed, std::string null, const McOptions& o,
                       std::uint64_t first_stream, const std::function<double(Rng&)>& draw);

// Clopper-Pearson interval for a binomial proportion from k successes in n trials.
void clopper_pearson(std::size_t k, std::size_t n, double level, double& low, double& high);

}  // namespace tealeaves::nullmodel
