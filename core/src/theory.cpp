// Closed-form PGD theory (paper-spec §3.1–3.2). See icl/theory.hpp for the conventions.
#include "icl/theory.hpp"

#include <cmath>
#include <sstream>
#include <string>
#include <utility>

namespace icl::theory {
namespace {

// Symmetry is checked relative to the largest entry, so that covariances in any unit pass or fail alike.
constexpr double kSymmetryTolerance = 1e-9;

std::string format_number(double value) {
  std::ostringstream out;
  out << value;  // default precision (6 significant digits) is enough for a message
  return out.str();
}

std::string shape_of(const Eigen::MatrixXd& matrix) {
  return std::to_string(matrix.rows()) + "x" + std::to_string(matrix.cols());
}

// Each check returns an empty string when the argument is valid, else the message for the user.

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

// A covariance must be non-empty, square, finite, symmetric and positive definite. §3.2 needs Σ_x^{-1/2};
// for Σ_β the formulas would tolerate a singular matrix, but one contract for both covariances (and λ_i > 0 in
// the spectrum form) keeps what the UI accepts the same everywhere.
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
  const Eigen::MatrixXd symmetric = 0.5 * (matrix + matrix.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) {
    return std::string(name) + " must be positive definite (its eigenvalues could not be computed)";
  }
  const double smallest = solver.eigenvalues()(0);  // ascending order
  if (!(smallest > 0.0)) {
    return std::string(name) + " must be positive definite (smallest eigenvalue " + format_number(smallest) + ")";
  }
  return {};
}

std::string check_covariances(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta) {
  if (std::string error = check_covariance("sigma_x", sigma_x); !error.empty()) return error;
  if (std::string error = check_covariance("sigma_beta", sigma_beta); !error.empty()) return error;
  if (sigma_beta.rows() != sigma_x.rows()) {
    return "sigma_beta must be " + shape_of(sigma_x) + " to match sigma_x (got " + shape_of(sigma_beta) + ")";
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

// Validation passes matrices that are symmetric only up to kSymmetryTolerance; the formulas use the
// symmetric part so that W* comes out exactly symmetric.
Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& matrix) { return 0.5 * (matrix + matrix.transpose()); }

// The scalar form of L* (§3.2): σ² + Σ_i λ_i(λ_i + T + σ²)/((n+1)λ_i + T + σ²). It equals
// σ² + T − n·tr(Σ² K_n^{-1}) but has no cancellation between T and the subtracted sum.
double risk_from_spectrum(const Eigen::VectorXd& lambda, double noise_variance, int n) {
  const double trace = lambda.sum();
  const double n_plus_one = static_cast<double>(n) + 1.0;  // as double: n + 1 overflows int at INT_MAX
  double risk = noise_variance;
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    risk += lambda(i) * (lambda(i) + trace + noise_variance) / (n_plus_one * lambda(i) + trace + noise_variance);
  }
  return risk;
}

}  // namespace

