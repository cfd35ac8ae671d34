// Multiple-testing corrections: adjusted p-values ("q-values") and reject decisions.
//
// Every method reproduces statsmodels.stats.multitest.multipletests(p, alpha, method)
// (pvals_corrected and reject): the p-values are sorted, adjusted, made monotone and clipped
// to 1, then returned in the input order.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace tealeaves::nullmodel {

enum class MultitestMethod {
  bonferroni,  // p n                                          (family-wise error rate)
  holm,        // step-down max_{j<=i} (n - j) p_(j)           (family-wise error rate)
  bh,          // Benjamini-Hochberg step-up min_{j>=i} n p_(j) / j  (FDR, independent tests)
  by,          // Benjamini-Yekutieli: BH times sum_{k<=n} 1/k (FDR, any dependence)
};

// bonferroni, holm, bh (or fdr_bh), by (or fdr_by); anything else names `method`.
MultitestMethod parse_multitest_method(std::string_view name);
const char* multitest_method_name(MultitestMethod method);

struct MultitestResult {
  std::vector<double> adjusted;  // in input order, in [0, 1]
  std::vector<bool> reject;      // hypothesis rejected at alpha (statsmodels' rule)
  MultitestMethod method = MultitestMethod::bh;
  double alpha = 0.05;
};

// p-values must lie in [0, 1]; a NaN is refused (statsmodels would propagate it silently).
// alpha must lie in (0, 1). An empty input gives an empty result.
MultitestResult multitest(std::span<const double> pvalues, MultitestMethod method,
                          double alpha = 0.05);

}  // namespace tealeaves::nullmodel

namespace tealeaves {
using nullmodel::multitest;
using nullmodel::MultitestMethod;
using nullmodel::MultitestResult;
using nullmodel::parse_multitest_method;
}  // namespace tealeaves
