// A task that drifts along the prompt (paper-spec §1f) as an AR(1) with correlation gamma per position.
#pragma once

namespace icl::data {

struct Drift {
  double gamma = 0.9;
};

}  // namespace icl::data
