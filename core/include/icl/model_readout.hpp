// A trained model's reduced form yhat = x^T W X^T (omega ⊙ y) (paper-spec §2) set beside the theory's
// W* and omega* (paper-spec §3): what the page's read-out view and its exports show. The raw read-outs
// come from each architecture's readout (arch/<name>/); this header stays free of the kernels so that the bindings can
// use it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "icl/result.hpp"
#include "icl/theory_curves.hpp"

namespace icl {

/**
 * The form is unchanged by W -> c W, omega -> omega / c, and W*, omega* fix that freedom by
 * mean(omega*) = 1; so the learned omega is divided by its mean (the scale) and W_eff multiplied by it,
 * which makes learned and optimal weights comparable entry by entry.
 */
struct ModelReadout {
  int n = 0;
  int d = 0;
  std::vector<double> preconditioner;     // W_eff * scale, d x d, row-major; raw W_eff when the scale is unusable
  std::vector<double> sample_weights;     // omega / scale, t = 0 the most recent; raw omega when the scale is unusable
  double sample_weight_scale = 0.0;       // mean of the raw omega (1 for attention); NaN when unusable
  std::optional<OptimalWeights> optimal;  // W*, omega* at this n; absent when the theory gives none
  std::string optimal_error;              // why `optimal` is absent; empty when it is present
  std::optional<double> relative_distance;  // ||W - W*||_F / ||W*||_F with W as above; absent when undefined
};

/** A mean of the raw sample weights within this of 0 (or not finite) gives no meaningful scale. */
inline constexpr double kMinSampleWeightScale = 1e-12;

/** ||a - b||_F / ||b||_F; absent when the sizes differ, they are empty, ||b|| is 0 or the ratio is not finite. */
std::optional<double> relative_frobenius_distance(const std::vector<double>& a, const std::vector<double>& b);

/**
 * The read-out of a model at context n from its raw W_eff (d x d) and omega (n weights), normalised as
 * ModelReadout says, compared with `optimal` (the theory's W* and omega*, or the reason there are none).
 */
ModelReadout normalise_readout(int n, int d, std::vector<double> effective_weights, std::vector<double> sample_weights,
                               Result<OptimalWeights> optimal);

}  // namespace icl
