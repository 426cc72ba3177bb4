#include "theory_checks.hpp"

#include <cmath>
#include <sstream>
#include <utility>

namespace icl::theory::detail {
namespace {

// Symmetry is checked relative to the largest entry, so that covariances in any unit pass or fail alike.
constexpr double kSymmetryTolerance = 1e-9;

}  // namespace

std::string format_number(double value) {
  std::ostringstream out;
  out << value;  // default precision (6 significant digits) is enough for a message
  return out.str();
}

std::string shape_of(const Eigen::MatrixXd& matrix) {
  return std::to_string(matrix.rows()) + "x" + std::to_string(matrix.cols());
}

std::string check_finite(const char* name, const Eigen::MatrixXd& matrix) {
  for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
    for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
      if (!std::isfinite(matrix(i, j))) {
        return std::string(name) + " must have finite entries (entry (" + std::to_string(i) + "," + std::to_string(j) +
               ") is " + format_number(matrix(i, j)) + ")";
      }
    }
  }
  return {};
}

std::string check_finite_vector(const char* name, const Eigen::VectorXd& vector) {
  for (Eigen::Index i = 0; i < vector.size(); ++i) {
    if (!std::isfinite(vector(i))) {
      return std::string(name) + " must have finite entries (" + name + "[" + std::to_string(i) + "] is " +
             format_number(vector(i)) + ")";
    }
  }
  return {};
}

// §3.2 needs Σ_x^{-1/2}; for Σ_β the formulas would tolerate a singular matrix, but one contract for both
// covariances (and λ_i > 0 in the spectrum forms) keeps what the UI accepts the same everywhere.
std::string check_covariance(const char* name, const Eigen::MatrixXd& matrix) {
  if (matrix.rows() == 0 || matrix.cols() == 0) {
    return std::string(name) + " must be a non-empty square matrix (got " + shape_of(matrix) + ")";
  }
  if (matrix.rows() != matrix.cols()) {
    return std::string(name) + " must be square (got " + shape_of(matrix) + ")";
  }
  if (std::string error = check_finite(name, matrix); !error.empty()) return error;
  const double asymmetry = (matrix - matrix.transpose()).cwiseAbs().maxCoeff();
  const double scale = matrix.cwiseAbs().maxCoeff();
  if (asymmetry > kSymmetryTolerance * scale) {
    return std::string(name) + " must be symmetric (max |A - A^T| = " + format_number(asymmetry) + ", allowed " +
           format_number(kSymmetryTolerance) + " x largest |entry|)";
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric_part(matrix), Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) {
    return std::string(name) + " must be positive definite (its eigenvalues could not be computed)";
  }
  const double smallest = solver.eigenvalues()(0);  // ascending order
  if (!(smallest > 0.0)) {
    return std::string(name) + " must be positive definite (smallest eigenvalue " + format_number(smallest) + ")";
  }
  return {};
}

std::string check_covariance_pair(const Eigen::MatrixXd& sigma_x, const char* beta_name,
                                  const Eigen::MatrixXd& sigma_beta) {
  if (std::string error = check_covariance("sigma_x", sigma_x); !error.empty()) return error;
  if (std::string error = check_covariance(beta_name, sigma_beta); !error.empty()) return error;
  if (sigma_beta.rows() != sigma_x.rows()) {
    return std::string(beta_name) + " must be " + shape_of(sigma_x) + " to match sigma_x (got " + shape_of(sigma_beta) +
           ")";
  }
  return {};
}

std::string check_noise_variance(double noise_variance) {
  if (!std::isfinite(noise_variance) || noise_variance < 0.0) {
    return "noise_variance must be finite and >= 0 (got " + format_number(noise_variance) + ")";
  }
  return {};
}

std::string check_context_size(int n) {
  if (n < 0) return "n must be >= 0 (got " + std::to_string(n) + ")";
  return {};
}

std::string check_dimension(int d) {
  if (d < 1) return "d must be >= 1 (got " + std::to_string(d) + ")";
  return {};
}

std::string check_spectrum(const char* name, const std::vector<double>& eigenvalues) {
  if (eigenvalues.empty()) return std::string(name) + " must have at least one entry (got 0)";
  for (std::size_t i = 0; i < eigenvalues.size(); ++i) {
    const double lambda = eigenvalues[i];
    if (!std::isfinite(lambda) || !(lambda > 0.0)) {
      return std::string(name) + "[" + std::to_string(i) + "] must be finite and > 0 (got " + format_number(lambda) +
             ")";
    }
  }
  double sum = 0.0;
  for (double lambda : eigenvalues) sum += lambda;
  if (!std::isfinite(sum)) return std::string(name) + " are too large: their sum is not finite (overflow)";
  return {};
}

Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& matrix) { return 0.5 * (matrix + matrix.transpose()); }

}  // namespace icl::theory::detail
