// Closed-form theory for one-step preconditioned gradient descent (paper-spec §3.1–3.2): the risk of
// any reduced-form predictor ŷ = xᵀ W Xᵀ(ω ⊙ y), and the optimal preconditioner W* with its risk L*.
// These draw the dotted "theory (exact)" curves next to trained models, so they are not a hot path.
//
// Conventions (paper-spec §1, §2): x_i, x ~ N(0, Σ_x) iid, β ~ N(0, Σ_β) shared by the prompt,
// y_i = x_iᵀβ + ξ_i and the query label y = xᵀβ + ξ, with ξ ~ N(0, σ²) (so every risk includes +σ²).
// There is no 1/n factor in ŷ; a model that divides by n learns n·W*.
//
// Every function validates its input and reports a bad argument as a failed Result; nothing throws.
//
// The rest of §3 lives beside this header (theory_weighting.hpp: §3.4 WPGD; theory_low_rank.hpp:
// §3.7, §3.8; theory_bayes.hpp: the Bayes-optimal reference), with each data model's own theory in its
// folder (core/src/data/<kind>/) and the online objective's in core/src/theory_online.hpp.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "icl/result.hpp"

namespace icl::theory {

/**
 * Test risk L(W, ω) = E[(y − ŷ)²] of the weighted PGD predictor ŷ = xᵀ W Xᵀ(ω ⊙ y) with n = omega.size()
 * context examples (paper-spec §3.1). Plain PGD is omega = ones(n).
 *
 * Requirements: sigma_x and sigma_beta are d×d (d >= 1), finite, symmetric and positive definite;
 * W is d×d and finite (it need not be symmetric); omega is finite with length >= 1;
 * noise_variance (σ²) is finite and >= 0.
 */
Result<double> pgd_risk(const Eigen::MatrixXd& W, const Eigen::VectorXd& omega, const Eigen::MatrixXd& sigma_x,
                        const Eigen::MatrixXd& sigma_beta, double noise_variance);

/** The optimal PGD preconditioner and its risk (paper-spec §3.2). */
struct PgdOptimum {
  Eigen::MatrixXd W;  ///< W* = Σ_x^{-1/2} K_n^{-1} Σ Σ_x^{-1/2}, symmetric, d×d.
  double risk;        ///< L* = σ² + Σ_i λ_i(λ_i + T + σ²)/((n+1)λ_i + T + σ²).
};

/**
 * An optimum over a scalar preconditioner W = c·I (the models of paper-spec §3.4–3.6, where rotation
 * invariance makes the optimal W a multiple of the identity).
 */
struct ScalarOptimum {
  double c;                     ///< the optimal scale of W = c·I
  double risk;                  ///< the risk at that c
  double target_second_moment;  ///< E[y²] = the risk of predicting 0 (no context); for plotting L / E[y²]
};

/**
 * W* and L* for n context examples (paper-spec §3.2), with Σ = Σ_x^{1/2} Σ_β Σ_x^{1/2}, T = tr Σ and
 * K_n = (n+1)Σ + (T + σ²)I. n = 0 is allowed and gives L* = T + σ² = E[y²].
 *
 * Requirements: as for pgd_risk on sigma_x, sigma_beta and noise_variance; n >= 0.
 */
Result<PgdOptimum> optimal_pgd(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta, double noise_variance,
                               int n);

/**
 * L* from the eigenvalues λ_i of Σ = Σ_x^{1/2} Σ_β Σ_x^{1/2} alone (paper-spec §3.2): the fast scalar
 * form for drawing curves. For diagonal Σ_x and Σ_β the eigenvalues are the products of the diagonals.
 *
 * Requirements: at least one eigenvalue, each finite and > 0; noise_variance finite and >= 0; n >= 0.
 */
Result<double> optimal_pgd_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma, double noise_variance,
                                              int n);

}  // namespace icl::theory
