// The training recipe around Adam: learning-rate schedules with warm-up, the batch ramp, iterate
// averaging (what is evaluated), the live evaluation set, and their validation.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "icl/config.hpp"
#include "icl/experiment.hpp"
#include "icl/run_plan.hpp"
#include "test_config.hpp"

namespace icl {
namespace {

TrainingConfig training_from(const std::string& fields) {
  return config_from(R"({"training": {)" + fields + "}}").training;
}

std::string error_of(const std::string& json) {
  const auto parsed = parse_config(json);
  return parsed.ok() ? "" : parsed.error();
}

TEST(Recipe, WarmupRisesLinearlyToThePeak) {
  const TrainingConfig t = training_from(R"("steps": 100, "learning_rate": 0.01, "warmup": 0.1)");
  EXPECT_DOUBLE_EQ(t.learning_rate_at(0), 0.001);
  EXPECT_DOUBLE_EQ(t.learning_rate_at(4), 0.005);
  EXPECT_DOUBLE_EQ(t.learning_rate_at(9), 0.01);
  EXPECT_DOUBLE_EQ(t.learning_rate_at(10), 0.01);  // then the step schedule: peak until lr_decay_at
  EXPECT_DOUBLE_EQ(t.learning_rate_at(75), 0.001);
}

TEST(Recipe, CosineFallsFromThePeakToTheFactorAtTheLastStep) {
  const TrainingConfig t =
      training_from(R"("steps": 101, "learning_rate": 0.02, "lr_schedule": "cosine", "lr_decay_factor": 0.01)");
  EXPECT_DOUBLE_EQ(t.learning_rate_at(0), 0.02);
  EXPECT_NEAR(t.learning_rate_at(100), 0.02 * 0.01, 1e-17);
  for (int step = 0; step <= 100; ++step) {
    // The schedule's own cosine (from + and * alone, for wasm and native alike) against libm's.
    const double expected = 0.02 * (0.01 + 0.99 * 0.5 * (1.0 + std::cos(M_PI * step / 100.0)));
    EXPECT_NEAR(t.learning_rate_at(step), expected, 1e-16) << step;
    if (step > 0) EXPECT_LT(t.learning_rate_at(step), t.learning_rate_at(step - 1)) << step;
  }
}

TEST(Recipe, LinearDecayStartsAfterTheWarmup) {
  const TrainingConfig t = training_from(
      R"("steps": 110, "learning_rate": 0.01, "warmup": 0.1, "lr_schedule": "linear", "lr_decay_factor": 0.5)");
  EXPECT_DOUBLE_EQ(t.learning_rate_at(10), 0.01);  // the warm-up's 11 steps end at the peak
  EXPECT_DOUBLE_EQ(t.learning_rate_at(60), 0.01 * (0.5 + 0.5 * 0.5));
  EXPECT_DOUBLE_EQ(t.learning_rate_at(109), 0.005);
}

TEST(Recipe, EachPhaseRunsTheScheduleOverItsOwnSteps) {
  const TrainingConfig t = training_from(R"("steps": 1000, "learning_rate": 0.01, "warmup": 0.5)");
  EXPECT_DOUBLE_EQ(t.learning_rate_at(9, 20), 0.01);  // a 20-step phase (LoRA's pretraining) warms up in 10
  EXPECT_DOUBLE_EQ(t.learning_rate_at(9), 0.01 * 10 / 500);
}

TEST(Recipe, BatchGrowsOverTheRampThenStays) {
  const TrainingConfig t =
      training_from(R"("steps": 100, "batch_size": 256, "batch_ramp": 0.2, "batch_size_start": 16)");
  EXPECT_EQ(t.batch_size_at(0), 16);
  EXPECT_EQ(t.batch_size_at(10), 16 + 240 * 10 / 20);
  EXPECT_EQ(t.batch_size_at(19), 16 + 240 * 19 / 20);
  EXPECT_EQ(t.batch_size_at(20), 256);
  EXPECT_EQ(t.batch_size_at(99), 256);
  double sum = 0;
  for (int step = 0; step < 100; ++step) {
    sum += t.batch_size_at(step);
    if (step > 0) EXPECT_GE(t.batch_size_at(step), t.batch_size_at(step - 1));
  }
  EXPECT_EQ(t.prompts_in_phase(100), sum);
  EXPECT_EQ(training_from(R"("steps": 100, "batch_size": 256)").prompts_in_phase(100), 25600.0);
}

TEST(Recipe, TheRunPlanCountsTheRampedBatches) {
  const Config flat = config_from(R"({"training": {"steps": 100, "batch_size": 256}, "evaluation": {"prompts": 100}})");
  const Config ramped =
      config_from(R"({"training": {"steps": 100, "batch_size": 256, "batch_ramp": 1, "batch_size_start": 1},
      "evaluation": {"prompts": 100}})");
  const RunPlan a = plan_run(flat), b = plan_run(ramped);
  EXPECT_EQ(a.step_multiply_adds, b.step_multiply_adds);  // the budget of one step is its largest batch
  EXPECT_LT(b.run_multiply_adds, 0.6 * a.run_multiply_adds);
}

TEST(Recipe, InvalidFieldsAreNamedWithTheirRange) {
  EXPECT_NE(error_of(R"({"training": {"lr_schedule": "exponential"}})")
                .find(R"(training.lr_schedule must be "step" or "cosine" or "linear")"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"training": {"warmup": 0.6}})").find("training.warmup must be a number in [0, 0.5]"),
            std::string::npos)
      << error_of(R"({"training": {"warmup": 0.6}})");
  EXPECT_NE(error_of(R"({"training": {"average": "mean"}})").find("training.average must be"), std::string::npos);
  EXPECT_NE(error_of(R"({"training": {"average_from": 1}})").find("training.average_from must be a number in [0, 1)"),
            std::string::npos)
      << error_of(R"({"training": {"average_from": 1}})");
  const std::string ema = error_of(R"({"training": {"ema_decay": 1}})");
  EXPECT_NE(ema.find("training.ema_decay"), std::string::npos) << ema;
  EXPECT_NE(ema.find("float"), std::string::npos) << ema;
  EXPECT_NE(error_of(R"({"training": {"ema_decay": 0}})").find("training.ema_decay"), std::string::npos);
  const std::string ramp = error_of(R"({"training": {"batch_size": 32, "batch_ramp": 0.5, "batch_size_start": 64}})");
  EXPECT_NE(ramp.find("training.batch_size_start must be at most training.batch_size (32)"), std::string::npos) << ramp;
  EXPECT_EQ(error_of(R"({"training": {"batch_size": 32}})"), "");  // no ramp: the start size is unused
  EXPECT_NE(error_of(R"({"evaluation": {"live_prompts": 0}})").find("evaluation.live_prompts"), std::string::npos);
}

