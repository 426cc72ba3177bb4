// Low-rank preconditioners (paper-spec §3.7) and LoRA adaptation (§3.8) for the IID model of §3.1–3.2.
// With Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2} = V diag(λ) Vᵀ, T = tr Σ and K_n = (n+1)Σ + (T+σ²)I, the risk of W is
//   L(W) = L* + n·‖(U − U*)K_n^{1/2}‖_F²,   U = Σ_x^{1/2} W Σ_x^{1/2},
// so both problems are Eckart–Young truncations.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "icl/result.hpp"
#include "theory.hpp"

namespace icl::theory {

/**
 * The best W of rank <= r (§3.7): W*_r = Σ_x^{-1/2} P_r K_n^{-1} Σ Σ_x^{-1/2} (P_r = projector on the top-r
 * eigenvectors of Σ; ties are split arbitrarily, which does not change the risk) and
 * L*_r = σ² + T − Σ_{i<=r} nλ_i²/((n+1)λ_i + T + σ²) over the r largest λ_i.
 * Requirements: covariances and noise_variance as optimal_pgd; n >= 0; r an integer in [1, d].
 */
Result<PgdOptimum> optimal_low_rank_pgd(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                        double noise_variance, int n, int r);

/**
 * L*_r from the eigenvalues of Σ alone (any order).
 * Requirements: at least one eigenvalue, each finite and > 0; noise_variance finite and >= 0; n >= 0;
 * r an integer in [1, d = eigenvalues_of_sigma.size()].
 */
Result<double> optimal_low_rank_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma,
                                                   double noise_variance, int n, int r);

/** A LoRA-adapted preconditioner W = W_old + Δ with rank Δ <= r, and its risk on the new task. */
struct LoraOptimum {
  Eigen::MatrixXd W_old;  ///< W*(Σ_β^old) at the same n: the frozen pretrained model
  Eigen::MatrixXd delta;  ///< the optimal adapter Δ (rank <= r)
  Eigen::MatrixXd W;      ///< W_old + Δ
  double risk;            ///< L_LoRA(r) = L*_new + n·Σ_{j>r} s_j² on the new task
};

/**
 * §3.8: E = Σ_x^{1/2}(W_old − W*_new)Σ_x^{1/2}K_n^{1/2} (K_n of the new task) with singular values s_j; the
 * optimal adapter is Σ_x^{1/2}ΔΣ_x^{1/2}K_n^{1/2} = −(rank-r truncation of E). r = 0 is the frozen old model
 * on the new task; r = d reaches L*_new.
 * Requirements: sigma_x, sigma_beta_old, sigma_beta_new covariances of one size d (as optimal_pgd);
 * noise_variance finite and >= 0; n >= 0; r an integer in [0, d].
 */
Result<LoraOptimum> lora_optimum(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta_old,
                                 const Eigen::MatrixXd& sigma_beta_new, double noise_variance, int n, int r);

/** lora_optimum(...).risk. */
Result<double> lora_risk(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta_old,
                         const Eigen::MatrixXd& sigma_beta_new, double noise_variance, int n, int r);

/**
 * The jointly diagonal case Σ_x = I, Σ_β^old = diag(old), Σ_β^new = diag(new) (§3.8): entry i of both lists
 * belongs to the same eigenvector. E is diagonal, E_ii = √((n+1)λ_i^new + T_new + σ²)·(w_i^old − w_i^new)
 * with w_i = λ_i/((n+1)λ_i + T + σ²); the adapter removes the r largest E_ii².
 * Requirements: both lists non-empty with entries finite and > 0, of the same length d; noise_variance finite
 * and >= 0; n >= 0; r an integer in [0, d].
 */
Result<double> lora_risk_from_spectra(const std::vector<double>& old_task_eigenvalues,
                                      const std::vector<double>& new_task_eigenvalues, double noise_variance, int n,
                                      int r);

}  // namespace icl::theory
