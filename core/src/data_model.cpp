#include "icl/data_model.hpp"

#include <cmath>

#include "icl/iid_data.hpp"

namespace icl {

IidData::IidData(int d, const std::vector<double>& x_spectrum, const std::vector<double>& task_spectrum,
                 double noise_variance)
    : d_(d), noise_std_(static_cast<float>(std::sqrt(noise_variance))) {
  for (int f = 0; f < d; ++f) {
    x_std_.push_back(static_cast<float>(std::sqrt(x_spectrum[f])));
    task_std_.push_back(static_cast<float>(std::sqrt(task_spectrum[f])));
  }
}

std::unique_ptr<DataModel> make_data_model(const Config& config) {
  return std::make_unique<IidData>(config.d, config.data.x_spectrum.eigenvalues(config.d),
                                   config.data.task_spectrum.eigenvalues(config.d), config.data.noise_variance);
}

}  // namespace icl
