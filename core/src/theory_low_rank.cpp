// Low-rank and LoRA theory (paper-spec §3.7, §3.8). See theory_low_rank.hpp.
#include "theory_low_rank.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>

#include "theory_checks.hpp"
#include "theory_whitening.hpp"

namespace icl::theory {
namespace {

using detail::check_context_size;
using detail::check_noise_variance;

std::string check_rank(int r, int minimum, int d) {
  if (r < minimum || r > d) {
    return "r must be an integer in [" + std::to_string(minimum) + ", d = " + std::to_string(d) + "] (got " +
           std::to_string(r) + ")";
  }
  return {};
}

// L*_r with λ sorted descending: σ² + T − Σ_{i<r} nλ_i²/((n+1)λ_i + T + σ²). Written as the §3.2 sum over
// the kept directions plus the untouched variance of the others, so that r = d is the §3.2 form exactly and
// no large terms cancel.
double low_rank_risk(const Eigen::VectorXd& descending, double noise_variance, double n, int r) {
  const double trace = descending.sum();
  double risk = noise_variance;
  for (Eigen::Index i = 0; i < descending.size(); ++i) {
    const double lambda = descending(i);
    risk += i < r ? lambda * (lambda + trace + noise_variance) / ((n + 1.0) * lambda + trace + noise_variance) : lambda;
  }
  return risk;
}

}  // namespace

Result<PgdOptimum> optimal_low_rank_pgd(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                        double noise_variance, int n, int r) {
  if (std::string error = detail::check_covariance_pair(sigma_x, "sigma_beta", sigma_beta); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<PgdOptimum>::failure(error);
  const int d = static_cast<int>(sigma_x.rows());
  if (std::string error = check_rank(r, 1, d); !error.empty()) return Result<PgdOptimum>::failure(error);
  auto whitening = detail::whiten(sigma_x, sigma_beta, "sigma_beta");
  if (!whitening.ok()) return Result<PgdOptimum>::failure(whitening.error());

  PgdOptimum optimum;
  optimum.W = detail::optimal_preconditioner(whitening.value(), noise_variance, n, r);
  optimum.risk = low_rank_risk(whitening.value().lambda.reverse(), noise_variance, n, r);
  if (!optimum.W.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<PgdOptimum>::failure("W*_r is not finite: sigma_x is too close to singular");
  }
  return Result<PgdOptimum>::success(std::move(optimum));
}

Result<double> optimal_low_rank_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma,
                                                   double noise_variance, int n, int r) {
  if (std::string error = detail::check_spectrum("eigenvalues_of_sigma", eigenvalues_of_sigma); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_context_size(n); !error.empty()) return Result<double>::failure(error);
  const int d = static_cast<int>(eigenvalues_of_sigma.size());
  if (std::string error = check_rank(r, 1, d); !error.empty()) return Result<double>::failure(error);
  std::vector<double> sorted = eigenvalues_of_sigma;
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  const double risk = low_rank_risk(Eigen::Map<const Eigen::VectorXd>(sorted.data(), d), noise_variance, n, r);
  if (!std::isfinite(risk)) return Result<double>::failure("risk is not finite: eigenvalues_of_sigma too large");
  return Result<double>::success(risk);
}

Result<LoraOptimum> lora_optimum(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta_old,
                                 const Eigen::MatrixXd& sigma_beta_new, double noise_variance, int n, int r) {
  if (std::string error = detail::check_covariance_pair(sigma_x, "sigma_beta_old", sigma_beta_old); !error.empty()) {
    return Result<LoraOptimum>::failure(error);
  }
  if (std::string error = detail::check_covariance_pair(sigma_x, "sigma_beta_new", sigma_beta_new); !error.empty()) {
    return Result<LoraOptimum>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<LoraOptimum>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<LoraOptimum>::failure(error);
  const int d = static_cast<int>(sigma_x.rows());
  if (std::string error = check_rank(r, 0, d); !error.empty()) return Result<LoraOptimum>::failure(error);
  auto old_whitening = detail::whiten(sigma_x, sigma_beta_old, "sigma_beta_old");
  if (!old_whitening.ok()) return Result<LoraOptimum>::failure(old_whitening.error());
  auto new_whitening = detail::whiten(sigma_x, sigma_beta_new, "sigma_beta_new");
  if (!new_whitening.ok()) return Result<LoraOptimum>::failure(new_whitening.error());
  const detail::Whitening& w = new_whitening.value();

  LoraOptimum optimum;
  optimum.W_old = detail::optimal_preconditioner(old_whitening.value(), noise_variance, n, d);
  const Eigen::MatrixXd w_new = detail::optimal_preconditioner(w, noise_variance, n, d);
  // K_n^{±1/2} of the new task, from Σ_new = V diag(λ) Vᵀ.
  const double trace = w.lambda.sum();
  const Eigen::VectorXd k = (n + 1.0) * w.lambda.array() + trace + noise_variance;
  const Eigen::MatrixXd k_sqrt = w.v * k.cwiseSqrt().asDiagonal() * w.v.transpose();
  const Eigen::MatrixXd k_inv_sqrt = w.v * k.cwiseSqrt().cwiseInverse().asDiagonal() * w.v.transpose();
  const Eigen::MatrixXd e = w.sx_sqrt * (optimum.W_old - w_new) * w.sx_sqrt * k_sqrt;

  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(e, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& s = svd.singularValues();  // descending
  Eigen::VectorXd kept = s;
  kept.tail(d - r).setZero();
  const Eigen::MatrixXd truncated = svd.matrixU() * kept.asDiagonal() * svd.matrixV().transpose();
  optimum.delta = -(w.sx_inv_sqrt * truncated * k_inv_sqrt * w.sx_inv_sqrt);
  optimum.W = optimum.W_old + optimum.delta;
  const double residual = s.tail(d - r).squaredNorm();
  optimum.risk = detail::risk_from_spectrum(w.lambda, noise_variance, n) + n * residual;
  if (!optimum.W.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<LoraOptimum>::failure("the adapted W is not finite: sigma_x is too close to singular");
  }
  return Result<LoraOptimum>::success(std::move(optimum));
}

Result<double> lora_risk(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta_old,
                         const Eigen::MatrixXd& sigma_beta_new, double noise_variance, int n, int r) {
  auto optimum = lora_optimum(sigma_x, sigma_beta_old, sigma_beta_new, noise_variance, n, r);
  if (!optimum.ok()) return Result<double>::failure(optimum.error());
  return Result<double>::success(optimum.value().risk);
}

Result<double> lora_risk_from_spectra(const std::vector<double>& old_task_eigenvalues,
                                      const std::vector<double>& new_task_eigenvalues, double noise_variance, int n,
                                      int r) {
  if (std::string error = detail::check_spectrum("old_task_eigenvalues", old_task_eigenvalues); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = detail::check_spectrum("new_task_eigenvalues", new_task_eigenvalues); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (new_task_eigenvalues.size() != old_task_eigenvalues.size()) {
    return Result<double>::failure("new_task_eigenvalues must have the same length as old_task_eigenvalues (" +
                                   std::to_string(old_task_eigenvalues.size()) + ") (got " +
                                   std::to_string(new_task_eigenvalues.size()) + ")");
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_context_size(n); !error.empty()) return Result<double>::failure(error);
  const int d = static_cast<int>(old_task_eigenvalues.size());
  if (std::string error = check_rank(r, 0, d); !error.empty()) return Result<double>::failure(error);

  const auto size = static_cast<Eigen::Index>(d);
  const Eigen::VectorXd lambda_old = Eigen::Map<const Eigen::VectorXd>(old_task_eigenvalues.data(), size);
  const Eigen::VectorXd lambda_new = Eigen::Map<const Eigen::VectorXd>(new_task_eigenvalues.data(), size);
  const double n_plus_one = n + 1.0;
  const Eigen::ArrayXd k_old = n_plus_one * lambda_old.array() + lambda_old.sum() + noise_variance;
  const Eigen::ArrayXd k_new = n_plus_one * lambda_new.array() + lambda_new.sum() + noise_variance;
  if (!k_old.allFinite() || !k_new.allFinite()) {  // w = λ/k would silently become 0
    return Result<double>::failure("risk is not finite: the eigenvalues or n are too large (overflow)");
  }
  const Eigen::ArrayXd gap = lambda_old.array() / k_old - lambda_new.array() / k_new;  // w_old − w_new
  std::vector<double> squares(static_cast<std::size_t>(d));  // E_ii² = k_new·(w_old − w_new)²
  for (int i = 0; i < d; ++i) squares[static_cast<std::size_t>(i)] = k_new(i) * gap(i) * gap(i);
  std::sort(squares.begin(), squares.end(), std::greater<double>());
  double residual = 0.0;
  for (int i = r; i < d; ++i) residual += squares[static_cast<std::size_t>(i)];
  const double risk = detail::risk_from_spectrum(lambda_new, noise_variance, n) + n * residual;
  if (!std::isfinite(risk)) return Result<double>::failure("risk is not finite: the eigenvalues are too large");
  return Result<double>::success(risk);
}

}  // namespace icl::theory
