// Sample weighting theory (paper-spec §3.4). See theory_weighting.hpp.
#include "theory_weighting.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "theory_checks.hpp"
#include "theory_whitening.hpp"

namespace icl::theory {

using detail::check_noise_variance;

Result<double> effective_sample_size(const Eigen::VectorXd& omega) {
  if (omega.size() < 1) {
    return Result<double>::failure("omega must have length >= 1 (got " + std::to_string(omega.size()) + ")");
  }
  if (std::string error = detail::check_finite_vector("omega", omega); !error.empty()) {
    return Result<double>::failure(error);
  }
  const double scale = omega.cwiseAbs().maxCoeff();
  if (scale == 0.0) return Result<double>::failure("omega must not be all zero (S2 = sum of omega_i^2 is 0)");
  const Eigen::VectorXd unit = omega / scale;  // n_eff is scale-free; this keeps S2 from overflowing
  const double s1 = unit.sum();
  return Result<double>::success(s1 * s1 / unit.squaredNorm());
}

Result<PgdOptimum> optimal_pgd_for_weights(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                           double noise_variance, const Eigen::VectorXd& omega) {
  if (std::string error = detail::check_covariance_pair(sigma_x, "sigma_beta", sigma_beta); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  if (omega.size() < 1) {
    return Result<PgdOptimum>::failure("omega must have length >= 1 (got " + std::to_string(omega.size()) + ")");
  }
  if (std::string error = detail::check_finite_vector("omega", omega); !error.empty()) {
    return Result<PgdOptimum>::failure(error);
  }
  auto whitening = detail::whiten(sigma_x, sigma_beta, "sigma_beta");
  if (!whitening.ok()) return Result<PgdOptimum>::failure(whitening.error());
  const int d = static_cast<int>(sigma_x.rows());

  PgdOptimum optimum;
  const double scale = omega.cwiseAbs().maxCoeff();
  if (scale == 0.0) {  // ŷ = 0 whatever W is
    optimum.W = Eigen::MatrixXd::Zero(d, d);
    optimum.risk = whitening.value().lambda.sum() + noise_variance;
    return Result<PgdOptimum>::success(std::move(optimum));
  }
  const Eigen::VectorXd unit = omega / scale;
  const double s1 = unit.sum(), s2 = unit.squaredNorm();
  const double n_eff = s1 * s1 / s2;
  // (S1/S2) for the original ω is (s1/s2)/scale.
  optimum.W = (s1 / s2 / scale) * detail::optimal_preconditioner(whitening.value(), noise_variance, n_eff, d);
  optimum.risk = detail::risk_from_spectrum(whitening.value().lambda, noise_variance, n_eff);
  if (!optimum.W.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<PgdOptimum>::failure("W is not finite: sigma_x is too close to singular or omega is too small");
  }
  return Result<PgdOptimum>::success(std::move(optimum));
}

}  // namespace icl::theory
