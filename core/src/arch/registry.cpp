#include "arch/architecture.hpp"

#include <array>

namespace icl {

const Architecture& architecture_for(ModelKind kind) {
  // One row per ModelKind, in its order.
  static const std::array<const Architecture*, 2> kArchitectures = {&attention_architecture(), &h3_architecture()};
  return *kArchitectures[static_cast<std::size_t>(kind)];
}

}  // namespace icl
