#include "data/drift/drift_data.hpp"
#include "data/drift/drift_kind.hpp"

namespace icl {
namespace {

constexpr ranges::Range kGamma{0, false, ranges::kMaxBelowOne, false};

}  // namespace

schema::Choice DriftKind::choice() {
  return {kName, "drifting task",
          "the task drifts along the prompt (AR(1)), correlation $\\gamma$ between neighbouring positions"};
}

std::vector<schema::Field> DriftKind::schema_fields() {
  return {{"data.gamma", schema::Type::Number, "drift correlation $\\gamma$", "drift correlation γ",
           "correlation of the task between neighbouring positions", "data", &kGamma}};
}

std::string DriftKind::read(ObjectReader& reader, int, Section& section) {
  return because(reader.read_number("gamma", kGamma, section.gamma), ranges::kBelowOneReason);
}

void DriftKind::write(const Section& section, OrderedJson& json) { json["gamma"] = section.gamma; }

std::string DriftKind::check(const Section&, const Config&) { return {}; }

std::unique_ptr<DataModel> DriftKind::make_model(const Section& section, const Config& config) {
  return std::make_unique<DriftData>(config.d, section.gamma, config.data.noise_variance);
}

}  // namespace icl
