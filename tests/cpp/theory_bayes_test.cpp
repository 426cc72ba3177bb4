// Tests for theory_bayes.hpp: the Rao–Blackwellised Bayes-optimal risk against exact cases, an independent
// brute-force Monte Carlo of the posterior-mean predictor, and optimal one-step PGD (§3.2), which it must beat.
#include "theory_bayes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "theory.hpp"
#include "theory_test_support.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using namespace icl::theory;
using namespace icl::testing_support;

// Brute force: sample β, the context, the labels and the query; predict with the posterior mean
// (σ² > 0: ridge (XᵀX + σ²Σ_β^{-1})^{-1}Xᵀy; σ = 0 with n < d: minimum-Σ_β^{-1}-norm interpolation
// Σ_βXᵀ(XΣ_βXᵀ)^{-1}y); average (y − ŷ)².
Stats brute_force(const MatrixXd& sigma_x, const MatrixXd& sigma_beta, double s2, int n, int prompts,
                  std::uint64_t seed) {
  const int d = static_cast<int>(sigma_x.rows());
  std::mt19937_64 rng(seed);
  IidPromptSampler sampler(sigma_x, sigma_beta, s2, n, rng);
  const MatrixXd prior_precision = sigma_beta.inverse();
  Stats stats;
  MatrixXd x(n, d);
  VectorXd y(n);
  for (int p = 0; p < prompts; ++p) {
    const IidPrompt& prompt = sampler.next();
    for (int i = 0; i < n; ++i) {
      x.row(i) = prompt.x[static_cast<std::size_t>(i)].transpose();
      y(i) = prompt.y[static_cast<std::size_t>(i)];
    }
    VectorXd estimate;
    if (s2 > 0) {
      estimate = (x.transpose() * x + s2 * prior_precision).ldlt().solve(x.transpose() * y);
    } else {
      estimate = sigma_beta * x.transpose() * (x * sigma_beta * x.transpose()).ldlt().solve(y);
    }
    stats.add(std::pow(prompt.target - prompt.query.dot(estimate), 2));
  }
  return stats;
}

double compare(const std::string& name, const MonteCarloEstimate& rb, const Stats& brute) {
  const double z = (rb.mean - brute.mean()) / std::hypot(rb.standard_error, brute.standard_error());
  std::printf("[ MC       ] %s: Rao-Blackwell %.6f +- %.6f (%lld samples), brute force %.6f +- %.6f, %+.2f SE\n",
              name.c_str(), rb.mean, rb.standard_error, rb.samples, brute.mean(), brute.standard_error(), z);
  return z;
}

// ---------------------------------------------------------------------------------------------------------
// Exact cases.

TEST(TheoryBayes, NoContextIsThePrior) {
  const auto risk = bayes_optimal_risk_from_spectrum({1.0, 2.0, 0.5}, 0.25, 0, 100, 1);
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_EQ(risk.value().mean, 3.75);  // T + σ², exactly
  EXPECT_EQ(risk.value().standard_error, 0.0);
  EXPECT_EQ(risk.value().samples, 0);
  EXPECT_NEAR(risk.value().mean, optimal_pgd_risk_from_spectrum({1.0, 2.0, 0.5}, 0.25, 0).value(), 1e-15);
}

TEST(TheoryBayes, NoiselessIsotropicIsExact) {
  // σ = 0, Σ = I: P is the projector on the d − n null directions of X, so tr P = d − n for every X (n < d)
  // and 0 once n >= d (the labels pin β down).
  for (int n : {1, 3, 6}) {
    const auto risk = bayes_optimal_risk_from_spectrum(std::vector<double>(7, 1.0), 0.0, n, 50, 3);
    ASSERT_TRUE(risk.ok()) << risk.error();
    EXPECT_NEAR(risk.value().mean, 7.0 - n, 1e-12);
    EXPECT_LT(risk.value().standard_error, 1e-12);
  }
  for (int n : {7, 20}) {
    const auto risk = bayes_optimal_risk_from_spectrum(std::vector<double>(7, 1.0), 0.0, n, 50, 3);
    ASSERT_TRUE(risk.ok());
    EXPECT_EQ(risk.value().mean, 0.0);
  }
}

TEST(TheoryBayes, NoiselessIsTheLimitOfSmallNoise) {
  // The σ = 0 branch (projection on the null space of Z) is the σ² → 0 limit of the σ² > 0 branch
  // (shrinkage σ²/(σ² + s_j²)). The same seed draws the same X, so the estimates are comparable sample by sample.
  const std::vector<double> lambda = {3.0, 1.0, 0.5, 0.25, 0.1, 2.0};
  for (int n : {1, 4, 6, 9}) {
    const auto exact = bayes_optimal_risk_from_spectrum(lambda, 0.0, n, 200, 11);
    const auto tiny = bayes_optimal_risk_from_spectrum(lambda, 1e-9, n, 200, 11);
    ASSERT_TRUE(exact.ok() && tiny.ok());
    EXPECT_NEAR(tiny.value().mean, exact.value().mean, 1e-5) << "n=" << n;
    if (n >= 6) {
      EXPECT_EQ(exact.value().mean, 0.0);  // n >= d
    }
  }
}

