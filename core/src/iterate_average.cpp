#include "icl/iterate_average.hpp"

#include <algorithm>

namespace icl {

void IterateAverage::reset(std::size_t size, Averaging kind, double ema_decay) {
  kind_ = kind;
  ema_decay_ = ema_decay;
  count_ = 0;
  average_.assign(kind == Averaging::None ? 0 : size, 0.0);
}

void IterateAverage::observe(const std::vector<float>& parameters) {
  if (kind_ == Averaging::None) return;
  ++count_;
  // The first iterate starts either average; then the tail weighs all alike, the EMA the recent ones more.
  const double weight = count_ == 1                ? 1.0
                        : kind_ == Averaging::Tail ? 1.0 / static_cast<double>(count_)
                                                   : 1.0 - ema_decay_;
  for (std::size_t i = 0; i < average_.size(); ++i) {
    average_[i] += weight * (static_cast<double>(parameters[i]) - average_[i]);
  }
}

void IterateAverage::write(std::vector<float>& out) const {
  std::transform(average_.begin(), average_.end(), out.begin(), [](double value) { return static_cast<float>(value); });
}

}  // namespace icl
