// One entry of the config schema (config_schema.cpp publishes them as JSON for the page's form): a
// field's path, type, labels, range, choices and the conditions under which it applies.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config_ranges.hpp"

namespace icl::schema {

using Json = nlohmann::ordered_json;

/** The field at `path` applies only when it has one of `values` (null: absent, true: present). */
struct Condition {
  const char* path;
  std::vector<Json> values;
};

struct Choice {
  const char* value;
  const char* label;  // plain text: it goes into an <option>
  const char* help = "";
  std::vector<Condition> when = {};
};

enum class Type { Integer, Number, Choice, Spectrum, Integers, Object };

struct Field {
  const char* path;
  Type type;
  const char* label;
  const char* plain_label;
  std::string help;
  const char* group;
  const ranges::Range* range = nullptr;
  std::vector<Choice> choices = {};
  std::vector<Condition> when = {};
  bool advanced = false;
  /** May be absent with no default (model.rank: absent is full rank). */
  bool optional = false;
};

inline const Json kAbsent = nullptr;
inline const Json kPresent = true;

inline const std::vector<Choice> kSpectrumChoices = {
    {"isotropic", "isotropic (identity)"},
    {"power_law", "power law, λᵢ ∝ 1/i", "$\\lambda_i = d\\,(1/i) / H_d$, so the trace is $d$"},
};

}  // namespace icl::schema
