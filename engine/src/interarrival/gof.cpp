#include "tealeaves/interarrival/gof.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "fit_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"

namespace tealeaves::interarrival {
namespace {

constexpr double kLogTiny = -745.0;

double ks_discrete(const ModelFit& m, std::span<const double> x) {
  // Both CDFs are steps on the integers: the supremum is at a distinct value v (F_n(v) vs F(v))
  // or just below it (F_n(v-) vs F(v - 1)).
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size();) {
    std::size_t j = i;
    while (j < x.size() && x[j] == x[i]) ++j;
    const double below = cdf(m, x[i] - 1.0), at = cdf(m, x[i]);
    d = std::max({d, std::abs(static_cast<double>(j) / n - at),
                  std::abs(static_cast<double>(i) / n - below)});
    i = j;
  }
  return d;
}

double lower_bound(const ModelFit& m) {
  return m.model == Model::shifted_exponential ? m.params[1] : m.xmin;
}

// KS and AD from one pass of distribution-function values.
struct Statistics {
  double ks = 0.0, ad = std::numeric_limits<double>::quiet_NaN();
};

Statistics statistics(const ModelFit& m, std::span<const double> x, std::vector<double>& f) {
  Statistics out;
  if (m.discrete) {
    out.ks = ks_discrete(m, x);
    return out;
  }
  const double n = static_cast<double>(x.size());
  f.resize(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    f[j] = cdf(m, x[j]);
    out.ks = std::max(
        {out.ks, f[j] - static_cast<double>(j) / n, static_cast<double>(j + 1) / n - f[j]});
  }
  // Anderson-Darling over the values strictly above the lower bound (where F > 0).
  const double bound = lower_bound(m);
  const std::size_t first =
      static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), bound) - x.begin());
  const std::size_t k = x.size() - first;
  if (k == 0) return out;
  auto log_s = [&](std::size_t j) {  // 1 - F loses nothing while F <= 1/2
    return std::max(std::log(f[j] <= 0.5 ? 1.0 - f[j] : sf(m, x[j])), kLogTiny);
  };
  double sum = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    const double log_f = std::max(std::log(f[first + i]), kLogTiny);
    sum += (2.0 * static_cast<double>(i) + 1.0) * (log_f + log_s(x.size() - 1 - i));
  }
  const double kd = static_cast<double>(k);
  out.ad = -kd - sum / kd;
  return out;
}

}  // namespace

double ks_distance(const ModelFit& m, std::span<const double> x) {
  require(!x.empty(), "values", "needs at least one value");
  std::vector<double> f;
  return statistics(m, x, f).ks;
}

double anderson_darling(const ModelFit& m, std::span<const double> x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> f;
  return statistics(m, x, f).ad;
}

GoodnessOfFit goodness_of_fit(const ModelFit& m, std::span<const double> x, const GofOptions& o) {
  require(m.usable(), "model", "must be a usable fit");
  GoodnessOfFit g;
  std::vector<double> scratch;
  const Statistics observed = statistics(m, x, scratch);
  g.ks = observed.ks;
  g.anderson_darling = observed.ad;
  g.replicates = o.replicates;
  if (o.replicates == 0) return g;
  std::vector<double> ks(o.replicates), ad(o.replicates);
  std::vector<unsigned char> failed(o.replicates, 0);
  FitOptions refit;
  refit.xmin = m.xmin;
  refit.discrete = m.discrete;
  refit.resolution = o.resolution;
  refit.initial = m.params;
  parallel_for_blocks(o.replicates, 4, o.threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> sample(x.size()), f;
    for (std::size_t r = begin; r < end; ++r) {
      Rng rng(o.seed, o.stream + r);
      for (double& v : sample) {
        // Gaps are positive: the jittered period's normal components are redrawn below zero.
        for (int tries = 0; tries < 1000; ++tries) {
          v = draw(m, rng);
          if (v > 0.0) break;
        }
      }
      std::sort(sample.begin(), sample.end());
      const ModelFit again = detail::fit_unchecked(m.model, sample, refit);
      if (!again.usable() || sample.front() <= 0.0) {
        failed[r] = 1;
        ks[r] = ad[r] = std::numeric_limits<double>::infinity();
        continue;
      }
      const Statistics st = statistics(again, sample, f);
      ks[r] = st.ks;
      ad[r] = st.ad;
    }
  });
  std::size_t above_ks = 0, above_ad = 0;
  for (std::size_t r = 0; r < o.replicates; ++r) {
    g.n_failed += failed[r];
    above_ks += ks[r] >= g.ks;
    above_ad += !(ad[r] < g.anderson_darling);  // NaN statistics count as extreme
  }
  const double denominator = static_cast<double>(o.replicates) + 1.0;
  g.p_ks = (static_cast<double>(above_ks) + 1.0) / denominator;
  g.p_ad = std::isnan(g.anderson_darling) ? std::numeric_limits<double>::quiet_NaN()
                                          : (static_cast<double>(above_ad) + 1.0) / denominator;
  return g;
}

}  // namespace tealeaves::interarrival
