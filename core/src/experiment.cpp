#include "icl/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "icl/adam.hpp"
#include "icl/data_model.hpp"
#include "icl/rng.hpp"
#include "icl/theory_curves.hpp"

namespace icl {

/** The training loop for one lane type; everything it needs is allocated in the constructor. */
class Experiment::Engine {
 public:
  virtual ~Engine() = default;
  /** One Adam step of every model; writes each model's batch loss. */
  virtual void train_step(int step, std::vector<double>& batch_loss) = 0;
  /** Mean squared error of every model on the evaluation prompts. */
  virtual std::vector<double> evaluate() = 0;
  virtual void draw_batch(int step) = 0;
  virtual std::vector<float>& parameters(int model) = 0;
};

namespace {

struct ModelState {
  int n;
  std::vector<float> parameters;
  std::vector<float> gradient;
  Adam adam;
};

template <class V>
class LaneEngine final : public Experiment::Engine {
  using Traits = LaneTraits<V>;
  static constexpr int kLanes = static_cast<int>(Traits::width);

 public:
  LaneEngine(const Config& config, const AttentionShape& shape)
      : config_(config),
        shape_(shape),
        layout_{config.d, config.max_n()},
        data_(make_data_model(config)),
        group_(layout_, Traits::width),
        scratch_(shape.width()) {
    const std::size_t count = static_cast<std::size_t>(shape.parameter_count());
    // Every model of the bank starts from the same weights (common random numbers across curves).
    std::vector<float> initial(count);
    GaussianStream<float> init_stream;
    const std::uint64_t init_key = stream_key(config.seed, Purpose::Initialisation, 0);
    init_stream.reset(&init_key);
    const float init_std = static_cast<float>(config.model.init_std);
    for (float& weight : initial) weight = init_stream.next() * init_std;
    for (int n : config.n) {
      const TrainingConfig& t = config.training;
      models_.push_back(ModelState{n, initial, std::vector<float>(count, 0.0f),
                                   Adam(count, t.adam_beta1, t.adam_beta2, t.adam_epsilon)});
      lane_weights_.emplace_back(count);
      lane_gradients_.emplace_back(count);
    }
  }

  void train_step(int step, std::vector<double>& batch_loss) override {
    const int batch = config_.training.batch_size;
    for (std::size_t m = 0; m < models_.size(); ++m) {
      broadcast(models_[m].parameters, lane_weights_[m]);
      std::fill(lane_gradients_[m].begin(), lane_gradients_[m].end(), V(0));
      batch_loss[m] = 0.0;
    }
    const V grad_scale = V(2.0f / static_cast<float>(batch));
    run_prompts(Purpose::TrainingData, static_cast<std::uint64_t>(step), batch, grad_scale, batch_loss, true);
    const double learning_rate = config_.training.learning_rate_at(step);
    for (std::size_t m = 0; m < models_.size(); ++m) {
      ModelState& model = models_[m];
      for (std::size_t i = 0; i < model.gradient.size(); ++i) model.gradient[i] = Traits::sum(lane_gradients_[m][i]);
      model.adam.update(model.parameters, model.gradient, learning_rate);
      batch_loss[m] /= batch;
    }
  }

  std::vector<double> evaluate() override {
    const int prompts = config_.evaluation.prompts;
    std::vector<double> loss(models_.size(), 0.0);
    for (std::size_t m = 0; m < models_.size(); ++m) broadcast(models_[m].parameters, lane_weights_[m]);
    run_prompts(Purpose::Evaluation, 0, prompts, V(0), loss, false);
    for (double& value : loss) value /= prompts;
    return loss;
  }

  void draw_batch(int step) override {
    const int batch = config_.training.batch_size;
    for (int first = 0; first < batch; first += kLanes) fill_group(Purpose::TrainingData, step, first);
  }

  std::vector<float>& parameters(int model) override { return models_[static_cast<std::size_t>(model)].parameters; }

 private:
  static void broadcast(const std::vector<float>& values, std::vector<V>& lanes) {
    for (std::size_t i = 0; i < values.size(); ++i) lanes[i] = V(values[i]);
  }

  void fill_group(Purpose purpose, std::uint64_t index, int first_prompt) {
    std::uint64_t keys[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      keys[lane] = stream_key(config_.seed, purpose, index, static_cast<std::uint64_t>(first_prompt + lane));
    }
    gaussian_.reset(keys);
    data_->fill(gaussian_, group_);
  }

  // Draws `prompts` prompts group by group and runs every model on each group while it is hot in cache.
  void run_prompts(Purpose purpose, std::uint64_t index, int prompts, const V& grad_scale,
                   std::vector<double>& loss, bool with_gradient) {
    for (int first = 0; first < prompts; first += kLanes) {
      fill_group(purpose, index, first);
      const V lane_mask = lane_mask_for(prompts - first);
      for (std::size_t m = 0; m < models_.size(); ++m) {
        V loss_sum = V(0);
        attention_group<V>(shape_, layout_, models_[m].n, lane_weights_[m].data(), group_.values.data(), lane_mask,
                           loss_sum, with_gradient ? lane_gradients_[m].data() : nullptr, grad_scale, scratch_);
        loss[m] += static_cast<double>(Traits::sum(loss_sum));
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
  AttentionShape shape_;
  PromptLayout layout_;
  std::unique_ptr<DataModel> data_;
  PromptGroup<float> group_;
  AttentionScratch<V> scratch_;
  GaussianStream<V> gaussian_;
  std::vector<ModelState> models_;
  std::vector<std::vector<V>> lane_weights_;
  std::vector<std::vector<V>> lane_gradients_;
};

}  // namespace

Experiment::Experiment(const Config& config, Backend backend)
    : config_(config),
      shape_{config.d},
      last_train_loss_(config.n.size(), std::numeric_limits<double>::quiet_NaN()) {
  if (backend == Backend::Simd) {
    engine_ = std::make_unique<LaneEngine<FloatBatch>>(config_, shape_);
  } else {
    engine_ = std::make_unique<LaneEngine<float>>(config_, shape_);
  }
}

Experiment::~Experiment() = default;

std::unique_ptr<Experiment> Experiment::create(const Config& config, Backend backend) {
  return std::unique_ptr<Experiment>(new Experiment(config, backend));
}

int Experiment::step(int steps) {
  const int target = std::min(total_steps(), steps_done_ + std::max(steps, 0));
  while (steps_done_ < target) {
    engine_->train_step(steps_done_, last_train_loss_);
    ++steps_done_;
  }
  return steps_done_;
}

std::vector<double> Experiment::evaluate() { return engine_->evaluate(); }

std::vector<double> Experiment::theory() const {
  // A config from parse_config always has a valid theory, so value() is safe here.
  return optimal_risk_curve(config_, config_.n).value();
}

const std::vector<float>& Experiment::parameters(int model) const { return engine_->parameters(model); }
std::vector<float>& Experiment::parameters(int model) { return engine_->parameters(model); }

void Experiment::draw_batch_only() { engine_->draw_batch(steps_done_); }

}  // namespace icl
