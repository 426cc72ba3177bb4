#include "data/drift/drift_risk.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "theory_checks.hpp"

namespace icl::theory {
namespace {

using detail::check_dimension;
using detail::check_noise_variance;
using detail::check_sequence_length;
using detail::format_number;
using detail::solve_dominant_tridiagonal;

std::string check_gamma(double gamma) {
  if (!(gamma >= 0.0 && gamma < 1.0)) return "gamma must be in [0, 1) (got " + format_number(gamma) + ")";
  return {};
}

std::string check_drift(int d, int n, double gamma, double noise_variance) {
  if (std::string error = check_dimension(d); !error.empty()) return error;
  if (std::string error = check_sequence_length("n", n, 0); !error.empty()) return error;
  if (std::string error = check_gamma(gamma); !error.empty()) return error;
  return check_noise_variance(noise_variance);
}

// rᵀω = Σ_i γ^{n+1−i} ω_i and ωᵀR_nω = Σ_ij γ^{|i−j|} ω_i ω_j in O(n): with u_i = γu_{i−1} + ω_i
// (= Σ_{j<=i} γ^{i−j} ω_j), ωᵀR_nω = Σ_i ω_i(2u_i − ω_i) and rᵀω = γ·u_n.
struct DriftMoments {
  double cross;      // rᵀω
  double quadratic;  // ωᵀ(R_n + ηI)ω
};

DriftMoments drift_moments(const Eigen::VectorXd& omega, double gamma, double eta) {
  double u = 0.0, quadratic = 0.0, squares = 0.0;
  for (Eigen::Index i = 0; i < omega.size(); ++i) {
    u = gamma * u + omega(i);
    quadratic += omega(i) * (2.0 * u - omega(i));
    squares += omega(i) * omega(i);
  }
  return {gamma * u, quadratic + eta * squares};
}

// L(ω) at the optimal c, for validated arguments.
ScalarOptimum drift_optimum(int d, double gamma, double noise_variance, const Eigen::VectorXd& omega) {
  const double prior = d + noise_variance;  // E[y²]
  const double scale = omega.size() > 0 ? omega.cwiseAbs().maxCoeff() : 0.0;
  if (scale == 0.0) return {0.0, prior, prior};
  // Work with ω/max|ω| so that neither square overflows; then ωᵀ(R+ηI)ω >= η > 0 exactly as well.
  const Eigen::VectorXd unit = omega / scale;
  const DriftMoments m = drift_moments(unit, gamma, d + 1.0 + noise_variance);
  return {m.cross / m.quadratic / scale, prior - d * m.cross * m.cross / m.quadratic, prior};
}

}  // namespace

Result<WeightedOptimum> drift_optimal_weights(int d, int n, double gamma, double noise_variance) {
  if (std::string error = check_drift(d, n, gamma, noise_variance); !error.empty()) {
    return Result<WeightedOptimum>::failure(error);
  }
  const double prior = d + noise_variance;
  WeightedOptimum optimum;
  if (n == 0) {
    optimum.omega = Eigen::VectorXd(0);
    optimum.c = 0.0;
    optimum.risk = prior;
    return Result<WeightedOptimum>::success(std::move(optimum));
  }
  if (gamma == 0.0) {  // every ω is optimal; return the γ → 0 limit of the normalised ω*
    optimum.omega = Eigen::VectorXd::Zero(n);
    optimum.omega(n - 1) = n;
    optimum.c = 0.0;
    optimum.risk = prior;
    return Result<WeightedOptimum>::success(std::move(optimum));
  }

  // (R_n + ηI)ω̃ = r with r = γR_n e_n. Multiplying by (1−γ²)R_n^{-1} = T (tridiagonal: diagonal 1, 1+γ², …,
  // 1+γ², 1 and off-diagonal −γ) gives ((1−γ²)I + ηT)ω̃ = γ(1−γ²)e_n. Its off-diagonal is −ηγ and its row
  // sums are (1−γ²) + η(1−γ) at the ends and (1−γ²) + η(1−γ)² inside (n = 1: (1−γ²)(1+η)), all > 0.
  const double eta = d + 1.0 + noise_variance;
  const double one_minus = 1.0 - gamma;                   // exact for γ >= 1/2
  const double one_minus_sq = one_minus * (1.0 + gamma);  // 1 − γ², without cancellation
  const auto size = static_cast<std::size_t>(n);
  std::vector<double> off(size > 1 ? size - 1 : 0, eta * gamma);
  std::vector<double> row_sums(size, one_minus_sq + eta * one_minus * one_minus);
  if (n == 1) {
    row_sums[0] = one_minus_sq * (1.0 + eta);
  } else {
    row_sums.front() = row_sums.back() = one_minus_sq + eta * one_minus;
  }
  std::vector<double> solution(size, 0.0);
  solution.back() = gamma * one_minus_sq;
  solve_dominant_tridiagonal(off, std::move(row_sums), solution);

  const Eigen::VectorXd products = Eigen::Map<const Eigen::VectorXd>(solution.data(), n);  // c·ω = (R+ηI)^{-1}r
  double horner = 0.0;
  for (int i = 0; i < n; ++i) horner = gamma * horner + products(i);
  const double explained = gamma * horner;  // rᵀ(R+ηI)^{-1}r, a sum of positive terms
  const double total = products.sum();
  optimum.omega = products * (n / total);
  optimum.c = total / n;
  optimum.risk = prior - d * explained;
  if (!optimum.omega.allFinite() || !std::isfinite(optimum.risk)) {
    return Result<WeightedOptimum>::failure("the optimal weights are not finite (d or noise_variance too large)");
  }
  return Result<WeightedOptimum>::success(std::move(optimum));
}

Result<ScalarOptimum> drift_optimum_for_weights(int d, int n, double gamma, double noise_variance,
                                                const Eigen::VectorXd& omega) {
  if (std::string error = check_drift(d, n, gamma, noise_variance); !error.empty()) {
    return Result<ScalarOptimum>::failure(error);
  }
  if (omega.size() != n) {
    return Result<ScalarOptimum>::failure("omega must have length n = " + std::to_string(n) + " (got " +
                                          std::to_string(omega.size()) + ")");
  }
  if (std::string error = detail::check_finite_vector("omega", omega); !error.empty()) {
    return Result<ScalarOptimum>::failure(error);
  }
  const ScalarOptimum optimum = drift_optimum(d, gamma, noise_variance, omega);
  if (!std::isfinite(optimum.c) || !std::isfinite(optimum.risk)) {
    return Result<ScalarOptimum>::failure("the risk is not finite (d or noise_variance too large)");
  }
  return Result<ScalarOptimum>::success(optimum);
}

Result<double> drift_weighted_risk(int d, int n, double gamma, double noise_variance, const Eigen::VectorXd& omega) {
  auto optimum = drift_optimum_for_weights(d, n, gamma, noise_variance, omega);
  if (!optimum.ok()) return Result<double>::failure(optimum.error());
  return Result<double>::success(optimum.value().risk);
}

Result<ScalarOptimum> drift_uniform_optimum(int d, int n, double gamma, double noise_variance) {
  if (std::string error = check_drift(d, n, gamma, noise_variance); !error.empty()) {
    return Result<ScalarOptimum>::failure(error);
  }
  const ScalarOptimum optimum = drift_optimum(d, gamma, noise_variance, Eigen::VectorXd::Ones(n));
  if (!std::isfinite(optimum.c) || !std::isfinite(optimum.risk)) {
    return Result<ScalarOptimum>::failure("the risk is not finite (d or noise_variance too large)");
  }
  return Result<ScalarOptimum>::success(optimum);
}

Result<double> drift_uniform_risk(int d, int n, double gamma, double noise_variance) {
  auto optimum = drift_uniform_optimum(d, n, gamma, noise_variance);
  if (!optimum.ok()) return Result<double>::failure(optimum.error());
  return Result<double>::success(optimum.value().risk);
}

}  // namespace icl::theory
