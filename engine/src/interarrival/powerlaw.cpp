#include "tealeaves/interarrival/powerlaw.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "fit_internal.hpp"
#include "powerlaw_bootstrap.hpp"
#include "powerlaw_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/interarrival/special.hpp"

namespace tealeaves::interarrival {
namespace {

constexpr std::uint64_t kUncertaintyStreams = std::uint64_t{1} << 40;

struct Prepared {
  std::vector<double> x, log_x;
  std::size_t n_nonpositive = 0;
};

Prepared prepare(std::span<const double> values, const PowerLawOptions& o) {
  Prepared p;
  p.x.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) {
      throw_invalid("values", "value at index " + std::to_string(i) + " is " + format_number(v) +
                                  "; every value must be finite");
    }
    if (o.discrete && v != std::floor(v)) {
      throw_invalid("values", "discrete data must be integers; value at index " +
                                  std::to_string(i) + " is " + format_number(v));
    }
    if (v > 0.0)
      p.x.push_back(v);
    else
      ++p.n_nonpositive;
  }
  std::sort(p.x.begin(), p.x.end());
  p.log_x.resize(p.x.size());
  for (std::size_t i = 0; i < p.x.size(); ++i) p.log_x[i] = std::log(p.x[i]);
  return p;
}

struct Scanner {
  const PowerLawOptions& o;
  bool plfit() const { return o.convention == Convention::plfit; }
  detail::TailChoice operator()(std::span<const double> x, std::span<const double> log_x,
                                detail::ScanWorkspace& w) const {
    if (o.xmin > 0.0) {
      const auto first = std::lower_bound(x.begin(), x.end(), o.xmin) - x.begin();
      return detail::fit_fixed(x, log_x, static_cast<std::size_t>(first), o.xmin, o.discrete,
                               plfit());
    }
    return o.discrete ? detail::scan_discrete(x, log_x, o.min_tail, plfit(), w)
                      : detail::scan_continuous(x, log_x, o.min_tail, plfit(), w);
  }
};

double tail_ad(std::span<const double> x, std::span<const double> log_x,
               const detail::TailChoice& c, bool discrete) {
  if (discrete) return std::numeric_limits<double>::quiet_NaN();
  return detail::tail_anderson_darling(x.subspan(c.index), log_x.subspan(c.index), c.xmin, c.alpha);
}

void goodness_of_fit(const Prepared& p, const detail::TailChoice& chosen, const Scanner& scan,
                     PowerLawFit& out) {
  const PowerLawOptions& o = scan.o;
  detail::TailModel model{chosen.xmin, chosen.alpha, o.discrete, 0.0};
  if (o.discrete) model.log_norm = std::log(hurwitz_zeta(chosen.alpha, chosen.xmin).value);
  std::vector<double> ks(o.replicates), ad(o.replicates);
  parallel_for_blocks(o.replicates, 2, o.threads, [&](std::size_t begin, std::size_t end) {
    detail::Sample s;
    detail::ScanWorkspace w;
    for (std::size_t r = begin; r < end; ++r) {
      Rng rng(o.seed, r);
      if (o.xmin > 0.0) {
        // x_min fixed by the caller: only the tail is random.
        s.x.clear();
        s.log_x.clear();
        detail::append_power_law_tail(model, chosen.n_tail, rng, s);
      } else {
        detail::semi_parametric(p.x, p.log_x, model, chosen.index, rng, s);
      }
      const detail::TailChoice c = scan(s.x, s.log_x, w);
      ks[r] = c.found ? c.ks : std::numeric_limits<double>::infinity();
      ad[r] =
          c.found ? tail_ad(s.x, s.log_x, c, o.discrete) : std::numeric_limits<double>::infinity();
    }
  });
  std::size_t above_ks = 0, above_ad = 0;
  for (std::size_t r = 0; r < o.replicates; ++r) {
    above_ks += ks[r] >= chosen.ks;
    above_ad += !(ad[r] < out.anderson_darling);
  }
  const double denominator = static_cast<double>(o.replicates) + 1.0;
  out.replicates = o.replicates;
  out.p_value = (static_cast<double>(above_ks) + 1.0) / denominator;
  if (!o.discrete) out.p_value_ad = (static_cast<double>(above_ad) + 1.0) / denominator;
}

