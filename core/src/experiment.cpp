#include "icl/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "arch/architecture.hpp"
#include "bank_model.hpp"
#include "data_model.hpp"
#include "icl/model_readout.hpp"
#include "rng.hpp"
#include "icl/theory_curves.hpp"

namespace icl {

/** The training loop for one lane type; everything it needs is allocated in the constructor. */
class Experiment::Engine {
 public:
  virtual ~Engine() = default;
  /** One Adam step of every model on `batch` prompts of `data`; writes each model's batch loss. */
  virtual void train_step(const DataModel& data, int step, double learning_rate, int batch,
                          std::vector<double>& batch_loss) = 0;
  /**
   * Mean squared error of every model on the first `prompts` evaluation prompts of `data`, into `loss`,
   * and the mean of the squares of the prompts' errors into `loss_square` (for the standard error).
   */
  virtual void evaluate(const DataModel& data, int prompts, std::vector<double>& loss,
                        std::vector<double>& loss_square) = 0;
  virtual void draw_batch(const DataModel& data, int step) = 0;
  virtual std::vector<BankModel>& bank() = 0;
};

namespace {

template <class V>
class LaneEngine final : public Experiment::Engine {
  using Traits = LaneTraits<V>;
  static constexpr int kLanes = static_cast<int>(Traits::width);

 public:
  explicit LaneEngine(const Config& config)
      : config_(config),
        layout_{config.d, config.max_n()},
        bank_(make_bank(config)),
        group_(layout_, Traits::width),
        lanes_(bank_.front().architecture->lanes(bank_, layout_, config.objective == Objective::AllPositions, V{})) {}

  void train_step(const DataModel& data, int step, double learning_rate, int batch,
                  std::vector<double>& batch_loss) override {
    for (std::size_t m = 0; m < bank_.size(); ++m) {
      lanes_->prepare(m, bank_[m]);
      batch_loss[m] = 0.0;
    }
    const V grad_scale = V(2.0f / static_cast<float>(batch));
    run_prompts(data, Purpose::TrainingData, static_cast<std::uint64_t>(step), batch, grad_scale, batch_loss, true);
    for (std::size_t m = 0; m < bank_.size(); ++m) {
      BankModel& model = bank_[m];
      lanes_->finish(m, model);
      model.adam.update(model.parameters, model.gradient, learning_rate);
      batch_loss[m] /= batch;
    }
  }

  void evaluate(const DataModel& data, int prompts, std::vector<double>& loss,
                std::vector<double>& loss_square) override {
    for (std::size_t m = 0; m < bank_.size(); ++m) {
      lanes_->prepare(m, bank_[m]);
      loss[m] = 0.0;
      loss_square[m] = 0.0;
    }
    run_prompts(data, Purpose::Evaluation, 0, prompts, V(0), loss, false, &loss_square);
    for (double& value : loss) value /= prompts;
    for (double& value : loss_square) value /= prompts;
  }

  void draw_batch(const DataModel& data, int step) override {
    for (int first = 0; first < config_.training.batch_size_at(step); first += kLanes) {
      fill_group(data, Purpose::TrainingData, static_cast<std::uint64_t>(step), first);
    }
  }

  std::vector<BankModel>& bank() override { return bank_; }

 private:
  void fill_group(const DataModel& data, Purpose purpose, std::uint64_t index, int first_prompt) {
    std::uint64_t keys[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      keys[lane] = stream_key(config_.seed, purpose, index, static_cast<std::uint64_t>(first_prompt + lane));
    }
    gaussian_.reset(keys);
    data.fill(gaussian_, group_);
  }

  // Draws `prompts` prompts group by group and runs every model on each group while it is hot in cache.
  // Each lane of a kernel's loss_sum holds one prompt's loss; `loss_square`, when given, sums their squares.
  void run_prompts(const DataModel& data, Purpose purpose, std::uint64_t index, int prompts, const V& grad_scale,
                   std::vector<double>& loss, bool with_gradient, std::vector<double>* loss_square = nullptr) {
    for (int first = 0; first < prompts; first += kLanes) {
      fill_group(data, purpose, index, first);
      const V lane_mask = lane_mask_for(prompts - first);
      for (std::size_t m = 0; m < bank_.size(); ++m) {
        V loss_sum = V(0);
        lanes_->run(m, bank_[m], group_.values.data(), lane_mask, loss_sum, with_gradient, grad_scale);
        loss[m] += static_cast<double>(Traits::sum(loss_sum));
        if (loss_square != nullptr) (*loss_square)[m] += static_cast<double>(Traits::sum(loss_sum * loss_sum));
      }
    }
  }

