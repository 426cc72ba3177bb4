// The feature and task spectra that IID-like data kinds (iid, label_flip) share: their schema entries,
// reader and writer. One path per field, so the form shows one control for both kinds.
#pragma once

#include <string>
#include <vector>

#include "config_reader.hpp"
#include "icl/spectrum.hpp"
#include "schema_field.hpp"

namespace icl {

/** data.x_spectrum and data.task_spectrum. */
std::vector<schema::Field> spectra_schema_fields();
std::string read_spectra(ObjectReader& reader, int d, SpectrumSpec& x_spectrum, SpectrumSpec& task_spectrum);
void write_spectra(const SpectrumSpec& x_spectrum, const SpectrumSpec& task_spectrum, OrderedJson& json);

}  // namespace icl
