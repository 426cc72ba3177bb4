// Linear attention's part of the config: model.rank, model.init and model.lora (its parameterisations).
#pragma once

#include <string>
#include <vector>

#include "config_reader.hpp"
#include "icl/config.hpp"
#include "schema_field.hpp"

namespace icl {

/** Attention's LoRA when the model is attention with LoRA on, else null. */
const LoraConfig* lora_of(const ModelConfig& model);

}  // namespace icl

namespace icl::attention_config {

schema::Choice choice();
std::vector<schema::Field> schema_fields(const schema::Condition& factored);
std::string read(ObjectReader& reader, int d, arch::Attention& model);
void write(const Config& config, OrderedJson& json);
std::string check(const Config& config);
/** Where objective "all_positions" is offered: full rank, no LoRA (what check asks). */
std::vector<schema::Condition> all_positions_when();

}  // namespace icl::attention_config
