// An experiment: one model per context length n of the config, trained in lockstep on shared prompts
// (common random numbers). Each step draws one batch of prompts of length max n; the model with
// context n reads their first n tokens. Every model still sees fresh prompts every step, so each curve
// is an honest estimate, while random numbers are drawn once for all of them.
//
// This is the only thing the bindings wrap. Nothing here allocates after construction.
#pragma once

#include <memory>
#include <vector>

#include "icl/attention.hpp"
#include "icl/config.hpp"
#include "icl/result.hpp"

namespace icl {

/** Which implementation of the kernels runs: xsimd, or the scalar twin used to test it. */
enum class Backend { Simd, Scalar };

class Experiment {
 public:
  /** `config` must come from parse_config (which validates it). */
  static std::unique_ptr<Experiment> create(const Config& config, Backend backend = Backend::Simd);
  ~Experiment();
  Experiment(const Experiment&) = delete;
  Experiment& operator=(const Experiment&) = delete;

  const Config& config() const { return config_; }
  int model_count() const { return static_cast<int>(config_.n.size()); }
  int total_steps() const { return config_.training.steps; }
  int steps_done() const { return steps_done_; }

  /** Trains every model for up to `steps` more steps, never past total_steps(); returns steps_done(). */
  int step(int steps);
  /** Per model: mean squared error of the latest training batch (NaN before the first step). */
  const std::vector<double>& last_train_loss() const { return last_train_loss_; }
  /** Per model: empirical test risk on the fixed evaluation set (config.evaluation.prompts prompts). */
  std::vector<double> evaluate();
  /** Per model: the optimal preconditioned-GD risk L*(n) (paper-spec §3.2). */
  std::vector<double> theory() const;

  /** The flat parameters [W_q, W_k, w_v] of a model (AttentionShape offsets). */
  const std::vector<float>& parameters(int model) const;
  std::vector<float>& parameters(int model);
  const AttentionShape& shape() const { return shape_; }

  /** Draws one training batch without training on it; for the benchmark of the sampler alone. */
  void draw_batch_only();

  class Engine;  // the lane-typed training loop (SIMD or scalar)

 private:
  Experiment(const Config& config, Backend backend);

  Config config_;
  AttentionShape shape_;
  int steps_done_ = 0;
  std::vector<double> last_train_loss_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace icl
