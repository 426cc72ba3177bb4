// Sample weighting (paper-spec §3.4): weighted PGD (WPGD) ŷ = xᵀ W Xᵀ(ω ⊙ y), which H3 realises with its
// lag filter (ω_i = f_{n+1−i}) and linear attention only with ω ≡ 1.
// In the IID model any ω is worth PGD with n_eff = S1²/S2 <= n examples, so uniform weights are optimal.
// The weighted optima of the drifting task and of the online objective are beside their concepts
// (core/src/data/drift/drift_risk.hpp, core/src/theory_online.hpp).
// Conventions as in theory.hpp (no 1/n factor, the query label carries noise σ²).
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "icl/result.hpp"
#include "theory.hpp"

namespace icl::theory {

/**
 * n_eff = S1²/S2 with S1 = Σω_i, S2 = Σω_i² (§3.4); 0 <= n_eff <= omega.size() by Cauchy–Schwarz.
 * Requirements: omega has length >= 1, finite entries, and is not all zero.
 */
Result<double> effective_sample_size(const Eigen::VectorXd& omega);

/**
 * The W optimal for fixed weights ω in the IID model (§3.4) and its risk:
 * W = (S1/S2)·Σ_x^{-1/2} K_{n_eff}^{-1} Σ Σ_x^{-1/2}, risk = L*(n_eff) of §3.2 at the real n_eff.
 * (All-zero ω is allowed: W = 0 and the risk is T + σ².)
 * Requirements: as optimal_pgd for the covariances and noise_variance; omega of length >= 1, finite.
 */
Result<PgdOptimum> optimal_pgd_for_weights(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                           double noise_variance, const Eigen::VectorXd& omega);

}  // namespace icl::theory
