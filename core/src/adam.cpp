#include "adam.hpp"

#include <cmath>

namespace icl {

Adam::Adam(std::size_t parameter_count, double beta1, double beta2, double epsilon)
    : beta1_(beta1),
      beta2_(beta2),
      epsilon_(epsilon),
      first_moment_(parameter_count, 0.0f),
      second_moment_(parameter_count, 0.0f) {}

void Adam::update(std::vector<float>& parameters, const std::vector<float>& gradient, double learning_rate) {
  ++steps_;
  // beta^t by repeated multiplication, not std::pow: libm's pow may differ in the last bit between
  // glibc and the wasm libc, and the same seed must give the same numbers natively and in wasm.
  beta1_power_ *= beta1_;
  beta2_power_ *= beta2_;
  // Bias corrections folded into the step size and epsilon (in double).
  const double correction1 = 1.0 - beta1_power_;
  const double correction2 = 1.0 - beta2_power_;
  const float step_size = static_cast<float>(learning_rate * std::sqrt(correction2) / correction1);
  const float epsilon = static_cast<float>(epsilon_ * std::sqrt(correction2));
  const float b1 = static_cast<float>(beta1_);
  const float b2 = static_cast<float>(beta2_);
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const float g = gradient[i];
    first_moment_[i] = b1 * first_moment_[i] + (1.0f - b1) * g;
    second_moment_[i] = b2 * second_moment_[i] + (1.0f - b2) * g * g;
    parameters[i] -= step_size * first_moment_[i] / (std::sqrt(second_moment_[i]) + epsilon);
  }
}

}  // namespace icl
