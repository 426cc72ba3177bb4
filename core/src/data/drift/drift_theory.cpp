#include "arch/architecture.hpp"
#include "data/drift/drift_kind.hpp"
#include "data/drift/drift_risk.hpp"

namespace icl {

void DriftKind::add_curves(const Section& section, const Config& config, const std::vector<int>& n,
                           const TheoryOptions&, CurveList& list) {
  const int d = config.d;
  const double noise = config.data.noise_variance, gamma = section.gamma;
  auto weighted = curve("wpgd_optimum", "optimal sample weights WPGD* (H3 can reach it)", n,
                        [&](int length) { return risk_of(theory::drift_optimal_weights(d, length, gamma, noise)); });
  auto uniform = curve("uniform_weights", "uniform sample weights (the attention optimum)", n,
                       [&](int length) { return theory::drift_uniform_risk(d, length, gamma, noise); });
  if (architecture_for(config.model).weighs_samples()) {
    list.add(std::move(weighted));
    list.add(std::move(uniform));
  } else {
    list.add(std::move(uniform));
    list.add(std::move(weighted));
  }
}

Result<OptimalWeights> DriftKind::optimal_weights(const Section& section, const Config& config, int n) {
  using Out = Result<OptimalWeights>;
  const int d = config.d;
  const double noise = config.data.noise_variance;
  if (!architecture_for(config.model).weighs_samples()) {
    const auto optimum = theory::drift_uniform_optimum(d, n, section.gamma, noise);
    if (!optimum.ok()) return Out::failure(optimum.error());
    return Out::success(scaled_identity(optimum.value().c, d, n));
  }
  const auto optimum = theory::drift_optimal_weights(d, n, section.gamma, noise);
  if (!optimum.ok()) return Out::failure(optimum.error());
  OptimalWeights out = scaled_identity(optimum.value().c, d, n);
  // The theory lists omega oldest first (token i at lag n + 1 - i); tokens here are nearest first.
  for (int t = 0; t < n; ++t) out.sample_weights[static_cast<std::size_t>(t)] = optimum.value().omega(n - 1 - t);
  return Out::success(std::move(out));
}

}  // namespace icl
