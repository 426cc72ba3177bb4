// Task-feature alignment (paper-spec §1e): beta ~ N(0, I) and the context features lean towards it,
// x_i = a beta + b g_i, (a, b) = (alpha, sqrt(1 - alpha^2)). Variant B (default): the query is
// isotropic, x ~ N(0, I). Variant A: the query is aligned too, x = a beta + b g_0.
#pragma once

#include "data_model.hpp"

#include <cmath>
#include "token_draw.hpp"

namespace icl {

class AlignmentData final : public LaneDataModel<AlignmentData> {
 public:
  AlignmentData(int d, double a, double b, double noise_variance, bool aligned_query)
      : d_(d),
        a_(static_cast<float>(a)),
        b_(static_cast<float>(b)),
        noise_std_(static_cast<float>(std::sqrt(noise_variance))),
        aligned_query_(aligned_query) {}

  /** Fills every lane of the group (LaneDataModel calls it for both lane types). */
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    TokenScratch<V> s;
    draw_normals(gaussian, s.task, d_);
    const auto draw_token = [&](int first_slot, bool aligned) {
      draw_normals(gaussian, s.features, d_ + 1);
      if (aligned) {
        for (int f = 0; f < d_; ++f) s.features[f] = V(a_) * s.task[f] + V(b_) * s.features[f];
      }
      store_token(group, first_slot, s.features, d_, dot(s.features, s.task, d_) + s.features[d_] * V(noise_std_));
    };
    draw_token(group.layout.query_slot(0), aligned_query_);
    for (int t = 0; t < group.layout.max_n; ++t) draw_token(group.layout.slot(t, 0), true);
  }

 private:
  int d_;
  float a_, b_, noise_std_;
  bool aligned_query_;
};

}  // namespace icl
