// The Bayes-optimal reference for the Gaussian IID model (paper-spec §1 a–c): how far one step of PGD is from
// the best possible estimator. With a Gaussian prior β ~ N(0, Σ_β) and Gaussian noise, the posterior mean is
// ridge regression and it minimises E[(y − ŷ)²] over ALL predictors ŷ(x, X, y), so its risk is <= L*(n) of
// optimal PGD (§3.2), with equality at n = 0 (both are T + σ²).
//
// Given the features X, the posterior covariance P(X) is exact:
//   σ² > 0:        P = (XᵀX/σ² + Σ_β^{-1})^{-1}
//   σ = 0, n < d:  P = Σ_β − Σ_βXᵀ(XΣ_βXᵀ)^{-1}XΣ_β;   σ = 0, n >= d: P = 0,
// and the risk is σ² + E_X[tr(Σ_x P(X))]. Only X is sampled (Rao–Blackwellised over β, the labels and the
// query), so the estimate has far less variance than simulating whole prompts.
//
// Like L*, this risk depends on Σ_x and Σ_β only through the eigenvalues of Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2}
// (whiten x by Σ_x^{-1/2} and rotate to the eigenbasis of Σ: then x ~ N(0, I) and β ~ N(0, diag(λ))).
//
// Computation, per sample: Z = G·diag(√λ) with G an n×d matrix of N(0, 1) draws, SVD Z = U S Vᵀ (V full d×d);
// tr(Σ_x P) = Σ_j f_j (VᵀΛV)_jj with f_j = σ²/(σ² + s_j²) for the min(n, d) singular values and f_j = 1 for the
// remaining d − min(n, d) null directions (f_j = 0 for the non-null ones when σ = 0). This is one formula for
// σ² > 0 and σ = 0 and never forms an ill-conditioned inverse.
//
// Determinism: sample k draws G row by row from GaussianStream<float> keyed by
// stream_key(seed, Purpose::Evaluation, kBayesStreamIndex, k). The draws are therefore bit-identical natively
// and in wasm and independent of `samples` (sample k is the same in every run with the same seed); the
// double-precision linear algebra after them agrees across platforms to rounding.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "icl/result.hpp"

namespace icl::theory {

/** The `index` coordinate of the Bayes streams (Purpose::Evaluation): distinct from the experiment's 0. */
inline constexpr std::uint64_t kBayesStreamIndex = 0x426179657352424Full;  // "BayesRBO"

/** Largest sample count accepted. */
inline constexpr int kMaxBayesSamples = 10000000;

/** A Monte Carlo mean with its standard error (sample standard deviation / √samples). */
struct MonteCarloEstimate {
  double mean;
  double standard_error;
  long long samples;
};

/**
 * Bayes-optimal risk from the eigenvalues of Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2} (for diagonal Σ_x and Σ_β: the products
 * of the diagonals). n = 0 is exact (T + σ², standard error 0).
 * Requirements: at least one eigenvalue, each finite and > 0; noise_variance finite and >= 0; n >= 0;
 * samples an integer in [2, kMaxBayesSamples]; any seed.
 */
Result<MonteCarloEstimate> bayes_optimal_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma,
                                                            double noise_variance, int n, int samples,
                                                            std::uint64_t seed);

/** The same for covariance matrices (validated as in optimal_pgd); it uses the eigenvalues of Σ. */
Result<MonteCarloEstimate> bayes_optimal_risk(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                              double noise_variance, int n, int samples, std::uint64_t seed);

}  // namespace icl::theory
