#include "theory_whitening.hpp"

#include <cmath>
#include <sstream>
#include <utility>

namespace icl::theory::detail {

// σ² + Σ_i λ_i(λ_i + T + σ²)/((n+1)λ_i + T + σ²) equals σ² + T − n·tr(Σ² K_n^{-1}) but has no cancellation
// between T and the subtracted sum.
double risk_from_spectrum(const Eigen::VectorXd& lambda, double noise_variance, double n) {
  const double trace = lambda.sum();
  const double n_plus_one = n + 1.0;
  double risk = noise_variance;
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    risk += lambda(i) * (lambda(i) + trace + noise_variance) / (n_plus_one * lambda(i) + trace + noise_variance);
  }
  return risk;
}

Result<Whitening> whiten(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta, const char* beta_name) {
  // Σ_x^{±1/2} = U diag(μ^{±1/2}) Uᵀ from the eigen-decomposition of Σ_x.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> feature_solver(symmetric_part(sigma_x));
  if (feature_solver.info() != Eigen::Success) {
    return Result<Whitening>::failure("sigma_x: eigen-decomposition did not converge");
  }
  const Eigen::MatrixXd& u = feature_solver.eigenvectors();
  const Eigen::VectorXd mu = feature_solver.eigenvalues();
  Whitening whitening;
  whitening.sx_sqrt = u * mu.cwiseSqrt().asDiagonal() * u.transpose();
  whitening.sx_inv_sqrt = u * mu.cwiseSqrt().cwiseInverse().asDiagonal() * u.transpose();
  const Eigen::MatrixXd sigma = symmetric_part(whitening.sx_sqrt * symmetric_part(sigma_beta) * whitening.sx_sqrt);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> task_solver(sigma);
  if (task_solver.info() != Eigen::Success) {
    return Result<Whitening>::failure(std::string("sigma_x^{1/2} ") + beta_name +
                                      " sigma_x^{1/2}: eigen-decomposition did not converge");
  }
  whitening.lambda = task_solver.eigenvalues();
  whitening.v = task_solver.eigenvectors();
  return Result<Whitening>::success(std::move(whitening));
}

Eigen::MatrixXd optimal_preconditioner(const Whitening& whitening, double noise_variance, double n, int rank) {
  const Eigen::VectorXd& lambda = whitening.lambda;
  const Eigen::Index d = lambda.size();
  const double trace = lambda.sum();
  Eigen::VectorXd shrink = lambda.array() / ((n + 1.0) * lambda.array() + trace + noise_variance);
  shrink.head(d - rank).setZero();  // λ is ascending: the top `rank` directions are the last ones
  return symmetric_part(whitening.sx_inv_sqrt * (whitening.v * shrink.asDiagonal() * whitening.v.transpose()) *
                        whitening.sx_inv_sqrt);
}

}  // namespace icl::theory::detail
