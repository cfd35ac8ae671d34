// Monte-Carlo tests against surrogate null models (see montecarlo.hpp).
#include "tealeaves/nullmodel/montecarlo.hpp"

#include "../spectral/fft_internal.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/events/rayleigh.hpp"
#include "tealeaves/interarrival/burstiness.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/periodogram.hpp"

namespace tealeaves::nullmodel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double gap_statistic(const EventSeries& s, bool memory) {
  if (s.size() < 3) return kNaN;
  try {
    const auto b = interarrival::burstiness(interarrival::inter_arrival_times(s));
    return memory ? b.memory : b.b;
  } catch (const std::invalid_argument&) {
    return kNaN;  // all events at one time: no gaps
  }
}

// Number of bins of width w over [0, d], as spectral::bin_counts_into computes it; 0 when that
// would exceed the binning limit (bin_counts_into then reports it).
std::size_t leahy_bin_count(double d, double w) {
  const double q = std::ceil(d / w);
  if (!(q < static_cast<double>(spectral::max_bins))) return 0;
  auto n = static_cast<std::size_t>(q);
  while (n > 1 && static_cast<double>(n - 1) * w >= d) --n;
  return std::max<std::size_t>(n, 1);
}

// max_k |X_k|^2 over [lo, hi]: four independent maxima, so the loop is not one dependency
// chain of compare-and-select (a third of the whole surrogate's time otherwise). The powers
// are finite (finite counts), so max is exact and order-independent.
double max_power(const std::complex<double>* spectrum, std::size_t lo, std::size_t hi) {
  double m0 = 0.0, m1 = 0.0, m2 = 0.0, m3 = 0.0;
  std::size_t k = lo;
  for (; k + 3 <= hi; k += 4) {
    m0 = std::max(m0, std::norm(spectrum[k]));
    m1 = std::max(m1, std::norm(spectrum[k + 1]));
    m2 = std::max(m2, std::norm(spectrum[k + 2]));
    m3 = std::max(m3, std::norm(spectrum[k + 3]));
  }
  for (; k <= hi; ++k) m0 = std::max(m0, std::norm(spectrum[k]));
  return std::max(std::max(m0, m1), std::max(m2, m3));
}

// Max Leahy power of the counts in `in` (n bins, `events` events): transforms `in` in place
// into the thread's spectrum buffer. Leahy: 2 |X_k|^2 / N, N the number of events; the DC term
// is never searched, so the mean need not be removed.
double leahy_of_bins(double* in, std::size_t n, std::size_t events, const StatisticOptions& o) {
  std::complex<double>* spectrum =
      spectral::detail::thread_buffers().spectrum.ensure(spectral::onesided_size(n));
  spectral::detail::forward_plan(n, spectral::PlanEffort::automatic)->forward(in, spectrum);
  const double scale = 2.0 / static_cast<double>(events);
  const double df = 1.0 / (static_cast<double>(n) * o.bin_width);
  const std::size_t last = spectral::onesided_size(n) - 1;  // Nyquist (or the top bin) left out
  const std::size_t lo = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(o.fmin / df)));
  const std::size_t hi = o.fmax > 0.0
                             ? std::min(last - 1, static_cast<std::size_t>(std::floor(o.fmax / df)))
                             : last - 1;
  if (lo > hi || lo >= last) return kNaN;
  return max_power(spectrum, lo, hi) * scale;
}

// Bins of max_leahy for a window of `duration` s (see leahy_bin_count).
std::size_t leahy_bins(const EventSeries& s, double bin_width) {
  std::size_t n = leahy_bin_count(s.duration(), bin_width);
  if (n == 0) {
    std::vector<double> unused;
    spectral::bin_counts_into(s, bin_width, unused);  // throws the binning limit's message
    n = unused.size();
  }
  return n;
}

double max_leahy(const EventSeries& s, const StatisticOptions& o) {
  // Runs once per surrogate: the counts go straight into the thread's reusable FFT input
  // buffer (fresh vectors would fault in their pages, ~11 us per 4 KiB here; a separate
  // counts array would cost a copy), no validation pass (binned counts are finite and
  // non-negative by construction) and no power array: the maximum is taken from the transform.
  const std::size_t n = leahy_bins(s, o.bin_width);
  if (n < 4 || s.total_count() == 0) return kNaN;
  double* in = spectral::detail::thread_buffers().real.ensure(n);
  // The binning of spectral::bin_counts_into, term for term.
  std::fill(in, in + n, 0.0);
  const auto times = s.times();
  const auto weight = s.multiplicity();
  for (std::size_t i = 0; i < times.size(); ++i) {
    in[std::min(static_cast<std::size_t>(times[i] / o.bin_width), n - 1)] += weight[i];
  }
  return leahy_of_bins(in, n, s.total_count(), o);
}

