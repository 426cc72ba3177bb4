// Label-flip data (core/src/data/label_flip/): its exact theory against paper-spec §3.2 at p = 0, its
// optimum against the risk of nearby preconditioners, and both against Monte Carlo on prompts drawn by
// the generator itself (its prefix property and SIMD fill are checked for every registered kind in
// data_test.cpp).
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "data/label_flip/label_flip_data.hpp"
#include "data/label_flip/label_flip_theory.hpp"
#include "icl/config.hpp"
#include "theory.hpp"
#include "icl/theory_curves.hpp"
#include "moments.hpp"

namespace icl {
namespace {

using testing_support::MomentAccumulator;

const std::vector<double> kX{2.0, 1.0, 0.5};
const std::vector<double> kTask{0.5, 1.5, 1.0};

TEST(LabelFlipTheory, WithoutFlipsItIsOptimalPgd) {
  for (int n : {0, 1, 7, 40}) {
    const auto flip = theory::label_flip_optimum(kX, kTask, 0.3, n, 0.0);
    ASSERT_TRUE(flip.ok()) << flip.error();
    const auto pgd = theory::optimal_pgd_risk_from_spectrum({1.0, 1.5, 0.5}, 0.3, n);
    EXPECT_NEAR(flip.value().risk, pgd.value(), 1e-12) << n;
  }
  // Isotropic, d = 20, n = 10, noiseless (paper-spec §3.2): d - n d / (n + d + 1).
  const auto iid = theory::label_flip_optimum(std::vector<double>(20, 1.0), std::vector<double>(20, 1.0), 0.0, 10, 0.0);
  EXPECT_NEAR(iid.value().risk, 20.0 - 200.0 / 31.0, 1e-12);
}

TEST(LabelFlipTheory, HalfTheLabelsFlippedCarryNoInformation) {
  const auto optimum = theory::label_flip_optimum(kX, kTask, 0.3, 12, 0.5);
  EXPECT_NEAR(optimum.value().risk, 3.0 + 0.3, 1e-12);  // T + sigma^2 = tr(Sigma_x Sigma_beta) + sigma^2: W* = 0
  for (double w : optimum.value().w) EXPECT_EQ(w, 0.0);
  // Flipping with probability p or 1 - p is the same problem with W negated.
  const auto low = theory::label_flip_optimum(kX, kTask, 0.3, 12, 0.2).value();
  const auto high = theory::label_flip_optimum(kX, kTask, 0.3, 12, 0.8).value();
  EXPECT_NEAR(low.risk, high.risk, 1e-12);
  for (std::size_t i = 0; i < low.w.size(); ++i) EXPECT_NEAR(low.w[i], -high.w[i], 1e-15);
}

TEST(LabelFlipTheory, TheOptimumIsTheMinimumOfTheRisk) {
  const auto optimum = theory::label_flip_optimum(kX, kTask, 0.3, 9, 0.15).value();
  EXPECT_NEAR(theory::label_flip_risk(kX, kTask, 0.3, 9, 0.15, optimum.w).value(), optimum.risk, 1e-12);
  for (std::size_t i = 0; i < optimum.w.size(); ++i) {
    for (double step : {-1e-3, 1e-3}) {
      std::vector<double> w = optimum.w;
      w[i] += step;
      EXPECT_GT(theory::label_flip_risk(kX, kTask, 0.3, 9, 0.15, w).value(), optimum.risk) << i;
    }
  }
  // More flips, higher risk; more context, lower risk.
  EXPECT_LT(optimum.risk, theory::label_flip_optimum(kX, kTask, 0.3, 9, 0.3).value().risk);
  EXPECT_GT(optimum.risk, theory::label_flip_optimum(kX, kTask, 0.3, 10, 0.15).value().risk);
}

TEST(LabelFlipTheory, RefusesBadArguments) {
  EXPECT_FALSE(theory::label_flip_optimum(kX, {1.0}, 0.3, 4, 0.1).ok());
  EXPECT_FALSE(theory::label_flip_optimum(kX, kTask, -1.0, 4, 0.1).ok());
  EXPECT_FALSE(theory::label_flip_optimum(kX, kTask, 0.3, -1, 0.1).ok());
  EXPECT_FALSE(theory::label_flip_optimum(kX, kTask, 0.3, 4, 1.5).ok());
  EXPECT_FALSE(theory::label_flip_risk(kX, kTask, 0.3, 4, 0.1, {1.0}).ok());
}

TEST(LabelFlipTheory, RealisedProbabilityIsTheFloatComparisonsOwn) {
  EXPECT_EQ(realised_flip_probability(0.0), 0.0);
  EXPECT_EQ(realised_flip_probability(1.0), 1.0);
  EXPECT_EQ(realised_flip_probability(0.25), 0.25);
  EXPECT_NEAR(realised_flip_probability(0.1), 0.1, 1.2e-7);
}

// The risk of y_hat = x^T diag(w) X^T y on prompts drawn by LabelFlipData, against the closed form.
TEST(LabelFlipTheory, MonteCarloOnTheGeneratorsPromptsMatchesTheClosedForm) {
  const int d = 3, n = 6;
  const double noise = 0.3, p = 0.25;
  const LabelFlipData data(d, kX, kTask, noise, p);
  const PromptLayout layout{d, n};
  const std::vector<double> optimum = theory::label_flip_optimum(kX, kTask, noise, n, p).value().w;
  const std::vector<double> other{0.05, -0.02, 0.11};
  MomentAccumulator at_optimum, at_other, context_pair, query_pair;
  PromptGroup<float> group(layout, 1);
  GaussianStream<float> gaussian;
  const auto at = [&](int slot) { return static_cast<double>(*group.slot(slot)); };
  for (int prompt = 0; prompt < 400000; ++prompt) {
    const std::uint64_t key = stream_key(3, Purpose::Test, 7, static_cast<std::uint64_t>(prompt));
    gaussian.reset(&key);
    data.fill(gaussian, group);
    double g[3] = {0, 0, 0};
    for (int t = 0; t < n; ++t) {
      for (int f = 0; f < d; ++f) g[f] += at(layout.slot(t, f)) * at(layout.slot(t, d));
    }
    const auto squared_error = [&](const std::vector<double>& w) {
      double prediction = 0.0;
      for (int f = 0; f < d; ++f) prediction += at(layout.query_slot(f)) * w[f] * g[f];
      const double error = at(layout.query_slot(d)) - prediction;
      return error * error;
    };
    at_optimum.add(squared_error(optimum));
    at_other.add(squared_error(other));
    // E[y_i x_i^T x_j y_j] = m^2 tr(Sigma_x Sigma_beta Sigma_x) between context tokens, m times it
    // between the (clean) query and a context token: the flip rate, and that the query is not flipped.
    double between_context = 0.0, query_context = 0.0;
    for (int f = 0; f < d; ++f) {
      between_context += at(layout.slot(0, f)) * at(layout.slot(0, d)) * at(layout.slot(1, f)) * at(layout.slot(1, d));
      query_context +=
          at(layout.query_slot(f)) * at(layout.query_slot(d)) * at(layout.slot(2, f)) * at(layout.slot(2, d));
    }
    context_pair.add(between_context);
    query_pair.add(query_context);
  }
  EXPECT_LT(at_optimum.z_score(theory::label_flip_optimum(kX, kTask, noise, n, p).value().risk), 4.0);
  EXPECT_LT(at_other.z_score(theory::label_flip_risk(kX, kTask, noise, n, p, other).value()), 4.0);
  double sigma_x_beta_x = 0.0;
  for (int f = 0; f < d; ++f) sigma_x_beta_x += kX[f] * kX[f] * kTask[f];
  const double m = 1.0 - 2.0 * p;
  EXPECT_LT(context_pair.z_score(m * m * sigma_x_beta_x), 4.0);
  EXPECT_LT(query_pair.z_score(m * sigma_x_beta_x), 4.0);
}

}  // namespace
}  // namespace icl
