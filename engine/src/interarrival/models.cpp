#include <array>
#include <cmath>
#include <string>

#include "model_internal.hpp"
#include "tealeaves/core/errors.hpp"
#include "tealeaves/interarrival/models.hpp"

namespace tealeaves::interarrival {
namespace {

struct ModelInfo {
  Model model;
  std::string_view name;
  std::array<std::string_view, 3> params;
  std::size_t n_params;
};

constexpr std::array<ModelInfo, 8> kModels = {{
    {Model::exponential, "exponential", {"rate", "", ""}, 1},
    {Model::shifted_exponential, "shifted_exponential", {"rate", "floor", ""}, 2},
    {Model::gamma, "gamma", {"shape", "scale", ""}, 2},
    {Model::weibull, "weibull", {"shape", "scale", ""}, 2},
    {Model::lognormal, "lognormal", {"mu", "sigma", ""}, 2},
    {Model::power_law, "power_law", {"alpha", "", ""}, 1},
    {Model::power_law_cutoff, "power_law_cutoff", {"alpha", "rate", ""}, 2},
    {Model::jittered_period, "jittered_period", {"period", "sigma", "miss"}, 3},
}};

const ModelInfo& info(Model model) {
  return kModels[static_cast<std::size_t>(model)];
}

bool positive(double v) {
  return std::isfinite(v) && v > 0.0;
}

void check_params(Model model, const std::vector<double>& p, double xmin, bool discrete) {
  const ModelInfo& m = info(model);
  require(p.size() == m.n_params, "params",
          std::string(m.name) + " takes " + std::to_string(m.n_params) + " parameters, got " +
              std::to_string(p.size()));
  require(std::isfinite(xmin) && xmin >= 0.0, "xmin", "must be finite and >= 0");
  require(!discrete || model == Model::power_law, "discrete", "only the power law is discrete");
  const bool truncatable = model == Model::exponential || model == Model::weibull ||
                           model == Model::lognormal || model == Model::power_law ||
                           model == Model::power_law_cutoff;
  require(truncatable || xmin == 0.0, "xmin",
          std::string(m.name) + " is fitted to the whole sample; xmin must be 0");
  switch (model) {
    case Model::exponential: require(positive(p[0]), "params", "rate must be > 0"); break;
    case Model::shifted_exponential:
      require(positive(p[0]) && std::isfinite(p[1]) && p[1] >= 0.0, "params",
              "rate must be > 0 and floor >= 0");
      break;
    case Model::gamma:
    case Model::weibull:
      require(positive(p[0]) && positive(p[1]), "params", "shape and scale must be > 0");
      break;
    case Model::lognormal:
      require(std::isfinite(p[0]) && positive(p[1]), "params", "sigma must be > 0");
      break;
    case Model::power_law:
      require(std::isfinite(p[0]) && p[0] > 1.0, "params", "alpha must be > 1");
      require(xmin > 0.0, "xmin", "a power law needs xmin > 0");
      require(!discrete || (xmin >= 1.0 && xmin == std::floor(xmin)), "xmin",
              "the discrete power law needs an integer xmin >= 1");
      break;
    case Model::power_law_cutoff:
      require(std::isfinite(p[0]) && positive(p[1]), "params", "alpha finite, rate > 0");
      require(xmin > 0.0, "xmin", "a power law with cut-off needs xmin > 0");
      break;
    case Model::jittered_period:
      require(positive(p[0]) && positive(p[1]) && p[2] >= 0.0 && p[2] < 1.0, "params",
              "period and sigma must be > 0 and miss in [0, 1)");
      break;
  }
}

double compute_log_norm(Model model, const std::vector<double>& p, double xmin, bool discrete) {
  switch (model) {
    case Model::weibull: return -std::pow(xmin / p[1], p[0]);
    case Model::lognormal: return xmin > 0.0 ? log_normal_sf((std::log(xmin) - p[0]) / p[1]) : 0.0;
    case Model::power_law:
      return discrete ? std::log(hurwitz_zeta(p[0], xmin).value) : std::log((p[0] - 1.0) / xmin);
    case Model::power_law_cutoff:
      return (p[0] - 1.0) * std::log(p[1]) + log_upper_gamma(1.0 - p[0], p[1] * xmin);
    default: return 0.0;
  }
}

}  // namespace

bool ModelFit::usable() const {
  return (status == FitStatus::ok || status == FitStatus::at_bound ||
          status == FitStatus::not_converged) &&
         std::isfinite(log_likelihood);
}

double ModelFit::aic() const {
  return 2.0 * static_cast<double>(n_params()) - 2.0 * log_likelihood;
}

double ModelFit::bic() const {
  return static_cast<double>(n_params()) * std::log(static_cast<double>(n)) - 2.0 * log_likelihood;
}

std::string_view model_name(Model model) {
  return info(model).name;
}

std::span<const std::string_view> param_names(Model model) {
  const ModelInfo& m = info(model);
  return {m.params.data(), m.n_params};
}

Model parse_model(std::string_view name) {
  for (const ModelInfo& m : kModels) {
    if (m.name == name) return m.model;
  }
  std::string known;
  for (const ModelInfo& m : kModels) known += (known.empty() ? "" : ", ") + std::string(m.name);
  throw_invalid("model", "unknown model '" + std::string(name) + "'; expected one of " + known);
}

std::string_view status_name(FitStatus status) {
  switch (status) {
    case FitStatus::ok: return "ok";
    case FitStatus::at_bound: return "at_bound";
    case FitStatus::degenerate: return "degenerate";
    case FitStatus::not_converged: return "not_converged";
    case FitStatus::insufficient_data: return "insufficient_data";
  }
  return "";
}

ModelFit make_model(Model model, std::vector<double> params, double xmin, bool discrete) {
  check_params(model, params, xmin, discrete);
  ModelFit f;
  f.model = model;
  f.xmin = xmin;
  f.discrete = discrete;
  f.log_norm = compute_log_norm(model, params, xmin, discrete);
  f.params = std::move(params);
  f.std_errors.assign(f.params.size(), std::numeric_limits<double>::quiet_NaN());
  return f;
}

}  // namespace tealeaves::interarrival
