// The online objective (paper-spec §3.4): one shared W = cI and lag filter f, trained and scored at every
// position t, which predicts y_t from the tokens before it (isotropic IID data). Conventions as in
// theory.hpp.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "icl/result.hpp"
#include "theory_sequence.hpp"

namespace icl::theory {

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
