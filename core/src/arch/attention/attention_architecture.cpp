// Linear attention (paper-spec §2): full rank, low rank and LoRA are parameterisations of the same kernel
// (parameterisation.hpp), which maps the trainable parameters to [W_q, W_k, w_v] and chains the gradient
// back, so the kernels here do not know about them.
#include <algorithm>
#include <memory>

#include "arch/architecture.hpp"
#include "arch/attention/attention_config.hpp"
#include "arch/attention/attention.hpp"
#include "bank_model.hpp"
#include "arch/attention/attention_online.hpp"
#include "arch/attention/attention_readout.hpp"

namespace icl {
namespace {

struct AttentionModelShape final : ModelShape {
  explicit AttentionModelShape(const AttentionShape& shape) : attention(shape) {}
  AttentionShape attention;
};

const AttentionShape& attention_of(const BankModel& model) {
  return static_cast<const AttentionModelShape&>(*model.shape).attention;
}

// paper-spec §4: every weight N(0, init_std^2); or §3.7's symmetric start W_k = W_q, w_v = e_D, which
// keeps low-rank attention from stalling at the rank-one risk.
std::vector<float> initial_attention_weights(const Config& config, const AttentionShape& shape) {
  const float init_std = static_cast<float>(config.model.init_std);
  const std::vector<float> draws = gaussian_draws(config, 0, shape.parameter_count());
  std::vector<float> weights(draws.size());
  for (std::size_t i = 0; i < draws.size(); ++i) weights[i] = draws[i] * init_std;
  if (std::get<arch::Attention>(config.model.section).init == InitKind::Symmetric) {
    const int block = shape.width() * shape.rank;
    for (int i = 0; i < block; ++i)
      weights[static_cast<std::size_t>(shape.key_offset() + i)] = weights[static_cast<std::size_t>(i)];
    for (int f = 0; f < shape.width(); ++f)
      weights[static_cast<std::size_t>(shape.value_offset() + f)] = f == shape.d ? 1.0f : 0.0f;
  }
  return weights;
}

// LoRA (paper-spec §2, §3.8): the frozen model's weights, and a fresh adapter (its own initialisation stream)
// as the trainable parameters.
void begin_lora_adaptation(const Config& config, const LoraConfig& lora, BankModel& model) {
  model.parameterisation->materialise(model.parameters, model.weights);
  auto adapter =
      std::make_unique<LoraParameterisation>(config.d, lora.rank, lora.adapt == LoraTarget::KeyAndQuery, model.weights);
  const std::vector<float> draws = gaussian_draws(config, 1, adapter->parameter_count());
  std::vector<float> parameters = adapter->initial_parameters(draws, static_cast<float>(config.model.init_std));
  set_parameters(model, std::move(adapter), std::move(parameters), config.training);
}

template <class V>
class AttentionLanes final : public LaneArchitecture<V> {
  using Traits = LaneTraits<V>;

 public:
  AttentionLanes(const std::vector<BankModel>& bank, const PromptLayout& layout, bool online)
      : layout_(layout), online_(online), scratch_(attention_of(bank.front())) {
    for (const BankModel& model : bank) {
      lane_weights_.emplace_back(model.weights.size());
      lane_gradients_.emplace_back(model.weights.size());
    }
    if (online_) online_scratch_ = std::make_unique<AttentionOnlineScratch<V>>(attention_of(bank.front()), layout_);
  }

  void prepare(std::size_t m, BankModel& model) override {
    model.parameterisation->materialise(model.parameters, model.weights);
    // The online kernel reads the factors [W_q, W_k, w_v]; attention_group its kernel weights (attention.hpp:
    // M = W_q W_k^T and w_v, or the factors at low rank), formed here once per step.
    const std::vector<float>* weights = &model.weights;
    if (!online_) {
      kernel_weights_.resize(static_cast<std::size_t>(attention_of(model).kernel_weight_count()));
      attention_kernel_weights(attention_of(model), model.weights.data(), kernel_weights_.data());
      weights = &kernel_weights_;
    }
    lane_weights_[m].resize(weights->size());
    for (std::size_t i = 0; i < weights->size(); ++i) lane_weights_[m][i] = V((*weights)[i]);
    // The kernel's gradient has the layout of the lane weights just made (attention_group's product form
    // can be larger than [W_q, W_k, w_v]). Sizes can change between phases (LoRA); assign() then
    // reallocates once, not every step.
    lane_gradients_[m].assign(lane_weights_[m].size(), V(0));
  }

  void run(std::size_t m, const BankModel& model, const float* group, const V& lane_mask, V& loss_sum,
           bool with_gradient, const V& grad_scale) override {
    V* gradient = with_gradient ? lane_gradients_[m].data() : nullptr;
    if (online_) {
      attention_online_group<V>(attention_of(model), layout_, model.n, lane_weights_[m].data(), group, lane_mask,
                                loss_sum, gradient, grad_scale, *online_scratch_);
    } else {
      attention_group<V>(attention_of(model), layout_, model.n, lane_weights_[m].data(), group, lane_mask, loss_sum,
                         gradient, grad_scale, scratch_);
    }
  }

