#include "tealeaves/nullmodel/multitest.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "tealeaves/core/errors.hpp"

// Arithmetic follows statsmodels' expressions term by term (p * n, p / (rank / n), the BY
// factor as a sum of reciprocals), so results agree with it to the last bit or nearly.
namespace tealeaves::nullmodel {
namespace {

void check_pvalues(std::span<const double> p) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::isnan(p[i])) {
      throw_invalid("pvalues", "value at index " + std::to_string(i) +
                                   " is NaN; drop or fill untested hypotheses first");
    }
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
      throw_invalid("pvalues", "value at index " + std::to_string(i) + " is " +
                                   format_number(p[i]) + "; p-values must lie in [0, 1]");
    }
  }
}

// Bonferroni and Holm. `sorted` ascending; results in sorted order.
void family_wise(std::span<const double> sorted, bool step_down, double alpha,
                 std::vector<double>& adjusted, std::vector<bool>& reject) {
  const std::size_t n = sorted.size();
  const double nd = static_cast<double>(n);
  if (!step_down) {
    for (std::size_t i = 0; i < n; ++i) {
      adjusted[i] = sorted[i] * nd;
      reject[i] = sorted[i] <= alpha / nd;
    }
    return;
  }
  // Holm: reject up to (not including) the first p_(i) > alpha / (n - i).
  bool stopped = false;
  double running = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double factor = static_cast<double>(n - i);
    stopped = stopped || sorted[i] > alpha / factor;
    reject[i] = !stopped;
    running = std::max(running, sorted[i] * factor);
    adjusted[i] = running;
  }
}

// Benjamini-Hochberg (by = false) and Benjamini-Yekutieli. `sorted` ascending.
void false_discovery(std::span<const double> sorted, bool by, double alpha,
                     std::vector<double>& adjusted, std::vector<bool>& reject) {
  const std::size_t n = sorted.size();
  const double nd = static_cast<double>(n);
  double harmonic = 1.0;
  if (by) {
    harmonic = 0.0;
    for (std::size_t k = 1; k <= n; ++k) harmonic += 1.0 / static_cast<double>(k);
  }
  std::size_t last_reject = n;  // none
  for (std::size_t i = 0; i < n; ++i) {
    double ecdf = static_cast<double>(i + 1) / nd;
    if (by) ecdf /= harmonic;
    if (sorted[i] <= ecdf * alpha) last_reject = i;
    adjusted[i] = sorted[i] / ecdf;
  }
  // Step-up: everything at or below the largest passing rank is rejected.
  for (std::size_t i = 0; i < n; ++i) reject[i] = last_reject < n && i <= last_reject;
  for (std::size_t i = n; i-- > 1;) adjusted[i - 1] = std::min(adjusted[i - 1], adjusted[i]);
}

}  // namespace

MultitestMethod parse_multitest_method(std::string_view name) {
  if (name == "bonferroni") return MultitestMethod::bonferroni;
  if (name == "holm") return MultitestMethod::holm;
  if (name == "bh" || name == "fdr_bh") return MultitestMethod::bh;
  if (name == "by" || name == "fdr_by") return MultitestMethod::by;
  throw_invalid("method", "unknown correction '" + std::string(name) +
                              "'; expected bonferroni, holm, bh (fdr_bh) or by (fdr_by)");
}

const char* multitest_method_name(MultitestMethod method) {
  switch (method) {
    case MultitestMethod::bonferroni: return "bonferroni";
    case MultitestMethod::holm: return "holm";
    case MultitestMethod::bh: return "bh";
    case MultitestMethod::by: return "by";
  }
  return "";
}

MultitestResult multitest(std::span<const double> pvalues, MultitestMethod method, double alpha) {
  require(alpha > 0.0 && alpha < 1.0, "alpha", "must lie in (0, 1), got " + format_number(alpha));
  check_pvalues(pvalues);
  const std::size_t n = pvalues.size();
  MultitestResult result;
  result.method = method;
  result.alpha = alpha;
  result.adjusted.resize(n);
  result.reject.resize(n);
  if (n == 0) return result;

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pvalues[a] < pvalues[b]; });
  std::vector<double> sorted(n);
  for (std::size_t i = 0; i < n; ++i) sorted[i] = pvalues[order[i]];

  std::vector<double> adjusted(n);
  std::vector<bool> reject(n);
  switch (method) {
    case MultitestMethod::bonferroni: family_wise(sorted, false, alpha, adjusted, reject); break;
    case MultitestMethod::holm: family_wise(sorted, true, alpha, adjusted, reject); break;
    case MultitestMethod::bh: false_discovery(sorted, false, alpha, adjusted, reject); break;
    case MultitestMethod::by: false_discovery(sorted, true, alpha, adjusted, reject); break;
  }
  for (std::size_t i = 0; i < n; ++i) {
    result.adjusted[order[i]] = std::min(adjusted[i], 1.0);
    result.reject[order[i]] = reject[i];
  }
  return result;
}

}  // namespace tealeaves::nullmodel
