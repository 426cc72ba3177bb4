#include "data/spectra.hpp"

namespace icl {

// clang-format off
std::vector<schema::Field> spectra_schema_fields() {
  using schema::Type;
  return {
      {"data.x_spectrum", Type::Spectrum, "feature covariance $\\Sigma_x$", "feature covariance Σx",
       "its eigenvalues: a named spectrum or d positive numbers", "data", &ranges::kEigenvalue, schema::kSpectrumChoices},
      {"data.task_spectrum", Type::Spectrum, "task covariance $\\Sigma_\\beta$", "task covariance Σβ",
       "its eigenvalues: a named spectrum or d positive numbers", "data", &ranges::kEigenvalue, schema::kSpectrumChoices},
  };
}
// clang-format on

std::string read_spectra(ObjectReader& reader, int d, SpectrumSpec& x_spectrum, SpectrumSpec& task_spectrum) {
  ICL_CHECK(reader.read_spectrum("x_spectrum", d, x_spectrum));
  return reader.read_spectrum("task_spectrum", d, task_spectrum);
}

void write_spectra(const SpectrumSpec& x_spectrum, const SpectrumSpec& task_spectrum, OrderedJson& json) {
  json["x_spectrum"] = spectrum_to_json(x_spectrum);
  json["task_spectrum"] = spectrum_to_json(task_spectrum);
}

}  // namespace icl
