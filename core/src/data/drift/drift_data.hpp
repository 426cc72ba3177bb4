// A drifting task (paper-spec §1f): every position has its own task, beta_{t+1} = gamma beta_t +
// sqrt(1 - gamma^2) eps_t with stationary N(0, I) marginals, so E[beta_i beta_j^T] = gamma^|i-j| I.
// x ~ N(0, I). The query's task is drawn first and the chain is walked backwards from it (a stationary
// Gaussian AR(1) is reversible), token t at lag t + 1, so the n tokens before the query have the right
// law for every n of a bank.
#pragma once

#include "data_model.hpp"

#include <cmath>
#include "token_draw.hpp"

namespace icl {

class DriftData final : public LaneDataModel<DriftData> {
 public:
  DriftData(int d, double gamma, double noise_variance)
      : d_(d),
        gamma_(static_cast<float>(gamma)),
        innovation_std_(static_cast<float>(std::sqrt(1.0 - gamma * gamma))),
        noise_std_(static_cast<float>(std::sqrt(noise_variance))) {}

  /** Fills every lane of the group (LaneDataModel calls it for both lane types). */
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    TokenScratch<V> s;
    draw_normals(gaussian, s.task, d_);  // the query's task
    const auto draw_token = [&](int first_slot) {
      draw_normals(gaussian, s.features, d_ + 1);
      store_token(group, first_slot, s.features, d_, dot(s.features, s.task, d_) + s.features[d_] * V(noise_std_));
    };
    draw_token(group.layout.query_slot(0));
    for (int t = 0; t < group.layout.max_n; ++t) {
      draw_normals(gaussian, s.query, d_);  // the innovation of this step back
      for (int f = 0; f < d_; ++f) s.task[f] = V(gamma_) * s.task[f] + V(innovation_std_) * s.query[f];
      draw_token(group.layout.slot(t, 0));
    }
  }

 private:
  int d_;
  float gamma_, innovation_std_, noise_std_;
};

}  // namespace icl
