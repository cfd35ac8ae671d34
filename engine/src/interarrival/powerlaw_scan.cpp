// Branch-and-bound x_min scan. Every candidate's KS distance is a maximum over its tail; a
// partial maximum is a lower bound, so a candidate is abandoned as soon as one exceeds the
// best complete distance. Candidates get a cheap bound from a few probe points first; the most
// promising are evaluated first, then the rest in order, refined from coarse strides around
// the running argmax down to every point.
#include <algorithm>
#include <cmath>

#include "fit_internal.hpp"
#include "powerlaw_internal.hpp"
#include "tealeaves/interarrival/special.hpp"

namespace tealeaves::interarrival::detail {
namespace {

constexpr std::size_t kProbes = 16;
constexpr std::size_t kFirstExact = 8;

// Continuous tail starting at index i: F(x_j) = 1 - (x_j / x_i)^-(alpha-1).
struct ContinuousProblem {
  std::span<const double> lx;
  ScanWorkspace& w;
  std::size_t n;
  bool plfit;

  std::size_t points(std::size_t c) const { return n - w.candidates[c]; }
  bool prepare(std::size_t c) {
    const std::size_t i = w.candidates[c];
    const double m = static_cast<double>(n - i);
    const double denominator = w.suffix[i] - m * lx[i];
    if (!(denominator > 0.0)) return false;
    w.aux[c] = m / denominator;  // beta = alpha - 1
    w.alpha[c] = 1.0 + w.aux[c];
    return true;
  }
  double deviation(std::size_t c, std::size_t k) const {
    const std::size_t i = w.candidates[c];
    const double m = static_cast<double>(n - i);
    const double f = 1.0 - std::exp(-w.aux[c] * (lx[i + k] - lx[i]));
    if (plfit) return std::abs(f - static_cast<double>(k) / m);
    return std::max(f - static_cast<double>(k) / m, static_cast<double>(k + 1) / m - f);
  }
};

// Discrete tail starting at distinct value r: CDFs compared at every integer, i.e. at each
// distinct value v (F_n(v) vs F(v)) and just below it (F_n(v-) vs F(v - 1)).
struct DiscreteProblem {
  ScanWorkspace& w;
  std::size_t n;
  bool plfit;

