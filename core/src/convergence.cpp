#include "icl/convergence.hpp"

#include <cmath>
#include <cstdio>

namespace icl {
namespace {

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f %%", 100.0 * fraction);
  return text;
}

/** The live risk's relative change from the checkpoint at 80 % of the steps done to the last one. */
double recent_change(const ConvergenceInput& input) {
  const std::size_t count = input.steps.size();
  if (count < 2 || input.live_risk.size() != count) return 0.0;
  const double from_step = 0.8 * input.steps.back();
  std::size_t from = 0;
  while (from + 1 < count && input.steps[from + 1] <= from_step) ++from;
  if (from == count - 1) from = count - 2;
  const double before = input.live_risk[from];
  return before > 0 && std::isfinite(before) ? input.live_risk.back() / before - 1.0 : 0.0;
}

}  // namespace

const char* verdict_name(ConvergenceVerdict::Kind kind) {
  switch (kind) {
    case ConvergenceVerdict::Kind::Converged: return "converged";
    case ConvergenceVerdict::Kind::StillFalling: return "still_falling";
    case ConvergenceVerdict::Kind::AboveTheory: return "above_theory";
    case ConvergenceVerdict::Kind::Stopped: return "stopped";
    case ConvergenceVerdict::Kind::Diverged: return "diverged";
  }
  return "";
}

ConvergenceVerdict judge_convergence(const ConvergenceInput& input) {
  ConvergenceVerdict verdict;
  verdict.gap = input.theory > 0 ? input.final_risk / input.theory - 1.0 : 0.0;
  verdict.recent_change = recent_change(input);
  using Kind = ConvergenceVerdict::Kind;
  const std::string plateaus =
      input.low_rank
          ? " Low-rank attention learns the directions of the task one at a time (plateaus in the training curve)."
          : "";
  if (input.diverged || !std::isfinite(input.final_risk)) {
    verdict.kind = Kind::Diverged;
    verdict.message = "diverged: no risk to compare with the theory";
    return verdict;
  }
  if (input.steps_done < input.total_steps) {
    verdict.kind = Kind::Stopped;
    verdict.message = "stopped after " + std::to_string(input.steps_done) + " of " + std::to_string(input.total_steps) +
                      " steps: " + percent(verdict.gap) + " from the theory so far";
    return verdict;
  }
  if (verdict.gap <= kConvergedGap) {
    verdict.kind = Kind::Converged;
    verdict.message = "converged: " + percent(verdict.gap) + " from the theory";
    return verdict;
  }
  // A start far above the risk of predicting 0 comes from the initial weights, not from training.
  const std::string bad_start =
      input.start_loss_ratio > kBadStart
          ? " The first training loss was " + std::to_string(static_cast<long long>(input.start_loss_ratio)) +
                " times that of predicting 0: the initialisation (model.init_std) is likely too large."
          : "";
  if (verdict.recent_change < -kStillFalling) {
    verdict.kind = Kind::StillFalling;
    verdict.message = "not converged: the risk is still falling (" + percent(verdict.recent_change) +
                      " over the last 20 % of the steps) and is " + percent(verdict.gap) +
                      " from the theory; try more steps." + plateaus + bad_start;
    return verdict;
  }
  verdict.kind = Kind::AboveTheory;
  verdict.message = "not converged: " + percent(verdict.gap) +
                    " above the theory with the risk no longer falling; try more steps, or a smaller learning "
                    "rate if the training loss is noisy." +
                    plateaus + bad_start;
  return verdict;
}

}  // namespace icl
