// Sample weighting theory (paper-spec §3.4). See icl/theory_weighting.hpp.
#include "icl/theory_weighting.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "icl/theory_detail.hpp"

namespace icl::theory {
namespace {

using detail::check_dimension;
using detail::check_noise_variance;
using detail::format_number;

std::string check_sequence_length(const char* name, int length, int minimum) {
  if (length < minimum || length > kMaxSequenceLength) {
    return std::string(name) + " must be an integer in [" + std::to_string(minimum) + ", " +
           std::to_string(kMaxSequenceLength) + "] (got " + std::to_string(length) + ")";
  }
  return {};
}

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

std::string check_online(int d, double noise_variance, int positions) {
  if (std::string error = check_dimension(d); !error.empty()) return error;
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return error;
  return check_sequence_length("positions", positions, 1);
}

// Solves A z = rhs for a symmetric tridiagonal A with off-diagonal entries −b[i] (b[i] >= 0, between i and i+1)
// and row sums s[i] > 0, i.e. a strictly diagonally dominant M-matrix, given rhs >= 0. The diagonal is never
// formed: Gaussian elimination is run on the row sums (s'_{i+1} = s_{i+1} + b_i s'_i / (s'_i + b_i)), so
// every step adds non-negative numbers and the solution has componentwise relative accuracy O(n·ε) however
// close to singular A is (the idea of Alfa, Xue and Ye's accurate M-matrix elimination). rhs becomes z.
void solve_dominant_tridiagonal(const std::vector<double>& b, std::vector<double> s, std::vector<double>& rhs) {
  const std::size_t size = s.size();
  std::vector<double> pivot(size);
  for (std::size_t i = 0; i + 1 < size; ++i) {
    pivot[i] = s[i] + b[i];
    const double ratio = b[i] / pivot[i];
    s[i + 1] += ratio * s[i];
    rhs[i + 1] += ratio * rhs[i];
  }
  pivot[size - 1] = s[size - 1];
  rhs[size - 1] /= pivot[size - 1];
  // The solution can decay geometrically along the back substitution (old tokens, long lags) until it
  // underflows. Once in the subnormal range, a step with ratio > 1/2 would round the smallest subnormal back to
  // itself and leave a spurious plateau of ~1e-317 weights, so results below the normal range become exact 0.
  const double smallest_normal = std::numeric_limits<double>::min();
  for (std::size_t i = size - 1; i-- > 0;) {
    const double value = (rhs[i] + b[i] * rhs[i + 1]) / pivot[i];
    rhs[i] = value < smallest_normal ? 0.0 : value;
  }
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

// Per-position online risk for the products g_k = c·f_k (lag k = 1..): L_t = d+σ² − 2d·G1 + d(G1² + η·G2).
std::vector<double> online_risks(int d, double noise_variance, const Eigen::VectorXd& products, int positions) {
  const double eta = d + 1.0 + noise_variance;
  std::vector<double> risks(static_cast<std::size_t>(positions));
  double sum = 0.0, squares = 0.0;  // G1(t), G2(t)
  for (int t = 1; t <= positions; ++t) {
    if (t >= 2) {
      const double g = products(t - 2);
      sum += g;
      squares += g * g;
    }
    risks[static_cast<std::size_t>(t - 1)] = d + noise_variance - 2.0 * d * sum + d * (sum * sum + eta * squares);
  }
  return risks;
}

double mean_of(const std::vector<double>& values) {
  double total = 0.0;
  for (double value : values) total += value;
  return total / static_cast<double>(values.size());
}

}  // namespace

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

Result<double> online_position_risk(int d, double noise_variance, double c, const Eigen::VectorXd& lag_filter, int t) {
  if (std::string error = check_dimension(d); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return Result<double>::failure(error);
  if (!std::isfinite(c)) return Result<double>::failure("c must be finite (got " + format_number(c) + ")");
  if (std::string error = detail::check_finite_vector("lag_filter", lag_filter); !error.empty()) {
    return Result<double>::failure(error);
  }
  const Eigen::Index largest = lag_filter.size() + 1;
  if (t < 1 || t > largest) {
    return Result<double>::failure("t must be an integer in [1, lag_filter.size() + 1 = " + std::to_string(largest) +
                                   "] (got " + std::to_string(t) + ")");
  }
  const Eigen::VectorXd used = lag_filter.head(t - 1);
  const double s1 = used.sum(), s2 = used.squaredNorm();
  const double risk = d + noise_variance - 2.0 * c * d * s1 + c * c * d * (s1 * s1 + s2 * (d + 1.0 + noise_variance));
  if (!std::isfinite(risk)) return Result<double>::failure("the risk is not finite (c or lag_filter too large)");
  return Result<double>::success(risk);
}

Result<OnlineOptimum> online_uniform_optimum(int d, double noise_variance, int positions) {
  if (std::string error = check_online(d, noise_variance, positions); !error.empty()) {
    return Result<OnlineOptimum>::failure(error);
  }
  // With m = t − 1 = 0..P−1: mean(m) = (P−1)/2 and mean(m² + ηm) = (P−1)(2P−1)/6 + η(P−1)/2, so
  // c = mean(m)/mean(m² + ηm) = 3/(2P − 1 + 3η) for P >= 2.
  const double eta = d + 1.0 + noise_variance;
  OnlineOptimum optimum;
  optimum.c = positions == 1 ? 0.0 : 3.0 / (2.0 * positions - 1.0 + 3.0 * eta);
  optimum.lag_filter = Eigen::VectorXd::Ones(positions - 1);
  optimum.position_risks = online_risks(d, noise_variance, optimum.c * optimum.lag_filter, positions);
  optimum.average_risk = mean_of(optimum.position_risks);
  return Result<OnlineOptimum>::success(std::move(optimum));
}

Result<OnlineOptimum> online_weighted_optimum(int d, double noise_variance, int positions) {
  if (std::string error = check_online(d, noise_variance, positions); !error.empty()) {
    return Result<OnlineOptimum>::failure(error);
  }
  OnlineOptimum optimum;
  if (positions == 1) {
    optimum.c = 0.0;
    optimum.lag_filter = Eigen::VectorXd(0);
    optimum.position_risks = {d + noise_variance};
    optimum.average_risk = d + noise_variance;
    return Result<OnlineOptimum>::success(std::move(optimum));
  }
  // Index the lags backwards, j = P − k = 1..m with m = P − 1, so that w_j = j and M = [min(j, j')], whose
  // inverse is tridiagonal (diagonal 2, …, 2, 1; off-diagonal −1; row sums 1, 0, …, 0). With u = diag(w)g,
  // (M + η·diag(w))g = w = M e_m becomes (diag(1/j) + ηM^{-1})u = e_m: off-diagonal −η, row sums
  // 1/j + η·[j = 1] > 0.
  const double eta = d + 1.0 + noise_variance;
  const int m = positions - 1;
  const auto size = static_cast<std::size_t>(m);
  std::vector<double> off(size - 1, eta);
  std::vector<double> row_sums(size);
  for (int j = 1; j <= m; ++j) row_sums[static_cast<std::size_t>(j - 1)] = 1.0 / j;
  row_sums[0] += eta;
  std::vector<double> u(size, 0.0);
  u.back() = 1.0;
  solve_dominant_tridiagonal(off, std::move(row_sums), u);

  Eigen::VectorXd products(m);  // g_k = c·f_k by lag k = 1..m
  for (int k = 1; k <= m; ++k) {
    const int j = positions - k;
    products(k - 1) = u[static_cast<std::size_t>(j - 1)] / j;
  }
  const double mean = products.mean();
  optimum.c = mean;
  optimum.lag_filter = products / mean;
  optimum.position_risks = online_risks(d, noise_variance, products, positions);
  optimum.average_risk = mean_of(optimum.position_risks);
  if (!std::isfinite(optimum.average_risk) || !optimum.lag_filter.allFinite()) {
    return Result<OnlineOptimum>::failure("the optimum is not finite (d or noise_variance too large)");
  }
  return Result<OnlineOptimum>::success(std::move(optimum));
}

}  // namespace icl::theory