Result<double> pgd_risk(const Eigen::MatrixXd& W, const Eigen::VectorXd& omega, const Eigen::MatrixXd& sigma_x,
                        const Eigen::MatrixXd& sigma_beta, double noise_variance) {
  if (std::string error = check_covariances(sigma_x, sigma_beta); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (W.rows() != sigma_x.rows() || W.cols() != sigma_x.cols()) {
    return Result<double>::failure("W must be " + shape_of(sigma_x) + " to match sigma_x (got " + shape_of(W) + ")");
  }
  if (std::string error = check_finite("W", W); !error.empty()) return Result<double>::failure(error);
  if (omega.size() < 1) {
    return Result<double>::failure("omega must have length >= 1 (got " + std::to_string(omega.size()) + ")");
  }
  for (Eigen::Index i = 0; i < omega.size(); ++i) {
    if (!std::isfinite(omega(i))) {
      return Result<double>::failure("omega must have finite entries (omega[" + std::to_string(i) + "] is " +
                                     format_number(omega(i)) + ")");
    }
  }

  // §3.1: with S1 = Σω_i, S2 = Σω_i² and T = tr(Σ_xΣ_β),
  //   L = σ² + T − 2·S1·tr(Σ_x W Σ_x Σ_β) + tr(Σ_x W M_ω Wᵀ),
  //   M_ω = E[Xᵀ(ω⊙y) (ω⊙y)ᵀX] = (S1² + S2)·Σ_xΣ_βΣ_x + S2·(T + σ²)·Σ_x.
  // (Off-diagonal pairs i ≠ j give Σ_xΣ_βΣ_x; Isserlis on the diagonal i = j gives 2Σ_xΣ_βΣ_x + (T+σ²)Σ_x.)
  const Eigen::MatrixXd sx = symmetric_part(sigma_x);
  const Eigen::MatrixXd sb = symmetric_part(sigma_beta);
  const double s1 = omega.sum();
  const double s2 = omega.squaredNorm();
  const double trace = (sx * sb).trace();
  const Eigen::MatrixXd m_omega = (s1 * s1 + s2) * (sx * sb * sx) + s2 * (trace + noise_variance) * sx;
  const double cross = (sx * W * sx * sb).trace();
  const double quadratic = (sx * W * m_omega * W.transpose()).trace();
  const double risk = noise_variance + trace - 2.0 * s1 * cross + quadratic;
  if (!std::isfinite(risk)) {
    return Result<double>::failure("risk is not finite: W, omega or the covariances are too large (overflow)");
  }
  return Result<double>::success(risk);
}

Result<PgdOptimum> optimal_pgd(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta, double noise_variance,
                               int n) {
  if (std::string error = check_covariances(sigma_x, sigma_beta); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<PgdOptimum>::failure(error);

  // Whiten the features (§3.2): Σ_x^{±1/2} = U diag(μ^{±1/2}) Uᵀ from the eigen-decomposition of Σ_x.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> feature_solver(symmetric_part(sigma_x));
  if (feature_solver.info() != Eigen::Success) {
    return Result<PgdOptimum>::failure("sigma_x: eigen-decomposition did not converge");
  }
  const Eigen::MatrixXd& u = feature_solver.eigenvectors();
  const Eigen::VectorXd mu = feature_solver.eigenvalues();
  const Eigen::MatrixXd sx_sqrt = u * mu.cwiseSqrt().asDiagonal() * u.transpose();
  const Eigen::MatrixXd sx_inv_sqrt = u * mu.cwiseSqrt().cwiseInverse().asDiagonal() * u.transpose();

  // Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2} = V diag(λ) Vᵀ. K_n = (n+1)Σ + (T+σ²)I shares V, so
  // K_n^{-1}Σ = V diag(λ_i / ((n+1)λ_i + T + σ²)) Vᵀ and no matrix inverse is needed.
  const Eigen::MatrixXd sigma = symmetric_part(sx_sqrt * symmetric_part(sigma_beta) * sx_sqrt);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> task_solver(sigma);
  if (task_solver.info() != Eigen::Success) {
    return Result<PgdOptimum>::failure("sigma_x^{1/2} sigma_beta sigma_x^{1/2}: eigen-decomposition did not converge");
  }
  const Eigen::VectorXd& lambda = task_solver.eigenvalues();
  const Eigen::MatrixXd& v = task_solver.eigenvectors();
  const double trace = lambda.sum();
  const double n_plus_one = static_cast<double>(n) + 1.0;
  const Eigen::VectorXd shrink = lambda.array() / (n_plus_one * lambda.array() + trace + noise_variance);

  PgdOptimum optimum;
  optimum.W = symmetric_part(sx_inv_sqrt * (v * shrink.asDiagonal() * v.transpose()) * sx_inv_sqrt);
  optimum.risk = risk_from_spectrum(lambda, noise_variance, n);
  if (!optimum.W.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<PgdOptimum>::failure("W* is not finite: sigma_x is too close to singular");
  }
  return Result<PgdOptimum>::success(std::move(optimum));
}

Result<double> optimal_pgd_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma, double noise_variance,
                                              int n) {
  if (eigenvalues_of_sigma.empty()) {
    return Result<double>::failure("eigenvalues_of_sigma must have at least one entry (got 0)");
  }
  for (std::size_t i = 0; i < eigenvalues_of_sigma.size(); ++i) {
    const double lambda = eigenvalues_of_sigma[i];
    if (!std::isfinite(lambda) || !(lambda > 0.0)) {
      return Result<double>::failure("eigenvalues_of_sigma[" + std::to_string(i) + "] must be finite and > 0 (got " +
                                     format_number(lambda) + ")");
    }
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<double>::failure(error);
  const auto size = static_cast<Eigen::Index>(eigenvalues_of_sigma.size());
  const Eigen::VectorXd lambda = Eigen::Map<const Eigen::VectorXd>(eigenvalues_of_sigma.data(), size);
  const double risk = risk_from_spectrum(lambda, noise_variance, n);
  if (!std::isfinite(risk)) {
    return Result<double>::failure("risk is not finite: eigenvalues_of_sigma are too large (overflow)");
  }
  return Result<double>::success(risk);
}

}  // namespace icl::theory
