#include <cmath>

#include "data/iid/iid_data.hpp"
#include "data/iid/iid_kind.hpp"

namespace icl {

IidData::IidData(int d, const std::vector<double>& x_spectrum, const std::vector<double>& task_spectrum,
                 double noise_variance)
    : d_(d), noise_std_(static_cast<float>(std::sqrt(noise_variance))) {
  for (int f = 0; f < d; ++f) {
    x_std_.push_back(static_cast<float>(std::sqrt(x_spectrum[f])));
    task_std_.push_back(static_cast<float>(std::sqrt(task_spectrum[f])));
  }
}

schema::Choice IidKind::choice() {
  return {kName, "IID",
          "$x_i \\sim \\mathcal N(0, \\Sigma_x)$, $\\beta \\sim \\mathcal N(0, \\Sigma_\\beta)$, independent tokens"};
}

// clang-format off
std::vector<schema::Field> IidKind::schema_fields() {
  using schema::Type;
  return {
      {"data.x_spectrum", Type::Spectrum, "feature covariance $\\Sigma_x$", "feature covariance Σx",
       "its eigenvalues: a named spectrum or d positive numbers", "data", &ranges::kEigenvalue, schema::kSpectrumChoices},
      {"data.task_spectrum", Type::Spectrum, "task covariance $\\Sigma_\\beta$", "task covariance Σβ",
       "its eigenvalues: a named spectrum or d positive numbers", "data", &ranges::kEigenvalue, schema::kSpectrumChoices},
  };
}
// clang-format on

std::string IidKind::read(ObjectReader& reader, int d, Section& section) {
  ICL_CHECK(reader.read_spectrum("x_spectrum", d, section.x_spectrum));
  return reader.read_spectrum("task_spectrum", d, section.task_spectrum);
}

void IidKind::write(const Section& section, OrderedJson& json) {
  json["x_spectrum"] = spectrum_to_json(section.x_spectrum);
  json["task_spectrum"] = spectrum_to_json(section.task_spectrum);
}

std::string IidKind::check(const Section& section, const Config& config) {
  // The online theory (paper-spec §3.4) is for isotropic features and tasks.
  const bool isotropic = section.x_spectrum.kind == SpectrumSpec::Kind::Isotropic &&
                         section.task_spectrum.kind == SpectrumSpec::Kind::Isotropic;
  if (config.objective == Objective::AllPositions && !isotropic) {
    return "objective \"all_positions\" needs data.kind \"iid\" with isotropic spectra";
  }
  return {};
}

std::vector<schema::Condition> IidKind::all_positions_when() {
  return {{"data.x_spectrum", {"isotropic"}}, {"data.task_spectrum", {"isotropic"}}};
}

std::unique_ptr<DataModel> IidKind::make_model(const Section& section, const Config& config) {
  return std::make_unique<IidData>(config.d, section.x_spectrum.eigenvalues(config.d),
                                   section.task_spectrum.eigenvalues(config.d), config.data.noise_variance);
}

}  // namespace icl
