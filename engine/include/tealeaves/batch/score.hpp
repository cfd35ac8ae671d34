// Ranking: every series of a log scored in one multithreaded pass, with q-values across them.
//
// A series is the set of lookups sharing a (client, qname) pair of LogTable codes; callers with
// other keys (qname alone, client and qtype, ...) encode them into those two columns first. Each
// series with at least `min_events` lookups is scored by verdict::verdict (one thread each; the
// series run in parallel with parallel_for_blocks), and gets its burstiness B (Goh & Barabasi)
// and memory M (correlation of consecutive gaps) from interarrival::burstiness.
//
// Determinism: series are put in a canonical order that depends only on their contents (event
// count descending, then client name, then qname name, compared as bytes), never on the order
// of the log's rows or on dictionary codes; series i of that order is scored with the verdict
// seed Rng(seed, i).next(). So results are bit-identical for any thread count and any row order.
//
// q-values: one p-value per scored series, its verdict's p_any (the smaller of the machine and
// human family p-values, Bonferroni over the two families, so already corrected for the tests
// inside the verdict). The multiple-testing correction (Benjamini-Hochberg by default) runs over
// exactly these n_tested p-values: every series with >= min_events lookups whose p_any is a
// number. Series below min_events are counted in n_skipped and get neither p nor q. The q-value
// thus pays for having picked the most striking series out of all those scored.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"
#include "tealeaves/ingest/log.hpp"
#include "tealeaves/verdict/verdict.hpp"

namespace tealeaves::batch {

// Shared with a watcher thread (a progress line): `total` is set before scoring starts, `done`
// counts series scored; setting `cancel` makes rank() skip the remaining series and throw
// std::runtime_error("rank: cancelled").
struct RankProgress {
  std::atomic<std::size_t> total{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> cancel{false};
};

struct RankOptions {
  std::size_t min_events = 20;  // >= 1: lookups (rows) a series needs to be scored
  // Verdict settings for every series; its seed is the base seed, its threads are overridden
  // (1 per series). Its own min_events applies to the events the verdict sees (after any
  // collapsing of duplicates): fewer gives the label "insufficient" (p_any NaN, not counted).
  // bin_width 0 means rank_bin_width(log span) for every series.
  verdict::VerdictOptions verdict;
  std::size_t threads = 0;      // series scored in parallel; 0: resolve_threads(0)
  std::string q_method = "bh";  // bonferroni, holm, bh, by (nullmodel::parse_multitest_method)
  // As group_series(duplicates=..., duplicate_tolerance=...): lookups within the tolerance of a
  // run's first lookup are one event (n_events still counts every lookup).
  DuplicatePolicy duplicates = DuplicatePolicy::keep;
  double duplicate_tolerance = 0.0;
  // true: every series observed over the whole log's span (first to last lookup of the table),
  // as group_series(window="log"); false: each series over its own first..last lookup.
  bool log_window = true;
  RankProgress* progress = nullptr;  // optional, not owned
};

struct RankRow {
  std::int32_t client = 0;                    // code into RankResult::clients
  std::int32_t qname = 0;                     // code into RankResult::qnames
  std::size_t index = 0;                      // position in the canonical order (its seed stream)
  std::size_t n_events = 0;                   // lookups (raw rows)
  double start = 0.0, end = 0.0, span = 0.0;  // first and last lookup (epoch s), end - start
  double rate = 0.0;      // lookups per second over the observation window (NaN if it is empty)
  std::string label;      // verdict label
  double period_s = 0.0;  // the machine's period (NaN if none)
  double line_period_s = 0.0;  // period of the strongest whole-series spectral line
  double p_line = 0.0;         // that line's global p (Sidak over the ordinates searched)
  double p_machine = 0.0, p_human = 0.0, p_any = 0.0;
  double burstiness = 0.0;  // B = (sigma - mu) / (sigma + mu) of the gaps (NaN: too few)
  double memory = 0.0;      // M, correlation of consecutive gaps (NaN: too few)
  double q_value = 0.0;     // NaN when p_any is NaN (not counted in the correction)
  std::uint64_t seed = 0;   // the verdict seed used
};

struct RankResult {
  // Scored series, sorted by q_value, then p_any, then canonical index (NaN last).
  std::vector<RankRow> rows;
  std::vector<std::string> clients, qnames;  // dictionaries of the rows' codes
  std::size_t n_series = 0;                  // distinct (client, qname) pairs in the table
  std::size_t n_skipped = 0;                 // of which fewer than min_events lookups (not scored)
  std::size_t n_tested = 0;                  // p-values entering the correction
  std::string q_method;                      // canonical name, e.g. "bh"
  std::string null;                          // what the p-values and q-values mean
  double alpha = 0.01;                       // the verdict's level
  double bin_width = 0.0;                    // seconds, the one every series was scored with
  double window_start = 0.0, window_end = 0.0;  // the log's span
};

// Scores every (client, qname) series of `table` (whose dictionaries name the codes).
RankResult rank(const ingest::LogTable& table, const RankOptions& options = {});

// The bin width every series is scored with when verdict.bin_width is 0: the verdict's
// auto_bin_width of the log's span (validated), one width for all series, so their p-values
// are comparable.
double rank_bin_width(double span);

// Seed of the verdict of the series at canonical position `index`.
std::uint64_t series_seed(std::uint64_t seed, std::size_t index);

}  // namespace tealeaves::batch
