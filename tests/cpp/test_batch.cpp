// tealeaves::batch::rank: determinism, the q-values, a beacon among Poisson series, bad options.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tealeaves/batch/score.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/nullmodel/multitest.hpp"

using namespace tealeaves;
using tealeaves::batch::RankOptions;
using tealeaves::batch::RankResult;

namespace {

constexpr double kT0 = 1.7e9;    // epoch origin of the synthetic log
constexpr double kSpan = 21600;  // six hours

struct Row {
  double ts;
  std::string client, qname;
};

// One beacon (every 60 s, 1 s jitter) among n_poisson Poisson series of about the same rate,
// plus a few series below min_events.
std::vector<Row> synthetic_rows(std::size_t n_poisson) {
  std::vector<Row> rows;
  Rng rng(42, 0);
  for (double t = 5.0; t < kSpan; t += 60.0) {
    rows.push_back({kT0 + t + rng.uniform() - 0.5, "10.0.0.99", "beacon.example"});
  }
  for (std::size_t s = 0; s < n_poisson; ++s) {
    const std::string client = "10.0.1." + std::to_string(s);
    for (double t = rng.exponential(1.0 / 60.0); t < kSpan; t += rng.exponential(1.0 / 60.0)) {
      rows.push_back({kT0 + t, client, "www.example"});
    }
  }
  for (int k = 0; k < 5; ++k) rows.push_back({kT0 + 100.0 * k, "10.0.2.1", "rare.example"});
  rows.push_back({kT0 + kSpan, "10.0.2.2", "last.example"});
  return rows;
}

// A LogTable whose dictionary codes follow the rows' first-seen order (as the parsers do).
ingest::LogTable table_of(const std::vector<Row>& rows) {
  ingest::LogTable t;
  std::map<std::string, std::int32_t> clients, qnames;
  for (const Row& r : rows) {
    const auto c = clients.try_emplace(r.client, static_cast<std::int32_t>(clients.size()));
    if (c.second) t.clients.push_back(r.client);
    const auto q = qnames.try_emplace(r.qname, static_cast<std::int32_t>(qnames.size()));
    if (q.second) t.qnames.push_back(r.qname);
    t.ts.push_back(r.ts);
    t.client.push_back(c.first->second);
    t.qname.push_back(q.first->second);
  }
  t.lines_used = t.lines_read = rows.size();
  return t;
}

RankOptions quick_options(std::size_t threads) {
  RankOptions o;
  o.threads = threads;
  o.verdict.n_surrogates = 99;
  o.verdict.n_bootstrap = 19;
  o.verdict.seed = 7;
  return o;
}

bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

void check_identical(const RankResult& a, const RankResult& b) {
  REQUIRE(a.rows.size() == b.rows.size());
  CHECK(a.n_series == b.n_series);
  CHECK(a.n_skipped == b.n_skipped);
  CHECK(a.bin_width == b.bin_width);
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const auto& x = a.rows[i];
    const auto& y = b.rows[i];
    CHECK(a.clients[static_cast<std::size_t>(x.client)] ==
          b.clients[static_cast<std::size_t>(y.client)]);
    CHECK(a.qnames[static_cast<std::size_t>(x.qname)] ==
          b.qnames[static_cast<std::size_t>(y.qname)]);
    CHECK(x.index == y.index);
    CHECK(x.seed == y.seed);
    CHECK(x.label == y.label);
    CHECK(x.n_events == y.n_events);
    for (const auto& [u, v] : {std::pair{x.p_any, y.p_any},
                               {x.p_line, y.p_line},
                               {x.p_human, y.p_human},
                               {x.q_value, y.q_value},
                               {x.period_s, y.period_s},
                               {x.burstiness, y.burstiness},
                               {x.memory, y.memory},
                               {x.rate, y.rate},
                               {x.start, y.start}}) {
      CHECK(same_bits(u, v));
    }
  }
}

// Benjamini-Hochberg straight from its definition: q_i = min over p_j >= p_i of n p_j / r_j,
// r_j the number of p-values <= p_j; capped at 1.
std::vector<double> slow_bh(const std::vector<double>& p) {
  const std::size_t n = p.size();
  std::vector<double> q(n, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (p[j] < p[i]) continue;
      const auto r = static_cast<double>(
          std::count_if(p.begin(), p.end(), [&](double x) { return x <= p[j]; }));
      q[i] = std::min(q[i], static_cast<double>(n) * p[j] / r);
    }
  }
  return q;
}

}  // namespace

