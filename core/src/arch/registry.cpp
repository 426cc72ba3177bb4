#include "arch/architecture.hpp"

namespace icl {

// Each defined in its folder's <name>_architecture.cpp.
const Architecture& attention_architecture();
const Architecture& h3_architecture();

const std::vector<const Architecture*>& architectures() {
  // One row per alternative of ModelSection (icl/model_kinds.hpp), in its order.
  static const std::vector<const Architecture*> kArchitectures = {&attention_architecture(), &h3_architecture()};
  return kArchitectures;
}

const Architecture& architecture_for(const ModelConfig& model) { return *architectures()[model.section.index()]; }

}  // namespace icl
