#include "tealeaves/bursts/bayesian_blocks.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include "tealeaves/bursts/outages.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"

namespace tealeaves::bursts {
namespace {

// Scratch and result of one dynamic programme, laid out as astropy's fit().
struct Programme {
  std::vector<double> block_length;  // t_last - edge_i, size n + 1
  std::vector<double> cumulative;    // prefix sums of the weights, size n + 1
  std::vector<double> best;
  std::vector<std::size_t> last, n_blocks;
  std::vector<double> a_r;

  Programme(std::span<const double> t, std::span<const double> w) {
    const std::size_t n = t.size();
    block_length.resize(n + 1);
    block_length[0] = t[n - 1] - t[0];
    for (std::size_t i = 1; i < n; ++i) block_length[i] = t[n - 1] - 0.5 * (t[i] + t[i - 1]);
    block_length[n] = 0.0;
    cumulative.assign(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i) cumulative[i + 1] = cumulative[i] + w[i];
    best.resize(n);
    last.resize(n);
    n_blocks.resize(n);
    a_r.resize(n);
  }

  // Fitness of block [i, r] (before the prior) into out[0..r].
  void fitness_row(std::size_t r, double* out) const {
    const double end_length = block_length[r + 1];
    const double end_count = cumulative[r + 1];
    for (std::size_t i = 0; i <= r; ++i) {
      // N_k counted from the right as astropy's reversed cumsum (exact for integer counts).
      const double n_k = end_count - cumulative[i];
      const double t_k = block_length[i] - end_length;
      out[i] = n_k * std::log(n_k / t_k);
    }
  }

  // Keeps every block fitness (n (n + 1) / 2 values) so that repeated runs with other priors
  // (the calibration's Dinkelbach steps) need no logarithms.
  void cache_fitness() {
    const std::size_t n = best.size();
    fitness.resize(n * (n + 1) / 2);
    for (std::size_t r = 0; r < n; ++r) fitness_row(r, fitness.data() + r * (r + 1) / 2);
  }

  // Runs the programme with prior `ncp`; returns best[n - 1].
  double run(double ncp) {
    const std::size_t n = best.size();
    for (std::size_t r = 0; r < n; ++r) {
      const double* fit = fitness.empty() ? a_r.data() : fitness.data() + r * (r + 1) / 2;
      if (fitness.empty()) fitness_row(r, a_r.data());
      for (std::size_t i = 0; i <= r; ++i) a_r[i] = fit[i] - ncp;
      for (std::size_t i = 1; i <= r; ++i) a_r[i] += best[i - 1];
      std::size_t i_max = 0;
      for (std::size_t i = 1; i <= r; ++i) {
        if (a_r[i] > a_r[i_max]) i_max = i;
      }
      last[r] = i_max;
      best[r] = a_r[i_max];
      n_blocks[r] = i_max == 0 ? 1 : n_blocks[i_max - 1] + 1;
    }
    return best[n - 1];
  }

