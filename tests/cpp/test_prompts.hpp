// Prompts, weights and reference runs shared by the kernel suites (attention_test, h3_test, online_test):
// seeded random prompts and parameter vectors, slot accessors, the query-only objectives of linear attention
// and H3 evaluated in double (one lane per prompt), and the central-finite-difference check of a gradient.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <random>
#include <vector>

#include "arch/attention/attention.hpp"
#include "arch/h3/h3.hpp"
#include "prompt.hpp"

namespace icl::testing_support {

using Prompts = std::vector<PromptGroup<double>>;

// A prompt group of one lane in double with random tokens (labels random too: the kernels must be right for
// any input, not just for consistent prompts).
inline PromptGroup<double> random_prompt(const PromptLayout& layout, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  PromptGroup<double> group(layout, 1);
  for (double& value : group.values) value = normal(rng);
  return group;
}

// `count` such prompts, drawn one after another.
inline Prompts random_prompts(const PromptLayout& layout, int count, std::mt19937_64& rng) {
  Prompts prompts;
  for (int p = 0; p < count; ++p) prompts.push_back(random_prompt(layout, rng));
  return prompts;
}

// Lane-interleaved float prompts from a seeded generator (labels included; any values will do).
inline PromptGroup<float> random_float_group(const PromptLayout& layout, std::size_t lanes, std::mt19937_64& rng) {
  std::normal_distribution<float> normal;
  PromptGroup<float> group(layout, lanes);
  for (float& value : group.values) value = normal(rng);
  return group;
}

// The scalar twin sees lane `lane` of a SIMD group as a one-lane group.
inline PromptGroup<float> lane_of(const PromptGroup<float>& group, std::size_t lane) {
  PromptGroup<float> single(group.layout, 1);
  for (int slot = 0; slot < group.layout.slots(); ++slot) *single.slot(slot) = group.slot(slot)[lane];
  return single;
}

// `size` independent N(0, scale²) entries: weights, lags, a preconditioner.
inline std::vector<double> random_vector(std::size_t size, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<double> values(size);
  for (double& value : values) value = normal(rng);
  return values;
}

inline double& at(PromptGroup<double>& prompt, int slot) { return *prompt.slot(slot); }
inline double at(const PromptGroup<double>& prompt, int slot) { return *prompt.slot(slot); }

// H3 parameters [W_q, W_k, W_v, f_0..f_n] (m = D) that make H3 linear attention with `weights` [W_q, W_k, w_v]:
// the same W_q and W_k, a scalar value broadcast over the channels (W_v = w_v 1^T) and the filter
// f = (0, 1, ..., 1), so no lag-0 self term and every context token at weight 1.
inline std::vector<double> h3_as_linear_attention(const H3Shape& shape, const AttentionShape& attention,
                                                  const std::vector<double>& weights) {
  const int width = shape.width(), m = shape.channels;
  std::vector<double> parameters(static_cast<std::size_t>(shape.parameter_count()), 1.0);
  for (int e = 0; e < width * width; ++e) {
    parameters[static_cast<std::size_t>(shape.query_offset() + e)] =
        weights[static_cast<std::size_t>(attention.query_offset() + e)];
    parameters[static_cast<std::size_t>(shape.key_offset() + e)] =
        weights[static_cast<std::size_t>(attention.key_offset() + e)];
  }
  const double* w_v = weights.data() + attention.value_offset();
  for (int i = 0; i < width; ++i) {
    for (int c = 0; c < m; ++c) parameters[static_cast<std::size_t>(shape.value_offset() + i * m + c)] = w_v[i];
  }
  parameters[static_cast<std::size_t>(shape.filter_offset())] = 0.0;  // f_0 = 0: no self term
  return parameters;
}

// The query-only objective of linear attention in double, as a training step runs it (the kernel weights of
// shape.form, the kernel over the prompts, the chain back): the sum over prompts of (yhat - y)^2 and, when
// `gradient` is non-null, its gradient with respect to [W_q, W_k, w_v] (grad_scale = 2).
inline double attention_query_loss(const AttentionShape& shape, const PromptLayout& layout, int n,
                                   const std::vector<double>& weights, const Prompts& prompts,
                                   std::vector<double>* gradient) {
  AttentionScratch<double> scratch(shape);
  std::vector<double> kernel_weights(static_cast<std::size_t>(shape.kernel_weight_count()));
  attention_kernel_weights(shape, weights.data(), kernel_weights.data());
  std::vector<double> kernel_gradient(kernel_weights.size(), 0.0);
  double loss = 0.0;
  for (const auto& prompt : prompts) {
    attention_group<double>(shape, layout, n, kernel_weights.data(), prompt.values.data(), 1.0, loss,
                            gradient ? kernel_gradient.data() : nullptr, 2.0, scratch);
  }
  if (gradient != nullptr) {
    gradient->assign(weights.size(), 0.0);
    attention_weight_gradient(shape, weights.data(), kernel_gradient.data(), gradient->data());
  }
  return loss;
}

// Everything an H3 training step does, in double: lags from the filter, C, the kernel over the prompts, and the
// chain back to the parameters [W_q, W_k, W_v, filter]. Returns the summed squared error; `gradient`, when
// non-null, receives the gradient of that sum.
template <class Filter>
double h3_query_loss(const H3Shape& shape, const PromptLayout& layout, int n, const Filter& filter,
                     const std::vector<double>& parameters, const Prompts& prompts, std::vector<double>* gradient) {
  std::vector<double> lags(static_cast<std::size_t>(n + 1));
  filter.lags(parameters.data() + shape.filter_offset(), lags.data());
  H3Workspace<double> workspace(shape);
  std::vector<double> pair_weights(static_cast<std::size_t>(shape.pair_weight_count()));
  h3_pair_weights(shape, parameters.data(), workspace, pair_weights.data());
  H3Accumulator<double> accumulator(shape, n);
  H3Scratch<double> scratch(shape, layout);
  double loss = 0.0;
  for (const auto& prompt : prompts) {
    h3_group<double>(shape, layout, n, pair_weights.data(), lags.data(), prompt.values.data(), 1.0, loss,
                     gradient ? &accumulator : nullptr, 2.0, scratch);
  }
  if (gradient != nullptr) {
    std::vector<double> pair_gradient(pair_weights.size()), lag_gradient(lags.size());
    accumulator.lane_sums(pair_gradient.data(), lag_gradient.data());
    gradient->assign(parameters.size(), 0.0);
    h3_weight_gradient(shape, parameters.data(), pair_gradient.data(), workspace, gradient->data());
    filter.backward(parameters.data() + shape.filter_offset(), lag_gradient.data(),
                    gradient->data() + shape.filter_offset());
  }
  return loss;
}

// A query-only prediction read off the squared residual at the targets 0 and 1: (yhat^2 - (yhat - 1)^2 + 1) / 2.
inline double query_prediction(const std::function<double(const PromptGroup<double>&)>& loss,
                               const PromptLayout& layout, PromptGroup<double> prompt) {
  at(prompt, layout.query_slot(layout.d)) = 0.0;
  const double at_zero = loss(prompt);
  at(prompt, layout.query_slot(layout.d)) = 1.0;
  const double at_one = loss(prompt);
  return (at_zero - at_one + 1.0) / 2.0;
}

// The largest error of the analytic gradient of `loss` at `parameters` against central finite differences
// (step 1e-6), relative to max(1, |numeric|). `loss(w, gradient)` returns the loss at w and, when `gradient` is
// non-null, writes its gradient there.
inline double worst_relative_error(const std::function<double(const std::vector<double>&, std::vector<double>*)>& loss,
                                   const std::vector<double>& parameters) {
  std::vector<double> analytic;
  loss(parameters, &analytic);
  const double h = 1e-6;
  double worst = 0.0;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    std::vector<double> plus = parameters, minus = parameters;
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (loss(plus, nullptr) - loss(minus, nullptr)) / (2 * h);
    worst = std::max(worst, std::abs(numeric - analytic[i]) / std::max(1.0, std::abs(numeric)));
  }
  return worst;
}

}  // namespace icl::testing_support
