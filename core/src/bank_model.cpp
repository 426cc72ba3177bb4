#include "bank_model.hpp"

#include "rng.hpp"

namespace icl {
namespace {

std::vector<float> gaussian_draws(const Config& config, std::uint64_t index, int count) {
  GaussianStream<float> stream;
  const std::uint64_t key = stream_key(config.seed, Purpose::Initialisation, index);
  stream.reset(&key);
  std::vector<float> draws(static_cast<std::size_t>(count));
  for (float& value : draws) value = stream.next();
  return draws;
}

// paper-spec §4: every weight N(0, init_std^2); or §3.7's symmetric start W_k = W_q, w_v = e_D, which
// keeps low-rank attention from stalling at the rank-one risk.
std::vector<float> initial_attention_weights(const Config& config, const AttentionShape& shape) {
  const float init_std = static_cast<float>(config.model.init_std);
  const std::vector<float> draws = gaussian_draws(config, 0, shape.parameter_count());
  std::vector<float> weights(draws.size());
  for (std::size_t i = 0; i < draws.size(); ++i) weights[i] = draws[i] * init_std;
  if (config.model.init == InitKind::Symmetric) {
    const int block = shape.width() * shape.rank;
    for (int i = 0; i < block; ++i)
      weights[static_cast<std::size_t>(shape.key_offset() + i)] = weights[static_cast<std::size_t>(i)];
    for (int f = 0; f < shape.width(); ++f)
      weights[static_cast<std::size_t>(shape.value_offset() + f)] = f == shape.d ? 1.0f : 0.0f;
  }
  return weights;
}

void set_parameters(BankModel& model, std::unique_ptr<Parameterisation> parameterisation, std::vector<float> parameters,
                    const TrainingConfig& training) {
  const std::size_t count = parameters.size();
  model.parameterisation = std::move(parameterisation);
  model.parameters = std::move(parameters);
  model.gradient.assign(count, 0.0f);
  model.weights.assign(static_cast<std::size_t>(model.parameterisation->weight_count()), 0.0f);
  model.weight_gradient.assign(model.weights.size(), 0.0f);
  model.adam = Adam(count, training.adam_beta1, training.adam_beta2, training.adam_epsilon);
}

int filter_parameter_count(const ModelConfig& model, int n) {
  return model.filter == FilterKind::Free ? FreeFilter{n}.parameter_count()
                                          : SsmFilter{n, model.ssm_states}.parameter_count();
}

// H3: W_q, W_k, W_v Gaussian (the same draws for every n), the filter at its own initial value
// (free: all ones, so that H3 starts as linear attention plus the query's self term).
std::vector<float> initial_h3_parameters(const Config& config, const BankModel& model) {
  const float init_std = static_cast<float>(config.model.init_std);
  const std::vector<float> draws = gaussian_draws(config, 0, model.h3.weight_count());
  std::vector<float> parameters(static_cast<std::size_t>(model.h3.parameter_count()));
  for (std::size_t i = 0; i < draws.size(); ++i) parameters[i] = draws[i] * init_std;
  float* filter = parameters.data() + model.h3.filter_offset();
  if (model.filter == FilterKind::Free) {
    FreeFilter{model.n}.initialise(filter);
  } else {
    SsmFilter{model.n, model.ssm_states}.initialise(filter);
  }
  return parameters;
}

}  // namespace

void h3_lags(const BankModel& model, const float* filter_parameters, float* lags) {
  if (model.filter == FilterKind::Free) {
    FreeFilter{model.n}.lags(filter_parameters, lags);
  } else {
    SsmFilter{model.n, model.ssm_states}.lags(filter_parameters, lags);
  }
}

void h3_filter_backward(const BankModel& model, const float* filter_parameters, const float* lag_gradient,
                        float* filter_gradient) {
  if (model.filter == FilterKind::Free) {
    FreeFilter{model.n}.backward(filter_parameters, lag_gradient, filter_gradient);
  } else {
    SsmFilter{model.n, model.ssm_states}.backward(filter_parameters, lag_gradient, filter_gradient);
  }
}

std::vector<BankModel> make_bank(const Config& config) {
  std::vector<BankModel> bank(config.n.size());
  if (config.model.kind == ModelKind::H3) {
    for (std::size_t m = 0; m < bank.size(); ++m) {
      BankModel& model = bank[m];
      model.n = config.n[m];
      model.kernel = KernelKind::H3;
      model.filter = config.model.filter;
      model.ssm_states = config.model.ssm_states;
      model.h3 = H3Shape{config.d, config.d + 1, filter_parameter_count(config.model, model.n)};
      // The kernel reads the parameters directly (its once-per-step preparation lives in the engine).
      set_parameters(model, std::make_unique<DirectParameterisation>(model.h3.parameter_count()),
                     initial_h3_parameters(config, model), config.training);
    }
    return bank;
  }
  const AttentionShape shape{config.d, config.attention_rank()};
  const std::vector<float> initial = initial_attention_weights(config, shape);
  for (std::size_t m = 0; m < bank.size(); ++m) {
    BankModel& model = bank[m];
    model.n = config.n[m];
    model.kernel = KernelKind::Attention;
    model.attention = shape;
    set_parameters(model, std::make_unique<DirectParameterisation>(shape.parameter_count()), initial, config.training);
  }
  return bank;
}

void begin_lora_adaptation(const Config& config, BankModel& model) {
  const LoraConfig& lora = config.model.lora;
  model.parameterisation->materialise(model.parameters, model.weights);
  auto adapter =
      std::make_unique<LoraParameterisation>(config.d, lora.rank, lora.adapt == LoraTarget::KeyAndQuery, model.weights);
  const std::vector<float> draws = gaussian_draws(config, 1, adapter->parameter_count());
  std::vector<float> parameters = adapter->initial_parameters(draws, static_cast<float>(config.model.init_std));
  set_parameters(model, std::move(adapter), std::move(parameters), config.training);
}

}  // namespace icl
