#include "bank_model.hpp"

#include "arch/architecture.hpp"
#include "rng.hpp"

namespace icl {

std::vector<float> gaussian_draws(const Config& config, std::uint64_t index, int count) {
  GaussianStream<float> stream;
  const std::uint64_t key = stream_key(config.seed, Purpose::Initialisation, index);
  stream.reset(&key);
  std::vector<float> draws(static_cast<std::size_t>(count));
  for (float& value : draws) value = stream.next();
  return draws;
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

std::vector<BankModel> make_bank(const Config& config) {
  std::vector<BankModel> bank(config.n.size());
  for (std::size_t m = 0; m < bank.size(); ++m) bank[m].n = config.n[m];
  architecture_for(config.model).make_models(config, bank);
  return bank;
}

}  // namespace icl
