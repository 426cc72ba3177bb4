// The cost of a run from its config, and the budget that refuses runs too large to stay responsive.
#include <string>

#include <gtest/gtest.h>

#include "test_config.hpp"

#include "icl/config.hpp"
#include "icl/run_plan.hpp"

namespace icl {
namespace {

std::string error_of(const std::string& json) {
  auto parsed = parse_config(json);
  return parsed.ok() ? std::string() : parsed.error();
}

TEST(RunPlan, CountsStepsWithPretrainingAndScalesWithBatchAndModels) {
  const RunPlan plain = plan_run(config_from(R"({"d": 6, "n": [10]})"));
  EXPECT_EQ(plain.total_steps, 4000);
  EXPECT_EQ(plan_run(config_from(R"({"d": 6, "n": [10], "model": {"lora": {"pretrain_steps": 300}}})")).total_steps,
            4300);
  const RunPlan doubled = plan_run(config_from(R"({"d": 6, "n": [10], "training": {"batch_size": 2048}})"));
  EXPECT_DOUBLE_EQ(doubled.step_multiply_adds, 2 * plain.step_multiply_adds);
  // d = 20, n = 40: attention's product form 4 n D + 2 d D = 4200 and H3's pair form 2 d P + 2 (n + 1) P
  // = 19,404 + 19,866 (P = 231), plus the draw 3 D (n + 1) = 2583, per prompt.
  const RunPlan attention = plan_run(config_from(R"({"n": [40], "training": {"batch_size": 1}})"));
  const RunPlan h3 = plan_run(config_from(R"({"n": [40], "model": {"kind": "h3"}, "training": {"batch_size": 1}})"));
  EXPECT_DOUBLE_EQ(attention.step_multiply_adds, 4 * 40 * 21 + 2 * 20 * 21 + 3 * 21 * 41);
  EXPECT_DOUBLE_EQ(h3.step_multiply_adds, 2 * 20 * 231 + 2 * 41 * 231 + 3 * 21 * 41);
  EXPECT_GT(plain.run_multiply_adds, plain.step_multiply_adds * plain.total_steps);
}

TEST(Budget, RefusesAStepOfMinutesNamingWhatToLower) {
  std::string lengths;
  for (int i = 1; i <= 32; ++i) lengths += (i > 1 ? ", " : "") + std::to_string(16 * i);
  const std::string error = error_of(R"({"d": 64, "n": [)" + lengths + R"(], "training": {"batch_size": 65536}})");
  EXPECT_NE(error.find("one training step would cost"), std::string::npos) << error;
  EXPECT_NE(error.find("(at least about 19 s)"), std::string::npos) << error;
  EXPECT_NE(error.find("lower training.batch_size (65536)"), std::string::npos) << error;
}

TEST(Budget, RefusesAnEvaluationOfMinutesAndARunOfDays) {
  const std::string evaluation =
      error_of(R"({"d": 64, "n": [512], "training": {"batch_size": 64}, "evaluation": {"prompts": 10000000}})");
  EXPECT_NE(evaluation.find("the evaluation would cost"), std::string::npos) << evaluation;
  EXPECT_NE(evaluation.find("lower evaluation.prompts (10000000)"), std::string::npos) << evaluation;
  const std::string run = error_of(
      R"({"d": 64, "n": [256, 512], "training": {"steps": 1000000, "batch_size": 4096}, "evaluation": {"prompts": 1000}})");
  EXPECT_NE(run.find("the run would cost"), std::string::npos) << run;
  EXPECT_NE(run.find("training.steps (1000000)"), std::string::npos) << run;
  // The paper's largest settings fit: Figure 2's H3 bank of 12 context lengths at the defaults.
  EXPECT_EQ(error_of(R"({"n": [1, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44], "model": {"kind": "h3"}})"), "");
}

}  // namespace
}  // namespace icl
