// Parameterisations: the pulled-back gradient is the gradient of <weight_gradient, weights(parameters)>
// (centred finite differences), and LoRA starts at its frozen weights.
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "parameterisation.hpp"

namespace icl {
namespace {

double pairing(const Parameterisation& p, const std::vector<float>& parameters, const std::vector<float>& direction) {
  std::vector<float> weights(static_cast<std::size_t>(p.weight_count()));
  p.materialise(parameters, weights);
  double sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) sum += static_cast<double>(weights[i]) * direction[i];
  return sum;
}

void expect_pull_back_is_the_gradient(const Parameterisation& p, std::mt19937_64& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> parameters(static_cast<std::size_t>(p.parameter_count())),
      direction(static_cast<std::size_t>(p.weight_count()));
  for (float& v : parameters) v = normal(rng);
  for (float& v : direction) v = normal(rng);
  std::vector<float> gradient(parameters.size());
  p.pull_back(parameters, direction, gradient);
  // The map is linear in each single parameter (LoRA is bilinear), so a large step is exact but for rounding.
  const float h = 0.5f;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    std::vector<float> plus = parameters, minus = parameters;
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (pairing(p, plus, direction) - pairing(p, minus, direction)) / (2 * h);
    EXPECT_NEAR(gradient[i], numeric, 1e-4 * std::max(1.0, std::abs(numeric))) << i;
  }
}

TEST(Parameterisation, DirectIsTheIdentity) {
  std::mt19937_64 rng(1);
  expect_pull_back_is_the_gradient(DirectParameterisation(7), rng);
}

TEST(Parameterisation, LoraPullBackIsTheGradient) {
  std::mt19937_64 rng(2);
  const int d = 3, width = 4;
  std::vector<float> frozen(static_cast<std::size_t>(2 * width * width + width));
  std::normal_distribution<float> normal;
  for (float& v : frozen) v = normal(rng);
  for (bool adapt_query : {false, true}) {
    for (int rank : {1, 2}) expect_pull_back_is_the_gradient(LoraParameterisation(d, rank, adapt_query, frozen), rng);
  }
}

TEST(Parameterisation, LoraStartsAtTheFrozenWeights) {
  const int d = 3, width = 4, rank = 2;
  std::vector<float> frozen(static_cast<std::size_t>(2 * width * width + width));
  for (std::size_t i = 0; i < frozen.size(); ++i) frozen[i] = static_cast<float>(i) * 0.1f;
  const LoraParameterisation lora(d, rank, true, frozen);
  const std::vector<float> draws(static_cast<std::size_t>(2 * width * rank), 1.0f);
  const std::vector<float> initial = lora.initial_parameters(draws, 0.1f);
  std::vector<float> weights(frozen.size());
  lora.materialise(initial, weights);
  EXPECT_EQ(weights, frozen);
  EXPECT_EQ(initial[0], 0.1f);  // the down factor is random, the up factor zero
  EXPECT_EQ(initial[static_cast<std::size_t>(width * rank)], 0.0f);
}

}  // namespace
}  // namespace icl
