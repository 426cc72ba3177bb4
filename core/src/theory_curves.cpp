#include "icl/theory_curves.hpp"

#include <algorithm>

#include "arch/architecture.hpp"
#include "data/registry.hpp"
#include "theory_online.hpp"
#include "theory_curve_list.hpp"

namespace icl {
namespace {

Result<double> risk_of_online(const Result<theory::OnlineOptimum>& optimum) {
  return optimum.ok() ? Result<double>::success(optimum.value().average_risk)
                      : Result<double>::failure(optimum.error());
}

// The limits of a request, checked before any curve is computed.
std::string check_request(const std::vector<int>& n) {
  if (n.size() > kMaxTheoryLengths) {
    return "a theory request takes at most " + std::to_string(kMaxTheoryLengths) + " context lengths (got " +
           std::to_string(n.size()) + ")";
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] < 0 || n[i] > kMaxTheoryContext) {
      return "n[" + std::to_string(i) + "] must be an integer in [0, " + std::to_string(kMaxTheoryContext) + "] (got " +
             std::to_string(n[i]) + ")";
    }
  }
  return {};
}

// Online (§3.4): the mean risk over the n + 1 positions of a prompt with context n; for IID data only.
void add_online_curves(const Config& config, const std::vector<int>& n, CurveList& list) {
  const int d = config.d;
  const double noise = config.data.noise_variance;
  const auto uniform = [&](int length) { return risk_of_online(theory::online_uniform_optimum(d, noise, length + 1)); };
  const auto weighted = [&](int length) {
    return risk_of_online(theory::online_weighted_optimum(d, noise, length + 1));
  };
  const char* uniform_label = "mean over positions, best shared W = cI (what attention can reach)";
  const char* weighted_label = "mean over positions, best W = cI and lag filter (what H3 can reach)";
  if (architecture_for(config.model).weighs_samples()) {
    list.add(curve("online_weighted_optimum", weighted_label, n, weighted));
    list.add(curve("online_uniform_optimum", uniform_label, n, uniform));
  } else {
    list.add(curve("online_uniform_optimum", uniform_label, n, uniform));
    list.add(curve("online_weighted_optimum", weighted_label, n, weighted));
  }
}

}  // namespace

double bayes_work(int d, const std::vector<int>& n, int samples) {
  double per_sample = 0.0;
  for (int length : n) {
    const double m = std::min(length, d);
    per_sample += (static_cast<double>(length) * d + 2.0 * m * m + 0.5 * d * d) * m;
  }
  return per_sample * samples;
}

Result<std::vector<TheoryCurve>> theory_curves(const Config& config, const std::vector<int>& n,
                                               const TheoryOptions& options) {
  if (std::string error = check_request(n); !error.empty()) {
    return Result<std::vector<TheoryCurve>>::failure(error);
  }
  CurveList list;
  if (config.objective == Objective::AllPositions) {
    add_online_curves(config, n, list);
  } else {
    visit_data_kind(config.data,
                    [&](auto kind, const auto& section) { kind.add_curves(section, config, n, options, list); });
  }
  if (!list.error.empty()) return Result<std::vector<TheoryCurve>>::failure(list.error);
  if (!list.curves.empty()) list.curves.front().role = CurveRole::Model;
  return Result<std::vector<TheoryCurve>>::success(std::move(list.curves));
}

const char* curve_role_name(CurveRole role) {
  switch (role) {
    case CurveRole::Model: return "model";
    case CurveRole::Reference: return "reference";
    case CurveRole::Approximation: return "approximation";
  }
  return "reference";
}

Result<OptimalWeights> optimal_weights(const Config& config, int n) {
  using Out = Result<OptimalWeights>;
  if (config.objective == Objective::AllPositions) {
    const int d = config.d;
    const double noise = config.data.noise_variance;
    const bool weighted = architecture_for(config.model).weighs_samples();
    const auto optimum =
        weighted ? theory::online_weighted_optimum(d, noise, n + 1) : theory::online_uniform_optimum(d, noise, n + 1);
    if (!optimum.ok()) return Out::failure(optimum.error());
    OptimalWeights out = scaled_identity(optimum.value().c, d, n);
    // f_1..f_n: the weight of the token at lag t + 1, so token order here.
    if (weighted) {
      for (int t = 0; t < n; ++t) out.sample_weights[static_cast<std::size_t>(t)] = optimum.value().lag_filter(t);
    }
    return Out::success(std::move(out));
  }
  return visit_data_kind(config.data,
                         [&](auto kind, const auto& section) { return kind.optimal_weights(section, config, n); });
}

Result<std::vector<double>> optimal_risk_curve(const Config& config, const std::vector<int>& n) {
  auto curves = theory_curves(config, n);
  if (!curves.ok()) return Result<std::vector<double>>::failure(curves.error());
  return Result<std::vector<double>>::success(std::move(curves.value().front().risk));
}

}  // namespace icl
