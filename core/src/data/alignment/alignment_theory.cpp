#include "data/alignment/alignment_kind.hpp"
#include "data/alignment/alignment_risk.hpp"

namespace icl {
namespace {

theory::AlignmentQuery theory_query(const data::Alignment& section) {
  return section.query == data::Alignment::Query::Aligned ? theory::AlignmentQuery::Aligned
                                                          : theory::AlignmentQuery::Isotropic;
}

}  // namespace

void AlignmentKind::add_curves(const Section& section, const Config& config, const std::vector<int>& n,
                               const TheoryOptions&, CurveList& list) {
  const int d = config.d;
  const double noise = config.data.noise_variance, a = section.scale_a(), b = section.scale_b();
  const auto query = theory_query(section);
  list.add(curve("alignment_exact", "optimal PGD on aligned data (exact)", n,
                 [&](int length) { return risk_of(theory::alignment_optimum(d, length, a, b, noise, query)); }));
  // The spec gives no asymptotic form for the aligned query with noisy labels.
  if (!(query == theory::AlignmentQuery::Aligned && noise > 0)) {
    list.add(approximation(
        curve("alignment_asymptotic", "asymptotic form with kappa = alpha^2 d + 1 (approximation)", n,
              [&](int length) { return theory::alignment_asymptotic_risk(d, length, section.alpha, noise, query); })));
  }
  if (query == theory::AlignmentQuery::Isotropic) list.add(iid_reference_curve(d, noise, n));
}

Result<OptimalWeights> AlignmentKind::optimal_weights(const Section& section, const Config& config, int n) {
  const auto optimum = theory::alignment_optimum(config.d, n, section.scale_a(), section.scale_b(),
                                                 config.data.noise_variance, theory_query(section));
  if (!optimum.ok()) return Result<OptimalWeights>::failure(optimum.error());
  return Result<OptimalWeights>::success(scaled_identity(optimum.value().c, config.d, n));
}

}  // namespace icl
