#include "data/label_flip/label_flip_data.hpp"
#include "data/label_flip/label_flip_kind.hpp"
#include "data/spectra.hpp"

namespace icl {
namespace {

constexpr ranges::Range kFlipProbability{0, false, 1, false};

}  // namespace

schema::Choice LabelFlipKind::choice() {
  return {kName, "label-flip noise",
          "IID tokens whose context labels change sign with probability $p$: $y_i = s_i (x_i^\\top\\beta + \\xi_i)$"};
}

// clang-format off
std::vector<schema::Field> LabelFlipKind::schema_fields() {
  using schema::Type;
  std::vector<schema::Field> fields = spectra_schema_fields();
  fields.push_back(
      {"data.flip_probability", Type::Number, "flip probability $p$", "flip probability p",
       "chance that a context label's sign is flipped; the query's label stays clean", "data", &kFlipProbability});
  return fields;
}
// clang-format on

std::string LabelFlipKind::read(ObjectReader& reader, int d, Section& section) {
  ICL_CHECK(read_spectra(reader, d, section.x_spectrum, section.task_spectrum));
  return reader.read_number("flip_probability", kFlipProbability, section.flip_probability);
}

void LabelFlipKind::write(const Section& section, OrderedJson& json) {
  write_spectra(section.x_spectrum, section.task_spectrum, json);
  json["flip_probability"] = section.flip_probability;
}

std::string LabelFlipKind::check(const Section&, const Config&) { return {}; }

std::unique_ptr<DataModel> LabelFlipKind::make_model(const Section& section, const Config& config) {
  return std::make_unique<LabelFlipData>(config.d, section.x_spectrum.eigenvalues(config.d),
                                         section.task_spectrum.eigenvalues(config.d), config.data.noise_variance,
                                         section.flip_probability);
}

}  // namespace icl
