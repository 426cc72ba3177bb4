// IID Gaussian prompts (paper-spec §1 a-c): x ~ N(0, Sigma_x), beta ~ N(0, Sigma_beta), both diagonal.
#pragma once

#include "icl/spectrum.hpp"

namespace icl::data {

struct Iid {
  SpectrumSpec x_spectrum;
  SpectrumSpec task_spectrum;
};

}  // namespace icl::data
