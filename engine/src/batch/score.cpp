// tealeaves::batch::rank: group, order canonically, score in parallel, correct across series.
#include "tealeaves/batch/score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/interarrival/burstiness.hpp"
#include "tealeaves/interarrival/gaps.hpp"
#include "tealeaves/nullmodel/multitest.hpp"

namespace tealeaves::batch {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_options(const RankOptions& o) {
  require(o.min_events >= 1, "min_events", "must be at least 1, got 0");
  require(std::isfinite(o.duplicate_tolerance) && o.duplicate_tolerance >= 0.0,
          "duplicate_tolerance",
          "must be finite and >= 0, got " + format_number(o.duplicate_tolerance));
  const verdict::VerdictOptions& v = o.verdict;
  require(v.alpha > 0.0 && v.alpha < 1.0, "alpha",
          "must lie in (0, 1), got " + format_number(v.alpha));
  require(v.n_surrogates >= 1, "n_surrogates", "must be at least 1, got 0");
  require(v.n_bootstrap >= 1, "n_bootstrap", "must be at least 1, got 0");
}

// Less-than on the canonical order: more lookups first, then client name, then qname (bytes).
struct CanonicalLess {
  const ingest::LogTable* table;
  bool operator()(const ingest::GroupedTimes& a, const ingest::GroupedTimes& b) const {
    if (a.times.size() != b.times.size()) return a.times.size() > b.times.size();
    const std::string& ca = table->clients[static_cast<std::size_t>(a.key.client)];
    const std::string& cb = table->clients[static_cast<std::size_t>(b.key.client)];
    if (ca != cb) return ca < cb;
    return table->qnames[static_cast<std::size_t>(a.key.qname)] <
           table->qnames[static_cast<std::size_t>(b.key.qname)];
  }
};

RankRow score_one(const ingest::GroupedTimes& g, std::size_t index, const RankOptions& o,
                  double window_start, double window_end) {
  RankRow row;
  row.client = g.key.client;
  row.qname = g.key.qname;
  row.index = index;
  row.n_events = g.times.size();
  row.start = g.times.front();
  row.end = g.times.back();
  row.span = row.end - row.start;

  SeriesOptions so;
  so.duplicates = o.duplicates;
  so.duplicate_tolerance = o.duplicate_tolerance;
  // Relative times keep microsecond precision of epoch timestamps.
  so.time_origin = o.log_window ? window_start : row.start;
  std::vector<double> rel(g.times.size());
  for (std::size_t i = 0; i < rel.size(); ++i) rel[i] = g.times[i] - so.time_origin;
  if (o.log_window) {
    so.start = 0.0;
    so.end = window_end - window_start;
  }
  const EventSeries series(rel, so);
  const double duration = series.duration();
  row.rate = duration > 0.0 ? static_cast<double>(row.n_events) / duration : kNaN;

  verdict::VerdictOptions vo = o.verdict;
  vo.threads = 1;
  row.seed = series_seed(o.verdict.seed, index);
  vo.seed = row.seed;
  const verdict::Verdict v = verdict::verdict(series, vo);
  row.label = v.label;
  row.period_s = v.period_s;
  row.line_period_s = v.line_period_s;
  row.p_line = v.p_line;
  row.p_machine = v.p_machine;
  row.p_human = v.p_human;
  row.p_any = v.p_any;

  row.burstiness = kNaN;
  row.memory = kNaN;
  // inter_arrival_times needs two events and one positive gap.
  if (series.size() >= 2 && series.times().back() > series.times().front()) {
    const interarrival::Burstiness b =
        interarrival::burstiness(interarrival::inter_arrival_times(series));
    row.burstiness = b.b;
    row.memory = b.memory;
  }
  return row;
}

}  // namespace

double rank_bin_width(double span) {
  require(std::isfinite(span) && span >= 0.0, "span",
          "must be finite and >= 0, got " + format_number(span));
  return verdict::auto_bin_width(span);
}

