// Tests for theory_low_rank.hpp (paper-spec §3.7 low-rank preconditioners, §3.8 LoRA).
#include "theory_low_rank.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

int numerical_rank(const MatrixXd& m) {
  const VectorXd s = Eigen::JacobiSVD<MatrixXd>(m).singularValues();
  return static_cast<int>((s.array() > 1e-10 * s(0)).count());
}

// Empirical risk of ŷ = xᵀ W Xᵀy on prompts of the IID model with the given covariances.
Stats simulate_pgd(const MatrixXd& w, const MatrixXd& sigma_x, const MatrixXd& sigma_beta, double s2, int n,
                   int prompts, std::uint64_t seed) {
  const int d = static_cast<int>(w.rows());
  std::mt19937_64 rng(seed);
  IidPromptSampler sampler(sigma_x, sigma_beta, s2, n, rng);
  Stats stats;
  for (int p = 0; p < prompts; ++p) {
    const IidPrompt& prompt = sampler.next();
    VectorXd xty = VectorXd::Zero(d);
    for (int i = 0; i < n; ++i) xty += prompt.y[static_cast<std::size_t>(i)] * prompt.x[static_cast<std::size_t>(i)];
    stats.add(std::pow(prompt.target - prompt.query.dot(w * xty), 2));
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------------------
// §3.9 reference values (d = 20, Σ_x = I, σ = 0, n = 20).

TEST(TheoryLowRankReference, PowerLawLowRank) {
  const std::vector<double> lambda = power_law(20);
  const MatrixXd identity = MatrixXd::Identity(20, 20);
  const std::vector<std::pair<int, double>> table = {{1, 15.480035}, {5, 10.987059}, {10, 9.502307}, {20, 8.489370}};
  for (const auto& [r, printed] : table) {
    const auto scalar = optimal_low_rank_risk_from_spectrum(lambda, 0.0, 20, r);
    ASSERT_TRUE(scalar.ok()) << scalar.error();
    EXPECT_NEAR(scalar.value(), printed, kPrintedTolerance) << "spectrum form, r=" << r;
    const auto matrix = optimal_low_rank_pgd(identity, diagonal(lambda), 0.0, 20, r);
    ASSERT_TRUE(matrix.ok()) << matrix.error();
    EXPECT_NEAR(matrix.value().risk, printed, kPrintedTolerance) << "matrix form, r=" << r;
    EXPECT_NEAR(pgd_risk(matrix.value().W, ones(20), identity, diagonal(lambda), 0.0).value(), printed,
                kPrintedTolerance)
        << "risk of W*_r, r=" << r;
  }
}

TEST(TheoryLowRankReference, LoraIdentityToPowerLaw) {
  const std::vector<double> iso(20, 1.0), lambda = power_law(20);
  const MatrixXd identity = MatrixXd::Identity(20, 20);
  const std::vector<std::pair<int, double>> table = {{0, 10.243902}, {1, 9.520509},  {2, 9.328209},
                                                     {5, 9.055244},  {10, 8.713087}, {20, 8.489370}};
  for (const auto& [r, printed] : table) {
    const auto spectra = lora_risk_from_spectra(iso, lambda, 0.0, 20, r);
    ASSERT_TRUE(spectra.ok()) << spectra.error();
    EXPECT_NEAR(spectra.value(), printed, kPrintedTolerance) << "spectra form, r=" << r;
    const auto matrix = lora_optimum(identity, identity, diagonal(lambda), 0.0, 20, r);
    ASSERT_TRUE(matrix.ok()) << matrix.error();
    EXPECT_NEAR(matrix.value().risk, printed, kPrintedTolerance) << "matrix form, r=" << r;
    EXPECT_NEAR(pgd_risk(matrix.value().W, ones(20), identity, diagonal(lambda), 0.0).value(), printed,
                kPrintedTolerance)
        << "risk of W_old + delta, r=" << r;
  }
}

TEST(TheoryLowRankReference, LoraSection38Example) {
  // d = 20, n = 20, I → λ₁ = 1.5, λ₂ = 0.5 (rest 1): the shift changes two directions and keeps tr Σ, so rank 2
  // reaches L*_new = 10.181791 exactly.
  std::vector<double> shifted(20, 1.0);
  shifted[0] = 1.5;
  shifted[1] = 0.5;
  const std::vector<double> iso(20, 1.0);
  const double l_new = optimal_pgd_risk_from_spectrum(shifted, 0.0, 20).value();
  EXPECT_NEAR(l_new, 10.181791, kPrintedTolerance);
  EXPECT_NEAR(lora_risk_from_spectra(iso, shifted, 0.0, 20, 2).value(), 10.181791, kPrintedTolerance);
  EXPECT_NEAR(lora_risk_from_spectra(iso, shifted, 0.0, 20, 2).value(), l_new, 1e-12);
  EXPECT_GT(lora_risk_from_spectra(iso, shifted, 0.0, 20, 1).value(), l_new + 1e-3);
  const MatrixXd identity = MatrixXd::Identity(20, 20);
  EXPECT_NEAR(lora_risk(identity, identity, diagonal(shifted), 0.0, 20, 2).value(), l_new, 1e-12);
  // If the shift also changes the trace, T moves every denominator, so two directions no longer suffice.
  std::vector<double> grown = shifted;
  grown[1] = 1.5;
  EXPECT_GT(lora_risk_from_spectra(iso, grown, 0.0, 20, 2).value(),
            optimal_pgd_risk_from_spectrum(grown, 0.0, 20).value() + 1e-6);
  EXPECT_NEAR(lora_risk_from_spectra(iso, grown, 0.0, 20, 20).value(),
              optimal_pgd_risk_from_spectrum(grown, 0.0, 20).value(), 1e-12);
}

// ---------------------------------------------------------------------------------------------------------
// Low rank: invariants for general covariances.

TEST(TheoryLowRank, FullRankIsOptimalPgd) {
  std::mt19937_64 rng(51);
  for (int trial = 0; trial < 4; ++trial) {
    const int d = 2 + trial;
    const MatrixXd sigma_x = random_spd(d, rng), sigma_beta = random_spd(d, rng);
    for (int n : {0, 5, 30}) {
      const auto full = optimal_pgd(sigma_x, sigma_beta, 0.3, n);
      const auto low = optimal_low_rank_pgd(sigma_x, sigma_beta, 0.3, n, d);
      ASSERT_TRUE(full.ok() && low.ok());
      EXPECT_NEAR(low.value().risk, full.value().risk, 1e-12 * full.value().risk);
      EXPECT_LT((low.value().W - full.value().W).cwiseAbs().maxCoeff(), 1e-14);
    }
  }
  // Spectrum form at r = d is §3.2's.
  EXPECT_NEAR(optimal_low_rank_risk_from_spectrum(power_law(20), 0.5, 40, 20).value(), 6.416142, kPrintedTolerance);
}

TEST(TheoryLowRank, RankRWeightsAreOptimalAmongRankR) {
  std::mt19937_64 rng(53);
  const int d = 5, n = 8;
  const double s2 = 0.25;
  const MatrixXd sigma_x = random_spd(d, rng), sigma_beta = random_spd(d, rng);
  double previous = std::numeric_limits<double>::infinity();
  for (int r = 1; r <= d; ++r) {
    const auto optimum = optimal_low_rank_pgd(sigma_x, sigma_beta, s2, n, r);
    ASSERT_TRUE(optimum.ok()) << optimum.error();
    const PgdOptimum& o = optimum.value();
    EXPECT_EQ(numerical_rank(o.W), r);
    EXPECT_EQ(o.W, o.W.transpose());
    EXPECT_NEAR(pgd_risk(o.W, ones(n), sigma_x, sigma_beta, s2).value(), o.risk, 1e-10 * o.risk);
    EXPECT_LT(o.risk, previous);  // more rank never hurts (strictly, for distinct eigenvalues)
    previous = o.risk;
    // Every other rank-r W does worse: random rank-r matrices, and rank-r perturbations of W*_r (in
    // factored form A Bᵀ with A, B ∈ R^{d×r}, so the perturbation stays on the rank-r manifold).
    const Eigen::JacobiSVD<MatrixXd> svd(o.W, Eigen::ComputeFullU | Eigen::ComputeFullV);
    const MatrixXd a = svd.matrixU().leftCols(r) * svd.singularValues().head(r).asDiagonal();
    const MatrixXd b = svd.matrixV().leftCols(r);
    for (int trial = 0; trial < 10; ++trial) {
      const MatrixXd other = 0.05 * random_matrix(d, r, 1.0, rng) * random_matrix(d, r, 1.0, rng).transpose();
      EXPECT_GT(pgd_risk(other, ones(n), sigma_x, sigma_beta, s2).value(), o.risk);
      const MatrixXd nearby =
          (a + 1e-3 * random_matrix(d, r, 1.0, rng)) * (b + 1e-3 * random_matrix(d, r, 1.0, rng)).transpose();
      EXPECT_GT(pgd_risk(nearby, ones(n), sigma_x, sigma_beta, s2).value(), o.risk);
    }
  }
  // Spectrum form agrees with the matrix form and ignores the order of the eigenvalues.
  std::vector<double> spectrum = spectrum_via_cholesky(sigma_x, sigma_beta);
  std::shuffle(spectrum.begin(), spectrum.end(), rng);
  for (int r = 1; r <= d; ++r) {
    EXPECT_NEAR(optimal_low_rank_risk_from_spectrum(spectrum, s2, n, r).value(),
                optimal_low_rank_pgd(sigma_x, sigma_beta, s2, n, r).value().risk, 1e-11);
  }
}

TEST(TheoryLowRank, IsotropicIsLinearInRank) {
  // §3.7: L*_r = d + σ² − r·n/(n + d + 1 + σ²).
  for (int r = 1; r <= 20; ++r) {
    EXPECT_NEAR(optimal_low_rank_risk_from_spectrum(std::vector<double>(20, 1.0), 0.5, 12, r).value(),
                20.5 - r * 12.0 / (12 + 21.5), 1e-12);
  }
  // n = 0: W*_r = 0 and the risk is T + σ².
  const auto empty = optimal_low_rank_pgd(MatrixXd::Identity(3, 3), diagonal({1, 2, 3}), 0.1, 0, 2);
  ASSERT_TRUE(empty.ok());
  EXPECT_NEAR(empty.value().risk, 6.1, 1e-12);
}

// ---------------------------------------------------------------------------------------------------------
// LoRA: invariants for general covariances.

TEST(TheoryLora, EndpointsAndOptimality) {
  std::mt19937_64 rng(61);
  const int d = 5, n = 7;
  const double s2 = 0.4;
  const MatrixXd sigma_x = random_spd(d, rng), old_task = random_spd(d, rng), new_task = random_spd(d, rng);
  const PgdOptimum w_old = optimal_pgd(sigma_x, old_task, s2, n).value();
  const PgdOptimum w_new = optimal_pgd(sigma_x, new_task, s2, n).value();
  // r = 0: the frozen old model on the new task (§3.1 risk of W_old on Σ_β^new).
  const auto frozen = lora_optimum(sigma_x, old_task, new_task, s2, n, 0);
  ASSERT_TRUE(frozen.ok()) << frozen.error();
  EXPECT_NEAR(frozen.value().risk, pgd_risk(w_old.W, ones(n), sigma_x, new_task, s2).value(), 1e-10);
  EXPECT_LT((frozen.value().W_old - w_old.W).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT(frozen.value().delta.cwiseAbs().maxCoeff(), 1e-15);
  // r = d: the adapter reaches L*_new and W*_new.
  const auto full = lora_optimum(sigma_x, old_task, new_task, s2, n, d);
  ASSERT_TRUE(full.ok());
  EXPECT_NEAR(full.value().risk, w_new.risk, 1e-12 * w_new.risk);
  EXPECT_LT((full.value().W - w_new.W).cwiseAbs().maxCoeff(), 1e-12);
  double previous = std::numeric_limits<double>::infinity();
  for (int r = 0; r <= d; ++r) {
    const LoraOptimum o = lora_optimum(sigma_x, old_task, new_task, s2, n, r).value();
    EXPECT_LE(numerical_rank(o.delta), r);
    EXPECT_LT(o.risk, previous);
    EXPECT_GE(o.risk, w_new.risk - 1e-12);
    previous = o.risk;
    // The reported risk is the §3.1 risk of W_old + Δ on the new task ...
    EXPECT_NEAR(pgd_risk(o.W, ones(n), sigma_x, new_task, s2).value(), o.risk, 1e-10 * o.risk);
    EXPECT_NEAR(lora_risk(sigma_x, old_task, new_task, s2, n, r).value(), o.risk, 0.0);
    // ... and no other rank-r adapter does better (random ones, and perturbations of Δ in factored form).
    if (r == 0) continue;
    const Eigen::JacobiSVD<MatrixXd> svd(o.delta, Eigen::ComputeFullU | Eigen::ComputeFullV);
    const MatrixXd a = svd.matrixU().leftCols(r) * svd.singularValues().head(r).asDiagonal();
    const MatrixXd b = svd.matrixV().leftCols(r);
    for (int trial = 0; trial < 10; ++trial) {
      const MatrixXd other = 0.02 * random_matrix(d, r, 1.0, rng) * random_matrix(d, r, 1.0, rng).transpose();
      EXPECT_GT(pgd_risk(o.W_old + other, ones(n), sigma_x, new_task, s2).value(), o.risk);
      const MatrixXd nearby =
          (a + 1e-3 * random_matrix(d, r, 1.0, rng)) * (b + 1e-3 * random_matrix(d, r, 1.0, rng)).transpose();
      EXPECT_GT(pgd_risk(o.W_old + nearby, ones(n), sigma_x, new_task, s2).value(), o.risk);
    }
  }
  // No shift: nothing to adapt.
  EXPECT_NEAR(lora_risk(sigma_x, new_task, new_task, s2, n, 0).value(), w_new.risk, 1e-12 * w_new.risk);
}

TEST(TheoryLora, SpectraFormIsTheJointlyDiagonalMatrixForm) {
  std::mt19937_64 rng(67);
  std::uniform_real_distribution<double> eigenvalue(0.1, 3.0);
  const int d = 6;
  std::vector<double> old_task(d), new_task(d);
  for (int i = 0; i < d; ++i) {
    old_task[i] = eigenvalue(rng);
    new_task[i] = eigenvalue(rng);
  }
  const MatrixXd identity = MatrixXd::Identity(d, d);
  for (int r = 0; r <= d; ++r) {
    for (int n : {0, 3, 25}) {
      EXPECT_NEAR(lora_risk_from_spectra(old_task, new_task, 0.2, n, r).value(),
                  lora_risk(identity, diagonal(old_task), diagonal(new_task), 0.2, n, r).value(), 1e-11)
          << "r=" << r << " n=" << n;
    }
  }
  EXPECT_NEAR(
      lora_risk_from_spectra(old_task, new_task, 0.2, 9, 0).value(),
      pgd_risk(optimal_pgd(identity, diagonal(old_task), 0.2, 9).value().W, ones(9), identity, diagonal(new_task), 0.2)
          .value(),
      1e-12);
}

// ---------------------------------------------------------------------------------------------------------
// Monte Carlo of W*_r and of W_old + Δ* on sampled prompts (non-diagonal covariances).

TEST(TheoryLowRankMonteCarlo, LowRankAndLora) {
  std::mt19937_64 setup(71);
  const int d = 4, n = 6, prompts = 100000;
  const double s2 = 0.25;
  const MatrixXd sigma_x = random_spd(d, setup), old_task = random_spd(d, setup), new_task = random_spd(d, setup);
  const PgdOptimum low = optimal_low_rank_pgd(sigma_x, new_task, s2, n, 2).value();
  const Stats low_stats = simulate_pgd(low.W, sigma_x, new_task, s2, n, prompts, 72);
  EXPECT_LT(std::abs(report("low rank W*_r, d=4 r=2", low_stats, low.risk)), 3.0);
  const LoraOptimum lora = lora_optimum(sigma_x, old_task, new_task, s2, n, 1).value();
  const Stats lora_stats = simulate_pgd(lora.W, sigma_x, new_task, s2, n, prompts, 73);
  EXPECT_LT(std::abs(report("LoRA W_old + delta, d=4 r=1", lora_stats, lora.risk)), 3.0);
}

// ---------------------------------------------------------------------------------------------------------
// Validation.

TEST(TheoryLowRankValidation, Rank) {
  const MatrixXd i3 = MatrixXd::Identity(3, 3);
  expect_failure(optimal_low_rank_pgd(i3, i3, 0.0, 5, 0), "r must be an integer in [1, d = 3] (got 0)");
  expect_failure(optimal_low_rank_pgd(i3, i3, 0.0, 5, 4), "r must be an integer in [1, d = 3] (got 4)");
  expect_failure(optimal_low_rank_risk_from_spectrum(std::vector<double>(20, 1.0), 0.0, 5, 0),
                 "r must be an integer in [1, d = 20] (got 0)");
  expect_failure(optimal_low_rank_risk_from_spectrum({1.0, 2.0}, 0.0, 5, 3),
                 "r must be an integer in [1, d = 2] (got 3)");
  expect_failure(lora_optimum(i3, i3, i3, 0.0, 5, -1), "r must be an integer in [0, d = 3] (got -1)");
  expect_failure(lora_risk(i3, i3, i3, 0.0, 5, 4), "r must be an integer in [0, d = 3] (got 4)");
  expect_failure(lora_risk_from_spectra({1, 1}, {1, 2}, 0.0, 5, 3), "r must be an integer in [0, d = 2] (got 3)");
  expect_failure(lora_risk_from_spectra({1, 1}, {1, 2}, 0.0, 5, -2), "r must be an integer in [0, d = 2] (got -2)");
}

TEST(TheoryLowRankValidation, ContextAndNoise) {
  const MatrixXd i3 = MatrixXd::Identity(3, 3);
  expect_failure(optimal_low_rank_pgd(i3, i3, 0.0, -1, 1), "n must be >= 0 (got -1)");
  expect_failure(optimal_low_rank_risk_from_spectrum({1.0}, 0.0, -1, 1), "n must be >= 0 (got -1)");
  expect_failure(lora_risk(i3, i3, i3, 0.0, -4, 1), "n must be >= 0 (got -4)");
  expect_failure(lora_risk_from_spectra({1.0}, {2.0}, 0.0, -1, 1), "n must be >= 0 (got -1)");
  for (double bad : {-1.0, kNan, kInf}) {
    expect_failure(optimal_low_rank_pgd(i3, i3, bad, 5, 1), "noise_variance must be finite and >= 0");
    expect_failure(optimal_low_rank_risk_from_spectrum({1.0}, bad, 5, 1), "noise_variance must be finite and >= 0");
    expect_failure(lora_risk(i3, i3, i3, bad, 5, 1), "noise_variance must be finite and >= 0");
    expect_failure(lora_risk_from_spectra({1.0}, {2.0}, bad, 5, 1), "noise_variance must be finite and >= 0");
  }
}

TEST(TheoryLowRankValidation, CovariancesAndSpectra) {
  const MatrixXd i3 = MatrixXd::Identity(3, 3), i2 = MatrixXd::Identity(2, 2);
  expect_failure(optimal_low_rank_pgd(MatrixXd(0, 0), i3, 0.0, 5, 1), "sigma_x must be a non-empty square matrix");
  expect_failure(optimal_low_rank_pgd(i3, -i3, 0.0, 5, 1), "sigma_beta must be positive definite");
  expect_failure(optimal_low_rank_pgd(i3, i2, 0.0, 5, 1), "sigma_beta must be 3x3 to match sigma_x (got 2x2)");
  MatrixXd asymmetric = i3;
  asymmetric(0, 2) = 0.3;
  expect_failure(lora_risk(asymmetric, i3, i3, 0.0, 5, 1), "sigma_x must be symmetric");
  expect_failure(lora_risk(i3, asymmetric, i3, 0.0, 5, 1), "sigma_beta_old must be symmetric");
  expect_failure(lora_risk(i3, i3, asymmetric, 0.0, 5, 1), "sigma_beta_new must be symmetric");
  expect_failure(lora_risk(i3, i2, i3, 0.0, 5, 1), "sigma_beta_old must be 3x3 to match sigma_x (got 2x2)");
  expect_failure(lora_risk(i3, i3, MatrixXd::Identity(4, 4), 0.0, 5, 1),
                 "sigma_beta_new must be 3x3 to match sigma_x (got 4x4)");
  MatrixXd nan = i3;
  nan(1, 1) = kNan;
  expect_failure(lora_risk(i3, i3, nan, 0.0, 5, 1), "sigma_beta_new must have finite entries (entry (1,1) is nan)");
  expect_failure(optimal_low_rank_risk_from_spectrum({}, 0.0, 5, 1),
                 "eigenvalues_of_sigma must have at least one entry (got 0)");
  expect_failure(optimal_low_rank_risk_from_spectrum({1.0, -1.0}, 0.0, 5, 1),
                 "eigenvalues_of_sigma[1] must be finite and > 0 (got -1)");
  expect_failure(lora_risk_from_spectra({}, {1.0}, 0.0, 5, 0), "old_task_eigenvalues must have at least one entry");
  expect_failure(lora_risk_from_spectra({1.0}, {}, 0.0, 5, 0), "new_task_eigenvalues must have at least one entry");
  expect_failure(lora_risk_from_spectra({1.0, kNan}, {1.0, 1.0}, 0.0, 5, 0),
                 "old_task_eigenvalues[1] must be finite and > 0 (got nan)");
  expect_failure(lora_risk_from_spectra({1.0, 1.0}, {0.0, 1.0}, 0.0, 5, 0),
                 "new_task_eigenvalues[0] must be finite and > 0 (got 0)");
  expect_failure(lora_risk_from_spectra({1.0, 1.0}, {1.0, 1.0, 1.0}, 0.0, 5, 0),
                 "new_task_eigenvalues must have the same length as old_task_eigenvalues (2) (got 3)");
  expect_failure(optimal_low_rank_risk_from_spectrum({1e308, 1e308}, 0.0, 5, 2), "not finite");
  expect_failure(lora_risk_from_spectra({1e308, 1e308}, {1.0, 1.0}, 0.0, 5, 0), "not finite");
  expect_failure(lora_risk_from_spectra({1e307, 1e307}, {1.0, 1.0}, 0.0, 100, 0), "not finite");
}

}  // namespace
