// Sample weighting (paper-spec §3.4): weighted PGD (WPGD) ŷ = xᵀ W Xᵀ(ω ⊙ y), which H3 realises with its
// lag filter (ω_i = f_{n+1−i}) and linear attention only with ω ≡ 1.
//   * IID data: any ω is worth PGD with n_eff = S1²/S2 <= n examples, so uniform weights are optimal.
//   * AR(1) task drift (§1f): β_1, …, β_{n+1} with E[β_iβ_jᵀ] = γ^{|i−j|}·I, Σ_x = I. Recent examples are
//     more informative, so the optimal weights decay with lag and H3 beats attention.
//   * Online objective: one shared W = cI and filter f, trained and scored at every position t, which
//     predicts y_t from the tokens before it (isotropic IID data).
// Conventions as in icl/theory.hpp (no 1/n factor, the query label carries noise σ²).
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "icl/result.hpp"
#include "icl/theory.hpp"

namespace icl::theory {

/** Longest sequence (n for drift, positions for online) the O(length) routines below accept (memory guard). */
inline constexpr int kMaxSequenceLength = 1 << 20;

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

/**
 * Online objective (§3.4), isotropic IID data, W = cI, lag filter f_1..f_T (lag_filter(k−1) = f_k):
 * the risk at position t (predicting y_t from the t−1 tokens before it),
 * L_t = d + σ² − 2cd·S1(t) + c²d·(S1(t)² + S2(t)(d + 1 + σ²)), S1(t) = Σ_{k<t} f_k, S2(t) = Σ_{k<t} f_k².
 * Requirements: d >= 1; noise_variance finite and >= 0; c finite; lag_filter finite (any length, even 0);
 * t an integer in [1, lag_filter.size() + 1].
 */
Result<double> online_position_risk(int d, double noise_variance, double c, const Eigen::VectorXd& lag_filter, int t);

/** The best (c, f) for the average online risk over positions t = 1..positions. */
struct OnlineOptimum {
  double c;                            ///< scale of W = cI
  Eigen::VectorXd lag_filter;          ///< f_1..f_{positions−1}, normalised to mean 1 (empty for positions = 1)
  double average_risk;                 ///< (1/positions)·Σ_t L_t at (c, f)
  std::vector<double> position_risks;  ///< L_1..L_positions at (c, f)
};

/**
 * Linear attention (f ≡ 1): the best single c for the average, c = mean(t−1)/mean((t−1)² + η(t−1)), and the
 * per-position risks there. positions = 1 has no context at all: c = 0 and the risk is d + σ².
 * Requirements: d >= 1; noise_variance finite and >= 0; positions in [1, kMaxSequenceLength].
 */
Result<OnlineOptimum> online_uniform_optimum(int d, double noise_variance, int positions);

/**
 * H3 (free lag filter): the best c AND f for the average online risk.
 *
 * Method (exact, no iterative optimisation): only the products g_k = c·f_k matter, and the average risk is
 * a convex quadratic in g,  J(g) = d + σ² + (d/P)(−2wᵀg + gᵀ(M + η·diag(w))g)  with P = positions,
 * w_k = P − k (the number of positions that see lag k) and M_kl = P − max(k, l). So g* = (M + η·diag(w))^{-1}w
 * and J* = d + σ² − (d/P)·wᵀg*. M is a "min" matrix with a tridiagonal inverse, so with u = diag(w)g the
 * system becomes (diag(w)^{-1} + ηM^{-1})u = e, a diagonally dominant tridiagonal M-matrix solved in
 * O(P) by the same positive elimination as drift_optimal_weights; g* > 0. The result is reported as
 * f = g* / mean(g*) (mean 1) and c = mean(g*). The tests check the optimality conditions (zero gradient in
 * every direction, against a dense solve).
 * Requirements: as online_uniform_optimum.
 */
Result<OnlineOptimum> online_weighted_optimum(int d, double noise_variance, int positions);

}  // namespace icl::theory
