// The exact task–feature alignment risk (paper-spec §3.6): β ~ N(0, I_d), x_i = a·β + b·g_i, and the query
// x ~ N(0, I_d) independent of β (variant B, the default) or x = a·β + b·g_0 (variant A, "aligned query").
// W* = c*·I (data/context_moments.hpp). Conventions as in theory.hpp.
#pragma once

#include "icl/result.hpp"
#include "theory.hpp"

namespace icl::theory {

/** Which query the task–feature alignment model uses (§1e). */
enum class AlignmentQuery {
  Isotropic,  ///< variant B (default): x ~ N(0, I_d), independent of β
  Aligned,    ///< variant A: x = a·β + b·g_0, like the context features
};

/**
 * Exact task–feature alignment optimum (§3.6) for either query. E[y²] is d + σ² (B) or a²μ2 + b²μ1 + σ² (A).
 * With no usable context (n = 0, or a = b = 0), c = 0 and L = E[y²].
 * Requirements: d >= 1; n >= 0; a, b finite; noise_variance finite and >= 0; query a listed enumerator.
 */
Result<ScalarOptimum> alignment_optimum(int d, int n, double a, double b, double noise_variance, AlignmentQuery query);

/**
 * Asymptotic alignment risk for the normalised model, κ = α²d + 1, only where §3.6 states one:
 *   variant B: L ≈ d + σ² − κnd/(κn + d + 1 + σ²) (as RAG);
 *   variant A: only for σ = 0, L ≈ E[y²]·d/(κ²n + d) with E[y²] = α²μ2 + (1−α²)d. A noisy variant A is
 *   refused (the spec gives no asymptotic form for it).
 * Requirements: d >= 1; n >= 0; alpha in [0, 1]; noise_variance finite and >= 0 (and 0 for variant A).
 */
Result<double> alignment_asymptotic_risk(int d, int n, double alpha, double noise_variance, AlignmentQuery query);

}  // namespace icl::theory
