// Tests for icl::theory (paper-spec §3.1, §3.2, §3.4, §3.9).
#include "theory.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "theory_test_support.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using icl::theory::optimal_pgd;
using icl::theory::optimal_pgd_risk_from_spectrum;
using icl::theory::pgd_risk;
using namespace icl::testing_support;

// §3.2 scalar form for a real-valued sample size (n_eff of §3.4 need not be an integer).
double spectrum_risk(const std::vector<double>& lambda, double noise_variance, double n) {
  double trace = 0.0;
  for (double value : lambda) trace += value;
  double risk = noise_variance;
  for (double value : lambda)
    risk += value * (value + trace + noise_variance) / ((n + 1) * value + trace + noise_variance);
  return risk;
}

// Square-root-free form of the optimal W (derived from §3.2/§3.4 by pulling Σ_x^{±1/2} inside the inverse):
// Σ_x^{-1/2} K_n^{-1} Σ Σ_x^{-1/2} = [(n+1)Σ_x + (T+σ²)Σ_β^{-1}]^{-1}.
MatrixXd optimal_w_without_square_roots(const MatrixXd& sigma_x, const MatrixXd& sigma_beta, double noise_variance,
                                        double n) {
  const double trace = (sigma_x * sigma_beta).trace();
  return ((n + 1) * sigma_x + (trace + noise_variance) * sigma_beta.inverse()).inverse();
}

// Checks every form of L* against one printed reference value: the matrix form (Σ_x = I, Σ_β = diag(λ)),
// the spectrum form, and the risk of W* evaluated by the §3.1 formula.
void expect_reference(const std::vector<double>& lambda, double noise_variance, int n, double printed) {
  const MatrixXd identity =
      MatrixXd::Identity(static_cast<Eigen::Index>(lambda.size()), static_cast<Eigen::Index>(lambda.size()));
  const auto optimum = optimal_pgd(identity, diagonal(lambda), noise_variance, n);
  ASSERT_TRUE(optimum.ok()) << optimum.error();
  EXPECT_NEAR(optimum.value().risk, printed, kPrintedTolerance) << "matrix form, n=" << n;
  const auto scalar = optimal_pgd_risk_from_spectrum(lambda, noise_variance, n);
  ASSERT_TRUE(scalar.ok()) << scalar.error();
  EXPECT_NEAR(scalar.value(), printed, kPrintedTolerance) << "spectrum form, n=" << n;
  const auto risk = pgd_risk(optimum.value().W, ones(n), identity, diagonal(lambda), noise_variance);
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_NEAR(risk.value(), printed, kPrintedTolerance) << "risk of W*, n=" << n;
}

// ---------------------------------------------------------------------------------------------------------
// §3.9 reference values (d = 20, Σ_x = I).

TEST(TheoryReference, IsotropicNoiseless) {
  const std::vector<double> iso(20, 1.0);
  expect_reference(iso, 0.0, 1, 19.090909);
  expect_reference(iso, 0.0, 10, 13.548387);
  expect_reference(iso, 0.0, 20, 10.243902);
  expect_reference(iso, 0.0, 40, 6.885246);
}

TEST(TheoryReference, IsotropicNoisy) {
  const std::vector<double> iso(20, 1.0);
  expect_reference(iso, 1.0, 10, 14.75);
  expect_reference(iso, 1.0, 40, 8.096774);
}

TEST(TheoryReference, PowerLawTask) {
  expect_reference(power_law(20), 0.0, 10, 11.355577);
  expect_reference(power_law(20), 0.5, 40, 6.416142);
}

// ---------------------------------------------------------------------------------------------------------
// §3.2 isotropic closed form and limits.

TEST(TheoryIsotropic, ClosedFormWeightsAndRisk) {
  for (int d : {1, 3, 20}) {
    for (int n : {0, 1, 7, 40}) {
      for (double s2 : {0.0, 0.5, 2.0}) {
        const MatrixXd identity = MatrixXd::Identity(d, d);
        const auto optimum = optimal_pgd(identity, identity, s2, n);
        ASSERT_TRUE(optimum.ok()) << optimum.error();
        const double denominator = n + d + 1 + s2;
        EXPECT_LT((optimum.value().W - identity / denominator).cwiseAbs().maxCoeff(), 1e-14)
            << "d=" << d << " n=" << n << " s2=" << s2;
        EXPECT_NEAR(optimum.value().risk, d + s2 - n * d / denominator, 1e-12 * (d + s2));
      }
    }
  }
}

