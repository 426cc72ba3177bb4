// Sample weighting under AR(1) task drift (paper-spec §1f, §3.4): β_1, …, β_{n+1} with
// E[β_iβ_jᵀ] = γ^{|i−j|}·I, Σ_x = I. Recent examples are more informative, so the optimal weights decay
// with lag and H3 beats attention. Conventions as in theory.hpp.
#pragma once

#include <Eigen/Dense>

#include "icl/result.hpp"
#include "theory.hpp"
#include "theory_sequence.hpp"

namespace icl::theory {

/** Optimal WPGD under AR(1) drift: the weights, the matching scale c of W = cI, and the risk. */
struct WeightedOptimum {
  Eigen::VectorXd omega;  ///< ω*_1..ω*_n (token i has lag n+1−i), normalised to Σω_i = n; > 0 for γ > 0
                          ///< (weights that would underflow, ~1e-308 and below, at very long n are exactly 0)
  double c;               ///< the optimal c for this ω; c·ω = (R_n + ηI)^{-1} r is the scale-free product
  double risk;            ///< L*_WPGD = d + σ² − d·rᵀ(R_n + ηI)^{-1} r
};

/**
 * §3.4 task drift with Σ_x = I: R_ij = γ^{|i−j|} (i, j <= n), r_i = γ^{n+1−i}, η = d + 1 + σ²;
 * ω* ∝ (R_n + ηI)^{-1} r and L*_WPGD = d + σ² − d·rᵀ(R_n + ηI)^{-1} r.
 *
 * Normalisation: Σω*_i = n (mean weight 1, the scale of attention's ω ≡ 1), and c is then the optimal
 * scale for that ω. At γ = 0 every ω is optimal (the context says nothing about β_{n+1}, risk d + σ²);
 * the function returns the γ → 0 limit of the normalised ω*, which is n·e_n (all weight on the last
 * token), with c = 0. n = 0 gives an empty ω, c = 0 and risk d + σ².
 *
 * Method: R_n is the Kac–Murdock–Szegő matrix, whose inverse is tridiagonal, and r = γ·R_n e_n, so
 * ((1−γ²)I + η(1−γ²)R_n^{-1}) ω̃ = γ(1−γ²) e_n is a tridiagonal, diagonally dominant M-matrix system. It is
 * solved in O(n) by an elimination that only adds positive numbers (row sums are carried instead of
 * diagonals), so every weight has full relative accuracy even as γ → 1.
 *
 * Requirements: d >= 1; n in [0, kMaxSequenceLength]; gamma in [0, 1); noise_variance finite and >= 0.
 */
Result<WeightedOptimum> drift_optimal_weights(int d, int n, double gamma, double noise_variance);

/**
 * For given weights ω under AR(1) drift: the optimal c = rᵀω / ωᵀ(R_n + ηI)ω and the risk
 * L(ω) = d + σ² − d(rᵀω)²/(ωᵀ(R_n + ηI)ω) (§3.4). ω = 0 gives c = 0 and d + σ². O(n).
 * Requirements: as drift_optimal_weights, and omega of length n with finite entries.
 */
Result<ScalarOptimum> drift_optimum_for_weights(int d, int n, double gamma, double noise_variance,
                                                const Eigen::VectorXd& omega);

/** drift_optimum_for_weights(...).risk: L(ω) at the optimal c. */
Result<double> drift_weighted_risk(int d, int n, double gamma, double noise_variance, const Eigen::VectorXd& omega);

/** Uniform weights (linear attention): L_PGD = d + σ² − d(1ᵀr)²/(1ᵀR_n1 + ηn), and its c. O(n). */
Result<ScalarOptimum> drift_uniform_optimum(int d, int n, double gamma, double noise_variance);

/** drift_uniform_optimum(...).risk. */
Result<double> drift_uniform_risk(int d, int n, double gamma, double noise_variance);

}  // namespace icl::theory
