// What a run will cost, from its config alone, before anything is allocated or trained: the steps, the
// multiply-adds of one step, of the whole run and of an evaluation. Pools schedule by it, and the
// budget below refuses runs that would make the page or the command line unresponsive for minutes.
#pragma once

#include <string>

#include "icl/config.hpp"

namespace icl {

struct RunPlan {
  /** Training steps, LoRA's pretraining included. */
  int total_steps = 0;
  /** One step of every model of the bank on one batch, gradients and the prompt draw included. */
  double step_multiply_adds = 0.0;
  /** Every step, the live checkpoints and the final evaluation. */
  double run_multiply_adds = 0.0;
  /** One evaluation on the full evaluation set (one call, not chunked). */
  double evaluation_multiply_adds = 0.0;
};

RunPlan plan_run(const Config& config);

/** The budget: one step (so Stop and Pause answer within about a second), one evaluation, a whole run. */
inline constexpr double kMaxStepMultiplyAdds = 1e10;
inline constexpr double kMaxEvaluationMultiplyAdds = 1e11;
inline constexpr double kMaxRunMultiplyAdds = 1e15;
/** Multiply-adds per second of one wasm core at the kernels' pace, for the time estimates in messages. */
inline constexpr double kMultiplyAddsPerSecond = 9e9;

/** Empty when the plan fits the budget; else which limit it exceeds, the estimate, and what to lower. */
std::string check_budget(const Config& config);

}  // namespace icl
