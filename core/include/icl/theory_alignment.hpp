// Distributional alignment (paper-spec §3.5 RAG and §3.6 task–feature alignment): context features that are
// correlated with the query (RAG) or with the task (alignment). In both models W* = c*·I, with
//   s = Σ_i (xᵀx_i)·y_i,   c* = E[ys]/E[s²],   L* = E[y²] − E[ys]²/E[s²]
// from the exact moment polynomials of the spec (μ_k = E[(χ²_d)^k] = d(d+2)…(d+2k−2)).
// β ~ N(0, I_d), g_i ~ N(0, I_d) iid, y_i = x_iᵀβ + ξ_i, y = xᵀβ + ξ, ξ ~ N(0, σ²).
//   RAG:        x ~ N(0, I_d), x_i = a·x + b·g_i.
//   Alignment:  x_i = a·β + b·g_i; query x ~ N(0, I_d) independent of β (variant B, the default) or
//               x = a·β + b·g_0 (variant A, "aligned query").
// The normalised form (the default) is a = α, b = √(1−α²): every x_i is marginally N(0, I). The
// unnormalised x_i = αx + g_i is (a, b) = (α, 1), and [F-RAG]'s x_q + δ·r_i is (1, δ).
#pragma once

#include "icl/result.hpp"
#include "icl/theory.hpp"

namespace icl::theory {

/**
 * Exact RAG optimum (§3.5): c*, L*_RAG and E[y²] = d + σ². With no usable context (n = 0, or a = b = 0) the
 * predictor is 0: c = 0 and L = d + σ².
 * Requirements: d >= 1; n >= 0; a and b finite (only a², b² matter); noise_variance finite and >= 0.
 */
Result<ScalarOptimum> rag_optimum(int d, int n, double a, double b, double noise_variance);

/**
 * The paper-style asymptotic form (§3.5, d → ∞ with n/d and κ fixed) for the normalised model:
 * κ = α²d + 1 and L ≈ d + σ² − κnd/(κn + d + 1 + σ²), i.e. the IID formula with n → κn.
 * Requirements: d >= 1; n >= 0; alpha in [0, 1]; noise_variance finite and >= 0.
 */
Result<double> rag_asymptotic_risk(int d, int n, double alpha, double noise_variance);

/**
 * The finite-d floor of the exact RAG risk as n → ∞ (§3.5):
 * L_∞ = d + σ² − (a²μ2 + b²μ1)²/(a⁴μ3 + 2a²b²μ2 + b⁴μ1)  (d + σ² when a = b = 0).
 * Requirements: d >= 1; a, b finite; noise_variance finite and >= 0.
 */
Result<double> rag_floor(int d, double a, double b, double noise_variance);

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
