// Closed-form PGD theory (paper-spec §3.1–3.2). See theory.hpp for the conventions.
#include "theory.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "theory_checks.hpp"
#include "theory_whitening.hpp"

namespace icl::theory {

using detail::check_context_size;
using detail::check_covariance_pair;
using detail::check_finite;
using detail::check_noise_variance;
using detail::shape_of;
using detail::symmetric_part;

Result<double> pgd_risk(const Eigen::MatrixXd& W, const Eigen::VectorXd& omega, const Eigen::MatrixXd& sigma_x,
                        const Eigen::MatrixXd& sigma_beta, double noise_variance) {
  if (std::string error = check_covariance_pair(sigma_x, "sigma_beta", sigma_beta); !error.empty()) {
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
  if (std::string error = detail::check_finite_vector("omega", omega); !error.empty()) {
    return Result<double>::failure(error);
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
  if (std::string error = check_covariance_pair(sigma_x, "sigma_beta", sigma_beta); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<PgdOptimum>::failure(error);

  // Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2} = V diag(λ) Vᵀ; K_n = (n+1)Σ + (T+σ²)I shares V, so no matrix inverse is needed.
  auto whitening = detail::whiten(sigma_x, sigma_beta, "sigma_beta");
  if (!whitening.ok()) return Result<PgdOptimum>::failure(whitening.error());
  const int d = static_cast<int>(sigma_x.rows());

  PgdOptimum optimum;
  optimum.W = detail::optimal_preconditioner(whitening.value(), noise_variance, n, d);
  optimum.risk = detail::risk_from_spectrum(whitening.value().lambda, noise_variance, n);
  if (!optimum.W.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<PgdOptimum>::failure("W* is not finite: sigma_x is too close to singular");
  }
  return Result<PgdOptimum>::success(std::move(optimum));
}

Result<double> optimal_pgd_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma, double noise_variance,
                                              int n) {
  if (std::string error = detail::check_spectrum("eigenvalues_of_sigma", eigenvalues_of_sigma); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<double>::failure(error);
  }
  if (std::string error = check_context_size(n); !error.empty()) return Result<double>::failure(error);
  const auto size = static_cast<Eigen::Index>(eigenvalues_of_sigma.size());
  const Eigen::VectorXd lambda = Eigen::Map<const Eigen::VectorXd>(eigenvalues_of_sigma.data(), size);
  const double risk = detail::risk_from_spectrum(lambda, noise_variance, n);
  if (!std::isfinite(risk)) {
    return Result<double>::failure("risk is not finite: eigenvalues_of_sigma are too large (overflow)");
  }
  return Result<double>::success(risk);
}

}  // namespace icl::theory