std::uint64_t series_seed(std::uint64_t seed, std::size_t index) {
  return Rng(seed, static_cast<std::uint64_t>(index)).next();
}

RankResult rank(const ingest::LogTable& table, const RankOptions& options) {
  check_options(options);
  nullmodel::MultitestMethod method = nullmodel::MultitestMethod::bh;
  try {
    method = nullmodel::parse_multitest_method(options.q_method);
  } catch (const std::invalid_argument&) {
    throw_invalid("q_method",
                  "expected bonferroni, holm, bh or by, got '" + options.q_method + "'");
  }

  std::vector<ingest::GroupedTimes> groups = ingest::group_by_client_qname(table);
  std::sort(groups.begin(), groups.end(), CanonicalLess{&table});

  RankResult result;
  result.clients = table.clients;
  result.qnames = table.qnames;
  result.n_series = groups.size();
  result.q_method = nullmodel::multitest_method_name(method);
  result.alpha = options.verdict.alpha;
  result.null =
      "p_any: the verdict's family p-value (machine: spectral lines and TTL floor against a "
      "smooth spectrum / Poisson gaps; human: daily-hour and weekday rhythm against rotated / "
      "permuted days), Bonferroni over the two families; q_value: " +
      std::string(result.q_method) + " over the p_any of every series with >= min_events lookups";
  if (!table.ts.empty()) {
    const auto [lo, hi] = std::minmax_element(table.ts.begin(), table.ts.end());
    result.window_start = *lo;
    result.window_end = *hi;
  }

  result.bin_width = options.verdict.bin_width > 0.0
                         ? options.verdict.bin_width
                         : rank_bin_width(result.window_end - result.window_start);
  RankOptions scoring = options;
  scoring.verdict.bin_width = result.bin_width;

  // Groups are ordered by count: the scored ones are a prefix.
  std::size_t n_scored = 0;
  while (n_scored < groups.size() && groups[n_scored].times.size() >= options.min_events) {
    ++n_scored;
  }
  result.n_skipped = groups.size() - n_scored;

  if (options.progress != nullptr) options.progress->total.store(n_scored);
  std::vector<RankRow> rows(n_scored);
  const double ws = result.window_start, we = result.window_end;
  parallel_for_blocks(n_scored, 1, options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (options.progress != nullptr && options.progress->cancel.load()) return;
      rows[i] = score_one(groups[i], i, scoring, ws, we);
      if (options.progress != nullptr) options.progress->done.fetch_add(1);
    }
  });
  if (options.progress != nullptr && options.progress->cancel.load()) {
    throw std::runtime_error("rank: cancelled");
  }
  groups.clear();
  groups.shrink_to_fit();

  std::vector<double> p;
  std::vector<std::size_t> tested;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].q_value = kNaN;
    if (!std::isnan(rows[i].p_any)) {
      p.push_back(rows[i].p_any);
      tested.push_back(i);
    }
  }
  result.n_tested = p.size();
  if (!p.empty()) {
    const nullmodel::MultitestResult m =
        nullmodel::multitest(p, method, std::min(std::max(options.verdict.alpha, 1e-12), 0.999));
    for (std::size_t k = 0; k < tested.size(); ++k) rows[tested[k]].q_value = m.adjusted[k];
  }

  // NaN sorts last; ties fall back to the canonical index, so the order is total.
  const auto key = [](double x) {
    return std::isnan(x) ? std::numeric_limits<double>::infinity() : x;
  };
  std::sort(rows.begin(), rows.end(), [&](const RankRow& a, const RankRow& b) {
    const double qa = key(a.q_value), qb = key(b.q_value);
    if (qa != qb) return qa < qb;
    const double pa = key(a.p_any), pb = key(b.p_any);
    if (pa != pb) return pa < pb;
    return a.index < b.index;
  });
  result.rows = std::move(rows);
  return result;
}

}  // namespace tealeaves::batch
