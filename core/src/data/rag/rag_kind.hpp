// Retrieval-augmented context (paper-spec §1d): the context tokens are retrieved near the query.
#pragma once

#include "data/data_kind.hpp"
#include "icl/data/rag.hpp"

namespace icl {

struct RagKind {
  static constexpr const char* kName = "rag";
  static constexpr TheoryScope kTheory{};
  ICL_DATA_KIND_INTERFACE(data::Rag)
};

}  // namespace icl
