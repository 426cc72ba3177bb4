// The whitening Σ = Σ_x^{1/2} Σ_β Σ_x^{1/2} of paper-spec §3.2 and what is computed from its spectrum: the
// optimal preconditioner (of any rank) and the risk in the scalar form. Shared by PGD, low rank, LoRA and
// sample weighting.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "icl/result.hpp"
#include "theory_checks.hpp"

namespace icl::theory::detail {

/**
 * The §3.2 scalar form σ² + Σ_i λ_i(λ_i + T + σ²)/((n+1)λ_i + T + σ²) for a real sample size n >= 0
 * (n_eff of §3.4 need not be an integer).
 */
double risk_from_spectrum(const Eigen::VectorXd& lambda, double noise_variance, double n);

/** Σ_x^{±1/2} and the eigen-decomposition Σ = V diag(λ) Vᵀ, λ ascending. */
struct Whitening {
  Eigen::MatrixXd sx_sqrt;      ///< Σ_x^{1/2}
  Eigen::MatrixXd sx_inv_sqrt;  ///< Σ_x^{-1/2}
  Eigen::VectorXd lambda;       ///< eigenvalues of Σ, ascending
  Eigen::MatrixXd v;            ///< orthonormal eigenvectors of Σ (columns, same order)
};

/** Whitening of validated covariances (call check_covariance_pair first). beta_name is used in messages. */
Result<Whitening> whiten(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta, const char* beta_name);

/**
 * The optimal preconditioner of §3.2/§3.7 restricted to the top `rank` eigen-directions of Σ:
 * Σ_x^{-1/2} P_rank K_n^{-1} Σ Σ_x^{-1/2} with K_n = (n+1)Σ + (T+σ²)I and a real n >= 0 (T uses all of λ).
 * rank = d gives W* of §3.2; the result is exactly symmetric.
 */
Eigen::MatrixXd optimal_preconditioner(const Whitening& whitening, double noise_variance, double n, int rank);

}  // namespace icl::theory::detail
