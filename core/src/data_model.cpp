#include "data_model.hpp"

#include "data/registry.hpp"

namespace icl {

std::unique_ptr<DataModel> make_data_model(const Config& config) {
  return visit_data_kind(config.data, [&](auto kind, const auto& section) { return kind.make_model(section, config); });
}

}  // namespace icl
