// Task-feature alignment (paper-spec §1e): the context features lean towards the task.
#pragma once

#include "data/data_kind.hpp"
#include "icl/data/alignment.hpp"

namespace icl {

struct AlignmentKind {
  static constexpr const char* kName = "alignment";
  static constexpr TheoryScope kTheory{};
  ICL_DATA_KIND_INTERFACE(data::Alignment)
};

}  // namespace icl
