// IID Gaussian prompts (paper-spec §1 a-c): x ~ N(0, Sigma_x), beta ~ N(0, Sigma_beta) shared by the
// prompt, y = x^T beta + xi with xi ~ N(0, sigma^2), the query label included. Both covariances are
// diagonal, given by their spectra.
#pragma once

#include <vector>

#include "data_model.hpp"
#include "token_draw.hpp"

namespace icl {

class IidData final : public LaneDataModel<IidData> {
 public:
  IidData(int d, const std::vector<double>& x_spectrum, const std::vector<double>& task_spectrum,
          double noise_variance);

  /** Fills every lane of the group (LaneDataModel calls it for both lane types). */
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    TokenScratch<V> s;
    draw_normals(gaussian, s.task, d_);
    for (int f = 0; f < d_; ++f) s.task[f] = s.task[f] * V(task_std_[f]);
    const auto draw_token = [&](int first_slot) {
      draw_normals(gaussian, s.features, d_ + 1);
      for (int f = 0; f < d_; ++f) s.features[f] = s.features[f] * V(x_std_[f]);
      store_token(group, first_slot, s.features, d_, dot(s.features, s.task, d_) + s.features[d_] * V(noise_std_));
    };
    draw_token(group.layout.query_slot(0));
    for (int t = 0; t < group.layout.max_n; ++t) draw_token(group.layout.slot(t, 0));
  }

 private:
  int d_;
  std::vector<float> x_std_;
  std::vector<float> task_std_;
  float noise_std_;
};

}  // namespace icl
