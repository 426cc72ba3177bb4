// The argument checks of the theory functions, which produce their user-facing messages. Every check returns an empty
// string when the argument is valid, else a message that names the argument and the allowed range.
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

}  // namespace icl::theory::detail