  // 1 for lanes holding one of the remaining prompts, 0 for the padding of the last group.
  static V lane_mask_for(int remaining) {
    if (remaining >= kLanes) return V(1.0f);
    alignas(16) float mask[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) mask[lane] = lane < remaining ? 1.0f : 0.0f;
    return Traits::load(mask);
  }

  const Config& config_;
  PromptLayout layout_;
  std::vector<BankModel> bank_;
  PromptGroup<float> group_;
  std::unique_ptr<LaneArchitecture<V>> lanes_;  // the architecture's kernels and per-model state
  GaussianStream<V> gaussian_;
};

// Checkpoint steps: 0, about 24 steps evenly spaced on a log scale and 20 on a linear one, merged.
std::vector<int> make_checkpoint_schedule(int total_steps) {
  std::vector<int> steps{0};
  constexpr int kLogPoints = 24, kLinearPoints = 20;
  for (int k = 0; k <= kLogPoints; ++k) {
    steps.push_back(static_cast<int>(std::lround(std::pow(static_cast<double>(total_steps), k / double(kLogPoints)))));
  }
  for (int j = 1; j <= kLinearPoints; ++j) {
    steps.push_back(static_cast<int>(std::lround(static_cast<double>(total_steps) * j / kLinearPoints)));
  }
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  while (!steps.empty() && steps.back() > total_steps) steps.pop_back();
  return steps;
}

}  // namespace

Experiment::Experiment(const Config& config, Backend backend)
    : config_(config),
      pretrain_steps_(architecture_for(config.model).pretrain_steps(config)),
      data_(make_data_model(config_)),
      last_train_loss_(config.n.size(), std::numeric_limits<double>::quiet_NaN()),
      first_averaged_step_(config.training.average == Averaging::None ? config.training.steps
                                                                      : config.training.first_averaged_step()),
      averages_(config.n.size()),
      averaged_parameters_(config.n.size()) {
  if (pretrain_steps_ > 0)
    pretraining_data_ = make_data_model(architecture_for(config_.model).pretraining_config(config_));
  if (backend == Backend::Simd) {
    engine_ = std::make_unique<LaneEngine<FloatBatch>>(config_);
  } else {
    engine_ = std::make_unique<LaneEngine<float>>(config_);
  }
  if (pretrain_steps_ == 0) begin_training_phase();
  checkpoint_schedule_ = make_checkpoint_schedule(total_steps());
  const std::size_t models = config_.n.size();
  checkpoint_risk_.assign(checkpoint_schedule_.size() * models, 0.0);
  live_loss_.assign(models, 0.0);
  live_loss_square_.assign(models, 0.0);
  loss_reference_.assign(models, 0.0);
  loss_high_streak_.assign(models, 0);
  // Predicting 0 (no context) has risk E[y^2]; a loss far above it is no longer learning anything.
  const auto no_context = optimal_risk_curve(config_, {0});
  no_context_risk_ = no_context.ok() ? no_context.value().front() : 0.0;
}

Experiment::~Experiment() = default;

std::unique_ptr<Experiment> Experiment::create(const Config& config, Backend backend) {
  return std::unique_ptr<Experiment>(new Experiment(config, backend));
}

int Experiment::step(int steps) {
  const int target = std::min(total_steps(), steps_done_ + std::max(steps, 0));
  const TrainingConfig& training = config_.training;
  if (checkpoints_recorded_ == 0 && !divergence_) record_checkpoint();
  while (steps_done_ < target && !divergence_) {
    int phase_step = steps_done_;
    if (steps_done_ < pretrain_steps_) {
      engine_->train_step(*pretraining_data_, steps_done_, training.learning_rate_at(steps_done_, pretrain_steps_),
                          training.batch_size_at(steps_done_, pretrain_steps_), last_train_loss_);
    } else {
      if (steps_done_ == pretrain_steps_) begin_training_phase();
      phase_step = steps_done_ - pretrain_steps_;
      engine_->train_step(*data_, steps_done_, training.learning_rate_at(phase_step),
                          training.batch_size_at(phase_step), last_train_loss_);
      if (phase_step >= first_averaged_step_) {
        for (std::size_t m = 0; m < averages_.size(); ++m) averages_[m].observe(engine_->bank()[m].parameters);
      }
    }
    ++steps_done_;
    check_divergence(phase_step);
    if (!divergence_ && checkpoints_recorded_ < static_cast<int>(checkpoint_schedule_.size()) &&
        checkpoint_schedule_[static_cast<std::size_t>(checkpoints_recorded_)] == steps_done_) {
      record_checkpoint();
    }
  }
  return steps_done_;
}

int Experiment::live_prompts() const { return std::min(config_.evaluation.prompts, config_.evaluation.live_prompts); }

void Experiment::begin_training_phase() {
  std::vector<BankModel>& bank = engine_->bank();
  if (pretrain_steps_ > 0) {
    for (BankModel& model : bank) architecture_for(config_.model).begin_training_phase(config_, model);
  }
  for (std::size_t m = 0; m < bank.size(); ++m) {
    averages_[m].reset(bank[m].parameters.size(), config_.training.average, config_.training.ema_decay);
    averaged_parameters_[m].assign(config_.training.average == Averaging::None ? 0 : bank[m].parameters.size(), 0.0f);
  }
}

void Experiment::evaluate_into(int prompts, std::vector<double>& loss, std::vector<double>& loss_square) {
  // The evaluated weights stand in for the last iterate while the engine reads them (a swap, no copy).
  std::vector<BankModel>& bank = engine_->bank();
  for (std::size_t m = 0; m < bank.size(); ++m) {
    if (!averages_[m].started()) continue;
    averages_[m].write(averaged_parameters_[m]);
    bank[m].parameters.swap(averaged_parameters_[m]);
  }
  engine_->evaluate(*data_, prompts, loss, loss_square);
  for (std::size_t m = 0; m < bank.size(); ++m) {
    if (averages_[m].started()) bank[m].parameters.swap(averaged_parameters_[m]);
  }
}

void Experiment::record_checkpoint() {
  evaluate_into(live_prompts(), live_loss_, live_loss_square_);
  std::copy(live_loss_.begin(), live_loss_.end(),
            checkpoint_risk_.begin() + static_cast<std::ptrdiff_t>(checkpoints_recorded_ * live_loss_.size()));
  ++checkpoints_recorded_;
}

void Experiment::check_divergence(int phase_step) {
  for (std::size_t m = 0; m < last_train_loss_.size(); ++m) {
    const double loss = last_train_loss_[m];
    // Each phase (LoRA's pretraining, then its adaptation) is measured against its own start.
    if (phase_step == 0) loss_reference_[m] = std::max(loss, no_context_risk_);
    const bool finite = std::isfinite(loss);
    loss_high_streak_[m] = finite && loss > kDivergenceFactor * loss_reference_[m] ? loss_high_streak_[m] + 1 : 0;
    if (finite && loss_high_streak_[m] < kDivergencePatience) continue;
    Divergence divergence;
    divergence.step = steps_done_;
    divergence.model = static_cast<int>(m);
    divergence.loss = loss;
    divergence.reference = loss_reference_[m];
    const std::string where = "diverged at step " + std::to_string(steps_done_) +
                              " (the model with n = " + std::to_string(config_.n[m]) + "): ";
    const std::string what = finite ? "its training loss stayed over " +
                                          std::to_string(static_cast<int>(kDivergenceFactor)) + " times its start"
                                    : "its training loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite");
    // A loss already far above E[y^2] at the first step comes from the initial weights, not from the steps.
    const bool from_initialisation = no_context_risk_ > 0 && loss_reference_[m] > kDivergenceFactor * no_context_risk_;
    std::ostringstream cause;
    if (from_initialisation) {
      cause << "; the initialisation is likely too large (model.init_std = " << config_.model.init_std << ")";
    } else {
      cause << "; the learning rate is likely too high (training.learning_rate = " << config_.training.learning_rate
            << ")";
    }
    divergence.message = where + what + cause.str();
    divergence_ = std::move(divergence);
    return;
  }
}

