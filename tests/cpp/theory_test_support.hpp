// Helpers shared by the icl::theory suites (theory_test, theory_bayes_test, theory_low_rank_test,
// theory_weighting_test, theory_alignment_test): reference spectra and random covariances, Monte Carlo sampling of
// prompts of the IID data model with its running statistics, and "expect a failure mentioning X" checks.
#pragma once

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "icl/result.hpp"

namespace icl::testing_support {

// §3.9 prints reference values rounded to 6 decimals, so a correct implementation can differ from the
// printed digits by up to 5e-7. An absolute 1e-6 allows that rounding and nothing more (it is stricter
// than a relative 1e-6 for every value in the table, all of which are above 1).
inline constexpr double kPrintedTolerance = 1e-6;

inline constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------------------
// Spectra and covariances.

// Σ_β eigenvalues of the §1c power law: λ_i = d·(1/i)/H_d, trace d.
inline std::vector<double> power_law(int d) {
  double harmonic = 0.0;
  for (int j = 1; j <= d; ++j) harmonic += 1.0 / j;
  std::vector<double> lambda;
  for (int i = 1; i <= d; ++i) lambda.push_back(d * (1.0 / i) / harmonic);
  return lambda;
}

inline Eigen::MatrixXd diagonal(const std::vector<double>& entries) {
  return Eigen::VectorXd::Map(entries.data(), static_cast<Eigen::Index>(entries.size())).asDiagonal();
}

inline Eigen::VectorXd ones(int n) { return Eigen::VectorXd::Ones(n); }

// A random, well-conditioned, non-diagonal SPD matrix.
inline Eigen::MatrixXd random_spd(int d, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd a(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) a(i, j) = normal(rng);
  return a * a.transpose() / d + 0.3 * Eigen::MatrixXd::Identity(d, d);
}

// A rows × cols matrix of independent N(0, scale²) entries, drawn row by row.
inline Eigen::MatrixXd random_matrix(int rows, int cols, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, scale);
  Eigen::MatrixXd a(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) a(i, j) = normal(rng);
  return a;
}

// Eigenvalues of Σ = Σ_x^{1/2}Σ_βΣ_x^{1/2}, computed without matrix square roots as an independent route:
// with Σ_x = LLᵀ, LᵀΣ_βL is similar to Σ_βΣ_x and hence to Σ. Ascending.
inline std::vector<double> spectrum_via_cholesky(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta) {
  const Eigen::MatrixXd l = sigma_x.llt().matrixL();
  const Eigen::VectorXd lambda =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(l.transpose() * sigma_beta * l).eigenvalues();
  return std::vector<double>(lambda.data(), lambda.data() + lambda.size());
}

// §3.2 for Σ_x = Σ_β = I: L*(n) = d + σ² − n·d/(n + d + 1 + σ²), for a real-valued n (an n_eff need not be an
// integer).
inline double isotropic_risk(int d, double s2, double n) { return d + s2 - n * d / (n + d + 1 + s2); }

// ---------------------------------------------------------------------------------------------------------
// Monte Carlo.

// Running mean and standard error of a Monte Carlo sample.
struct Stats {
  double sum = 0.0, sum_sq = 0.0;
  long long count = 0;
  void add(double value) {
    sum += value;
    sum_sq += value * value;
    ++count;
  }
  double mean() const { return sum / count; }
  double standard_error() const {
    const double m = mean();
    return std::sqrt((sum_sq - count * m * m) / (count - 1) / count);
  }
};

// Prints the sample against its formula and returns the distance in standard errors.
inline double report(const std::string& name, const Stats& stats, double formula) {
  const double z = (stats.mean() - formula) / stats.standard_error();
  std::printf("[ MC       ] %s: empirical %.6f +- %.6f, formula %.6f, %+.2f SE\n", name.c_str(), stats.mean(),
              stats.standard_error(), formula, z);
  return z;
}

// One prompt of the IID data model of §1(a)-(c).
struct IidPrompt {
  Eigen::VectorXd beta;
  std::vector<Eigen::VectorXd> x;  // context features x_1..x_n
  std::vector<double> y;           // context labels y_i = x_iᵀβ + ξ_i
  Eigen::VectorXd query;           // the query's features
  double target = 0.0;             // the query's label, noisy too (§1)
};

// Prompts of the IID data model: β ~ N(0, Σ_β), every x ~ N(0, Σ_x), y = xᵀβ + ξ with ξ ~ N(0, σ²). Each prompt
// draws, in this order, β, then x_i and ξ_i for i = 1..n, then the query's x and ξ, all from the generator it is
// given (which it keeps a reference to), so a seed fixes every prompt.
class IidPromptSampler {
 public:
  IidPromptSampler(const Eigen::MatrixXd& sigma_x, const Eigen::MatrixXd& sigma_beta, double noise_variance, int n,
                   std::mt19937_64& rng)
      : chol_x_(sigma_x.llt().matrixL()),
        chol_beta_(sigma_beta.llt().matrixL()),
        noise_(std::sqrt(noise_variance)),
        rng_(rng),
        z_(sigma_x.rows()) {
    const Eigen::Index d = sigma_x.rows();
    prompt_.beta.resize(d);
    prompt_.x.assign(static_cast<std::size_t>(n), Eigen::VectorXd(d));
    prompt_.y.assign(static_cast<std::size_t>(n), 0.0);
    prompt_.query.resize(d);
  }

  /** Draws the next prompt; the reference stays valid (and is overwritten) until the sampler is gone. */
  const IidPrompt& next() {
    gaussian(chol_beta_, prompt_.beta);
    for (std::size_t i = 0; i < prompt_.x.size(); ++i) {
      gaussian(chol_x_, prompt_.x[i]);
      prompt_.y[i] = prompt_.x[i].dot(prompt_.beta) + noise_ * normal_(rng_);
    }
    gaussian(chol_x_, prompt_.query);
    prompt_.target = prompt_.query.dot(prompt_.beta) + noise_ * normal_(rng_);
    return prompt_;
  }

 private:
  // out = chol · z with z ~ N(0, I): a draw from N(0, chol cholᵀ).
  void gaussian(const Eigen::MatrixXd& chol, Eigen::VectorXd& out) {
    for (Eigen::Index k = 0; k < z_.size(); ++k) z_(k) = normal_(rng_);
    out.noalias() = chol * z_;
  }

  Eigen::MatrixXd chol_x_, chol_beta_;
  double noise_;
  std::mt19937_64& rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  Eigen::VectorXd z_;
  IidPrompt prompt_;
};

// ---------------------------------------------------------------------------------------------------------
// Validation: every bad argument is a failure whose message names the argument and the allowed range.

inline void expect_error(const std::string& error, const std::string& fragment) {
  EXPECT_NE(error.find(fragment), std::string::npos) << "message \"" << error << "\" lacks \"" << fragment << "\"";
}

template <class T>
void expect_failure(const Result<T>& result, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "expected a failure mentioning \"" << fragment << "\"";
  expect_error(result.error(), fragment);
}

}  // namespace icl::testing_support
