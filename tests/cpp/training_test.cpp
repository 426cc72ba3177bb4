// Trained models land on their theory (paper-spec §3, recipe of §4) at small configs with fixed seeds.
// Tolerances are stated per test; the evaluation sets are large enough (400k prompts, about 0.3%
// standard error) that the tolerance measures training, not evaluation noise.
#include <cmath>
#include <memory>
#include <string>

#include <Eigen/Dense>

#include <gtest/gtest.h>

#include "icl/experiment.hpp"
#include "theory.hpp"
#include "icl/theory_curves.hpp"

namespace icl {
namespace {

struct Trained {
  std::vector<double> risk;
  std::vector<double> theory;
  std::unique_ptr<Experiment> experiment;
};

Trained train(const std::string& json) {
  const auto config = parse_config(json);
  EXPECT_TRUE(config.ok()) << config.error();
  auto experiment = Experiment::create(config.value());
  experiment->step(experiment->total_steps());
  return {experiment->evaluate(), experiment->theory(), std::move(experiment)};
}

// ||W_eff - W*||_F / ||W*||_F for isotropic IID data, where W* = I / (n + d + 1 + sigma^2).
double relative_distance_to_optimum(const Experiment& experiment, int model) {
  const Config& config = experiment.config();
  const int d = config.d, n = config.n[static_cast<std::size_t>(model)];
  const auto optimum = theory::optimal_pgd(Eigen::MatrixXd::Identity(d, d), Eigen::MatrixXd::Identity(d, d),
                                           config.data.noise_variance, n);
  const std::vector<double> learned = experiment.effective_weights(model);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> w(learned.data(), d,
                                                                                                   d);
  return (w - optimum.value().W).norm() / optimum.value().W.norm();
}

void expect_within(const Trained& trained, double tolerance, const std::string& what) {
  for (std::size_t m = 0; m < trained.risk.size(); ++m) {
    EXPECT_LT(std::abs(trained.risk[m] / trained.theory[m] - 1), tolerance)
        << what << " model " << m << ": risk " << trained.risk[m] << " theory " << trained.theory[m];
  }
}

// paper-spec §4: d = 5, n = 10 reaches L* = 1.875.
TEST(Training, AttentionOnIidWithinTwoPercent) {
  const Trained trained = train(R"({"d": 5, "n": [10], "evaluation": {"prompts": 400000}})");
  EXPECT_NEAR(trained.theory[0], 1.875, 1e-12);  // d + sigma^2 - n d / (n + d + 1 + sigma^2)
  expect_within(trained, 0.02, "attention, IID");
}

// The page's default run (issue 2, "done when"): d = 20, n in {5, 10, 20, 40}, noiseless.
TEST(Training, PageDefaultWithinThreePercentAtEveryN) {
  expect_within(train(R"({"d": 20, "n": [5, 10, 20, 40]})"), 0.03, "page default");
}

TEST(Training, H3OnIidWithinTwoPercentAndItsWeightsNearTheOptimum) {
  const Trained trained = train(R"({"d": 5, "n": [10], "model": {"kind": "h3"}, "evaluation": {"prompts": 400000}})");
  expect_within(trained, 0.02, "H3, IID");
  EXPECT_LT(relative_distance_to_optimum(*trained.experiment, 0), 0.05);
}

TEST(Training, AttentionWeightsWithinFivePercentOfTheOptimalPreconditioner) {
  const Trained trained = train(R"({"d": 5, "n": [10], "evaluation": {"prompts": 1000}})");
  EXPECT_LT(relative_distance_to_optimum(*trained.experiment, 0), 0.05);
}

// paper-spec §3.4: on a drifting task H3 learns to weight recent samples (WPGD*, 3.748720) and beats
// attention, which can only weight them uniformly (4.349100).
TEST(Training, H3BeatsAttentionOnADriftingTask) {
  const char* data = R"("d": 5, "n": [20], "data": {"kind": "drift", "gamma": 0.9, "noise_variance": 0.25},
                        "evaluation": {"prompts": 400000})";
  const Trained h3 = train(std::string("{") + data + R"(, "model": {"kind": "h3"}})");
  const Trained attention = train(std::string("{") + data + "}");
  // §3.9 prints these with a padded sixth decimal (3.74872, 4.34910 in §3.4): 5 decimals are meaningful.
  EXPECT_NEAR(h3.theory[0], 3.74872, 5e-6);
  EXPECT_NEAR(attention.theory[0], 4.34910, 5e-6);
  expect_within(h3, 0.03, "H3, drift");
  expect_within(attention, 0.03, "attention, drift");
  EXPECT_LT(h3.risk[0], attention.risk[0]);
  // The learned weights decay with the lag, like omega* (about 0.81^lag).
  const std::vector<double> omega = h3.experiment->sample_weights(0);
  EXPECT_GT(omega[0], omega[5]);
  EXPECT_GT(omega[5], omega[15]);
}

// paper-spec §3.7: low rank with a decaying spectrum, the symmetric initialisation.
TEST(Training, LowRankAttentionWithinThreePercent) {
  for (int rank : {2, 3}) {
    const Trained trained =
        train(R"({"d": 6, "n": [10], "model": {"rank": )" + std::to_string(rank) +
              R"(}, "data": {"task_spectrum": [3, 2, 1, 0.5, 0.3, 0.2]}, "evaluation": {"prompts": 400000}})");
    expect_within(trained, 0.03, "rank " + std::to_string(rank));
  }
}

// paper-spec §3.8: pretrained on an isotropic task, adapted to a decaying one.
TEST(Training, LoraWithinThreePercent) {
  for (int rank : {1, 2}) {
    const Trained trained = train(R"({"d": 6, "n": [10], "data": {"task_spectrum": [3, 2, 1, 0.5, 0.3, 0.2]},
        "model": {"lora": {"rank": )" +
                                  std::to_string(rank) + R"(, "pretrain_task_spectrum": "isotropic"}},
        "evaluation": {"prompts": 400000}})");
    expect_within(trained, 0.03, "LoRA rank " + std::to_string(rank));
  }
}

// paper-spec §4: RAG, d = 6, n = 8, alpha = 0.5 (exact risk 1.7760).
TEST(Training, AttentionOnRagWithinThreePercent) {
  const Trained trained =
      train(R"({"d": 6, "n": [8], "data": {"kind": "rag", "alpha": 0.5}, "evaluation": {"prompts": 400000}})");
  expect_within(trained, 0.03, "attention, RAG");
}

// Label-flip noise (the playground's own data model): a fifth of the context labels change sign; both
// architectures reach the exact optimum of preconditioned GD on that data.
TEST(Training, AttentionAndH3OnLabelFlipWithinThreePercent) {
  const char* common = R"("d": 5, "n": [10], "data": {"kind": "label_flip", "flip_probability": 0.2},
      "evaluation": {"prompts": 400000})";
  const Trained attention = train(std::string("{") + common + "}");
  expect_within(attention, 0.03, "attention, label flip");
  const Trained h3 = train(std::string("{") + common + R"(, "model": {"kind": "h3"}})");
  expect_within(h3, 0.03, "H3, label flip");
  // Flips cost risk: the clean reference is below.
  EXPECT_LT(theory_curves(attention.experiment->config(), {10}).value()[1].risk[0], attention.theory[0]);
}

// paper-spec §3.4, the online setting: every position predicted from the tokens before it. H3 can
// normalise across positions with its lag weights, attention cannot, so H3's optimum is lower.
TEST(Training, OnlineObjectiveWithinThreePercentAndH3BelowAttention) {
  const char* common = R"("d": 5, "n": [10], "objective": "all_positions", "evaluation": {"prompts": 200000})";
  const Trained attention = train(std::string("{") + common + "}");
  const Trained h3 = train(std::string("{") + common + R"(, "model": {"kind": "h3"}})");
  expect_within(attention, 0.03, "attention, online");
  expect_within(h3, 0.03, "H3, online");
  EXPECT_LT(h3.theory[0], attention.theory[0]);
  EXPECT_LT(h3.risk[0], attention.risk[0]);
}

}  // namespace
}  // namespace icl
