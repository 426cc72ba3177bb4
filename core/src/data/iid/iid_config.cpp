#include <cmath>

#include "data/iid/iid_data.hpp"
#include "data/iid/iid_kind.hpp"
#include "data/spectra.hpp"

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

std::vector<schema::Field> IidKind::schema_fields() { return spectra_schema_fields(); }

std::string IidKind::read(ObjectReader& reader, int d, Section& section) {
  return read_spectra(reader, d, section.x_spectrum, section.task_spectrum);
}

void IidKind::write(const Section& section, OrderedJson& json) {
  write_spectra(section.x_spectrum, section.task_spectrum, json);
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
