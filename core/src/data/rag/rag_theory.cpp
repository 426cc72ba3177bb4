#include "data/rag/rag_kind.hpp"
#include "data/rag/rag_risk.hpp"

namespace icl {

void RagKind::add_curves(const Section& section, const Config& config, const std::vector<int>& n, const TheoryOptions&,
                         CurveList& list) {
  const int d = config.d;
  const double noise = config.data.noise_variance, a = section.scale_a(), b = section.scale_b();
  list.add(curve("rag_exact", "optimal PGD on RAG data (exact)", n,
                 [&](int length) { return risk_of(theory::rag_optimum(d, length, a, b, noise)); }));
  if (section.form == data::Rag::Form::Normalized) {
    list.add(approximation(
        curve("rag_asymptotic", "asymptotic form, n -> kappa n with kappa = alpha^2 d + 1 (approximation)", n,
              [&](int length) { return theory::rag_asymptotic_risk(d, length, section.alpha, noise); })));
  }
  list.add(iid_reference_curve(d, noise, n));
}

Result<OptimalWeights> RagKind::optimal_weights(const Section& section, const Config& config, int n) {
  const auto optimum =
      theory::rag_optimum(config.d, n, section.scale_a(), section.scale_b(), config.data.noise_variance);
  if (!optimum.ok()) return Result<OptimalWeights>::failure(optimum.error());
  return Result<OptimalWeights>::success(scaled_identity(optimum.value().c, config.d, n));
}

}  // namespace icl
