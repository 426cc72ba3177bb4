#include "icl/model_readout.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace icl {

std::optional<double> relative_frobenius_distance(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return std::nullopt;
  double difference = 0.0, reference = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference += (a[i] - b[i]) * (a[i] - b[i]);
    reference += b[i] * b[i];
  }
  const double ratio = std::sqrt(difference) / std::sqrt(reference);
  // `reference > 0` is false for NaN too.
  if (!(reference > 0) || !std::isfinite(ratio)) return std::nullopt;
  return ratio;
}

ModelReadout normalise_readout(int n, int d, std::vector<double> effective_weights, std::vector<double> sample_weights,
                               Result<OptimalWeights> optimal) {
  ModelReadout out;
  out.n = n;
  out.d = d;
  double scale = std::numeric_limits<double>::quiet_NaN();
  if (!sample_weights.empty()) {
    double sum = 0.0;
    for (const double w : sample_weights) sum += w;
    scale = sum / static_cast<double>(sample_weights.size());
  }
  // Dividing by a mean of (nearly) zero would make the weights meaningless: they stay raw, and the NaN scale says so.
  if (std::isfinite(scale) && std::abs(scale) > kMinSampleWeightScale) {
    for (double& w : sample_weights) w /= scale;
    for (double& w : effective_weights) w *= scale;
    out.sample_weight_scale = scale;
  } else {
    out.sample_weight_scale = std::numeric_limits<double>::quiet_NaN();
  }
  out.preconditioner = std::move(effective_weights);
  out.sample_weights = std::move(sample_weights);
  if (optimal.ok()) {
    out.relative_distance = relative_frobenius_distance(out.preconditioner, optimal.value().preconditioner);
    out.optimal = std::move(optimal.value());
  } else {
    out.optimal_error = optimal.error();
  }
  return out;
}

}  // namespace icl