TEST(TheoryBayes, OneDimensionMatchesQuadrature) {
  // d = 1: tr P = λσ²/(σ² + λq) with q = ‖x‖² ~ χ²_n. Integrate against the χ²_3 density (Simpson).
  const double lambda = 2.0, s2 = 0.5;
  const int n = 3;
  const int intervals = 200000;
  const double upper = 200.0, h = upper / intervals;
  auto integrand = [&](double q) {
    const double density =
        std::exp((n / 2.0 - 1) * std::log(q) - q / 2 - (n / 2.0) * std::log(2.0) - std::lgamma(n / 2.0));
    return q > 0 ? density * lambda * s2 / (s2 + lambda * q) : 0.0;
  };
  double integral = integrand(0.0) + integrand(upper);
  for (int i = 1; i < intervals; ++i) integral += (i % 2 ? 4.0 : 2.0) * integrand(i * h);
  const double exact = s2 + integral * h / 3;
  const auto risk = bayes_optimal_risk_from_spectrum({lambda}, s2, n, 20000, 5);
  ASSERT_TRUE(risk.ok());
  const double z = (risk.value().mean - exact) / risk.value().standard_error;
  std::printf("[ MC       ] Bayes d=1 n=3: %.6f +- %.6f, quadrature %.6f, %+.2f SE\n", risk.value().mean,
              risk.value().standard_error, exact, z);
  EXPECT_LT(std::abs(z), 3.0);
}

// ---------------------------------------------------------------------------------------------------------
// Against optimal one-step PGD.

