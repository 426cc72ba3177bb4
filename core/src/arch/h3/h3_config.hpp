// H3's part of the config: model.filter and model.ssm_states.
#pragma once

#include <string>
#include <vector>

#include "config_reader.hpp"
#include "icl/config.hpp"
#include "schema_field.hpp"

namespace icl::h3_config {

schema::Choice choice();
std::vector<schema::Field> schema_fields();
std::string read(ObjectReader& reader, int d, arch::H3& model);
void write(const Config& config, OrderedJson& json);
std::string check(const Config& config);
/** Where objective "all_positions" is offered: the free filter (what check asks). */
std::vector<schema::Condition> all_positions_when();

}  // namespace icl::h3_config
