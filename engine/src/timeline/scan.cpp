// The (tolerance x lag x direction) scan against surrogates, Westfall-Young min-P and the
// lagged correlation (see coincidence.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/multitest.hpp"
#include "tealeaves/timeline/coincidence.hpp"

namespace tealeaves::timeline {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows 0..n of one column; NaN ranks as least extreme observed, most extreme surrogate.
std::vector<double> column(std::span<const double> stats, std::size_t n_cols, std::size_t j) {
  const std::size_t rows = stats.size() / n_cols;
  std::vector<double> c(rows);
  for (std::size_t s = 0; s < rows; ++s) {
    const double v = stats[s * n_cols + j];
    c[s] = std::isnan(v) ? (s == 0 ? -kInf : kInf) : v;
  }
  return c;
}

void validate(const EventSeries& lookups, const CoincidenceOptions& o) {
  require(!lookups.empty(), "lookups", "must hold at least one event");
  require(!o.tolerances.empty(), "tolerances", "must not be empty");
  for (const double t : o.tolerances) {
    require(std::isfinite(t) && t >= 0.0, "tolerances",
            "each must be finite and >= 0, got " + format_number(t));
  }
  require(!o.lags.empty(), "lags", "must not be empty");
  for (const double l : o.lags) {
    require(std::isfinite(l), "lags", "each must be finite, got " + format_number(l));
  }
  require(o.n_surrogates >= 1, "n_surrogates", "must be >= 1");
  require(std::isfinite(o.shift_step) && o.shift_step >= 0.0, "shift_step",
          "must be finite and >= 0, got " + format_number(o.shift_step));
  require(o.shift_step == 0.0 || o.null == nullmodel::Null::circular_shift, "shift_step",
          "applies to null='circular_shift' only");
  if (o.correlation) {
    require(std::isfinite(o.bin_width) && o.bin_width > 0.0, "bin_width",
            "must be finite and > 0, got " + format_number(o.bin_width));
    require(o.max_lag <= 100000, "max_lag", "must be <= 100000");
  }
}

// Max-T single step: p_adj(j) = #{rows s : max_j' stat[s][j'] >= stat[0][j]} / rows.
void max_t(std::span<const double> stats, std::size_t n_cols, std::vector<double>& p,
           std::vector<double>& p_adjusted) {
  const std::size_t rows = stats.size() / n_cols;
  std::vector<double> row_max(rows, -kInf);
  std::vector<std::vector<double>> cols(n_cols);
  for (std::size_t j = 0; j < n_cols; ++j) {
    cols[j] = column(stats, n_cols, j);
    for (std::size_t s = 0; s < rows; ++s) row_max[s] = std::max(row_max[s], cols[j][s]);
  }
  const double denom = static_cast<double>(rows);
  p.assign(n_cols, 1.0);
  p_adjusted.assign(n_cols, 1.0);
  for (std::size_t j = 0; j < n_cols; ++j) {
    const double obs = cols[j][0];
    std::size_t k = 0, k_max = 0;
    for (std::size_t s = 0; s < rows; ++s) {
      k += cols[j][s] >= obs ? 1 : 0;
      k_max += row_max[s] >= obs ? 1 : 0;
    }
    p[j] = static_cast<double>(k) / denom;
    p_adjusted[j] = static_cast<double>(k_max) / denom;
  }
}

LaggedCorrelation correlation_result(std::span<const double> r_stats, std::size_t n_lags,
                                     const CoincidenceOptions& o, std::size_t n_bins) {
  LaggedCorrelation c;
  c.bin_width = o.bin_width;
  c.n_bins = n_bins;
  const auto L = static_cast<long>(o.max_lag);
  for (long l = -L; l <= L; ++l) c.lags.push_back(static_cast<double>(l));
  c.r.assign(r_stats.begin(), r_stats.begin() + static_cast<long>(n_lags));
  std::vector<double> abs_r(r_stats.begin(), r_stats.end());
  for (double& v : abs_r) v = std::abs(v);
  max_t(abs_r, n_lags, c.p, c.p_adjusted);
  c.global_p = *std::min_element(c.p_adjusted.begin(), c.p_adjusted.end());
  return c;
}

}  // namespace

