// Internal helpers shared by the theory sources (icl/theory*.hpp): argument checks that produce the
// user-facing messages, and the whitening Σ = Σ_x^{1/2} Σ_β Σ_x^{1/2} of paper-spec §3.2.
// Not part of the public API: include it only from core/src/theory*.cpp.
//
// Every check returns an empty string when the argument is valid, else a message that names the argument
// and the allowed range.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "icl/result.hpp"

namespace icl::theory::detail {

/** A number for a message, at the default 6 significant digits ("1.5", "nan", "-inf"). */
std::string format_number(double value);

/** "RxC". */
std::string shape_of(const Eigen::MatrixXd& matrix);

/** Every entry finite. */
std::string check_finite(const char* name, const Eigen::MatrixXd& matrix);

/** Every entry of a vector finite; the message indexes it as name[i]. */
std::string check_finite_vector(const char* name, const Eigen::VectorXd& vector);

/** Non-empty, square, finite, symmetric (relative tolerance 1e-9) and positive definite. */
std::string check_covariance(const char* name, const Eigen::MatrixXd& matrix);

/** sigma_x and a task covariance named beta_name: each a covariance, and of the same size. */
std::string check_covariance_pair(const Eigen::MatrixXd& sigma_x, const char* beta_name,
                                  const Eigen::MatrixXd& sigma_beta);

/** Finite and >= 0. */
std::string check_noise_variance(double noise_variance);

/** n >= 0. */
std::string check_context_size(int n);

/** d >= 1. */
std::string check_dimension(int d);

/** At least one eigenvalue, each finite and > 0 (the eigenvalues of a positive definite Σ), with a finite sum. */
std::string check_spectrum(const char* name, const std::vector<double>& eigenvalues);

/** (A + Aᵀ)/2: the formulas use it so that symmetric inputs give exactly symmetric outputs. */
Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& matrix);

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
