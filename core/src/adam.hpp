// Adam (Kingma and Ba) with bias correction, on a flat float parameter vector; no allocation per step.
#pragma once

#include <vector>

namespace icl {

class Adam {
 public:
  Adam() = default;
  Adam(std::size_t parameter_count, double beta1, double beta2, double epsilon);

  /** One update of `parameters` from `gradient` at the given learning rate. */
  void update(std::vector<float>& parameters, const std::vector<float>& gradient, double learning_rate);

  int steps() const { return steps_; }

 private:
  double beta1_ = 0.9, beta2_ = 0.999, epsilon_ = 1e-8;
  std::vector<float> first_moment_;
  std::vector<float> second_moment_;
  double beta1_power_ = 1.0;
  double beta2_power_ = 1.0;
  int steps_ = 0;
};

}  // namespace icl
