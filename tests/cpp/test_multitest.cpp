#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "tealeaves/nullmodel/multitest.hpp"

using namespace tealeaves::nullmodel;

namespace {
// statsmodels.stats.multitest.multipletests(p, 0.05, method)[1] for this vector.
const std::vector<double> kP{0.01, 0.04, 0.03, 0.005, 0.2, 0.04};
}  // namespace

TEST_CASE("multitest Bonferroni and Holm by hand") {
  const MultitestResult b = multitest(kP, MultitestMethod::bonferroni);
  const std::vector<double> bonf{0.06, 0.24, 0.18, 0.03, 1.0, 0.24};
  for (std::size_t i = 0; i < kP.size(); ++i) CHECK(b.adjusted[i] == doctest::Approx(bonf[i]));
  CHECK(b.reject == std::vector<bool>{false, false, false, true, false, false});
  // Holm: sorted 0.005 0.01 0.03 0.04 0.04 0.2 times 6 5 4 3 2 1, running max.
  const MultitestResult h = multitest(kP, MultitestMethod::holm);
  const std::vector<double> holm{0.05, 0.12, 0.12, 0.03, 0.2, 0.12};
  for (std::size_t i = 0; i < kP.size(); ++i) CHECK(h.adjusted[i] == doctest::Approx(holm[i]));
  // 0.01 <= 0.05 / 5 is rejected (statsmodels compares with <=), 0.03 > 0.05 / 4 stops.
  CHECK(h.reject == std::vector<bool>{true, false, false, true, false, false});
}

TEST_CASE("multitest Benjamini-Hochberg and Yekutieli by hand") {
  // BH: sorted p * 6 / rank = 0.03 0.03 0.06 0.06 0.048 0.2, running min from the top.
  const MultitestResult bh = multitest(kP, MultitestMethod::bh);
  const std::vector<double> q{0.03, 0.048, 0.048, 0.03, 0.2, 0.048};
  for (std::size_t i = 0; i < kP.size(); ++i) CHECK(bh.adjusted[i] == doctest::Approx(q[i]));
  CHECK(bh.reject == std::vector<bool>{true, true, true, true, false, true});
  const double c = 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5 + 1.0 / 6;
  const MultitestResult by = multitest(kP, MultitestMethod::by);
  for (std::size_t i = 0; i < kP.size(); ++i) {
    CHECK(by.adjusted[i] == doctest::Approx(std::min(q[i] * c, 1.0)));
  }
}

TEST_CASE("multitest adjusted values are monotone in p, clipped to 1, never below p") {
  std::vector<double> p(200);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::fmod(0.6180339887 * double(i), 1.0);
  for (auto method : {MultitestMethod::bonferroni, MultitestMethod::holm, MultitestMethod::bh,
                      MultitestMethod::by}) {
    const MultitestResult r = multitest(p, method);
    for (std::size_t i = 0; i < p.size(); ++i) {
      CHECK(r.adjusted[i] >= p[i]);
      CHECK(r.adjusted[i] <= 1.0);
      for (std::size_t j = 0; j < p.size(); ++j) {
        if (p[i] < p[j]) CHECK(r.adjusted[i] <= r.adjusted[j]);
      }
    }
  }
  const MultitestResult one = multitest(std::vector<double>{0.3}, MultitestMethod::by);
  CHECK(one.adjusted[0] == 0.3);
  CHECK(multitest(std::vector<double>{}, MultitestMethod::bh).adjusted.empty());
}

TEST_CASE("multitest refuses NaN and out-of-range input, naming the argument") {
  const std::vector<double> nan{0.1, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_WITH_AS(multitest(nan, MultitestMethod::bh),
                       doctest::Contains("pvalues: value at index 1 is NaN"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(multitest(std::vector<double>{1.5}, MultitestMethod::bh),
                       doctest::Contains("pvalues"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(multitest(kP, MultitestMethod::bh, 0.0), doctest::Contains("alpha"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_multitest_method("sidak"), doctest::Contains("method"),
                       std::invalid_argument);
  CHECK(parse_multitest_method("fdr_by") == MultitestMethod::by);
}
