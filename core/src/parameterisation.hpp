// What an optimiser trains is not always what a kernel reads: a LoRA model trains two thin adapters
// on top of frozen weights, an H3 model with an SSM filter trains (c, rho) from which the lag weights
// follow. A parameterisation maps the trainable parameters to the kernel's weights once per step, and
// the kernel's weight gradient back to the parameters (the chain rule), so the kernels stay unaware.
#pragma once

#include <vector>

namespace icl {

class Parameterisation {
 public:
  virtual ~Parameterisation() = default;
  virtual int parameter_count() const = 0;
  virtual int weight_count() const = 0;
  /** weights <- f(parameters); both sized already. */
  virtual void materialise(const std::vector<float>& parameters, std::vector<float>& weights) const = 0;
  /** parameter_gradient <- J_f^T weight_gradient. */
  virtual void pull_back(const std::vector<float>& parameters, const std::vector<float>& weight_gradient,
                         std::vector<float>& parameter_gradient) const = 0;
};

/** The kernel's weights are the parameters. */
class DirectParameterisation final : public Parameterisation {
 public:
  explicit DirectParameterisation(int count) : count_(count) {}
  int parameter_count() const override { return count_; }
  int weight_count() const override { return count_; }
  void materialise(const std::vector<float>& parameters, std::vector<float>& weights) const override {
    weights = parameters;
  }
  void pull_back(const std::vector<float>&, const std::vector<float>& weight_gradient,
                 std::vector<float>& parameter_gradient) const override {
    parameter_gradient = weight_gradient;
  }

 private:
  int count_;
};

/**
 * LoRA on full-rank attention (paper-spec §2): frozen weights [W_q, W_k, w_v] (AttentionShape layout,
 * W_q and W_k D x D) plus W_k += A B^T, and with `adapt_query` also W_q += C E^T; A, B, C, E are D x r.
 * Parameters: [A, B] or [A, B, C, E], row-major.
 */
class LoraParameterisation final : public Parameterisation {
 public:
  LoraParameterisation(int d, int rank, bool adapt_query, std::vector<float> frozen_weights);
  int parameter_count() const override;
  int weight_count() const override { return static_cast<int>(frozen_.size()); }
  void materialise(const std::vector<float>& parameters, std::vector<float>& weights) const override;
  void pull_back(const std::vector<float>& parameters, const std::vector<float>& weight_gradient,
                 std::vector<float>& parameter_gradient) const override;
  /** Initial adapters: the down factors A (and C) Gaussian, the up factors B (and E) zero, so W starts at the frozen
   * one. */
  std::vector<float> initial_parameters(const std::vector<float>& gaussian_draws, float init_std) const;

 private:
  int width_, rank_;
  bool adapt_query_;
  std::vector<float> frozen_;
};

}  // namespace icl