  void finish(std::size_t m, BankModel& model) override {
    if (online_) {
      for (std::size_t i = 0; i < model.weight_gradient.size(); ++i) {
        model.weight_gradient[i] = Traits::sum(lane_gradients_[m][i]);
      }
    } else {
      // attention_group's gradient is that of its kernel weights: sum the lanes, then chain back to
      // [W_q, W_k, w_v] (model.weights still holds this step's weights).
      kernel_gradient_.resize(static_cast<std::size_t>(attention_of(model).kernel_weight_count()));
      for (std::size_t i = 0; i < kernel_gradient_.size(); ++i)
        kernel_gradient_[i] = Traits::sum(lane_gradients_[m][i]);
      attention_weight_gradient(attention_of(model), model.weights.data(), kernel_gradient_.data(),
                                model.weight_gradient.data());
    }
    model.parameterisation->pull_back(model.parameters, model.weight_gradient, model.gradient);
  }

 private:
  PromptLayout layout_;
  bool online_;
  AttentionScratch<V> scratch_;
  std::unique_ptr<AttentionOnlineScratch<V>> online_scratch_;  // the online objective only
  std::vector<std::vector<V>> lane_weights_;
  std::vector<std::vector<V>> lane_gradients_;
  // attention_group's kernel weights and lane-summed gradient (attention.hpp) of the model being prepared
  // or finished; sized at the first step (the same for every model of a bank), so steps do not allocate.
  std::vector<float> kernel_weights_;
  std::vector<float> kernel_gradient_;
};

class AttentionArchitecture final : public Architecture {
 public:
  const char* name() const override { return attention_config::choice().value; }
  schema::Choice choice() const override { return attention_config::choice(); }
  std::vector<schema::Field> schema_fields(const schema::Condition& factored) const override {
    return attention_config::schema_fields(factored);
  }
  ModelSection section() const override { return arch::Attention{}; }
  std::string read(ObjectReader& reader, int d, ModelConfig& model) const override {
    return attention_config::read(reader, d, std::get<arch::Attention>(model.section));
  }
  void write(const Config& config, OrderedJson& json) const override { attention_config::write(config, json); }
  std::string check(const Config& config) const override { return attention_config::check(config); }
  std::vector<schema::Condition> all_positions_when() const override { return attention_config::all_positions_when(); }
  void make_models(const Config& config, std::vector<BankModel>& bank) const override {
    const AttentionShape shape{config.d, config.attention_rank()};
    const std::vector<float> initial = initial_attention_weights(config, shape);
    for (BankModel& model : bank) {
      model.architecture = this;
      model.shape = std::make_unique<AttentionModelShape>(shape);
      set_parameters(model, std::make_unique<DirectParameterisation>(shape.parameter_count()), initial,
                     config.training);
    }
  }
  // LoRA pretrains full-rank attention on the old task covariance: the same IID data with the
  // pretraining task spectrum (the validator allows LoRA on IID data only).
  int pretrain_steps(const Config& config) const override {
    const LoraConfig* lora = lora_of(config.model);
    return lora != nullptr ? lora->pretrain_steps : 0;
  }
  Config pretraining_config(const Config& config) const override {
    Config pretraining = config;
    data::Iid section = std::get<data::Iid>(config.data.section);
    section.task_spectrum = lora_of(config.model)->pretrain_task_spectrum;
    pretraining.data.section = section;
    return pretraining;
  }
  void begin_training_phase(const Config& config, BankModel& model) const override {
    begin_lora_adaptation(config, *lora_of(config.model), model);
  }
  std::unique_ptr<LaneArchitecture<FloatBatch>> lanes(const std::vector<BankModel>& bank, const PromptLayout& layout,
                                                      bool online, FloatBatch) const override {
    return std::make_unique<AttentionLanes<FloatBatch>>(bank, layout, online);
  }
  std::unique_ptr<LaneArchitecture<float>> lanes(const std::vector<BankModel>& bank, const PromptLayout& layout,
                                                 bool online, float) const override {
    return std::make_unique<AttentionLanes<float>>(bank, layout, online);
  }
  std::vector<float> effective_weights(const BankModel& model, const float* weights) const override {
    return attention_effective_weights(attention_of(model), weights);
  }
  // attention_group's product form M = W_q W_k^T from rank 0.3 d, else factored (attention.hpp).
  double multiply_adds(const Config& config, int n) const override {
    const double d = config.d, width = config.d + 1, rank = config.attention_rank();
    return 4 * n * width + std::min(2 * d * width, 5 * width * rank);
  }
  bool weighs_samples() const override { return false; }
  std::vector<float> sample_weights(const BankModel& model, const float*) const override {
    return std::vector<float>(static_cast<std::size_t>(model.n), 1.0f);
  }
};

}  // namespace

const Architecture& attention_architecture() {
  static const AttentionArchitecture architecture;
  return architecture;
}

}  // namespace icl