// The shuffle null with the max_leahy statistic without an EventSeries per surrogate: the
// same gap permutation as SurrogateGenerator's shuffle (same random draws in the same order,
// interval by interval), binned straight from the cumulative sums. A shuffle surrogate is
// built with the default duplicate policy (keep), so each of its events has weight 1 and its
// total count is the number of stored times; the values are bit-identical to
// max_leahy(shuffle_surrogate(series, rng)) (checked in tests/cpp/test_montecarlo.cpp).
class ShuffleLeahy {
 public:
  ShuffleLeahy(const EventSeries& series, const StatisticOptions& o)
      : times_(series.times().begin(), series.times().end()),
        options_(o),
        bins_(leahy_bins(series, o.bin_width)) {
    // Events [first, last) of each good interval, as surrogates.cpp's events_per_interval.
    std::size_t i = 0;
    for (const Interval& g : series.good_intervals()) {
      const std::size_t first = i;
      while (i < times_.size() && times_[i] <= g.stop) ++i;
      if (i - first >= 3) runs_.emplace_back(first, i);
    }
  }

  double operator()(Rng& rng) const {
    const std::size_t n = bins_, count = times_.size();
    if (n < 4 || count == 0) return kNaN;
    double* in = spectral::detail::thread_buffers().real.ensure(n);
    std::fill(in, in + n, 0.0);
    const double w = options_.bin_width;
    const auto bin = [&](double t) { in[std::min(static_cast<std::size_t>(t / w), n - 1)] += 1.0; };
    thread_local std::vector<double> gaps;
    std::size_t next = 0;  // events before `next` are binned
    for (const auto& [first, last] : runs_) {
      for (; next < first; ++next) bin(times_[next]);
      gaps.resize(last - first - 1);
      for (std::size_t j = first; j + 1 < last; ++j) gaps[j - first] = times_[j + 1] - times_[j];
      for (std::size_t j = gaps.size(); j > 1; --j) std::swap(gaps[j - 1], gaps[rng.below(j)]);
      double cursor = times_[first];
      bin(cursor);
      const double stop = times_[last - 1];
      for (const double g : gaps) {
        cursor += g;
        bin(std::min(cursor, stop));
      }
      next = last;
    }
    for (; next < count; ++next) bin(times_[next]);
    return leahy_of_bins(in, n, count, options_);
  }

 private:
  std::vector<double> times_;
  StatisticOptions options_;
  std::size_t bins_;
  std::vector<std::pair<std::size_t, std::size_t>> runs_;  // intervals with >= 3 events
};

double acf_at_lag(const EventSeries& s, const StatisticOptions& o) {
  const auto binned = spectral::bin_events(s, o.bin_width);
  if (binned.counts.size() <= o.lag + 1) return kNaN;
  spectral::AcfOptions ao;
  ao.max_lag = o.lag;
  return spectral::acf(binned.counts, ao).acf[o.lag];
}

double fano(const EventSeries& s, const StatisticOptions& o) {
  interarrival::CountingOptions co;
  co.windows = {o.fano_window};
  co.replicates = 0;
  co.threads = 1;
  const auto f = interarrival::counting_factors(s, co);
  return f.fano.empty() ? kNaN : f.fano[0];
}

bool triggered(double t, const std::vector<double>& events, double tolerance, double lag) {
  // The latest shifted event s = e + lag with s <= t minimises t - s (subtraction is monotone),
  // so checking it alone is exact.
  auto it = std::upper_bound(events.begin(), events.end(), t,
                             [lag](double x, double e) { return x < e + lag; });
  return it != events.begin() && t - (*(it - 1) + lag) <= tolerance;
}

bool preceded(double t, const std::vector<double>& events, double tolerance, double lag) {
  auto it = std::lower_bound(events.begin(), events.end(), t,
                             [lag](double e, double x) { return e - lag < x; });
  return it != events.end() && (*it - lag) - t <= tolerance;
}

// Surrogates are computed in batches of this many (fixed, so stopping is thread-independent).
constexpr std::size_t kBatch = 64;
constexpr std::size_t kMinBatch = 8;  // sequential batches: at least this many draws

}  // namespace

Statistic parse_statistic(std::string_view name) {
  if (name == "max_z2") return Statistic::max_z2;
  if (name == "max_leahy") return Statistic::max_leahy;
  if (name == "acf") return Statistic::acf;
  if (name == "burstiness") return Statistic::burstiness;
  if (name == "memory") return Statistic::memory;
  if (name == "fano") return Statistic::fano;
  if (name == "coincidence") return Statistic::coincidence;
  throw_invalid("statistic",
                "unknown statistic '" + std::string(name) +
                    "'; expected max_z2, max_leahy, acf, burstiness, memory, fano or coincidence");
}