TEST(Recipe, FieldsRoundTripThroughTheNormalisedConfig) {
  const std::string text = R"({"training": {"lr_schedule": "linear", "warmup": 0.05, "lr_decay_factor": 0.02,
      "batch_ramp": 0.3, "batch_size_start": 128, "average": "ema", "average_from": 0.25, "ema_decay": 0.995},
      "evaluation": {"live_prompts": 512}})";
  const Config config = config_from(text);
  const std::string json = config_to_json(config);
  EXPECT_EQ(config_to_json(config_from(json)), json);
  const TrainingConfig& t = config_from(json).training;
  EXPECT_EQ(t.lr_schedule, LrSchedule::Linear);
  EXPECT_EQ(t.average, Averaging::Ema);
  EXPECT_EQ(t.ema_decay, 0.995);
  EXPECT_EQ(t.batch_size_start, 128);
  EXPECT_EQ(config_from(json).evaluation.live_prompts, 512);
}

const char* kBase = R"("seed": 5, "d": 4, "n": [3, 6], "evaluation": {"prompts": 1000})";

std::unique_ptr<Experiment> experiment_with(const std::string& training) {
  return Experiment::create(
      config_from(std::string("{") + kBase + R"(, "training": {"steps": 12, "batch_size": 40)" + training + "}}"));
}

// Trains a twin without averaging, and gives its risk with the parameters set to `combine` of the
// iterates after steps first_step + 1 .. 12 (the averaged experiment's evaluated weights).
template <class Combine>
std::vector<double> twin_risk(const std::string& training, int first_step, Combine combine) {
  auto twin = experiment_with(training);
  std::vector<std::vector<std::vector<float>>> iterates(2);
  for (int step = 0; step < 12; ++step) {
    twin->step(1);
    if (step >= first_step) {
      for (int m = 0; m < 2; ++m) iterates[static_cast<std::size_t>(m)].push_back(twin->parameters(m));
    }
  }
  for (int m = 0; m < 2; ++m) twin->parameters(m) = combine(iterates[static_cast<std::size_t>(m)]);
  return twin->evaluate();
}

TEST(Recipe, TailAverageIsTheMeanOfTheIteratesFromItsStart) {
  auto averaged = experiment_with(R"(, "average": "tail", "average_from": 0.5)");
  auto last = experiment_with("");
  averaged->step(12);
  last->step(12);
  // Averaging changes what is evaluated, never the training itself.
  EXPECT_EQ(averaged->parameters(1), last->parameters(1));
  EXPECT_EQ(averaged->last_train_loss(), last->last_train_loss());
  const std::vector<double> expected = twin_risk("", 6, [](const std::vector<std::vector<float>>& iterates) {
    std::vector<double> mean(iterates.front().size(), 0.0);
    for (std::size_t k = 0; k < iterates.size(); ++k) {
      for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += (iterates[k][i] - mean[i]) / static_cast<double>(k + 1);
    }
    return std::vector<float>(mean.begin(), mean.end());
  });
  EXPECT_EQ(averaged->evaluate(), expected);
  EXPECT_NE(averaged->evaluate(), last->evaluate());
}

