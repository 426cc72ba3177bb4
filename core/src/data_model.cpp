#include "icl/data_model.hpp"

#include <cmath>

#include "icl/alignment_data.hpp"
#include "icl/drift_data.hpp"
#include "icl/iid_data.hpp"
#include "icl/rag_data.hpp"

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
  const DataConfig& data = config.data;
  switch (data.kind) {
    case DataKind::Iid: break;
    case DataKind::Rag: return std::make_unique<RagData>(config.d, data.scale_a(), data.scale_b(), data.noise_variance);
    case DataKind::Alignment:
      return std::make_unique<AlignmentData>(config.d, data.scale_a(), data.scale_b(), data.noise_variance,
                                             data.query == AlignmentQuery::Aligned);
    case DataKind::Drift: return std::make_unique<DriftData>(config.d, data.gamma, data.noise_variance);
  }
  return std::make_unique<IidData>(config.d, data.x_spectrum.eigenvalues(config.d),
                                   data.task_spectrum.eigenvalues(config.d), data.noise_variance);
}

}  // namespace icl