  std::vector<double> fitness;  // cached block fitness, row r at offset r (r + 1) / 2
};

// Up to this many cells (~32 MB of cached fitness per thread) the calibration caches them.
constexpr std::size_t max_cached_cells = 2896;

std::vector<double> uniform_sorted(std::size_t n, Rng& rng) {
  std::vector<double> t(n);
  for (double& v : t) v = rng.uniform();
  std::sort(t.begin(), t.end());
  return t;
}

}  // namespace

PoissonInterval poisson_interval(double count, double level) {
  require(std::isfinite(count) && count >= 0.0, "count", "must be finite and >= 0");
  require(level > 0.0 && level < 1.0, "level", "must be in (0, 1)");
  const double tail = 0.5 * (1.0 - level);
  PoissonInterval out;
  out.low = count > 0.0 ? boost::math::gamma_p_inv(count, tail) : 0.0;
  out.high = boost::math::gamma_p_inv(count + 1.0, 1.0 - tail);
  return out;
}

double p0_prior(double p0, std::size_t n_cells) {
  require(p0 > 0.0 && p0 < 1.0, "p0", "must be in (0, 1), got " + format_number(p0));
  return 4.0 - std::log(73.53 * p0 * std::pow(static_cast<double>(n_cells), -0.478));
}

std::vector<std::size_t> block_edges(std::span<const double> cells, std::span<const double> weights,
                                     double ncp_prior) {
  require(cells.size() == weights.size(), "weights", "must have one weight per cell");
  require(std::isfinite(ncp_prior), "ncp_prior", "must be finite");
  const std::size_t n = cells.size();
  if (n == 0) return {};
  if (n == 1) return {0, 1};
  Programme dp(cells, weights);
  dp.run(ncp_prior);
  std::vector<std::size_t> change_points{n};
  std::size_t ind = n;
  while (ind > 0) {
    ind = dp.last[ind - 1];
    change_points.push_back(ind);
  }
  std::reverse(change_points.begin(), change_points.end());
  return change_points;
}

namespace {

// Dinkelbach iterations from `start`: G(g) = max over partitions P with k >= 2 blocks of
// F(P) - F_1 - (k - 1) g is convex, piecewise linear and decreasing, and each step jumps to the
// root of the current line. When one block already wins at `start`, returns `start` (then the
// critical prior is at most that).
double critical_prior_from(std::span<const double> cells, std::span<const double> weights,
                           double start) {
  const std::size_t n = cells.size();
  if (n < 2) return 0.0;
  Programme dp(cells, weights);
  if (n <= max_cached_cells) dp.cache_fitness();
  const double total = dp.cumulative[n];
  const double single = total * std::log(total / dp.block_length[0]);
  double g = start;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double value = dp.run(g);
    const std::size_t k = dp.n_blocks[n - 1];
    if (k < 2) break;
    const double fitness = value + static_cast<double>(k) * g;
    const double next = (fitness - single) / static_cast<double>(k - 1);
    if (!(next > g * (1.0 + 1e-13))) {
      g = std::max(g, next);
      break;
    }
    g = next;
  }
  return g;
}

// Critical priors of n_calibration null series, largest first.
std::vector<double> null_critical_priors(std::size_t n_events, std::size_t n_calibration,
                                         std::uint64_t seed, std::size_t threads, double start) {
  std::vector<double> critical(n_calibration);
  const std::vector<double> ones(n_events, 1.0);
  parallel_for_blocks(n_calibration, 4, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      Rng rng(seed, i);
      const std::vector<double> t = uniform_sorted(n_events, rng);
      critical[i] = critical_prior_from(t, ones, start);
    }
  });
  std::sort(critical.begin(), critical.end(), std::greater<>());
  return critical;
}

struct CalibrationKey {
  std::size_t n_events, n_calibration;
  double p0;
  std::uint64_t seed;
  std::size_t threads;  // part of the key only so that tests can compare thread counts
  auto operator<=>(const CalibrationKey&) const = default;
};

// Calibrations are deterministic in the key, so repeated calls reuse them.
std::mutex cache_mutex;
std::map<CalibrationKey, std::pair<double, double>> cache;  // -> (prior, rate at prior)

}  // namespace

double critical_prior(std::span<const double> cells, std::span<const double> weights) {
  return critical_prior_from(cells, weights, 0.0);
}

double calibrate_prior(std::size_t n_events, double p0, std::size_t n_calibration,
                       std::uint64_t seed, std::size_t threads, double* rate_at_prior) {
  require(p0 > 0.0 && p0 < 1.0, "p0", "must be in (0, 1), got " + format_number(p0));
  require(n_calibration >= 20, "n_calibration", "must be at least 20");
  require(n_events >= 2, "series", "needs at least 2 events to calibrate a prior");
  const CalibrationKey key{n_events, n_calibration, p0, seed, threads};
  {
    const std::lock_guard lock(cache_mutex);
    if (const auto it = cache.find(key); it != cache.end()) {
      if (rate_at_prior != nullptr) *rate_at_prior = it->second.second;
      return it->second.first;
    }
  }
  const auto m = static_cast<std::size_t>(std::floor(p0 * static_cast<double>(n_calibration)));
  // Only the m + 1 largest critical priors matter exactly: start the iterations at a prior most
  // null series exceed (eq. 21 at p0 = 0.5, well below the quantile sought; series that give
  // one block there stop at once) and redo from 0 in the rare case that fewer than m + 1
  // series exceed it.
  const double start = std::max(0.0, p0_prior(0.5, n_events));
  std::vector<double> critical =
      null_critical_priors(n_events, n_calibration, seed, threads, start);
  if (!(critical[m] > start)) {
    critical = null_critical_priors(n_events, n_calibration, seed, threads, 0.0);
  }
  const double prior =
      m == 0 ? critical[0] * (1.0 + 1e-9) + 1e-12 : 0.5 * (critical[m - 1] + critical[m]);
  const auto above =
      std::count_if(critical.begin(), critical.end(), [&](double g) { return g > prior; });
  const double rate = static_cast<double>(above) / static_cast<double>(n_calibration);
  if (rate_at_prior != nullptr) *rate_at_prior = rate;
  const std::lock_guard lock(cache_mutex);
  cache[key] = {prior, rate};
  return prior;
}

