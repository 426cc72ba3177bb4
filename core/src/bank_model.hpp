// One model of an experiment's bank: which kernel runs it, its trainable parameters and how they
// become the kernel's weights, and its optimiser state. Everything is allocated here, once.
#pragma once

#include <memory>
#include <vector>

#include "adam.hpp"
#include "attention.hpp"
#include "icl/config.hpp"
#include "h3.hpp"
#include "parameterisation.hpp"

namespace icl {

enum class KernelKind { Attention, H3 };

struct BankModel {
  int n = 0;
  KernelKind kernel = KernelKind::Attention;
  AttentionShape attention;  // KernelKind::Attention
  H3Shape h3;                // KernelKind::H3: parameters [W_q, W_k, W_v, filter parameters]
  FilterKind filter = FilterKind::Free;
  int ssm_states = 1;
  std::unique_ptr<Parameterisation> parameterisation;
  std::vector<float> parameters;
  std::vector<float> gradient;
  std::vector<float> weights;          // what the kernel reads, from the parameters
  std::vector<float> weight_gradient;  // what the kernel writes
  Adam adam;
};

/** H3: the lag weights f_0..f_n from the filter parameters, and the chain rule back (adds into the gradient). */
void h3_lags(const BankModel& model, const float* filter_parameters, float* lags);
void h3_filter_backward(const BankModel& model, const float* filter_parameters, const float* lag_gradient,
                        float* filter_gradient);

/** The bank of a config: one model per context length, all starting from the same initial weights. */
std::vector<BankModel> make_bank(const Config& config);

/** LoRA: freezes the model's current weights and makes a fresh rank-r adapter the trainable parameters. */
void begin_lora_adaptation(const Config& config, BankModel& model);

}  // namespace icl