  std::size_t points(std::size_t c) const { return w.distinct.size() - w.candidates[c]; }
  bool prepare(std::size_t c) {
    const std::size_t r = w.candidates[c];
    const std::size_t i = w.first[r];
    const double m = static_cast<double>(n - i);
    double alpha = discrete_alpha(w.suffix[i] / m, w.distinct[r]);
    if (plfit) alpha = plfit_grid_alpha(alpha, w.suffix[i] / m, w.distinct[r]);
    if (!std::isfinite(alpha)) return false;
    w.alpha[c] = alpha;
    w.aux[c] = std::log(hurwitz_zeta(alpha, w.distinct[r]).value);
    return true;
  }
  double deviation(std::size_t c, std::size_t k) const {
    const std::size_t r = w.candidates[c];
    const std::size_t t = r + k;
    const double alpha = w.alpha[c], log_norm = w.aux[c];
    const double m = static_cast<double>(n - w.first[r]);
    const double at_least = std::exp(std::log(hurwitz_zeta(alpha, w.distinct[t]).value) - log_norm);
    const double above = at_least - std::exp(-alpha * w.log_distinct[t] - log_norm);
    const double below_share = static_cast<double>(w.first[t] - w.first[r]) / m;
    const double upto_share = static_cast<double>(w.first[t + 1] - w.first[r]) / m;
    return std::max(std::abs(upto_share - (1.0 - above)), std::abs(below_share - (1.0 - at_least)));
  }
};

struct Best {
  bool found = false;
  std::size_t candidate = 0;
  double ks = std::numeric_limits<double>::infinity();
  // Could candidate c still beat the best with a distance of at least `partial`?
  bool beaten(double partial, std::size_t c) const {
    return partial > ks || (partial == ks && c > candidate);
  }
};

// Refines candidate c from its probe bound to its exact distance, unless it is beaten first.
template <class Problem>
bool refine(const Problem& p, std::size_t c, const Best& best, double& partial, std::size_t& at) {
  const std::size_t points = p.points(c);
  auto update = [&](std::size_t k) {
    const double v = p.deviation(c, k);
    if (v > partial) partial = v, at = k;
  };
  std::size_t stride = 1;
  while (stride * 64 < points) stride *= 8;
  for (;;) {
    const std::size_t reach = 8 * stride;
    const std::size_t lo = at > reach ? at - reach : 0;
    const std::size_t hi = std::min(points, at + reach + 1);
    for (std::size_t k = lo; k < hi; k += stride) update(k);
    if (best.beaten(partial, c)) return false;
    std::size_t since_check = 0;
    for (std::size_t k = 0; k < points; k += stride) {
      update(k);
      if (++since_check == 512) {
        since_check = 0;
        if (best.beaten(partial, c)) return false;
      }
    }
    if (best.beaten(partial, c)) return false;
    if (stride == 1) return true;
    stride /= 8;
  }
}

template <class Problem>
void consider(const Problem& p, std::size_t c, ScanWorkspace& w, Best& best) {
  if (best.beaten(w.bound[c], c)) return;
  double partial = w.bound[c];
  std::size_t at = w.argmax[c];
  if (refine(p, c, best, partial, at)) {
    best.found = true;
    best.candidate = c;
    best.ks = partial;
  }
}

template <class Problem>
Best branch_and_bound(Problem& p, ScanWorkspace& w) {
  const std::size_t n_candidates = w.candidates.size();
  w.alpha.assign(n_candidates, 0.0);
  w.aux.assign(n_candidates, 0.0);
  w.bound.assign(n_candidates, std::numeric_limits<double>::infinity());
  w.argmax.assign(n_candidates, 0);
  w.order.clear();
  for (std::size_t c = 0; c < n_candidates; ++c) {
    if (!p.prepare(c)) continue;
    const std::size_t points = p.points(c);
    const std::size_t probes = std::min(points, kProbes);
    double bound = -1.0;
    for (std::size_t t = 0; t < probes; ++t) {
      const std::size_t k = probes == 1 ? 0 : t * (points - 1) / (probes - 1);
      const double v = p.deviation(c, k);
      if (v > bound) bound = v, w.argmax[c] = k;
    }
    w.bound[c] = bound;
    w.order.push_back(c);
  }
  Best best;
  // The few most promising candidates first (a good best early prunes the rest), then all.
  const std::size_t head = std::min(kFirstExact, w.order.size());
  auto by_bound = [&](std::size_t a, std::size_t b) {
    return w.bound[a] < w.bound[b] || (w.bound[a] == w.bound[b] && a < b);
  };
  std::partial_sort(w.order.begin(), w.order.begin() + static_cast<std::ptrdiff_t>(head),
                    w.order.end(), by_bound);
  for (std::size_t h = 0; h < head; ++h) consider(p, w.order[h], w, best);
  for (std::size_t h = head; h < w.order.size(); ++h) consider(p, w.order[h], w, best);
  return best;
}

void fill_suffix(std::span<const double> log_x, ScanWorkspace& w) {
  w.suffix.resize(log_x.size() + 1);
  long double sum = 0.0L;
  w.suffix[log_x.size()] = 0.0;
  for (std::size_t i = log_x.size(); i-- > 0;) {
    sum += log_x[i];
    w.suffix[i] = static_cast<double>(sum);
  }
}

void fill_distinct(std::span<const double> x, std::span<const double> log_x, ScanWorkspace& w) {
  w.distinct.clear();
  w.first.clear();
  w.log_distinct.clear();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i > 0 && x[i] == x[i - 1]) continue;
    w.distinct.push_back(x[i]);
    w.first.push_back(i);
    w.log_distinct.push_back(log_x[i]);
  }
  w.first.push_back(x.size());
}

}  // namespace