std::vector<ConvergenceVerdict> Experiment::verdicts(const std::vector<double>& final_risk) const {
  const std::vector<double> model_theory = theory();
  std::vector<ConvergenceVerdict> verdicts;
  for (std::size_t m = 0; m < config_.n.size(); ++m) {
    ConvergenceInput input;
    input.final_risk = m < final_risk.size() ? final_risk[m] : std::nan("");
    input.theory = model_theory[m];
    for (int c = 0; c < checkpoints_recorded_; ++c) {
      input.steps.push_back(checkpoint_schedule_[static_cast<std::size_t>(c)]);
      input.live_risk.push_back(checkpoint_risk(c, static_cast<int>(m)));
    }
    input.steps_done = steps_done_;
    input.total_steps = total_steps();
    input.diverged = divergence_.has_value();
    input.low_rank = config_.attention_rank() < config_.d + 1;  // only attention has a rank
    input.start_loss_ratio = no_context_risk_ > 0 ? loss_reference_[m] / no_context_risk_ : 0.0;
    verdicts.push_back(judge_convergence(input));
  }
  return verdicts;
}

std::vector<double> Experiment::evaluate() {
  std::vector<double> loss(config_.n.size(), 0.0), loss_square(config_.n.size(), 0.0);
  const int prompts = config_.evaluation.prompts;
  evaluate_into(prompts, loss, loss_square);
  // The sample variance of the prompts' losses over their count: the risk's own sampling error.
  evaluation_standard_error_.resize(loss.size());
  for (std::size_t m = 0; m < loss.size(); ++m) {
    const double variance =
        prompts > 1 ? std::max(0.0, loss_square[m] - loss[m] * loss[m]) * prompts / (prompts - 1) : 0.0;
    evaluation_standard_error_[m] = std::sqrt(variance / prompts);
  }
  return loss;
}

