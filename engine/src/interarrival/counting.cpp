// Fano and Allan factors over window lengths, with Poisson Monte-Carlo bands.
#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/interarrival/burstiness.hpp"
#include "tealeaves/interarrival/empirical.hpp"

namespace tealeaves::interarrival {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Factors {
  double fano = kNaN, allan = kNaN, windows = 0.0;
};

// Counts in consecutive windows of length t tiling each good interval; `weights` may be empty
// (every event counts 1).
Factors factors(std::span<const double> times, std::span<const std::uint32_t> weights,
                const std::vector<Interval>& good, double t) {
  double n = 0.0, sum = 0.0, squares = 0.0, allan = 0.0, pairs = 0.0;
  std::size_t e = 0;
  for (const Interval& g : good) {
    // A window that fits up to rounding (1e-9 of its length) counts as fitting.
    const double count = std::floor(g.length() / t + 1e-9);
    while (e < times.size() && times[e] < g.start) ++e;
    double previous = 0.0;
    for (double w = 0.0; w < count; w += 1.0) {
      const double stop = g.start + (w + 1.0) * t;
      double c = 0.0;
      while (e < times.size() && times[e] < stop) {
        c += weights.empty() ? 1.0 : static_cast<double>(weights[e]);
        ++e;
      }
      n += 1.0, sum += c, squares += c * c;
      if (w > 0.0) allan += (c - previous) * (c - previous), pairs += 1.0;
      previous = c;
    }
    // Events after the last complete window (or exactly at its end) are in no window.
    while (e < times.size() && times[e] <= g.stop) ++e;
  }
  Factors f;
  f.windows = n;
  if (n < 2.0 || !(sum > 0.0)) return f;
  const double mean = sum / n;
  f.fano = (squares - n * mean * mean) / (n - 1.0) / mean;
  if (pairs > 0.0) f.allan = allan / (2.0 * pairs * mean);
  return f;
}

std::vector<double> default_windows(const EventSeries& s, std::size_t count) {
  double longest = 0.0;
  for (const Interval& g : s.good_intervals()) longest = std::max(longest, g.length());
  const double events = static_cast<double>(std::max<std::size_t>(s.total_count(), 1));
  const double lo = 0.5 * s.exposure() / events, hi = longest / 8.0;
  if (!(lo > 0.0) || !(hi >= lo) || count == 0) return {};
  std::vector<double> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    out[i] = lo * std::pow(hi / lo, t);
  }
  return out;
}

// n uniform times on the good intervals, sorted, from exponential spacings.
void poisson_times(const std::vector<Interval>& good, double exposure, std::size_t n, Rng& rng,
                   std::vector<double>& spacing, std::vector<double>& out) {
  spacing.resize(n + 1);
  double total = 0.0;
  for (double& v : spacing) total += (v = rng.exponential());
  out.resize(n);
  double acc = 0.0, offset = 0.0;
  std::size_t g = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += spacing[i];
    double u = acc / total * exposure;  // position on the concatenated good time
    while (g + 1 < good.size() && u >= offset + good[g].length()) offset += good[g++].length();
    out[i] = good[g].start + std::min(u - offset, good[g].length());
  }
}

void bands_and_p(const std::vector<double>& replicate, std::size_t n_windows, std::size_t b,
                 std::size_t w, double observed, double level, double& low, double& high,
                 double& p) {
  std::vector<double> v;
  v.reserve(b);
  for (std::size_t r = 0; r < b; ++r) {
    const double x = replicate[r * n_windows + w];
    if (std::isfinite(x)) v.push_back(x);
  }
  if (v.empty() || !std::isfinite(observed)) return;
  std::sort(v.begin(), v.end());
  low = quantile(v, 0.5 * (1.0 - level));
  high = quantile(v, 1.0 - 0.5 * (1.0 - level));
  double ge = 0.0, le = 0.0;
  for (const double x : v) ge += x >= observed, le += x <= observed;
  p = std::min(1.0, 2.0 * (std::min(ge, le) + 1.0) / (static_cast<double>(v.size()) + 1.0));
}

}  // namespace

CountingFactors counting_factors(const EventSeries& s, const CountingOptions& o) {
  require(o.level > 0.0 && o.level < 1.0, "level", "must be in (0, 1)");
  for (const double t : o.windows) {
    require(std::isfinite(t) && t > 0.0, "windows", "every window length must be > 0");
  }
  CountingFactors out;
  out.window = o.windows.empty() ? default_windows(s, o.n_windows) : o.windows;
  out.level = o.level;
  const std::size_t nw = out.window.size();
  for (const double t : out.window) {
    const Factors f = factors(s.times(), s.multiplicity(), s.good_intervals(), t);
    out.fano.push_back(f.fano);
    out.allan.push_back(f.allan);
    out.n_windows.push_back(f.windows);
  }
  out.fano_low.assign(nw, kNaN), out.fano_high.assign(nw, kNaN), out.fano_p.assign(nw, kNaN);
  out.allan_low.assign(nw, kNaN), out.allan_high.assign(nw, kNaN), out.allan_p.assign(nw, kNaN);
  if (o.replicates == 0 || nw == 0) return out;
  out.replicates = o.replicates;
  std::vector<double> fano(o.replicates * nw), allan(o.replicates * nw);
  const std::size_t events = s.total_count();
  parallel_for_blocks(o.replicates, 4, o.threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> spacing, times;
    for (std::size_t r = begin; r < end; ++r) {
      Rng rng(o.seed, o.stream + r);
      poisson_times(s.good_intervals(), s.exposure(), events, rng, spacing, times);
      for (std::size_t w = 0; w < nw; ++w) {
        const Factors f = factors(times, {}, s.good_intervals(), out.window[w]);
        fano[r * nw + w] = f.fano;
        allan[r * nw + w] = f.allan;
      }
    }
  });
  for (std::size_t w = 0; w < nw; ++w) {
    bands_and_p(fano, nw, o.replicates, w, out.fano[w], o.level, out.fano_low[w], out.fano_high[w],
                out.fano_p[w]);
    bands_and_p(allan, nw, o.replicates, w, out.allan[w], o.level, out.allan_low[w],
                out.allan_high[w], out.allan_p[w]);
  }
  return out;
}

}  // namespace tealeaves::interarrival