TEST_CASE("batch rank: a beacon among Poisson series ranks first with q < 0.01") {
  const RankResult r = batch::rank(table_of(synthetic_rows(12)), quick_options(2));
  CHECK(r.n_series == 15);
  CHECK(r.n_skipped == 2);  // rare.example (5 lookups) and last.example (1)
  CHECK(r.n_tested == 13);
  CHECK(r.q_method == "bh");
  CHECK(r.bin_width == 10.0);  // auto_bin_width of six hours, 2160 bins
  REQUIRE(r.rows.size() == 13);
  const auto& top = r.rows.front();
  CHECK(r.clients[static_cast<std::size_t>(top.client)] == "10.0.0.99");
  CHECK(r.qnames[static_cast<std::size_t>(top.qname)] == "beacon.example");
  CHECK(top.label == "periodic");
  CHECK(top.period_s == doctest::Approx(60.0).epsilon(0.01));
  CHECK(top.q_value < 0.01);
  CHECK(top.n_events == 360);
  CHECK(top.burstiness < -0.9);  // a schedule: B near -1
  CHECK(top.rate == doctest::Approx(360.0 / kSpan).epsilon(1e-3));
  // The Poisson series: none significant after the correction, burstiness near 0.
  for (std::size_t i = 1; i < r.rows.size(); ++i) {
    CHECK(r.rows[i].q_value >= 0.01);
    CHECK(std::abs(r.rows[i].burstiness) < 0.2);
  }
}

TEST_CASE("batch rank: identical for any thread count and any row order") {
  std::vector<Row> rows = synthetic_rows(8);
  const RankResult one = batch::rank(table_of(rows), quick_options(1));
  const RankResult three = batch::rank(table_of(rows), quick_options(3));
  check_identical(one, three);
  // Shuffled rows: different dictionary codes, same series and same results, bit for bit.
  Rng rng(3, 0);
  for (std::size_t i = rows.size() - 1; i > 0; --i) {
    std::swap(rows[i], rows[static_cast<std::size_t>(rng.below(i + 1))]);
  }
  const RankResult shuffled = batch::rank(table_of(rows), quick_options(2));
  CHECK(shuffled.clients != one.clients);  // the codes really differ
  check_identical(one, shuffled);
  // Another seed changes the Monte-Carlo streams (the seeds), not the canonical order.
  RankOptions other = quick_options(2);
  other.verdict.seed = 8;
  const RankResult reseeded = batch::rank(table_of(rows), other);
  CHECK(reseeded.rows.front().seed != one.rows.front().seed);
  CHECK(batch::series_seed(7, one.rows.front().index) == one.rows.front().seed);
}

TEST_CASE("batch rank: q-values are BH over every scored p_any") {
  const RankResult r = batch::rank(table_of(synthetic_rows(10)), quick_options(2));
  std::vector<double> p, q;
  for (const auto& row : r.rows) {
    p.push_back(row.p_any);
    q.push_back(row.q_value);
  }
  CHECK(p.size() == r.n_tested);
  const auto m = nullmodel::multitest(p, nullmodel::MultitestMethod::bh, 0.01);
  const std::vector<double> ref = slow_bh(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    CHECK(q[i] == m.adjusted[i]);
    CHECK(q[i] == doctest::Approx(ref[i]).epsilon(1e-12));
  }
  // Rows come sorted by q, then p.
  for (std::size_t i = 1; i < r.rows.size(); ++i) {
    CHECK(r.rows[i - 1].q_value <= r.rows[i].q_value);
  }
  // Holm through the option.
  RankOptions holm = quick_options(2);
  holm.q_method = "holm";
  const RankResult h = batch::rank(table_of(synthetic_rows(10)), holm);
  CHECK(h.q_method == "holm");
  std::vector<double> hp;
  for (const auto& row : h.rows) hp.push_back(row.p_any);
  const auto hm = nullmodel::multitest(hp, nullmodel::MultitestMethod::holm, 0.01);
  for (std::size_t i = 0; i < hp.size(); ++i) CHECK(h.rows[i].q_value == hm.adjusted[i]);
}

