// What the accepted ranges promise: every config at the extremes of its fields trains to finite numbers
// and has finite theory (the ranges are chosen for float training), and theory requests are bounded
// (the length of the n list, the Bayes-optimal Monte Carlo size).
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "icl/experiment.hpp"
#include "icl/theory_curves.hpp"

namespace icl {
namespace {

using Json = nlohmann::json;

bool all_finite(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

Json constant_spectrum(int d, double value) { return Json(std::vector<double>(static_cast<std::size_t>(d), value)); }

// The data, model and training settings at the ends of their ranges (config.cpp's constants).
std::vector<Json> extreme_configs() {
  constexpr double kSpecMin = 1e-6, kSpecMax = 1e4, kInitMin = 1e-6, kInitMax = 1.0, kBelowOne = 0.99999994;
  std::vector<Json> configs;
  for (int d : {1, 64}) {
    std::vector<Json> data = {
        {{"x_spectrum", constant_spectrum(d, kSpecMax)}, {"task_spectrum", constant_spectrum(d, kSpecMax)}},
        {{"x_spectrum", constant_spectrum(d, kSpecMin)}, {"task_spectrum", constant_spectrum(d, kSpecMin)}},
        {{"x_spectrum", constant_spectrum(d, kSpecMax)}, {"task_spectrum", constant_spectrum(d, kSpecMin)}},
        {{"kind", "rag"}, {"form", "general"}, {"a", 10}, {"b", 10}},
        {{"kind", "rag"}, {"form", "general"}, {"a", 1e-30}, {"b", 1e-30}},
        {{"kind", "alignment"}, {"alpha", 1}, {"query", "aligned"}},
        {{"kind", "drift"}, {"gamma", kBelowOne}},
        {{"kind", "drift"}, {"gamma", 1e-30}},
    };
    std::vector<Json> models = {
        {{"kind", "attention"}},
        {{"kind", "attention"}, {"rank", 1}},
        {{"kind", "attention"},
         {"lora",
          {{"rank", d + 1},
           {"adapt", "key_query"},
           {"pretrain_steps", 1},
           {"pretrain_task_spectrum", constant_spectrum(d, kSpecMax)}}}},
        {{"kind", "h3"}},
        {{"kind", "h3"}, {"filter", "ssm"}, {"ssm_states", 16}},
    };
    for (double noise : {0.0, 100.0}) {
      for (const Json& data_fields : data) {
        for (const Json& model_fields : models) {
          for (double init : {kInitMin, kInitMax}) {
            Json config = {{"d", d},
                           {"n", {1, 512}},
                           {"data", data_fields},
                           {"model", model_fields},
                           {"training",
                            {{"steps", 2},
                             {"batch_size", 2},
                             {"learning_rate", 1e-10},
                             {"adam_beta1", kBelowOne},
                             {"adam_beta2", kBelowOne},
                             {"adam_epsilon", 1e-12}}},
                           {"evaluation", {{"prompts", 2}}}};
            config["data"]["noise_variance"] = noise;
            config["model"]["init_std"] = init;
            configs.push_back(std::move(config));
          }
        }
      }
    }
  }
  return configs;
}

TEST(AcceptedRanges, ExtremeConfigsTrainAndHaveTheoryInFiniteNumbers) {
  int accepted = 0;
  for (const Json& json : extreme_configs()) {
    const auto config = parse_config(json.dump());
    if (!config.ok()) {
      // Only combinations without a theory curve may be refused here.
      EXPECT_NE(config.error().find("needs"), std::string::npos) << config.error();
      continue;
    }
    ++accepted;
    const auto curves = theory_curves(config.value(), {0, 1, 512, kMaxTheoryContext});
    ASSERT_TRUE(curves.ok()) << json.dump() << ": " << curves.error();
    for (const auto& curve : curves.value()) EXPECT_TRUE(all_finite(curve.risk)) << curve.name << " " << json.dump();
    const auto weights = optimal_weights(config.value(), 512);
    ASSERT_TRUE(weights.ok()) << weights.error();
    EXPECT_TRUE(all_finite(weights.value().preconditioner) && all_finite(weights.value().sample_weights))
        << json.dump();
    auto experiment = Experiment::create(config.value());
    EXPECT_TRUE(all_finite(experiment->evaluate())) << "before training: " << json.dump();
    experiment->step(experiment->total_steps());
    EXPECT_TRUE(all_finite(experiment->last_train_loss())) << json.dump();
    EXPECT_TRUE(all_finite(experiment->evaluate())) << json.dump();
    EXPECT_TRUE(all_finite(experiment->effective_weights(1))) << json.dump();
  }
  EXPECT_GT(accepted, 200);
}

TEST(TheoryLimits, TheLengthOfARequestAndItsEntries) {
  const Config config;
  EXPECT_TRUE(theory_curves(config, std::vector<int>(kMaxTheoryLengths, 3)).ok());
  EXPECT_EQ(theory_curves(config, std::vector<int>(kMaxTheoryLengths + 1, 3)).error(),
            "a theory request takes at most 1024 context lengths (got 1025)");
  EXPECT_EQ(theory_curves(config, {1, kMaxTheoryContext + 1}).error(),
            "n[1] must be an integer in [0, 1000000] (got 1000001)");
}

TEST(TheoryLimits, TheBayesMonteCarloSize) {
  Config config;
  config.d = 4;
  TheoryOptions bayes;
  bayes.bayes_optimal = true;
  bayes.bayes_samples = 50;
  EXPECT_TRUE(theory_curves(config, {0, 8, kMaxBayesContext}, bayes).ok());
  EXPECT_EQ(theory_curves(config, {8, kMaxBayesContext + 1}, bayes).error(),
            "the Bayes-optimal reference takes n up to 1024 (n[1] is 1025)");
  bayes.bayes_samples = 1;
  EXPECT_NE(theory_curves(config, {8}, bayes).error().find("takes 2 to 10000000 Monte Carlo samples (got 1)"),
            std::string::npos);
  // The default 20000 samples at d = 64: n = 16 is within the work limit, n = 32 is not (about 12 s in wasm).
  config.d = 64;
  bayes.bayes_samples = 20000;
  EXPECT_LE(bayes_work(64, {16}, 20000), kMaxBayesWork);
  EXPECT_EQ(theory_curves(config, {32}, bayes).error(),
            "the Bayes-optimal reference would take about 3.9e9 multiply-adds (20000 Monte Carlo samples at d = 64), "
            "above the limit of 3e9: ask for fewer or shorter context lengths, or a smaller d");
  // Without the Bayes curve the same request is cheap and allowed.
  EXPECT_TRUE(theory_curves(config, {32, 100000}).ok());
}

}  // namespace
}  // namespace icl
