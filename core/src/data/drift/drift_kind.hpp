// The drifting task (paper-spec §1f): H3 can learn the optimal sample weights, attention weighs all
// tokens equally.
#pragma once

#include "data/data_kind.hpp"
#include "icl/data/drift.hpp"

namespace icl {

struct DriftKind {
  static constexpr const char* kName = "drift";
  static constexpr TheoryScope kTheory{};
  ICL_DATA_KIND_INTERFACE(data::Drift)
};

}  // namespace icl