CoincidenceDirection parse_direction(std::string_view name) {
  if (name == "trigger") return CoincidenceDirection::trigger;
  if (name == "precursor") return CoincidenceDirection::precursor;
  if (name == "both") return CoincidenceDirection::both;
  throw_invalid("direction", "unknown direction '" + std::string(name) +
                                 "'; expected trigger, precursor or both");
}

double coincidence_rate(std::span<const double> times, const std::vector<double>& events,
                        double tolerance, double lag, CoincidenceDirection direction) {
  if (times.empty() || events.empty()) return kNaN;
  std::size_t hits = 0;
  for (const double t : times) {
    const bool hit =
        (direction != CoincidenceDirection::precursor && triggered(t, events, tolerance, lag)) ||
        (direction != CoincidenceDirection::trigger && preceded(t, events, tolerance, lag));
    hits += hit ? 1 : 0;
  }
  return static_cast<double>(hits) / static_cast<double>(times.size());
}

std::string statistic_name(Statistic statistic) {
  switch (statistic) {
    case Statistic::max_z2: return "max_z2";
    case Statistic::max_leahy: return "max_leahy";
    case Statistic::acf: return "acf";
    case Statistic::burstiness: return "burstiness";
    case Statistic::memory: return "memory";
    case Statistic::fano: return "fano";
    case Statistic::coincidence: return "coincidence";
  }
  return "unknown";
}

StatisticFunction::StatisticFunction(const EventSeries& observed, Statistic statistic,
                                     const StatisticOptions& options)
    : statistic_(statistic), options_(options) {
  require(options.fmin >= 0.0 && std::isfinite(options.fmin), "fmin", "must be finite and >= 0");
  require(options.fmax >= 0.0 && std::isfinite(options.fmax), "fmax", "must be finite and >= 0");
  if (statistic == Statistic::max_z2) {
    require(options.harmonics >= 1 && options.harmonics <= 20, "harmonics", "must be in 1..20");
    events::GridOptions go;
    go.oversample = options.oversample;
    go.fmin = options.fmin;
    go.fmax = options.fmax > 0.0 ? options.fmax : 0.5;
    const auto grid = events::make_grid(observed.duration(), go);
    grid_f0_ = grid.f0;
    grid_df_ = grid.df;
    grid_n_ = grid.n;
  } else if (statistic == Statistic::max_leahy || statistic == Statistic::acf) {
    require(options.bin_width > 0.0 && std::isfinite(options.bin_width), "bin_width",
            "must be finite and > 0");
    require(statistic != Statistic::acf || options.lag >= 1, "lag", "must be >= 1");
  } else if (statistic == Statistic::fano) {
    require(options.fano_window > 0.0 && std::isfinite(options.fano_window), "fano_window",
            "must be finite and > 0");
  } else if (statistic == Statistic::coincidence) {
    require(!options.events.empty(), "events", "must not be empty");
    require(options.tolerance >= 0.0 && std::isfinite(options.tolerance), "tolerance",
            "must be finite and >= 0, got " + format_number(options.tolerance));
    require(std::isfinite(options.event_lag), "lag", "must be finite");
    events_.reserve(options.events.size());
    for (const double e : options.events) {
      require(std::isfinite(e), "events", "must be finite");
      events_.push_back(e - observed.origin());
    }
    std::sort(events_.begin(), events_.end());
    options_.events.clear();  // only the relative copy is used
  }
}

double StatisticFunction::operator()(const EventSeries& s) const {
  switch (statistic_) {
    case Statistic::max_z2: {
      if (s.size() < 2 || grid_n_ == 0) return kNaN;
      events::Z2Options zo;
      zo.harmonics = options_.harmonics;
      zo.threads = 1;  // the surrogates are the parallel axis
      const auto r = events::z2n_search(s, {grid_f0_, grid_df_, grid_n_}, zo);
      return *std::max_element(r.power.begin(), r.power.end());
    }
    case Statistic::max_leahy: return max_leahy(s, options_);
    case Statistic::acf: return acf_at_lag(s, options_);
    case Statistic::burstiness: return gap_statistic(s, false);
    case Statistic::memory: return gap_statistic(s, true);
    case Statistic::fano: return fano(s, options_);
    case Statistic::coincidence:
      return coincidence_rate(s.times(), events_, options_.tolerance, options_.event_lag,
                              options_.direction);
  }
  return kNaN;
}