TailChoice scan_continuous(std::span<const double> x, std::span<const double> log_x,
                           std::size_t min_tail, bool plfit, ScanWorkspace& w) {
  const std::size_t n = x.size();
  TailChoice out;
  if (n < 2) return out;
  fill_suffix(log_x, w);
  w.candidates.clear();
  for (std::size_t i = 0; i < n && x[i] < x[n - 1]; ++i) {
    if ((i == 0 || x[i] != x[i - 1]) && n - i >= min_tail) w.candidates.push_back(i);
  }
  ContinuousProblem p{log_x, w, n, plfit};
  const Best best = branch_and_bound(p, w);
  if (!best.found) return out;
  out.found = true;
  out.index = w.candidates[best.candidate];
  out.xmin = x[out.index];
  out.alpha = w.alpha[best.candidate];
  out.ks = best.ks;
  out.n_tail = n - out.index;
  return out;
}

TailChoice scan_discrete(std::span<const double> x, std::span<const double> log_x,
                         std::size_t min_tail, bool plfit, ScanWorkspace& w) {
  const std::size_t n = x.size();
  TailChoice out;
  if (n < 2) return out;
  fill_suffix(log_x, w);
  fill_distinct(x, log_x, w);
  w.candidates.clear();
  for (std::size_t r = 0; r + 1 < w.distinct.size(); ++r) {
    if (n - w.first[r] >= min_tail && w.distinct[r] >= 1.0) w.candidates.push_back(r);
  }
  DiscreteProblem p{w, n, plfit};
  const Best best = branch_and_bound(p, w);
  if (!best.found) return out;
  const std::size_t r = w.candidates[best.candidate];
  out.found = true;
  out.index = w.first[r];
  out.xmin = w.distinct[r];
  out.alpha = w.alpha[best.candidate];
  out.ks = best.ks;
  out.n_tail = n - out.index;
  return out;
}

TailChoice fit_fixed(std::span<const double> x, std::span<const double> log_x, std::size_t index,
                     double xmin, bool discrete, bool plfit) {
  TailChoice out;
  const std::size_t n = x.size();
  if (index + 2 > n) return out;
  const double m = static_cast<double>(n - index);
  double sum_log = 0.0;
  for (std::size_t j = index; j < n; ++j) sum_log += log_x[j];
  const double log_xmin = std::log(xmin);
  double ks = 0.0;
  if (discrete) {
    out.alpha = discrete_alpha(sum_log / m, xmin);
    if (plfit) out.alpha = plfit_grid_alpha(out.alpha, sum_log / m, xmin);
    if (!std::isfinite(out.alpha)) return out;
    const double log_norm = std::log(hurwitz_zeta(out.alpha, xmin).value);
    for (std::size_t j = index; j < n;) {
      std::size_t e = j;
      while (e < n && x[e] == x[j]) ++e;
      const double at_least = std::exp(std::log(hurwitz_zeta(out.alpha, x[j]).value) - log_norm);
      const double above = at_least - std::exp(-out.alpha * log_x[j] - log_norm);
      ks = std::max({ks, std::abs(static_cast<double>(e - index) / m - (1.0 - above)),
                     std::abs(static_cast<double>(j - index) / m - (1.0 - at_least))});
      j = e;
    }
  } else {
    const double denominator = sum_log - m * log_xmin;
    if (!(denominator > 0.0)) return out;
    const double beta = m / denominator;
    out.alpha = 1.0 + beta;
    for (std::size_t k = 0; index + k < n; ++k) {
      const double f = 1.0 - std::exp(-beta * (log_x[index + k] - log_xmin));
      const double lower = f - static_cast<double>(k) / m;
      ks = std::max(
          {ks, plfit ? std::abs(lower) : lower, plfit ? 0.0 : static_cast<double>(k + 1) / m - f});
    }
  }
  out.found = true;
  out.index = index;
  out.xmin = xmin;
  out.ks = ks;
  out.n_tail = n - index;
  return out;
}

}  // namespace tealeaves::interarrival::detail