TEST_CASE("batch rank: bin width for short logs, min_events and collapse") {
  CHECK(batch::rank_bin_width(21600.0) == 10.0);
  CHECK(batch::rank_bin_width(1270.0) == 1.0);  // the 21-minute WRCCDC log
  CHECK(batch::rank_bin_width(5200.0) == 5.0);
  CHECK(batch::rank_bin_width(50.0) == 0.1);
  CHECK(batch::rank_bin_width(86400.0 * 30) == verdict::auto_bin_width(86400.0 * 30));

  // Doubled rows (Zeek double-logging 1 us apart): collapse keeps n_events, halves the events.
  std::vector<Row> rows;
  for (double t = 0; t < 3600; t += 30) {
    rows.push_back({kT0 + t, "a", "x"});
    rows.push_back({kT0 + t + 1e-6, "a", "x"});
  }
  RankOptions o = quick_options(1);
  o.duplicates = DuplicatePolicy::collapse;
  o.duplicate_tolerance = 1e-3;
  o.min_events = 200;
  const RankResult r = batch::rank(table_of(rows), o);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].n_events == 240);
  CHECK(r.rows[0].label == "periodic");
  CHECK(r.rows[0].period_s == doctest::Approx(30.0).epsilon(0.01));
  // The verdict's own threshold counts events after collapsing: 120 < 150 is "insufficient",
  // with no p-value, and is left out of the correction.
  o.verdict.min_events = 150;
  const RankResult thin = batch::rank(table_of(rows), o);
  REQUIRE(thin.rows.size() == 1);
  CHECK(thin.rows[0].label == "insufficient");
  CHECK(std::isnan(thin.rows[0].p_any));
  CHECK(std::isnan(thin.rows[0].q_value));
  CHECK(thin.n_tested == 0);
  // Own window: the rate is over the series' own span, not the log's.
  std::vector<Row> two = rows;
  two.push_back({kT0 + 7200.0, "b", "y"});
  o.verdict.min_events = 20;
  o.log_window = false;
  const RankResult own = batch::rank(table_of(two), o);
  REQUIRE(own.rows.size() == 1);
  CHECK(own.rows[0].rate == doctest::Approx(240.0 / (3570.0 + 1e-6)));
  o.log_window = true;
  const RankResult whole = batch::rank(table_of(two), o);
  CHECK(whole.rows[0].rate == doctest::Approx(240.0 / 7200.0));
  o.min_events = 241;
  const RankResult none = batch::rank(table_of(rows), o);
  CHECK(none.rows.empty());
  CHECK(none.n_skipped == 1);
  CHECK(none.n_tested == 0);
}

TEST_CASE("batch rank: progress counts every scored series; cancel stops it") {
  batch::RankProgress progress;
  RankOptions o = quick_options(2);
  o.progress = &progress;
  const RankResult r = batch::rank(table_of(synthetic_rows(4)), o);
  CHECK(progress.total.load() == r.rows.size());
  CHECK(progress.done.load() == r.rows.size());
  batch::RankProgress cancelled;
  cancelled.cancel.store(true);
  o.progress = &cancelled;
  CHECK_THROWS_AS(batch::rank(table_of(synthetic_rows(4)), o), std::runtime_error);
  CHECK(cancelled.done.load() == 0);
}

TEST_CASE("batch rank: bad options are named") {
  const ingest::LogTable t = table_of(synthetic_rows(1));
  const auto message = [&](RankOptions o) {
    try {
      batch::rank(t, o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  RankOptions o;
  o.min_events = 0;
  CHECK(message(o).find("min_events") != std::string::npos);
  o = {};
  o.q_method = "fdr_magic";
  CHECK(message(o).find("q_method") != std::string::npos);
  o = {};
  o.verdict.alpha = 1.5;
  CHECK(message(o).find("alpha") != std::string::npos);
  o = {};
  o.duplicate_tolerance = -1.0;
  CHECK(message(o).find("duplicate_tolerance") != std::string::npos);
  o = {};
  o.verdict.n_surrogates = 0;
  CHECK(message(o).find("n_surrogates") != std::string::npos);
  ingest::LogTable bad = t;
  bad.client[0] = 999;
  CHECK_THROWS_AS(batch::rank(bad, RankOptions{}), std::invalid_argument);
  CHECK_THROWS_AS(batch::rank_bin_width(-1.0), std::invalid_argument);
  // An empty table ranks nothing.
  const RankResult empty = batch::rank(ingest::LogTable{}, RankOptions{});
  CHECK(empty.rows.empty());
  CHECK(empty.n_series == 0);
}
