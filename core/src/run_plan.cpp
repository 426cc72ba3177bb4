#include "icl/run_plan.hpp"

#include <algorithm>
#include <cstdio>

#include "arch/architecture.hpp"
#include "icl/experiment.hpp"

namespace icl {
namespace {

// Drawing one prompt of length max n: a few operations per Gaussian of its (max n + 1) tokens.
double draw_multiply_adds(const Config& config) { return 3.0 * (config.d + 1) * (config.max_n() + 1); }

std::string scientific(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", value);
  return text;
}

std::string seconds(double multiply_adds) {
  const double time = multiply_adds / kMultiplyAddsPerSecond;
  char text[48];
  if (time < 120)
    std::snprintf(text, sizeof text, "at least about %.0f s", std::max(1.0, time));
  else if (time < 7200)
    std::snprintf(text, sizeof text, "at least about %.0f minutes", time / 60);
  else
    std::snprintf(text, sizeof text, "at least about %.0f hours", time / 3600);
  return text;
}

}  // namespace

RunPlan plan_run(const Config& config) {
  RunPlan plan;
  const Architecture& architecture = architecture_for(config.model);
  const int pretrain_steps = architecture.pretrain_steps(config);
  plan.total_steps = config.training.steps + pretrain_steps;
  double per_prompt = draw_multiply_adds(config);
  for (int n : config.n) per_prompt += architecture.multiply_adds(config, n);
  plan.step_multiply_adds = per_prompt * config.training.batch_size;
  plan.evaluation_multiply_adds = per_prompt * config.evaluation.prompts;
  const double live = per_prompt * std::min(config.evaluation.prompts, config.evaluation.live_prompts);
  const TrainingConfig& training = config.training;
  const double training_prompts = training.prompts_in_phase(training.steps) +
                                  (pretrain_steps > 0 ? training.prompts_in_phase(pretrain_steps) : 0.0);
  // About 45 checkpoints (Experiment's schedule), each on the live set.
  plan.run_multiply_adds = per_prompt * training_prompts + 45 * live + plan.evaluation_multiply_adds;
  return plan;
}

std::string check_budget(const Config& config) {
  const RunPlan plan = plan_run(config);
  if (plan.step_multiply_adds > kMaxStepMultiplyAdds) {
    return "one training step would cost " + scientific(plan.step_multiply_adds) + " multiply-adds (" +
           seconds(plan.step_multiply_adds) + "), above the limit of " + scientific(kMaxStepMultiplyAdds) +
           " that keeps Pause and Stop prompt: lower training.batch_size (" +
           std::to_string(config.training.batch_size) + "), the number or length of the contexts n, or d";
  }
  if (plan.evaluation_multiply_adds > kMaxEvaluationMultiplyAdds) {
    return "the evaluation would cost " + scientific(plan.evaluation_multiply_adds) + " multiply-adds (" +
           seconds(plan.evaluation_multiply_adds) + " in one call), above the limit of " +
           scientific(kMaxEvaluationMultiplyAdds) + ": lower evaluation.prompts (" +
           std::to_string(config.evaluation.prompts) + ")";
  }
  if (plan.run_multiply_adds > kMaxRunMultiplyAdds) {
    return "the run would cost " + scientific(plan.run_multiply_adds) + " multiply-adds (" +
           seconds(plan.run_multiply_adds) + "), above the limit of " + scientific(kMaxRunMultiplyAdds) +
           ": lower training.steps (" + std::to_string(config.training.steps) + ") or training.batch_size";
  }
  return {};
}

}  // namespace icl
