// Runs that say how they ended: divergence detected and explained by the core, checkpoints of the live
// evaluation set fixed by the config whatever the chunking, and the convergence verdict of each model.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "test_config.hpp"

#include "icl/config.hpp"
#include "icl/convergence.hpp"
#include "icl/experiment.hpp"

namespace icl {
namespace {

const char* kSmall =
    R"({"d": 5, "n": [4, 10], "training": {"steps": 300, "batch_size": 128}, "evaluation": {"prompts": 6000}})";

TEST(Checkpoints, ScheduleRunsFromZeroToTheLastStepOnLogAndLinearScales) {
  auto experiment = Experiment::create(config_from(kSmall));
  const std::vector<int>& schedule = experiment->checkpoint_schedule();
  ASSERT_GE(schedule.size(), 20u);
  EXPECT_EQ(schedule.front(), 0);
  EXPECT_EQ(schedule[1], 1);
  EXPECT_EQ(schedule.back(), 300);
  for (std::size_t i = 1; i < schedule.size(); ++i) EXPECT_LT(schedule[i - 1], schedule[i]);
  EXPECT_EQ(experiment->live_prompts(), 4096);
  EXPECT_EQ(Experiment::create(config_from(R"({"evaluation": {"prompts": 100}})"))->live_prompts(), 100);
}

TEST(Checkpoints, AreTheSameWhateverTheChunkingAndLeaveTrainingUnchanged) {
  auto whole = Experiment::create(config_from(kSmall));
  auto chunked = Experiment::create(config_from(kSmall));
  whole->step(300);
  for (int chunk : {1, 2, 7, 13, 100, 1000}) chunked->step(chunk);
  ASSERT_EQ(chunked->steps_done(), 300);
  ASSERT_EQ(whole->checkpoints_recorded(), static_cast<int>(whole->checkpoint_schedule().size()));
  ASSERT_EQ(chunked->checkpoints_recorded(), whole->checkpoints_recorded());
  for (int c = 0; c < whole->checkpoints_recorded(); ++c) {
    for (int m = 0; m < 2; ++m)
      EXPECT_EQ(chunked->checkpoint_risk(c, m), whole->checkpoint_risk(c, m)) << c << " " << m;
  }
  EXPECT_EQ(chunked->evaluate(), whole->evaluate());
  // The live risk falls from E[y^2] = d = 5 at step 0 towards the theory.
  EXPECT_NEAR(whole->checkpoint_risk(0, 0), 5.0, 0.5);
  EXPECT_LT(whole->checkpoint_risk(whole->checkpoints_recorded() - 1, 1), 0.7 * whole->checkpoint_risk(0, 1));
  EXPECT_FALSE(whole->divergence().has_value());
}

TEST(Divergence, ALearningRateOfOneDivergesAndSaysSo) {
  auto experiment = Experiment::create(config_from(
      R"({"d": 10, "n": [10, 40], "training": {"steps": 500, "batch_size": 64, "learning_rate": 1}, "evaluation": {"prompts": 1000}})"));
  const int done = experiment->step(500);
  ASSERT_TRUE(experiment->divergence().has_value());
  const auto& divergence = *experiment->divergence();
  EXPECT_LT(done, 500);
  EXPECT_EQ(divergence.step, done);
  EXPECT_NE(divergence.message.find("diverged at step " + std::to_string(done)), std::string::npos)
      << divergence.message;
  EXPECT_NE(divergence.message.find("training.learning_rate = 1"), std::string::npos) << divergence.message;
  // A diverged run trains no further.
  EXPECT_EQ(experiment->step(10), done);
  const auto verdicts = experiment->verdicts(experiment->evaluate());
  EXPECT_EQ(verdicts[0].kind, ConvergenceVerdict::Kind::Diverged);
}

TEST(Verdicts, AHugeInitialisationIsNamedAsTheCause) {
  auto experiment = Experiment::create(config_from(
      R"({"d": 20, "n": [40], "model": {"init_std": 1}, "training": {"steps": 200, "batch_size": 64}, "evaluation": {"prompts": 1000}})"));
  experiment->step(200);
  const ConvergenceVerdict verdict = experiment->verdicts(experiment->evaluate())[0];
  EXPECT_NE(verdict.kind, ConvergenceVerdict::Kind::Converged);
  EXPECT_NE(verdict.message.find("the initialisation (model.init_std) is likely too large"), std::string::npos)
      << verdict.message;
}

TEST(Verdicts, AnUndertrainedRunIsNotConvergedAndAStoppedOneSaysSo) {
  // 100 steps of attention at d = 8: far from the optimum and still falling.
  auto short_run = Experiment::create(config_from(
      R"({"d": 8, "n": [20], "training": {"steps": 100, "batch_size": 256}, "evaluation": {"prompts": 20000}})"));
  short_run->step(100);
  const ConvergenceVerdict verdict = short_run->verdicts(short_run->evaluate())[0];
  EXPECT_EQ(verdict.kind, ConvergenceVerdict::Kind::StillFalling) << verdict.message;
  EXPECT_NE(verdict.message.find("try more steps"), std::string::npos);
  EXPECT_GT(verdict.gap, 0.03);

  auto stopped = Experiment::create(config_from(kSmall));
  stopped->step(100);
  EXPECT_EQ(stopped->verdicts(stopped->evaluate())[0].kind, ConvergenceVerdict::Kind::Stopped);
}

TEST(Verdicts, JudgeConvergenceReadsTheGapAndTheRecentTrend) {
  ConvergenceInput input;
  input.theory = 2.0;
  input.steps = {0, 10, 80, 90, 100};
  input.total_steps = input.steps_done = 100;
  input.live_risk = {5.0, 3.0, 2.05, 2.04, 2.04};
  input.final_risk = 2.02;
  EXPECT_EQ(judge_convergence(input).kind, ConvergenceVerdict::Kind::Converged);
  EXPECT_NEAR(judge_convergence(input).gap, 0.01, 1e-12);
  // Within the tolerance a model has converged, even if its risk still drifts down.
  input.live_risk = {5.0, 3.0, 2.3, 2.1, 2.02};
  EXPECT_EQ(judge_convergence(input).kind, ConvergenceVerdict::Kind::Converged);
  input.final_risk = 2.2;
  input.live_risk = {5.0, 3.0, 2.21, 2.2, 2.2};
  const ConvergenceVerdict above = judge_convergence(input);
  EXPECT_EQ(above.kind, ConvergenceVerdict::Kind::AboveTheory);
  EXPECT_EQ(above.message.substr(0, 28), "not converged: +10.0 % above");
  input.live_risk = {5.0, 3.0, 2.4, 2.3, 2.2};
  const ConvergenceVerdict falling = judge_convergence(input);
  EXPECT_EQ(falling.kind, ConvergenceVerdict::Kind::StillFalling);
  EXPECT_NEAR(falling.recent_change, 2.2 / 2.4 - 1, 1e-12);
  input.low_rank = true;
  EXPECT_NE(judge_convergence(input).message.find("one at a time"), std::string::npos);
  input.steps_done = 50;
  EXPECT_EQ(judge_convergence(input).kind, ConvergenceVerdict::Kind::Stopped);
  input.diverged = true;
  EXPECT_EQ(judge_convergence(input).kind, ConvergenceVerdict::Kind::Diverged);
}

}  // namespace
}  // namespace icl