TEST(TheoryIsotropic, LimitsInContextSize) {
  std::mt19937_64 rng(7);
  const MatrixXd sigma_x = random_spd(5, rng);
  const MatrixXd sigma_beta = random_spd(5, rng);
  const double trace = (sigma_x * sigma_beta).trace();
  for (double s2 : {0.0, 0.7}) {
    // n = 0: no context, the best prediction is 0 and the risk is E[y²] = T + σ².
    const auto empty = optimal_pgd(sigma_x, sigma_beta, s2, 0);
    ASSERT_TRUE(empty.ok()) << empty.error();
    EXPECT_NEAR(empty.value().risk, trace + s2, 1e-12 * (trace + s2));
    // n → ∞: only the query noise remains. The excess is Σλ(λ+T+σ²)/((n+1)λ+T+σ²) = O(1/n).
    const auto huge = optimal_pgd_risk_from_spectrum(spectrum_via_cholesky(sigma_x, sigma_beta), s2, INT_MAX);
    ASSERT_TRUE(huge.ok()) << huge.error();
    EXPECT_GE(huge.value(), s2);
    EXPECT_LT(huge.value() - s2, 1e-7);
    // Monotone decrease in between.
    double previous = empty.value().risk;
    for (int n : {1, 2, 5, 10, 100, 1000}) {
      const auto risk = optimal_pgd_risk_from_spectrum(spectrum_via_cholesky(sigma_x, sigma_beta), s2, n);
      ASSERT_TRUE(risk.ok()) << risk.error();
      EXPECT_LT(risk.value(), previous) << "n=" << n;
      previous = risk.value();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// §3.2 for general SPD Σ_x and Σ_β.

TEST(TheoryGeneral, SpectrumFormMatchesMatrixForm) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 5; ++trial) {
    const int d = 2 + trial;
    const MatrixXd sigma_x = random_spd(d, rng);
    const MatrixXd sigma_beta = random_spd(d, rng);
    for (int n : {0, 3, 25}) {
      const auto optimum = optimal_pgd(sigma_x, sigma_beta, 0.25, n);
      const auto scalar = optimal_pgd_risk_from_spectrum(spectrum_via_cholesky(sigma_x, sigma_beta), 0.25, n);
      ASSERT_TRUE(optimum.ok()) << optimum.error();
      ASSERT_TRUE(scalar.ok()) << scalar.error();
      EXPECT_NEAR(optimum.value().risk, scalar.value(), 1e-12 * scalar.value());
    }
  }
  // Diagonal Σ_x and Σ_β: the spectrum is the product of the diagonals.
  const std::vector<double> x_diagonal = {0.5, 2.0, 1.5}, beta_diagonal = {3.0, 0.25, 1.0};
  const auto optimum = optimal_pgd(diagonal(x_diagonal), diagonal(beta_diagonal), 0.1, 6);
  const auto scalar = optimal_pgd_risk_from_spectrum({1.5, 0.5, 1.5}, 0.1, 6);
  ASSERT_TRUE(optimum.ok() && scalar.ok());
  EXPECT_NEAR(optimum.value().risk, scalar.value(), 1e-13);
}

TEST(TheoryGeneral, OptimalWeightsMatchSquareRootFreeForm) {
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 5; ++trial) {
    const MatrixXd sigma_x = random_spd(4, rng);
    const MatrixXd sigma_beta = random_spd(4, rng);
    for (int n : {0, 6, 50}) {
      const auto optimum = optimal_pgd(sigma_x, sigma_beta, 0.25, n);
      ASSERT_TRUE(optimum.ok()) << optimum.error();
      const MatrixXd expected = optimal_w_without_square_roots(sigma_x, sigma_beta, 0.25, n);
      EXPECT_LT((optimum.value().W - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff());
      EXPECT_EQ(optimum.value().W, optimum.value().W.transpose());  // W* is exactly symmetric
    }
  }
}

TEST(TheoryGeneral, RiskOfOptimalWeightsEqualsOptimalRisk) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 5; ++trial) {
    const MatrixXd sigma_x = random_spd(3 + trial, rng);
    const MatrixXd sigma_beta = random_spd(3 + trial, rng);
    for (int n : {1, 6, 40}) {
      for (double s2 : {0.0, 0.25}) {
        const auto optimum = optimal_pgd(sigma_x, sigma_beta, s2, n);
        ASSERT_TRUE(optimum.ok()) << optimum.error();
        const auto risk = pgd_risk(optimum.value().W, ones(n), sigma_x, sigma_beta, s2);
        ASSERT_TRUE(risk.ok()) << risk.error();
        EXPECT_NEAR(risk.value(), optimum.value().risk, 1e-10 * optimum.value().risk);
      }
    }
  }
}

