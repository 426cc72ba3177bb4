#include "arch/architecture.hpp"

namespace icl {

const std::vector<const Architecture*>& architectures() {
  // One row per ModelKind, in its order.
  static const std::vector<const Architecture*> kArchitectures = {&attention_architecture(), &h3_architecture()};
  return kArchitectures;
}

const Architecture& architecture_for(ModelKind kind) { return *architectures()[static_cast<std::size_t>(kind)]; }

}  // namespace icl
