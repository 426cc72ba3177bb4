// Whether a trained model reached its theory, said in words: the verdict the page, the command line
// and the presets show at the end of a run, so an under-trained or diverged run is never a silent gap.
#pragma once

#include <string>
#include <vector>

namespace icl {

/** How a run's training ended for one model. */
struct ConvergenceVerdict {
  enum class Kind { Converged, StillFalling, AboveTheory, Stopped, Diverged };
  Kind kind = Kind::Converged;
  /** final risk / theory - 1. */
  double gap = 0.0;
  /** Relative change of the live risk over the last fifth of the steps (negative: still falling). */
  double recent_change = 0.0;
  /** One sentence for the user, e.g. "not converged: the risk is still falling (-2.1 % over the last 20 % of the
   * steps); try more steps". */
  std::string message;
};

/** What judge_convergence reads for one model. */
struct ConvergenceInput {
  /** Risk on the full evaluation set at the end, and the model's own theory at its n. */
  double final_risk = 0.0;
  double theory = 0.0;
  /** Checkpoints of the live evaluation set: steps (increasing) and the risk at each. */
  std::vector<int> steps;
  std::vector<double> live_risk;
  int steps_done = 0;
  int total_steps = 0;
  bool diverged = false;
  /** Factored attention below full rank learns its directions one at a time (plateaus). */
  bool low_rank = false;
  /** The first training loss over E[y^2] (the risk of predicting 0): far above 1, the start was bad. */
  double start_loss_ratio = 0.0;
};

/** Largest relative gap to theory a converged model may keep (the presets' per-point tolerance). */
inline constexpr double kConvergedGap = 0.03;
/** A first training loss this many times E[y^2] means the initialisation is too large. */
inline constexpr double kBadStart = 10.0;
/** A drop of the live risk larger than this over the last fifth of the steps means still falling. */
inline constexpr double kStillFalling = 0.01;

ConvergenceVerdict judge_convergence(const ConvergenceInput& input);

/** "converged", "still_falling", "above_theory", "stopped" or "diverged". */
const char* verdict_name(ConvergenceVerdict::Kind kind);

}  // namespace icl
