#include "parameterisation.hpp"

#include <utility>

namespace icl {
namespace {

// block += down * up^T for D x r factors (row-major), block D x D.
void add_product(const float* down, const float* up, int width, int rank, float* block) {
  for (int i = 0; i < width; ++i) {
    for (int j = 0; j < width; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < rank; ++k) sum += down[i * rank + k] * up[j * rank + k];
      block[i * width + j] += sum;
    }
  }
}

// For block = down * up^T: d down = d block * up, d up = d block^T * down.
void pull_back_product(const float* down, const float* up, const float* block_gradient, int width, int rank,
                       float* down_gradient, float* up_gradient) {
  for (int i = 0; i < width; ++i) {
    for (int k = 0; k < rank; ++k) {
      float down_sum = 0.0f, up_sum = 0.0f;
      for (int j = 0; j < width; ++j) {
        down_sum += block_gradient[i * width + j] * up[j * rank + k];
        up_sum += block_gradient[j * width + i] * down[j * rank + k];
      }
      down_gradient[i * rank + k] = down_sum;
      up_gradient[i * rank + k] = up_sum;
    }
  }
}

}  // namespace

LoraParameterisation::LoraParameterisation(int d, int rank, bool adapt_query, std::vector<float> frozen_weights)
    : width_(d + 1), rank_(rank), adapt_query_(adapt_query), frozen_(std::move(frozen_weights)) {}

int LoraParameterisation::parameter_count() const { return (adapt_query_ ? 4 : 2) * width_ * rank_; }

void LoraParameterisation::materialise(const std::vector<float>& parameters, std::vector<float>& weights) const {
  weights = frozen_;
  const int factor = width_ * rank_;
  const int block = width_ * width_;  // W_q at 0, W_k at block (full-rank AttentionShape)
  add_product(parameters.data(), parameters.data() + factor, width_, rank_, weights.data() + block);
  if (adapt_query_)
    add_product(parameters.data() + 2 * factor, parameters.data() + 3 * factor, width_, rank_, weights.data());
}

void LoraParameterisation::pull_back(const std::vector<float>& parameters, const std::vector<float>& weight_gradient,
                                     std::vector<float>& parameter_gradient) const {
  const int factor = width_ * rank_;
  const int block = width_ * width_;
  pull_back_product(parameters.data(), parameters.data() + factor, weight_gradient.data() + block, width_, rank_,
                    parameter_gradient.data(), parameter_gradient.data() + factor);
  if (adapt_query_) {
    pull_back_product(parameters.data() + 2 * factor, parameters.data() + 3 * factor, weight_gradient.data(), width_,
                      rank_, parameter_gradient.data() + 2 * factor, parameter_gradient.data() + 3 * factor);
  }
}

std::vector<float> LoraParameterisation::initial_parameters(const std::vector<float>& gaussian_draws,
                                                            float init_std) const {
  std::vector<float> parameters(static_cast<std::size_t>(parameter_count()), 0.0f);
  const int factor = width_ * rank_;
  for (int i = 0; i < factor; ++i) {
    parameters[static_cast<std::size_t>(i)] = gaussian_draws[static_cast<std::size_t>(i)] * init_std;
    if (adapt_query_)
      parameters[static_cast<std::size_t>(2 * factor + i)] =
          gaussian_draws[static_cast<std::size_t>(factor + i)] * init_std;
  }
  return parameters;
}

}  // namespace icl
