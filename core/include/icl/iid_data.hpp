// IID Gaussian prompts (paper-spec §1 a-c): x ~ N(0, Sigma_x), beta ~ N(0, Sigma_beta) shared by the
// prompt, y = x^T beta + xi with xi ~ N(0, sigma^2), the query label included. Both covariances are
// diagonal, given by their spectra.
#pragma once

#include <vector>

#include "icl/data_model.hpp"

namespace icl {

class IidData final : public DataModel {
 public:
  IidData(int d, const std::vector<double>& x_spectrum, const std::vector<double>& task_spectrum,
          double noise_variance);

  void fill(GaussianStream<FloatBatch>& gaussian, PromptGroup<float>& group) const override {
    fill_lanes(gaussian, group);
  }
  void fill(GaussianStream<float>& gaussian, PromptGroup<float>& group) const override {
    fill_lanes(gaussian, group);
  }

 private:
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    using Traits = LaneTraits<V>;
    const PromptLayout& layout = group.layout;
    // Draw order: the task, the query, then the context tokens (see data_model.hpp). The features of a
    // token are drawn in pairs; the label noise takes the second half of the last pair when d is odd.
    V task[Config::kMaxDimension];
    for (int f = 0; f < d_; f += 2) {
      V first, second;
      gaussian.next_pair(first, second);
      task[f] = first * V(task_std_[f]);
      if (f + 1 < d_) task[f + 1] = second * V(task_std_[f + 1]);
    }
    const auto draw_token = [&](int first_slot) {
      V label = V(0.0f);
      V noise = V(0.0f);
      for (int f = 0; f < d_; f += 2) {
        V first, second;
        gaussian.next_pair(first, second);
        const V x = first * V(x_std_[f]);
        Traits::store(group.slot(first_slot + f), x);
        label = label + x * task[f];
        if (f + 1 < d_) {
          const V x_next = second * V(x_std_[f + 1]);
          Traits::store(group.slot(first_slot + f + 1), x_next);
          label = label + x_next * task[f + 1];
        } else {
          noise = second;
        }
      }
      if (d_ % 2 == 0) noise = gaussian.next();  // odd count: next() keeps the spare half for the next token
      Traits::store(group.slot(first_slot + d_), label + noise * V(noise_std_));
    };
    draw_token(layout.query_slot(0));
    for (int t = 0; t < layout.max_n; ++t) draw_token(layout.slot(t, 0));
  }

  int d_;
  std::vector<float> x_std_;
  std::vector<float> task_std_;
  float noise_std_;
};

}  // namespace icl