TEST(Recipe, EmaWeighsRecentIteratesMore) {
  auto averaged = experiment_with(R"(, "average": "ema", "average_from": 0.25, "ema_decay": 0.8)");
  averaged->step(12);
  const std::vector<double> expected = twin_risk("", 3, [](const std::vector<std::vector<float>>& iterates) {
    std::vector<double> ema(iterates.front().begin(), iterates.front().end());
    for (std::size_t k = 1; k < iterates.size(); ++k) {
      for (std::size_t i = 0; i < ema.size(); ++i) ema[i] += 0.2 * (iterates[k][i] - ema[i]);
    }
    return std::vector<float>(ema.begin(), ema.end());
  });
  EXPECT_EQ(averaged->evaluate(), expected);
}

TEST(Recipe, CheckpointsAndReadoutsMeasureTheEvaluatedWeights) {
  auto averaged = experiment_with(R"(, "average": "tail", "average_from": 0.5, "lr_schedule": "cosine")");
  auto last = experiment_with(R"(, "lr_schedule": "cosine")");
  averaged->step(12);
  last->step(12);
  const int final_checkpoint = averaged->checkpoints_recorded() - 1;
  EXPECT_EQ(averaged->checkpoint_schedule()[static_cast<std::size_t>(final_checkpoint)], 12);
  // Before averaging starts both measure the same last iterate; at the end they differ.
  EXPECT_EQ(averaged->checkpoint_risk(1, 0), last->checkpoint_risk(1, 0));
  EXPECT_NE(averaged->checkpoint_risk(final_checkpoint, 0), last->checkpoint_risk(final_checkpoint, 0));
  EXPECT_NE(averaged->effective_weights(0), last->effective_weights(0));
  EXPECT_EQ(averaged->weights(0).size(), last->weights(0).size());
}

TEST(Recipe, LoraAveragesOnlyTheAdapterPhase) {
  auto lora = Experiment::create(config_from(R"({"d": 3, "n": [4], "training": {"steps": 6, "batch_size": 16,
      "average": "tail", "average_from": 0.5, "lr_schedule": "cosine", "warmup": 0.2},
      "model": {"lora": {"rank": 1, "pretrain_steps": 5}}})"));
  lora->step(11);
  EXPECT_EQ(lora->parameters(0).size(), 2u * 4u * 1u);  // the adapter, averaged at its own size
  const std::vector<double> risk = lora->evaluate();
  EXPECT_TRUE(std::isfinite(risk[0]));
}

TEST(Recipe, LivePromptsSetTheCheckpointsEvaluationSet) {
  EXPECT_EQ(experiment_with("")->live_prompts(), 1000);  // all of a smaller evaluation set
  auto small =
      Experiment::create(config_from(R"({"d": 4, "n": [3], "evaluation": {"prompts": 1000, "live_prompts": 64}})"));
  EXPECT_EQ(small->live_prompts(), 64);
}

// The standard error of the evaluated risk is calibrated: over seeds, the error of a small evaluation set
// against a 64 times larger one (the same first prompts and more) has about one standard error's size.
TEST(Recipe, EvaluationStandardErrorIsCalibrated) {
  for (const char* model : {"attention", "h3"}) {
    double normalised_square = 0.0, error_ratio = 0.0;
    const int seeds = 40;
    for (int seed = 1; seed <= seeds; ++seed) {
      const std::string base = R"({"d": 4, "n": [6], "seed": )" + std::to_string(seed) + R"(, "model": {"kind": ")" +
                               model + R"("}, "training": {"steps": 5, "batch_size": 32}, "evaluation": {"prompts": )";
      auto small = Experiment::create(config_from(base + "500}}"));
      auto large = Experiment::create(config_from(base + "32000}}"));
      EXPECT_TRUE(small->evaluation_standard_error().empty());
      small->step(5);
      large->step(5);
      const double risk = small->evaluate()[0], error = small->evaluation_standard_error()[0];
      const double truth = large->evaluate()[0];
      ASSERT_GT(error, 0.0);
      error_ratio += large->evaluation_standard_error()[0] / error / seeds;
      normalised_square += (risk - truth) * (risk - truth) / (error * error) / seeds;
    }
    // Sampling error falls as 1 / sqrt(prompts): 64 times the prompts, an eighth of the error (on average:
    // the squared errors are heavy-tailed, so 500 prompts estimate their spread loosely).
    EXPECT_NEAR(error_ratio, 0.125, 0.02) << model;
    // A chi-square with 40 degrees of freedom over 40: within [0.5, 1.6] but for one draw in a thousand.
    EXPECT_GT(normalised_square, 0.5) << model;
    EXPECT_LT(normalised_square, 1.6) << model;
  }
}

}  // namespace
}  // namespace icl