double spread(const std::vector<double>& v) {
  if (v.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0.0;
  for (const double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double squares = 0.0;
  for (const double x : v) squares += (x - mean) * (x - mean);
  return std::sqrt(squares / static_cast<double>(v.size() - 1));
}

void uncertainty(const Prepared& p, const Scanner& scan, PowerLawFit& out) {
  const PowerLawOptions& o = scan.o;
  const std::size_t b = o.uncertainty_replicates;
  std::vector<double> xmin(b), alpha(b), n_tail(b);
  std::vector<unsigned char> found(b, 0);
  parallel_for_blocks(b, 2, o.threads, [&](std::size_t begin, std::size_t end) {
    detail::Sample s;
    detail::ScanWorkspace w;
    for (std::size_t r = begin; r < end; ++r) {
      Rng rng(o.seed, kUncertaintyStreams + r);
      detail::resample(p.x, p.log_x, rng, s);
      const detail::TailChoice c = scan(s.x, s.log_x, w);
      found[r] = c.found;
      xmin[r] = c.xmin, alpha[r] = c.alpha, n_tail[r] = static_cast<double>(c.n_tail);
    }
  });
  std::vector<double> kept_xmin, kept_alpha, kept_n;
  for (std::size_t r = 0; r < b; ++r) {
    if (!found[r]) continue;
    kept_xmin.push_back(xmin[r]), kept_alpha.push_back(alpha[r]), kept_n.push_back(n_tail[r]);
  }
  out.uncertainty_replicates = b;
  out.xmin_sd = spread(kept_xmin);
  out.alpha_sd = spread(kept_alpha);
  out.n_tail_sd = spread(kept_n);
}

void compare_tails(std::span<const double> tail, PowerLawFit& out) {
  FitOptions fo;
  fo.xmin = out.xmin;
  for (const Model m :
       {Model::exponential, Model::lognormal, Model::weibull, Model::power_law_cutoff}) {
    ModelFit alt = detail::fit_unchecked(m, tail, fo);
    if (out.fit.usable() && alt.usable()) {
      out.comparisons.push_back(compare_models(out.fit, alt, tail));
    }
    out.alternatives.push_back(std::move(alt));
  }
}

}  // namespace

PowerLawFit fit_powerlaw(std::span<const double> values, const PowerLawOptions& o) {
  require(std::isfinite(o.xmin) && o.xmin >= 0.0, "xmin", "must be finite and >= 0");
  require(!o.discrete || o.xmin == 0.0 || (o.xmin >= 1.0 && o.xmin == std::floor(o.xmin)), "xmin",
          "must be an integer >= 1 for discrete data");
  require(o.min_tail >= 2, "min_tail", "must be at least 2");
  const Prepared p = prepare(values, o);
  PowerLawFit out;
  out.discrete = o.discrete;
  out.n = p.x.size();
  out.n_nonpositive = p.n_nonpositive;
  const Scanner scan{o};
  detail::ScanWorkspace w;
  const detail::TailChoice chosen = scan(p.x, p.log_x, w);
  if (!chosen.found) {
    out.status = FitStatus::insufficient_data;
    out.fit.model = Model::power_law;
    out.fit.status = FitStatus::insufficient_data;
    return out;
  }
  const std::span<const double> tail(p.x.data() + chosen.index, chosen.n_tail);
  FitOptions fo;
  fo.xmin = chosen.xmin;
  fo.discrete = o.discrete;
  out.fit = o.discrete && scan.plfit()
                ? detail::discrete_power_law_at(tail, chosen.xmin, chosen.alpha)
                : detail::fit_unchecked(Model::power_law, tail, fo);
  out.status = out.fit.status;
  out.xmin = chosen.xmin;
  out.alpha = out.fit.params[0];
  out.alpha_se = out.fit.std_errors[0];
  out.n_tail = chosen.n_tail;
  out.ks_distance = chosen.ks;
  out.anderson_darling = tail_ad(p.x, p.log_x, chosen, o.discrete);
  if (o.replicates > 0) goodness_of_fit(p, chosen, scan, out);
  if (o.uncertainty_replicates > 0) uncertainty(p, scan, out);
  if (o.compare && !o.discrete) compare_tails(tail, out);
  return out;
}

}  // namespace tealeaves::interarrival