void clopper_pearson(std::size_t k, std::size_t n, double level, double& low, double& high) {
  const double alpha = 1.0 - level;
  const auto kd = static_cast<double>(k), nd = static_cast<double>(n);
  low = k == 0 ? 0.0
               : boost::math::quantile(boost::math::beta_distribution<>(kd, nd - kd + 1.0),
                                       alpha / 2.0);
  high = k >= n ? 1.0
                : boost::math::quantile(boost::math::beta_distribution<>(kd + 1.0, nd - kd),
                                        1.0 - alpha / 2.0);
}

namespace {

// The Monte-Carlo loop: draw(rng) gives one surrogate's statistic, surrogate i using
// Rng(seed, first_stream + i). The caller has checked o.n and o.ci_level.
template <class Draw>
McResult run_mc(double observed, std::string null, const McOptions& o, const Draw& draw,
                std::uint64_t first_stream = 0) {
  McResult out;
  out.null = std::move(null);
  out.observed = observed;
  // Values equal to the observed one up to rounding are ties (they reach it): a statistic the
  // null leaves unchanged, summed in another order, then gives p = 1, not a random p.
  const double tie = 1e-12 * std::abs(observed);
  const auto exceeds = [observed, tie](double v) { return !(v < observed - tie); };  // NaN counts

  std::vector<double> values(o.n, kNaN);
  std::size_t k = 0, done = 0;
  // Without sequential stopping all surrogates form one batch: threads are started once per
  // test, not once per kBatch surrogates (each start also re-faults the thread's FFT buffers).
  // With it, batches of about h: no stop can come before h draws, and draws past the stop are
  // wasted. The batch size never changes the result: the stop is the first index reaching h.
  const std::size_t batch =
      o.sequential_h > 0 ? std::clamp<std::size_t>(o.sequential_h, kMinBatch, kBatch) : o.n;
  for (std::size_t begin = 0; begin < o.n && !out.stopped_early; begin += batch) {
    const std::size_t end = std::min(o.n, begin + batch);
    parallel_for_blocks(end - begin, 1, o.threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t j = b; j < e; ++j) {
        Rng rng(o.seed, first_stream + begin + j);
        values[begin + j] = draw(rng);
      }
    });
    for (std::size_t i = begin; i < end; ++i) {
      ++done;
      if (exceeds(values[i])) ++k;
      if (o.sequential_h > 0 && k >= o.sequential_h && done < o.n) {
        out.stopped_early = true;
        break;
      }
    }
  }
  out.k = k;
  out.n = done;
  const auto kd = static_cast<double>(k), nd = static_cast<double>(done);
  out.p_value = out.stopped_early ? kd / nd : (kd + 1.0) / (nd + 1.0);
  clopper_pearson(k, done, o.ci_level, out.ci_low, out.ci_high);
  if (o.keep_null_values) {
    values.resize(done);
    out.null_values = std::move(values);
  }
  return out;
}

}  // namespace

McResult mc_replicates(double observed, std::string null, const McOptions& o,
                       std::uint64_t first_stream, const std::function<double(Rng&)>& draw) {
  require(o.n >= 1, "n", "must be >= 1");
  require(o.ci_level > 0.0 && o.ci_level < 1.0, "ci_level", "must be in (0, 1)");
  return run_mc(observed, std::move(null), o, draw, first_stream);
}

McResult mc_test(const EventSeries& series, const std::function<double(const EventSeries&)>& stat,
                 const SurrogateGenerator& generator, const McOptions& o) {
  require(o.n >= 1, "n", "must be >= 1");
  require(o.ci_level > 0.0 && o.ci_level < 1.0, "ci_level", "must be in (0, 1)");
  return run_mc(stat(series), null_name(generator.null()), o,
                [&](Rng& rng) { return stat(generator(rng)); });
}

McResult mc_test(const EventSeries& series, Statistic statistic, Null null, const McOptions& o) {
  const StatisticFunction stat(series, statistic, o.statistic);
  const SurrogateGenerator generator(series, null, o.null);
  McResult out;
  if (statistic == Statistic::max_leahy && null == Null::shuffle) {
    require(o.n >= 1, "n", "must be >= 1");
    require(o.ci_level > 0.0 && o.ci_level < 1.0, "ci_level", "must be in (0, 1)");
    const ShuffleLeahy draw(series, o.statistic);
    out = run_mc(stat(series), null_name(null), o, draw);
  } else {
    out = mc_test(
        series, [&stat](const EventSeries& s) { return stat(s); }, generator, o);
  }
  out.statistic = statistic_name(statistic);
  return out;
}

}  // namespace tealeaves::nullmodel
