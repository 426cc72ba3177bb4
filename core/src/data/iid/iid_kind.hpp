// IID Gaussian prompts (paper-spec §1 a-c), the only kind whose theory covers factored attention (low
// rank, LoRA) and the online objective.
#pragma once

#include "data/data_kind.hpp"
#include "icl/data/iid.hpp"

namespace icl {

struct IidKind {
  static constexpr const char* kName = "iid";
  static constexpr TheoryScope kTheory{true, true};
  ICL_DATA_KIND_INTERFACE(data::Iid)
  /** The conditions on its own fields under which objective "all_positions" is offered. */
  static std::vector<schema::Condition> all_positions_when();
};

}  // namespace icl
