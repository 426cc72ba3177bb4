// Label-flip noise: IID prompts whose context labels change sign with probability p. Sign flips keep
// the symmetry (beta, xi) -> -(beta, xi) of paper-spec §3.3, so attention's optimum is still the best
// preconditioned GD, and they are exchangeable, so H3's best filter weighs tokens equally.
#pragma once

#include "data/data_kind.hpp"
#include "icl/data/label_flip.hpp"

namespace icl {

struct LabelFlipKind {
  static constexpr const char* kName = "label_flip";
  static constexpr TheoryScope kTheory{};
  ICL_DATA_KIND_INTERFACE(data::LabelFlip)
};

}  // namespace icl
