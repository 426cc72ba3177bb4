// Iterate averaging of one model's parameters (Polyak–Ruppert's tail average, or an exponential moving
// average): stochastic gradient steps scatter the weights around the optimum, and their average sits
// closer to it than any one iterate, so fewer prompts reach the same risk. Allocates only when reset.
#pragma once

#include <vector>

#include "icl/config.hpp"

namespace icl {

class IterateAverage {
 public:
  /** Starts a new average of `size` parameters (a phase's start: LoRA changes the parameters' size). */
  void reset(std::size_t size, Averaging kind, double ema_decay);
  /** Adds the weights after one step. */
  void observe(const std::vector<float>& parameters);
  /** Whether any step was averaged yet (before that, the last iterate is the evaluated one). */
  bool started() const { return count_ > 0; }
  /** The averaged parameters, rounded to float, into `out` (of the same size). */
  void write(std::vector<float>& out) const;

 private:
  Averaging kind_ = Averaging::None;
  double ema_decay_ = 0.0;
  long long count_ = 0;
  std::vector<double> average_;  // in double: a tail average over thousands of steps would lose float bits
};

}  // namespace icl