void westfall_young_min_p(std::span<const double> stats, std::size_t n_tests,
                          std::vector<double>& p, std::vector<double>& p_adjusted) {
  require(n_tests >= 1 && stats.size() % n_tests == 0 && stats.size() >= n_tests, "stats",
          "must hold whole rows of n_tests values");
  const std::size_t rows = stats.size() / n_tests;
  // count[s] over tests: #{s' : stat[s'][j] >= stat[s][j]}, the rank p-value of row s times rows.
  std::vector<std::size_t> min_count(rows, rows);
  std::vector<std::size_t> observed(n_tests, rows);
  std::vector<double> sorted;
  for (std::size_t j = 0; j < n_tests; ++j) {
    const std::vector<double> c = column(stats, n_tests, j);
    sorted = c;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t s = 0; s < rows; ++s) {
      const auto at_least =
          rows - static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), c[s]) -
                                          sorted.begin());
      min_count[s] = std::min(min_count[s], at_least);
      if (s == 0) observed[j] = at_least;
    }
  }
  std::sort(min_count.begin(), min_count.end());
  const double denom = static_cast<double>(rows);
  p.assign(n_tests, 1.0);
  p_adjusted.assign(n_tests, 1.0);
  for (std::size_t j = 0; j < n_tests; ++j) {
    p[j] = static_cast<double>(observed[j]) / denom;
    const auto k = static_cast<std::size_t>(
        std::upper_bound(min_count.begin(), min_count.end(), observed[j]) - min_count.begin());
    p_adjusted[j] = static_cast<double>(k) / denom;
  }
}

void westfall_young_max_t(std::span<const double> stats, std::size_t n_tests,
                          std::vector<double>& p, std::vector<double>& p_adjusted) {
  require(n_tests >= 1 && stats.size() % n_tests == 0 && stats.size() >= n_tests, "stats",
          "must hold whole rows of n_tests values");
  const std::size_t rows = stats.size() / n_tests;
  std::vector<double> z(stats.size(), 0.0);
  for (std::size_t j = 0; j < n_tests; ++j) {
    const std::vector<double> c = column(stats, n_tests, j);
    double sum = 0.0, m = 0.0;
    for (const double v : c) {
      if (std::isfinite(v)) {
        sum += v;
        m += 1.0;
      }
    }
    const double mean = m > 0.0 ? sum / m : 0.0;
    double ss = 0.0;
    for (const double v : c) {
      if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    }
    const double sd = m > 1.0 ? std::sqrt(ss / (m - 1.0)) : 0.0;
    for (std::size_t s = 0; s < rows; ++s) {
      // +-inf (NaN stand-ins) stay infinite; a constant column carries no evidence.
      z[s * n_tests + j] = std::isfinite(c[s]) ? (sd > 0.0 ? (c[s] - mean) / sd : 0.0) : c[s];
    }
  }
  max_t(z, n_tests, p, p_adjusted);
  std::vector<double> unused;
  westfall_young_min_p(stats, n_tests, p, unused);  // marginal p from the raw counts
}