std::vector<double> Experiment::theory() const {
  // A config from parse_config always has a valid theory, so value() is safe here.
  return optimal_risk_curve(config_, config_.n).value();
}

const std::vector<float>& Experiment::parameters(int model) const {
  return engine_->bank()[static_cast<std::size_t>(model)].parameters;
}
std::vector<float>& Experiment::parameters(int model) {
  return engine_->bank()[static_cast<std::size_t>(model)].parameters;
}

const std::vector<float>& Experiment::evaluated_parameters(int model) const {
  const std::size_t m = static_cast<std::size_t>(model);
  if (!averages_[m].started()) return engine_->bank()[m].parameters;
  averages_[m].write(averaged_parameters_[m]);
  return averaged_parameters_[m];
}

std::vector<float> Experiment::weights(int model) const {
  BankModel& bank_model = engine_->bank()[static_cast<std::size_t>(model)];
  std::vector<float> weights(bank_model.weights.size());
  bank_model.parameterisation->materialise(evaluated_parameters(model), weights);
  return weights;
}

std::vector<double> Experiment::effective_weights(int model) const {
  const BankModel& bank_model = engine_->bank()[static_cast<std::size_t>(model)];
  const std::vector<float> weights = this->weights(model);
  const std::vector<float> w_eff = bank_model.architecture->effective_weights(bank_model, weights.data());
  return std::vector<double>(w_eff.begin(), w_eff.end());
}

std::vector<double> Experiment::sample_weights(int model) const {
  const BankModel& bank_model = engine_->bank()[static_cast<std::size_t>(model)];
  const std::vector<float> omega =
      bank_model.architecture->sample_weights(bank_model, evaluated_parameters(model).data());
  return std::vector<double>(omega.begin(), omega.end());
}

ModelReadout Experiment::readout(int model) const {
  const int n = config_.n[static_cast<std::size_t>(model)];
  return normalise_readout(n, config_.d, effective_weights(model), sample_weights(model), optimal_weights(config_, n));
}

void Experiment::draw_batch_only() { engine_->draw_batch(*data_, steps_done_); }

}  // namespace icl
