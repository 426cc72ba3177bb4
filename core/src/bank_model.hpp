// One model of an experiment's bank: its architecture, its trainable parameters and how they become the
// kernel's weights, and its optimiser state. Everything is allocated when the bank is made, once.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "adam.hpp"
#include "icl/config.hpp"
#include "parameterisation.hpp"

namespace icl {

class Architecture;

/** What an architecture keeps of each model besides its parameters (the kernel's shape, H3's filter): each
 *  derives its own in its folder and reads it back there. */
struct ModelShape {
  virtual ~ModelShape() = default;
};

struct BankModel {
  int n = 0;
  const Architecture* architecture = nullptr;  // arch/architecture.hpp
  std::unique_ptr<const ModelShape> shape;     // the architecture's own
  std::unique_ptr<Parameterisation> parameterisation;
  std::vector<float> parameters;
  std::vector<float> gradient;
  std::vector<float> weights;          // what the kernel reads, from the parameters
  std::vector<float> weight_gradient;  // what the kernel writes
  Adam adam;
};

/** `count` N(0, 1) draws of the initialisation stream `index` of the config's seed. */
std::vector<float> gaussian_draws(const Config& config, std::uint64_t index, int count);

/** Gives the model its parameterisation and parameters, and sizes its gradient, weights and Adam state. */
void set_parameters(BankModel& model, std::unique_ptr<Parameterisation> parameterisation, std::vector<float> parameters,
                    const TrainingConfig& training);

/** The bank of a config: one model per context length, all starting from the same initial weights, built by
 *  the config's architecture. */
std::vector<BankModel> make_bank(const Config& config);

}  // namespace icl