BayesianBlocks bayesian_blocks(const EventSeries& series, const BayesianBlocksOptions& o) {
  require(!series.empty(), "series", "has no events");
  require(o.p0 > 0.0 && o.p0 < 1.0, "p0", "must be in (0, 1), got " + format_number(o.p0));
  require(o.level > 0.0 && o.level < 1.0, "level", "must be in (0, 1)");
  if (o.ncp_prior) require(std::isfinite(*o.ncp_prior), "ncp_prior", "must be finite");
  // Distinct times with their summed multiplicity.
  std::vector<double> cells, weights;
  const auto times = series.times();
  const auto mult = series.multiplicity();
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!cells.empty() && times[i] == cells.back()) {
      weights.back() += mult[i];
    } else {
      cells.push_back(times[i]);
      weights.push_back(mult[i]);
    }
  }
  BayesianBlocks out;
  out.n_cells = cells.size();
  out.level = o.level;
  out.p0 = o.p0;
  if (o.ncp_prior) {
    out.ncp_prior = *o.ncp_prior;
    out.method = "given";
    out.p0 = std::numeric_limits<double>::quiet_NaN();
    out.null = "none: the prior was given";
  } else if (o.calibrate) {
    out.ncp_prior = calibrate_prior(series.total_count(), o.p0, o.n_calibration, o.seed, o.threads,
                                    &out.calibration_rate);
    out.method = "calibrated";
    out.n_calibration = o.n_calibration;
    out.null =
        "homogeneous Poisson process with the same number of events on the same span: a "
        "fraction p0 of such series would show more than one block (calibrated by simulation)";
  } else {
    out.ncp_prior = p0_prior(o.p0, cells.size());
    out.method = "p0";
    out.null =
        "homogeneous Poisson process: p0 is the false-positive rate per change point of "
        "Scargle et al. (2013) eq. 21 (an approximate fit, as in astropy)";
  }
  const std::size_t n = cells.size();
  std::vector<double> cell_edges(n + 1);
  cell_edges[0] = cells[0];
  for (std::size_t i = 1; i < n; ++i) cell_edges[i] = 0.5 * (cells[i] + cells[i - 1]);
  cell_edges[n] = cells[n - 1];
  const std::vector<std::size_t> idx = block_edges(cells, weights, out.ncp_prior);
  for (const std::size_t i : idx) out.edges.push_back(series.origin() + cell_edges[i]);
  for (std::size_t b = 0; b + 1 < idx.size(); ++b) {
    double count = 0.0;
    for (std::size_t i = idx[b]; i < idx[b + 1]; ++i) count += weights[i];
    // Observed time only: a block spanning an outage of the series is not diluted by it.
    const double width =
        observed_length(series.good_intervals(), cell_edges[idx[b]], cell_edges[idx[b + 1]]);
    const PoissonInterval ci = poisson_interval(count, o.level);
    out.counts.push_back(count);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.rates.push_back(width > 0.0 ? count / width : nan);
    out.rate_low.push_back(width > 0.0 ? ci.low / width : nan);
    out.rate_high.push_back(width > 0.0 ? ci.high / width : nan);
  }
  return out;
}

}  // namespace tealeaves::bursts
