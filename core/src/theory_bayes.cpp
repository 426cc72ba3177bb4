// Bayes-optimal reference risk (Rao–Blackwellised Monte Carlo). See theory_bayes.hpp.
#include "theory_bayes.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "rng.hpp"
#include "theory_checks.hpp"
#include "theory_whitening.hpp"

namespace icl::theory {
namespace {

// The inputs both entry points share: the noise, the context size and the number of samples.
std::string check_common(double noise_variance, int n, int samples) {
  if (std::string error = detail::check_noise_variance(noise_variance); !error.empty()) return error;
  if (std::string error = detail::check_context_size(n); !error.empty()) return error;
  if (samples < 2 || samples > kMaxBayesSamples) {
    return "samples must be an integer in [2, " + std::to_string(kMaxBayesSamples) + "] (got " +
           std::to_string(samples) + ")";
  }
  return {};
}

// tr(Σ_x P(X)) for one draw, in the eigenbasis of Σ (x ~ N(0, I), β ~ N(0, diag(λ))).
double posterior_trace(const Eigen::VectorXd& lambda, const Eigen::VectorXd& sqrt_lambda, double noise_variance, int n,
                       std::uint64_t key) {
  const Eigen::Index d = lambda.size();
  GaussianStream<float> stream;
  stream.reset(&key);
  Eigen::MatrixXd z(n, d);
  for (int i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) z(i, j) = static_cast<double>(stream.next()) * sqrt_lambda(j);
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(z, Eigen::ComputeFullV);
  const Eigen::VectorXd& s = svd.singularValues();  // min(n, d) values, descending
  // (VᵀΛV)_jj = Σ_k λ_k V_kj².
  const Eigen::VectorXd spread = svd.matrixV().array().square().matrix().transpose() * lambda;
  double trace = 0.0;
  for (Eigen::Index j = 0; j < d; ++j) {
    double shrink = 1.0;  // a null direction of Z: the data say nothing about it
    if (j < s.size()) shrink = noise_variance > 0.0 ? noise_variance / (noise_variance + s(j) * s(j)) : 0.0;
    trace += shrink * spread(j);
  }
  return trace;
}

// For validated arguments; lambda are the eigenvalues of Σ (>= 0).
Result<MonteCarloEstimate> estimate(const Eigen::VectorXd& lambda, double noise_variance, int n, int samples,
                                    std::uint64_t seed) {
  MonteCarloEstimate result{0.0, 0.0, 0};
  if (n == 0) {  // no data: P = Σ exactly
    result.mean = lambda.sum() + noise_variance;
    return Result<MonteCarloEstimate>::success(result);
  }
  const Eigen::VectorXd sqrt_lambda = lambda.cwiseSqrt();
  // Welford's running mean and sum of squared deviations.
  double mean = 0.0, deviations = 0.0;
  for (int k = 0; k < samples; ++k) {
    const std::uint64_t key = stream_key(seed, Purpose::Evaluation, kBayesStreamIndex, static_cast<std::uint64_t>(k));
    const double value = posterior_trace(lambda, sqrt_lambda, noise_variance, n, key);
    const double delta = value - mean;
    mean += delta / (k + 1);
    deviations += delta * (value - mean);
  }
  result.mean = noise_variance + mean;
  result.standard_error = std::sqrt(std::max(deviations, 0.0) / (samples - 1.0) / samples);
  result.samples = samples;
  if (!std::isfinite(result.mean) || !std::isfinite(result.standard_error)) {
    return Result<MonteCarloEstimate>::failure("the Bayes risk is not finite: the eigenvalues are too large");
  }
  return Result<MonteCarloEstimate>::success(result);
}

}  // namespace

Result<MonteCarloEstimate> bayes_optimal_risk_from_spectrum(const std::vector<double>& eigenvalues_of_sigma,
                                                            double noise_variance, int n, int samples,
                                                            std::uint64_t seed) {
  if (std::string error = detail::check_spectrum("eigenvalues_of_sigma", eigenvalues_of_sigma); !error.empty()) {
    return Result<MonteCarloEstimate>::failure(error);
  }
  if (std::string error = check_common(noise_variance, n, samples); !error.empty()) {
    return Result<MonteCarloEstimate>::failure(error);
  }
  const auto size = static_cast<Eigen::Index>(eigenvalues_of_sigma.size());
  return estimate(Eigen::Map<const Eigen::VectorXd>(eigenvalues_of_sigma.data(), size), noise_variance, n, samples,
                  seed);
}

Result<MonteCarloEstimate> bayes_optimal_risk(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta,
                                              double noise_variance, int n, int samples, std::uint64_t seed) {
  if (std::string error = detail::check_covariance_pair(sigma_x, "sigma_beta", sigma_beta); !error.empty()) {
    return Result<MonteCarloEstimate>::failure(error);
  }
  if (std::string error = check_common(noise_variance, n, samples); !error.empty()) {
    return Result<MonteCarloEstimate>::failure(error);
  }
  auto whitening = detail::whiten(sigma_x, sigma_beta, "sigma_beta");
  if (!whitening.ok()) return Result<MonteCarloEstimate>::failure(whitening.error());
  // Rounding can leave a tiny negative eigenvalue for a nearly singular product; the true ones are > 0.
  return estimate(whitening.value().lambda.cwiseMax(0.0), noise_variance, n, samples, seed);
}

}  // namespace icl::theory
