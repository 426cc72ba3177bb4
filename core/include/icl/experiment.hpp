// An experiment: one model per context length n of the config, trained in lockstep on shared prompts
// (common random numbers). Each step draws one batch of prompts of length max n; the model with
// context n reads their first n tokens. Every model still sees fresh prompts every step, so each curve
// is an honest estimate, while random numbers are drawn once for all of them.
//
// This is the only thing the bindings wrap. Nothing here allocates after construction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "icl/config.hpp"
#include "icl/convergence.hpp"
#include "icl/iterate_average.hpp"
#include "icl/model_readout.hpp"
#include "icl/result.hpp"

namespace icl {

class DataModel;  // the core's own (data_model.hpp)

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
  /** Training steps, LoRA's pretraining steps included. */
  int total_steps() const { return pretrain_steps_ + config_.training.steps; }
  int steps_done() const { return steps_done_; }

  /**
   * Trains every model for up to `steps` more steps, never past total_steps(); returns steps_done().
   * Records a checkpoint at each step of checkpoint_schedule() it passes, and stops for good when a
   * model diverges (divergence()).
   */
  int step(int steps);

  /** A run that diverged: at which step, which model, and why in words (naming the config field to change). */
  struct Divergence {
    int step = 0;
    int model = 0;
    double loss = 0.0;
    double reference = 0.0;
    std::string message;
  };
  /** Set once a model's training loss is non-finite, or stays over kDivergenceFactor times its start. */
  const std::optional<Divergence>& divergence() const { return divergence_; }
  static constexpr double kDivergenceFactor = 10.0;
  /** Steps in a row a finite loss must stay that high before the run counts as diverged. */
  static constexpr int kDivergencePatience = 5;

  /** Size of the live evaluation set: the first evaluation.live_prompts of the evaluation set, so checkpoints stay
   * cheap. */
  int live_prompts() const;
  /** The steps at which step() records checkpoints: 0 (before training), then spaced evenly on a log and a
   *  linear scale up to total_steps(). Fixed by the config alone, so chunking never moves them. */
  const std::vector<int>& checkpoint_schedule() const { return checkpoint_schedule_; }
  /** Checkpoints recorded so far (a prefix of the schedule). */
  int checkpoints_recorded() const { return checkpoints_recorded_; }
  /** The live risk of `model` at recorded checkpoint `checkpoint`. */
  double checkpoint_risk(int checkpoint, int model) const {
    return checkpoint_risk_[static_cast<std::size_t>(checkpoint) * config_.n.size() + static_cast<std::size_t>(model)];
  }
  /** Per model: whether it reached its theory, given its risk on the full evaluation set now. */
  std::vector<ConvergenceVerdict> verdicts(const std::vector<double>& final_risk) const;
  /** Per model: mean squared error of the latest training batch (NaN before the first step). */
  const std::vector<double>& last_train_loss() const { return last_train_loss_; }
  /**
   * Per model: empirical test risk on the fixed evaluation set (config.evaluation.prompts prompts). Like the
   * checkpoints and the read-outs, it measures the evaluated weights: the average of the iterates once
   * training.average has started, else the last iterate.
   */
  std::vector<double> evaluate();
  /** Per model: the standard error of the risks of the last evaluate() (empty before it): the sample
   *  standard deviation of the prompts' squared errors over the square root of their count. */
  const std::vector<double>& evaluation_standard_error() const { return evaluation_standard_error_; }
  /** Per model: the optimal preconditioned-GD risk L*(n) (paper-spec §3.2). */
  std::vector<double> theory() const;

  /** The trainable parameters of a model, the last iterate (for attention: [W_q, W_k, w_v], AttentionShape offsets). */
  const std::vector<float>& parameters(int model) const;
  std::vector<float>& parameters(int model);
  /** The weights the model's kernel reads, computed from its evaluated parameters. */
  std::vector<float> weights(int model) const;

  /** The d x d preconditioner W_eff the model implements (paper-spec §2 read-out), row-major. */
  std::vector<double> effective_weights(int model) const;
  /** The weight of each context token, t = 0 the most recent: H3's lag weights f_{t+1}; ones for attention. */
  std::vector<double> sample_weights(int model) const;
  /**
   * Both read-outs of the model, normalised to the theory's scale (mean omega = 1), beside the theory's
   * W* and omega* at its context n = config().n[model], and how far W_eff is from W* (ModelReadout).
   */
  ModelReadout readout(int model) const;

  /** Draws one training batch without training on it; for the benchmark of the sampler alone. */
  void draw_batch_only();

  class Engine;  // the lane-typed training loop (SIMD or scalar)

 private:
  Experiment(const Config& config, Backend backend);

  Config config_;
  int pretrain_steps_;
  std::unique_ptr<DataModel> data_;
  std::unique_ptr<DataModel> pretraining_data_;  // LoRA only
  int steps_done_ = 0;
  std::vector<double> last_train_loss_;
  void record_checkpoint();
  // The training phase proper (after LoRA's pretraining, if any) starts: adapters, and fresh averages.
  void begin_training_phase();
  void evaluate_into(int prompts, std::vector<double>& loss, std::vector<double>& loss_square);
  const std::vector<float>& evaluated_parameters(int model) const;
  int first_averaged_step_;
  std::vector<IterateAverage> averages_;
  mutable std::vector<std::vector<float>> averaged_parameters_;  // the averages as float, written when read
  void check_divergence(int phase_step);
  std::vector<int> checkpoint_schedule_;
  int checkpoints_recorded_ = 0;
  std::vector<double> checkpoint_risk_;  // checkpoint-major, allocated for the whole schedule up front
  std::vector<double> live_loss_;
  std::vector<double> live_loss_square_;
  std::vector<double> evaluation_standard_error_;
  std::vector<double> loss_reference_;  // per model: the loss divergence is measured against
  std::vector<int> loss_high_streak_;
  double no_context_risk_ = 0.0;  // E[y^2]: the risk of predicting 0
  std::optional<Divergence> divergence_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace icl
