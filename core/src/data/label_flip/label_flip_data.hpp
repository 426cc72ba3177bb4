// The generator of label-flip data: IID tokens as IidData draws them, then each context label's sign
// flipped when a uniform draw falls below the flip probability.
#pragma once

#include <cmath>
#include <vector>

#include "data_model.hpp"
#include "token_draw.hpp"

namespace icl {

/**
 * The probability with which the generator flips a label: the uniform draw u = j / 2^23 (j uniform in
 * 0..2^23 - 1) is compared with p in float, so P(u < float(p)) = ceil(float(p) 2^23) / 2^23. The theory
 * uses this exact value (it differs from p by less than 2^-23).
 */
inline double realised_flip_probability(double p) {
  const double scaled = static_cast<double>(static_cast<float>(p)) * 8388608.0;
  return std::ceil(scaled) / 8388608.0;
}

class LabelFlipData final : public LaneDataModel<LabelFlipData> {
 public:
  LabelFlipData(int d, const std::vector<double>& x_spectrum, const std::vector<double>& task_spectrum,
                double noise_variance, double flip_probability)
      : d_(d),
        noise_std_(static_cast<float>(std::sqrt(noise_variance))),
        flip_probability_(static_cast<float>(flip_probability)) {
    for (int f = 0; f < d; ++f) {
      x_std_.push_back(static_cast<float>(std::sqrt(x_spectrum[f])));
      task_std_.push_back(static_cast<float>(std::sqrt(task_spectrum[f])));
    }
  }

  /** Fills every lane of the group (LaneDataModel calls it for both lane types). */
  template <class V>
  void fill_lanes(GaussianStream<V>& gaussian, PromptGroup<float>& group) const {
    TokenScratch<V> s;
    draw_normals(gaussian, s.task, d_);
    for (int f = 0; f < d_; ++f) s.task[f] = s.task[f] * V(task_std_[f]);
    const auto draw_token = [&](int first_slot, bool corrupted) {
      draw_normals(gaussian, s.features, d_ + 1);
      for (int f = 0; f < d_; ++f) s.features[f] = s.features[f] * V(x_std_[f]);
      const V label = dot(s.features, s.task, d_) + s.features[d_] * V(noise_std_);
      if (!corrupted) return store_token(group, first_slot, s.features, d_, label);
      const V flip = gaussian.next_uniform();
      store_token(group, first_slot, s.features, d_, select(flip < V(flip_probability_), -label, label));
    };
    draw_token(group.layout.query_slot(0), false);
    for (int t = 0; t < group.layout.max_n; ++t) draw_token(group.layout.slot(t, 0), true);
  }

 private:
  int d_;
  std::vector<float> x_std_;
  std::vector<float> task_std_;
  float noise_std_;
  float flip_probability_;
};

}  // namespace icl
