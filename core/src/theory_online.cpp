#include "theory_online.hpp"

#include <cmath>
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

std::string check_online(int d, double noise_variance, int positions) {
  if (std::string error = check_dimension(d); !error.empty()) return error;
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return error;
  return check_sequence_length("positions", positions, 1);
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