// The §3.1 risk is a convex quadratic in W. W* minimises it iff the gradient vanishes there, i.e. iff
// L(W*+εD) = L(W*−εD) for every direction D, and then the risk rises by ε²·(positive) either way.
TEST(TheoryGeneral, OptimalWeightsMinimiseTheRisk) {
  std::mt19937_64 rng(19);
  const MatrixXd sigma_x = random_spd(4, rng);
  const MatrixXd sigma_beta = random_spd(4, rng);
  const int n = 6;
  const double s2 = 0.25;
  const auto optimum = optimal_pgd(sigma_x, sigma_beta, s2, n);
  ASSERT_TRUE(optimum.ok()) << optimum.error();
  const MatrixXd& w = optimum.value().W;
  for (int trial = 0; trial < 20; ++trial) {
    const MatrixXd direction = random_matrix(4, 4, 1.0, rng);  // not symmetric: all of R^{d×d} is explored
    for (double epsilon : {1e-1, 1e-3}) {
      const double plus = pgd_risk(w + epsilon * direction, ones(n), sigma_x, sigma_beta, s2).value();
      const double minus = pgd_risk(w - epsilon * direction, ones(n), sigma_x, sigma_beta, s2).value();
      EXPECT_GT(plus, optimum.value().risk);
      EXPECT_GT(minus, optimum.value().risk);
      EXPECT_NEAR(plus - minus, 0.0, 1e-11) << "gradient at W* is not zero";
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// §3.4 weighted PGD in the IID model: any ω behaves like PGD with n_eff = S1²/S2 examples.

TEST(TheoryWeighted, ScaledUniformWeightsKeepTheOptimalRisk) {
  std::mt19937_64 rng(23);
  const MatrixXd sigma_x = random_spd(3, rng);
  const MatrixXd sigma_beta = random_spd(3, rng);
  const auto optimum = optimal_pgd(sigma_x, sigma_beta, 0.5, 8);
  ASSERT_TRUE(optimum.ok()) << optimum.error();
  const auto risk = pgd_risk(optimum.value().W / 2.5, 2.5 * ones(8), sigma_x, sigma_beta, 0.5);
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_NEAR(risk.value(), optimum.value().risk, 1e-10 * optimum.value().risk);
}

TEST(TheoryWeighted, ZeroWeightsDropExamples) {
  std::mt19937_64 rng(29);
  const MatrixXd sigma_x = random_spd(3, rng);
  const MatrixXd sigma_beta = random_spd(3, rng);
  const auto four = optimal_pgd(sigma_x, sigma_beta, 0.5, 4);
  ASSERT_TRUE(four.ok()) << four.error();
  VectorXd omega = VectorXd::Zero(7);
  omega.head(4).setOnes();
  const auto risk = pgd_risk(four.value().W, omega, sigma_x, sigma_beta, 0.5);
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_NEAR(risk.value(), four.value().risk, 1e-10 * four.value().risk);
}

TEST(TheoryWeighted, AnyWeightsGivePgdRiskAtEffectiveSampleSize) {
  std::mt19937_64 rng(31);
  std::uniform_real_distribution<double> weight(0.1, 2.0);
  const double s2 = 0.3;
  for (int trial = 0; trial < 5; ++trial) {
    const MatrixXd sigma_x = random_spd(4, rng);
    const MatrixXd sigma_beta = random_spd(4, rng);
    const int n = 7;
    VectorXd omega(n);
    for (int i = 0; i < n; ++i) omega(i) = weight(rng);
    const double s1 = omega.sum(), sq = omega.squaredNorm();
    const double n_eff = s1 * s1 / sq;
    ASSERT_LE(n_eff, n);  // Cauchy–Schwarz
    // §3.4: the W optimal for ω is (S1/S2)·Σ_x^{-1/2}K_{n_eff}^{-1}ΣΣ_x^{-1/2}.
    const MatrixXd w_omega = (s1 / sq) * optimal_w_without_square_roots(sigma_x, sigma_beta, s2, n_eff);
    const double expected = spectrum_risk(spectrum_via_cholesky(sigma_x, sigma_beta), s2, n_eff);
    const auto risk = pgd_risk(w_omega, omega, sigma_x, sigma_beta, s2);
    ASSERT_TRUE(risk.ok()) << risk.error();
    EXPECT_NEAR(risk.value(), expected, 1e-10 * expected);
    // It is the minimiser for this ω (zero gradient, see OptimalWeightsMinimiseTheRisk) ...
    const MatrixXd direction = random_matrix(4, 4, 1.0, rng);
    const double plus = pgd_risk(w_omega + 1e-2 * direction, omega, sigma_x, sigma_beta, s2).value();
    const double minus = pgd_risk(w_omega - 1e-2 * direction, omega, sigma_x, sigma_beta, s2).value();
    EXPECT_NEAR(plus - minus, 0.0, 1e-11);
    EXPECT_GT(plus, risk.value());
    // ... and uniform weights are at least as good (n_eff <= n).
    EXPECT_GE(risk.value(), optimal_pgd(sigma_x, sigma_beta, s2, n).value().risk);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Monte Carlo check of §3.1 (and of W* via §3.2) against sampled prompts of the data model of §1(a)-(c).

TEST(TheoryMonteCarlo, RiskFormulaMatchesSampledPrompts) {
  const int d = 4;
  const int n = 6;
  const double s2 = 0.25;
  const int prompts = 500000;

  std::mt19937_64 rng(20240710);
  const MatrixXd sigma_x = random_spd(d, rng);
  const MatrixXd sigma_beta = random_spd(d, rng);
  for (const MatrixXd* sigma : {&sigma_x, &sigma_beta}) {  // genuinely non-diagonal
    const MatrixXd off_diagonal = *sigma - MatrixXd(sigma->diagonal().asDiagonal());
    ASSERT_GT(off_diagonal.norm(), 0.2 * sigma->norm());
  }
  const auto optimum = optimal_pgd(sigma_x, sigma_beta, s2, n);
  ASSERT_TRUE(optimum.ok()) << optimum.error();
  const MatrixXd w_star = optimum.value().W;
  const MatrixXd w_random = random_matrix(d, d, 0.04, rng);
  std::uniform_real_distribution<double> weight(0.2, 2.0);
  VectorXd omega(n);
  for (int i = 0; i < n; ++i) omega(i) = weight(rng);

  // e = (y − ŷ)² for (a) W* with ω = 1 and (b) a random W with random ω, on the same prompts.
  IidPromptSampler sampler(sigma_x, sigma_beta, s2, n, rng);
  Stats a, b;
  for (int p = 0; p < prompts; ++p) {
    const IidPrompt& prompt = sampler.next();
    VectorXd uniform_sum = VectorXd::Zero(d), weighted_sum = VectorXd::Zero(d);  // Xᵀy and Xᵀ(ω⊙y)
    for (int i = 0; i < n; ++i) {
      const double y_i = prompt.y[static_cast<std::size_t>(i)];
      uniform_sum += y_i * prompt.x[static_cast<std::size_t>(i)];
      weighted_sum += (omega(i) * y_i) * prompt.x[static_cast<std::size_t>(i)];
    }
    const VectorXd& x = prompt.query;
    const double y = prompt.target;
    a.add((y - x.dot(w_star * uniform_sum)) * (y - x.dot(w_star * uniform_sum)));
    b.add((y - x.dot(w_random * weighted_sum)) * (y - x.dot(w_random * weighted_sum)));
  }
  const double formula_a = pgd_risk(w_star, ones(n), sigma_x, sigma_beta, s2).value();
  const double formula_b = pgd_risk(w_random, omega, sigma_x, sigma_beta, s2).value();
  const double z_a = (a.mean() - formula_a) / a.standard_error();
  std::printf("[ MC       ] (a) W*, omega=1: empirical %.6f +- %.6f, formula %.6f (L* %.6f), %+.2f SE\n", a.mean(),
              a.standard_error(), formula_a, optimum.value().risk, z_a);
  const double z_b = report("(b) random W, omega", b, formula_b);
  EXPECT_LT(std::abs(z_a), 3.0);
  EXPECT_LT(std::abs(z_b), 3.0);
}

// ---------------------------------------------------------------------------------------------------------
// Validation: every bad argument is a failure whose message names the argument and the allowed range.

MatrixXd i3() { return MatrixXd::Identity(3, 3); }

TEST(TheoryValidation, PgdRiskAcceptsValidInput) {
  const auto risk = pgd_risk(MatrixXd::Zero(3, 3), ones(2), i3(), i3(), 0.0);
  ASSERT_TRUE(risk.ok()) << risk.error();
  EXPECT_DOUBLE_EQ(risk.value(), 3.0);  // W = 0 predicts 0: risk E[y²] = tr(Σ_xΣ_β)
  EXPECT_TRUE(risk.error().empty());
}

TEST(TheoryValidation, SigmaXShapeAndEntries) {
  expect_failure(pgd_risk(i3(), ones(2), MatrixXd(0, 0), i3(), 0.0),
                 "sigma_x must be a non-empty square matrix (got 0x0)");
  expect_failure(pgd_risk(i3(), ones(2), MatrixXd::Identity(3, 4), i3(), 0.0), "sigma_x must be square (got 3x4)");
  MatrixXd bad = i3();
  bad(1, 2) = kNan;
  expect_failure(pgd_risk(i3(), ones(2), bad, i3(), 0.0), "sigma_x must have finite entries (entry (1,2) is nan)");
  bad(1, 2) = kInf;
  expect_failure(optimal_pgd(bad, i3(), 0.0, 2), "sigma_x must have finite entries (entry (1,2) is inf)");
}

TEST(TheoryValidation, SigmaXSymmetricPositiveDefinite) {
  MatrixXd asymmetric = i3();
  asymmetric(0, 1) = 0.1;
  expect_failure(pgd_risk(i3(), ones(2), asymmetric, i3(), 0.0), "sigma_x must be symmetric");
  expect_failure(optimal_pgd(asymmetric, i3(), 0.0, 2), "sigma_x must be symmetric");
  // The tolerance is relative: an asymmetry of 1e-12 on entries of order 1e3 passes.
  MatrixXd nearly = 1000.0 * i3();
  nearly(0, 1) = 1e-12;
  EXPECT_TRUE(pgd_risk(i3(), ones(2), nearly, i3(), 0.0).ok());
  EXPECT_TRUE(optimal_pgd(nearly, i3(), 0.0, 2).ok());

  const MatrixXd indefinite = diagonal({1.0, -0.2, 2.0});
  expect_failure(pgd_risk(i3(), ones(2), indefinite, i3(), 0.0),
                 "sigma_x must be positive definite (smallest eigenvalue -0.2)");
  expect_failure(optimal_pgd(indefinite, i3(), 0.0, 2), "sigma_x must be positive definite (smallest eigenvalue -0.2)");
  expect_failure(optimal_pgd(diagonal({1.0, 0.0, 2.0}), i3(), 0.0, 2),
                 "sigma_x must be positive definite (smallest eigenvalue 0)");
  // Non-diagonal: [[1, 2], [2, 1]] has eigenvalues 3 and -1.
  MatrixXd coupled(2, 2);
  coupled << 1.0, 2.0, 2.0, 1.0;
  expect_failure(optimal_pgd(coupled, MatrixXd::Identity(2, 2), 0.0, 2),
                 "sigma_x must be positive definite (smallest eigenvalue -1)");
}

TEST(TheoryValidation, SigmaBeta) {
  expect_failure(pgd_risk(i3(), ones(2), i3(), MatrixXd::Identity(2, 2), 0.0),
                 "sigma_beta must be 3x3 to match sigma_x (got 2x2)");
  expect_failure(optimal_pgd(i3(), MatrixXd::Identity(4, 4), 0.0, 2),
                 "sigma_beta must be 3x3 to match sigma_x (got 4x4)");
  expect_failure(pgd_risk(i3(), ones(2), i3(), MatrixXd::Identity(2, 3), 0.0), "sigma_beta must be square (got 2x3)");
  expect_failure(pgd_risk(i3(), ones(2), i3(), MatrixXd(0, 0), 0.0), "sigma_beta must be a non-empty square matrix");
  MatrixXd bad = i3();
  bad(2, 0) = kNan;
  expect_failure(pgd_risk(i3(), ones(2), i3(), bad, 0.0), "sigma_beta must have finite entries (entry (2,0) is nan)");
  MatrixXd asymmetric = i3();
  asymmetric(2, 0) = 0.5;
  expect_failure(optimal_pgd(i3(), asymmetric, 0.0, 2), "sigma_beta must be symmetric");
  expect_failure(pgd_risk(i3(), ones(2), i3(), diagonal({1.0, 1.0, -3.0}), 0.0),
                 "sigma_beta must be positive definite (smallest eigenvalue -3)");
  expect_failure(optimal_pgd(i3(), diagonal({1.0, 1.0, -3.0}), 0.0, 2),
                 "sigma_beta must be positive definite (smallest eigenvalue -3)");
}

TEST(TheoryValidation, PreconditionerW) {
  expect_failure(pgd_risk(MatrixXd::Identity(2, 3), ones(2), i3(), i3(), 0.0),
                 "W must be 3x3 to match sigma_x (got 2x3)");
  expect_failure(pgd_risk(MatrixXd(0, 0), ones(2), i3(), i3(), 0.0), "W must be 3x3 to match sigma_x (got 0x0)");
  MatrixXd bad = i3();
  bad(0, 2) = -kInf;
  expect_failure(pgd_risk(bad, ones(2), i3(), i3(), 0.0), "W must have finite entries (entry (0,2) is -inf)");
  // W need not be symmetric.
  MatrixXd asymmetric = i3();
  asymmetric(0, 2) = 0.4;
  EXPECT_TRUE(pgd_risk(asymmetric, ones(2), i3(), i3(), 0.0).ok());
}

TEST(TheoryValidation, Omega) {
  expect_failure(pgd_risk(i3(), VectorXd(0), i3(), i3(), 0.0), "omega must have length >= 1 (got 0)");
  VectorXd bad = ones(4);
  bad(3) = kNan;
  expect_failure(pgd_risk(i3(), bad, i3(), i3(), 0.0), "omega must have finite entries (omega[3] is nan)");
  // Weights of any sign are allowed (the formula holds for every real ω).
  VectorXd signed_weights(2);
  signed_weights << 1.0, -0.5;
  EXPECT_TRUE(pgd_risk(i3(), signed_weights, i3(), i3(), 0.0).ok());
}

TEST(TheoryValidation, NoiseVariance) {
  for (double bad : {-0.1, kNan, kInf}) {
    expect_failure(pgd_risk(i3(), ones(2), i3(), i3(), bad), "noise_variance must be finite and >= 0 (got ");
    expect_failure(optimal_pgd(i3(), i3(), bad, 2), "noise_variance must be finite and >= 0 (got ");
    expect_failure(optimal_pgd_risk_from_spectrum({1.0}, bad, 2), "noise_variance must be finite and >= 0 (got ");
  }
  expect_error(pgd_risk(i3(), ones(2), i3(), i3(), -0.1).error(), "(got -0.1)");
}

TEST(TheoryValidation, ContextSize) {
  expect_failure(optimal_pgd(i3(), i3(), 0.0, -1), "n must be >= 0 (got -1)");
  expect_failure(optimal_pgd_risk_from_spectrum({1.0, 2.0}, 0.0, -3), "n must be >= 0 (got -3)");
}

TEST(TheoryValidation, Spectrum) {
  expect_failure(optimal_pgd_risk_from_spectrum({}, 0.0, 2),
                 "eigenvalues_of_sigma must have at least one entry (got 0)");
  expect_failure(optimal_pgd_risk_from_spectrum({1.0, 0.0}, 0.0, 2),
                 "eigenvalues_of_sigma[1] must be finite and > 0 (got 0)");
  expect_failure(optimal_pgd_risk_from_spectrum({-2.0, 1.0}, 0.0, 2),
                 "eigenvalues_of_sigma[0] must be finite and > 0 (got -2)");
  expect_failure(optimal_pgd_risk_from_spectrum({1.0, kNan}, 0.0, 2),
                 "eigenvalues_of_sigma[1] must be finite and > 0 (got nan)");
  expect_failure(optimal_pgd_risk_from_spectrum({kInf}, 0.0, 2),
                 "eigenvalues_of_sigma[0] must be finite and > 0 (got inf)");
}

TEST(TheoryValidation, OverflowIsReportedNotReturned) {
  expect_failure(pgd_risk(1e200 * i3(), ones(2), i3(), i3(), 0.0), "not finite");
  expect_failure(optimal_pgd_risk_from_spectrum({1e308, 1e308}, 0.0, 2), "not finite");
}

}  // namespace
