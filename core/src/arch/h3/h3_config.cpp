#include "arch/h3/h3_config.hpp"

namespace icl::h3_config {
namespace {

using schema::Type;

constexpr std::pair<const char*, FilterKind> kFilters[] = {{"free", FilterKind::Free}, {"ssm", FilterKind::Ssm}};

}  // namespace

schema::Choice choice() {
  return {"h3", "H3 (gated convolution)", "a learned filter weighs each context token by its lag before the query"};
}

// clang-format off
std::vector<schema::Field> schema_fields() {
  return {
      {"model.filter", Type::Choice, "filter", "filter", "", "model", nullptr,
       {{"free", "free: one weight per lag"}, {"ssm", "diagonal SSM", "$f_k = \\sum_j c_j \\rho_j^k$"}},
       {{"model.kind", {"h3"}}}},
      {"model.ssm_states", Type::Integer, "SSM states $N$", "SSM states N", "", "model", &ranges::kSsmStates, {},
       {{"model.kind", {"h3"}}, {"model.filter", {"ssm"}}}},
  };
}
// clang-format on

std::string read(ObjectReader& reader, int d, arch::H3& model) {
  ICL_CHECK(reader.read_choice<FilterKind>("filter", kFilters, model.filter));
  if (model.filter == FilterKind::Ssm) return reader.read_int("ssm_states", ranges::kSsmStates, d, model.ssm_states);
  return reader.refuse("ssm_states", "with model.filter \"ssm\"");
}

void write(const Config& config, OrderedJson& json) {
  const arch::H3& model = std::get<arch::H3>(config.model.section);
  json["filter"] = choice_name(kFilters, model.filter);
  if (model.filter == FilterKind::Ssm) json["ssm_states"] = model.ssm_states;
}

std::vector<schema::Condition> all_positions_when() { return {{"model.filter", {"free", schema::kAbsent}}}; }

std::string check(const Config& config) {
  // The online theory (paper-spec §3.4) learns a free lag filter.
  if (config.objective == Objective::AllPositions &&
      std::get<arch::H3>(config.model.section).filter != FilterKind::Free) {
    return "objective \"all_positions\" needs model.filter \"free\"";
  }
  return {};
}

}  // namespace icl::h3_config
