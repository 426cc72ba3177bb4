// A diagonal covariance given by its eigenvalues: the feature and task covariances of IID data, and
// the task covariance LoRA's frozen model was pretrained on.
#pragma once

#include <vector>

namespace icl {

struct SpectrumSpec {
  enum class Kind { Isotropic, PowerLaw, Explicit };
  Kind kind = Kind::Isotropic;
  std::vector<double> values;  // Explicit only: one positive value per dimension

  /** The d eigenvalues. PowerLaw is paper-spec §1c: lambda_i = d (1/i) / H_d, so the trace is d. */
  std::vector<double> eigenvalues(int d) const;
};

}  // namespace icl
