// Linear attention's section of the model config (paper-spec §2): its rank, its initialisation and LoRA,
// the parameterisations of one kernel (core/src/arch/attention/).
#pragma once

#include "icl/spectrum.hpp"

namespace icl {

/** Gaussian: every weight N(0, init_std^2). Symmetric (paper-spec §3.7): W_k = W_q ~ N(0, init_std^2), w_v = e_D. */
enum class InitKind { Gaussian, Symmetric };
/** LoRA adapts W_k only (effective rank r), or W_k and W_q (effective rank 2r). */
enum class LoraTarget { Key, KeyAndQuery };

/** Pretrain full-rank attention on an old task covariance, freeze it, train a rank-r adapter on the data's one. */
struct LoraConfig {
  bool enabled = false;
  int rank = 1;
  LoraTarget adapt = LoraTarget::Key;
  SpectrumSpec pretrain_task_spectrum;
  int pretrain_steps = 4000;
};

namespace arch {

struct Attention {
  int rank = 0;                        // columns of W_q and W_k; 0 (absent from the config) is full rank, d + 1
  InitKind init = InitKind::Gaussian;  // the reader's default is symmetric when rank < d + 1
  LoraConfig lora;
};

}  // namespace arch
}  // namespace icl
