// The schema of the config, published as data: every field with its path, type, allowed range,
// choices, default, label and help, and when it applies. The page generates its form and reads its
// links from it, and the tests check the typings against it, so nothing outside the core restates a
// field, a range or a default.
#pragma once

#include <string>

namespace icl {

/**
 * The schema as JSON text: {"version", "fields": [...]}. Each field has "path" ("data.alpha"),
 * "type" ("integer", "number", "choice", "spectrum", "integers" or "object"), "label" (TeX between
 * $...$), "plainLabel", "help", "group", "advanced", "optional", "default" (null when absent by
 * default), "when" ({path: [values]}: the field applies only when each listed field has one of the
 * values; null stands for absent, true for present), and by type "range" ({min, minOpen, max,
 * maxOpen, maxAboveD}), "choices" ([{value, label, help, when}]), "items" and "length".
 */
std::string config_schema_json();

}  // namespace icl
