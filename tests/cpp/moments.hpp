// Running mean and standard error of a sampled quantity, for "within k standard errors" assertions.
#pragma once

#include <cmath>

namespace icl::testing_support {

class MomentAccumulator {
 public:
  void add(double value) {
    ++count_;
    const double delta = value - mean_;
    mean_ += delta / count_;
    sum_squares_ += delta * (value - mean_);
  }
  double mean() const { return mean_; }
  double standard_error() const { return std::sqrt(sum_squares_ / (count_ - 1) / count_); }
  /** How many standard errors the sample mean lies from `expected`. */
  double z_score(double expected) const { return std::abs(mean_ - expected) / standard_error(); }

 private:
  long long count_ = 0;
  double mean_ = 0.0;
  double sum_squares_ = 0.0;
};

}  // namespace icl::testing_support