TEST(TheoryBayes, BeatsOptimalPgd) {
  const std::vector<double> lambda = power_law(20);
  for (double s2 : {0.0, 0.5}) {
    double previous = std::numeric_limits<double>::infinity();
    for (int n : {1, 5, 10, 20, 40}) {
      const auto bayes = bayes_optimal_risk_from_spectrum(lambda, s2, n, 400, 17);
      ASSERT_TRUE(bayes.ok()) << bayes.error();
      const double pgd = optimal_pgd_risk_from_spectrum(lambda, s2, n).value();
      std::printf("[ Bayes    ] power law d=20 s2=%.1f n=%2d: Bayes %.4f +- %.4f, optimal PGD %.4f\n", s2, n,
                  bayes.value().mean, bayes.value().standard_error, pgd);
      EXPECT_LT(bayes.value().mean + 3 * bayes.value().standard_error, pgd) << "n=" << n;
      EXPECT_GE(bayes.value().mean, s2);
      if (s2 == 0.0 && n >= 20) {
        EXPECT_EQ(bayes.value().mean, 0.0);  // noiseless and n >= d: the labels determine β
      } else {
        EXPECT_LT(bayes.value().mean, previous);
      }
      previous = bayes.value().mean;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Against an independent brute-force simulation of the posterior-mean predictor.

TEST(TheoryBayesMonteCarlo, MatchesBruteForce) {
  // (1) Diagonal, non-white Σ_x and Σ_β: the risk depends only on the products λ_i = (Σ_x)_ii (Σ_β)_ii.
  {
    const std::vector<double> x_diagonal = {0.5, 1.0, 2.0, 1.5, 0.8}, beta_diagonal = {2.0, 1.0, 0.3, 0.7, 1.2};
    std::vector<double> products;
    for (int i = 0; i < 5; ++i) products.push_back(x_diagonal[i] * beta_diagonal[i]);
    const auto rb = bayes_optimal_risk_from_spectrum(products, 0.5, 4, 20000, 21);
    ASSERT_TRUE(rb.ok()) << rb.error();
    const Stats brute = brute_force(diagonal(x_diagonal), diagonal(beta_diagonal), 0.5, 4, 100000, 22);
    EXPECT_LT(std::abs(compare("Bayes, diagonal, s2=.5 n=4 d=5", rb.value(), brute)), 3.0);
  }
  // (2) Non-diagonal covariances through the matrix form.
  {
    std::mt19937_64 setup(23);
    const MatrixXd sigma_x = random_spd(4, setup), sigma_beta = random_spd(4, setup);
    const auto rb = bayes_optimal_risk(sigma_x, sigma_beta, 0.25, 6, 20000, 24);
    ASSERT_TRUE(rb.ok()) << rb.error();
    const Stats brute = brute_force(sigma_x, sigma_beta, 0.25, 6, 100000, 25);
    EXPECT_LT(std::abs(compare("Bayes, non-diagonal, s2=.25 n=6 d=4", rb.value(), brute)), 3.0);
  }
  // (3) Noiseless with fewer examples than dimensions: interpolation.
  {
    const std::vector<double> x_diagonal = {1.0, 0.7, 1.3, 2.0, 0.5}, beta_diagonal = {0.4, 1.5, 1.0, 0.9, 2.2};
    const auto rb = bayes_optimal_risk(diagonal(x_diagonal), diagonal(beta_diagonal), 0.0, 3, 20000, 26);
    ASSERT_TRUE(rb.ok()) << rb.error();
    const Stats brute = brute_force(diagonal(x_diagonal), diagonal(beta_diagonal), 0.0, 3, 100000, 27);
    EXPECT_LT(std::abs(compare("Bayes, noiseless, n=3 d=5", rb.value(), brute)), 3.0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Determinism.

TEST(TheoryBayes, DeterministicPerSeed) {
  const std::vector<double> lambda = {0.3, 1.0, 2.0};
  const auto first = bayes_optimal_risk_from_spectrum(lambda, 0.2, 4, 300, 42);
  const auto again = bayes_optimal_risk_from_spectrum(lambda, 0.2, 4, 300, 42);
  const auto other = bayes_optimal_risk_from_spectrum(lambda, 0.2, 4, 300, 43);
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  EXPECT_EQ(first.value().mean, again.value().mean);
  EXPECT_EQ(first.value().standard_error, again.value().standard_error);
  EXPECT_EQ(first.value().samples, 300);
  EXPECT_NE(first.value().mean, other.value().mean);
  EXPECT_LT(std::abs(first.value().mean - other.value().mean),
            4 * std::hypot(first.value().standard_error, other.value().standard_error));
  // The matrix form uses the eigenvalues of Σ in ascending order, so it draws the same numbers as the spectrum
  // form given that order.
  const auto matrix = bayes_optimal_risk(MatrixXd::Identity(3, 3), diagonal(lambda), 0.2, 4, 300, 42);
  ASSERT_TRUE(matrix.ok());
  EXPECT_NEAR(matrix.value().mean, first.value().mean, 1e-12);
}

// ---------------------------------------------------------------------------------------------------------
// Validation.

TEST(TheoryBayesValidation, Arguments) {
  expect_failure(bayes_optimal_risk_from_spectrum({}, 0.0, 2, 10, 1),
                 "eigenvalues_of_sigma must have at least one entry (got 0)");
  expect_failure(bayes_optimal_risk_from_spectrum({1.0, 0.0}, 0.0, 2, 10, 1),
                 "eigenvalues_of_sigma[1] must be finite and > 0 (got 0)");
  expect_failure(bayes_optimal_risk_from_spectrum({kNan}, 0.0, 2, 10, 1),
                 "eigenvalues_of_sigma[0] must be finite and > 0 (got nan)");
  expect_failure(bayes_optimal_risk_from_spectrum({1e308, 1e308}, 0.0, 2, 10, 1), "not finite");
  for (double bad : {-0.1, kNan, kInf}) {
    expect_failure(bayes_optimal_risk_from_spectrum({1.0}, bad, 2, 10, 1), "noise_variance must be finite and >= 0");
    expect_failure(bayes_optimal_risk(MatrixXd::Identity(2, 2), MatrixXd::Identity(2, 2), bad, 2, 10, 1),
                   "noise_variance must be finite and >= 0");
  }
  expect_failure(bayes_optimal_risk_from_spectrum({1.0}, 0.0, -1, 10, 1), "n must be >= 0 (got -1)");
  expect_failure(bayes_optimal_risk(MatrixXd::Identity(2, 2), MatrixXd::Identity(2, 2), 0.0, -3, 10, 1),
                 "n must be >= 0 (got -3)");
  for (int bad : {1, 0, -5, kMaxBayesSamples + 1}) {
    expect_failure(bayes_optimal_risk_from_spectrum({1.0}, 0.0, 2, bad, 1),
                   "samples must be an integer in [2, 10000000]");
    expect_failure(bayes_optimal_risk(MatrixXd::Identity(2, 2), MatrixXd::Identity(2, 2), 0.0, 2, bad, 1),
                   "samples must be an integer in [2, 10000000]");
  }
  expect_failure(bayes_optimal_risk_from_spectrum({1.0}, 0.0, 2, 1, 1),
                 "samples must be an integer in [2, 10000000] (got 1)");
  expect_failure(bayes_optimal_risk(MatrixXd::Identity(2, 2), MatrixXd::Identity(3, 3), 0.0, 2, 10, 1),
                 "sigma_beta must be 2x2 to match sigma_x (got 3x3)");
  expect_failure(bayes_optimal_risk(-MatrixXd::Identity(2, 2), MatrixXd::Identity(2, 2), 0.0, 2, 10, 1),
                 "sigma_x must be positive definite");
}

}  // namespace
