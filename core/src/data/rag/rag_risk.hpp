// The exact RAG risk (paper-spec §3.5): x ~ N(0, I_d), x_i = a·x + b·g_i, β ~ N(0, I_d), y_i = x_iᵀβ + ξ_i.
// W* = c*·I (data/context_moments.hpp). The normalised form (the default) is a = α, b = √(1−α²): every
// x_i is marginally N(0, I). The unnormalised x_i = αx + g_i is (a, b) = (α, 1), and [F-RAG]'s x_q + δ·r_i
// is (1, δ). Conventions as in theory.hpp.
#pragma once

#include "icl/result.hpp"
#include "theory.hpp"

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

}  // namespace icl::theory
