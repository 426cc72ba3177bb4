// Retrieval-augmented context (paper-spec §1d): the query x ~ N(0, I) and every context feature is
// correlated with it, x_i = a x + b g_i with g_i ~ N(0, I); beta ~ N(0, I); y_i = x_i^T beta + xi_i.
// (a, b) = (alpha, sqrt(1 - alpha^2)) by default, so that corr(x_ik, x_k) = alpha.
#pragma once

#include "data_model.hpp"

#include <cmath>
#include "token_draw.hpp"

namespace icl {

class RagData final : public LaneDataModel<RagData> {
 public:
  RagData(int d, double a, double b, double noise_variance)
      : d_(d),
        a_(static_cast<float>(a)),
        b_(static_cast<float>(b)),
        noise_std_(static_cast<float>(std::sqrt(noise_variance))) {}

  /** Fills every lane of the group (LaneDataModel calls it for both lane types). */
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    TokenScratch<V> s;
    draw_normals(gaussian, s.task, d_);
    draw_normals(gaussian, s.query, d_ + 1);  // the query features and its label noise
    store_token(group, group.layout.query_slot(0), s.query, d_, dot(s.query, s.task, d_) + s.query[d_] * V(noise_std_));
    for (int t = 0; t < group.layout.max_n; ++t) {
      draw_normals(gaussian, s.features, d_ + 1);
      for (int f = 0; f < d_; ++f) s.features[f] = V(a_) * s.query[f] + V(b_) * s.features[f];
      store_token(group, group.layout.slot(t, 0), s.features, d_,
                  dot(s.features, s.task, d_) + s.features[d_] * V(noise_std_));
    }
  }

 private:
  int d_;
  float a_, b_, noise_std_;
};

}  // namespace icl