CoincidenceResult coincidence_analysis(const EventSeries& lookups,
                                       std::span<const double> event_starts,
                                       std::span<const double> event_ends,
                                       const CoincidenceOptions& o) {
  validate(lookups, o);
  CoincidenceResult out;
  const EventWindows events =
      make_event_windows(lookups, event_starts, event_ends, &out.n_events_dropped);
  require(events.size() > 0, "events", "no outside event overlaps the lookups' window");
  const nullmodel::SurrogateGenerator generator(lookups, o.null, o.null_options);

  const std::size_t n_tol = o.tolerances.size(), n_lag = o.lags.size();
  const std::size_t n_cells = n_tol * n_lag;
  const std::size_t n_cols = 2 * n_cells;  // column 2c precursor, 2c + 1 trigger
  const std::size_t n_rlags = o.correlation ? 2 * o.max_lag + 1 : 0;
  const std::size_t rows = o.n_surrogates + 1;
  std::vector<double> stats(rows * n_cols, 0.0), r_stats(rows * n_rlags, kNaN);
  std::size_t n_bins = 0;

  const auto evaluate = [&](std::span<const double> times, std::size_t row) {
    for (std::size_t it = 0; it < n_tol; ++it) {
      for (std::size_t il = 0; il < n_lag; ++il) {
        const auto c = count_coincidences(times, events, o.tolerances[it], o.lags[il]);
        const std::size_t cell = it * n_lag + il;
        stats[row * n_cols + 2 * cell] = static_cast<double>(c.precursor);
        stats[row * n_cols + 2 * cell + 1] = static_cast<double>(c.trigger);
      }
    }
    if (n_rlags == 0) return std::size_t{0};
    const BinnedTimeline b = bin_timeline(lookups, times, events, o.bin_width);
    const auto L = static_cast<long>(o.max_lag);
    for (long l = -L; l <= L; ++l) {
      r_stats[row * n_rlags + static_cast<std::size_t>(l + L)] = lagged_pearson(b, l);
    }
    return static_cast<std::size_t>(std::count(b.mask.begin(), b.mask.end(), 1.0));
  };
  if (o.shift_step > 0.0) {
    Rng probe(o.seed, 0);  // validates the step against the observed time once, up front
    (void)stepped_shift_surrogate(lookups, o.shift_step, probe);
  }
  n_bins = evaluate(lookups.times(), 0);
  parallel_for_blocks(o.n_surrogates, 16, o.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      Rng rng(o.seed, i);
      const EventSeries s =
          o.shift_step > 0.0 ? stepped_shift_surrogate(lookups, o.shift_step, rng) : generator(rng);
      evaluate(s.times(), i + 1);
    }
  });

  if (o.randomize_ties) {
    // A stream no surrogate uses (those are (seed, 0..n-1)); drawn serially, row by row.
    Rng tie(o.seed ^ 0x9e3779b97f4a7c15ULL, 0);
    for (std::size_t s = 0; s < rows; ++s) {
      const double u = 0.5 * tie.uniform();
      for (std::size_t c = 0; c < n_cols; ++c) stats[s * n_cols + c] += u;
    }
  }

  // The family: the columns of the tested directions.
  std::vector<std::size_t> family;
  for (std::size_t c = 0; c < n_cols; ++c) {
    const bool precursor = c % 2 == 0;
    if (o.direction == Direction::both || (o.direction == Direction::precursor) == precursor) {
      family.push_back(c);
    }
  }
  std::vector<double> fam_stats(rows * family.size());
  for (std::size_t s = 0; s < rows; ++s) {
    for (std::size_t f = 0; f < family.size(); ++f) {
      fam_stats[s * family.size() + f] = stats[s * n_cols + family[f]];
    }
  }
  std::vector<double> p_all, unused, p_fam, adj_fam;
  westfall_young_min_p(stats, n_cols, p_all, unused);  // marginal p for every column
  if (o.correction == Correction::max_t) {
    westfall_young_max_t(fam_stats, family.size(), p_fam, adj_fam);
  } else {
    westfall_young_min_p(fam_stats, family.size(), p_fam, adj_fam);
  }
  const auto q_fam = nullmodel::multitest(p_fam, nullmodel::MultitestMethod::bh).adjusted;
  std::vector<double> adjusted(n_cols, kNaN), q(n_cols, kNaN);
  for (std::size_t f = 0; f < family.size(); ++f) {
    adjusted[family[f]] = adj_fam[f];
    q[family[f]] = q_fam[f];
  }

  out.n_lookups = lookups.size();
  out.n_events = events.size();
  out.exposure = lookups.exposure();
  double mean_length = 0.0;
  for (std::size_t j = 0; j < events.size(); ++j) mean_length += events.end[j] - events.start[j];
  mean_length /= static_cast<double>(events.size());
  for (std::size_t it = 0; it < n_tol; ++it) {
    for (std::size_t il = 0; il < n_lag; ++il) {
      const std::size_t cell = it * n_lag + il;
      CoincidenceCell c;
      c.tolerance = o.tolerances[it];
      c.lag = o.lags[il];
      c.k_precursor = static_cast<std::size_t>(std::floor(stats[2 * cell]));
      c.k_trigger = static_cast<std::size_t>(std::floor(stats[2 * cell + 1]));
      c.precursor_rate = static_cast<double>(c.k_precursor) / static_cast<double>(out.n_lookups);
      c.trigger_rate = static_cast<double>(c.k_trigger) / static_cast<double>(out.n_events);
      c.p_precursor = p_all[2 * cell];
      c.p_trigger = p_all[2 * cell + 1];
      c.p_adjusted_precursor = adjusted[2 * cell];
      c.p_adjusted_trigger = adjusted[2 * cell + 1];
      c.q_precursor = q[2 * cell];
      c.q_trigger = q[2 * cell + 1];
      const double width = c.tolerance + mean_length;
      const double span = out.exposure - std::abs(c.lag);
      c.p_poisson_precursor =
          donges_p_value(c.k_precursor, out.n_lookups, out.n_events, width, span);
      c.p_poisson_trigger = donges_p_value(c.k_trigger, out.n_events, out.n_lookups, width, span);
      out.cells.push_back(c);
    }
  }
  out.n_tests = family.size();
  out.global_p = *std::min_element(adj_fam.begin(), adj_fam.end());
  out.null = nullmodel::null_name(o.null);
  if (o.shift_step > 0.0) out.null += " (steps of " + format_number(o.shift_step) + " s)";
  out.direction = direction_name(o.direction);
  out.correction = correction_name(o.correction);
  out.n_surrogates = o.n_surrogates;
  if (n_rlags > 0) out.correlation = correlation_result(r_stats, n_rlags, o, n_bins);
  return out;
}

}  // namespace tealeaves::timeline
