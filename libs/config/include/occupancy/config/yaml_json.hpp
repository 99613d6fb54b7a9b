#pragma once
// YAML is what people write; JSON Schema is what we validate with. This converts the one
// to the other, inferring YAML 1.2 core types for plain scalars (quoted ones stay strings).
#include <rapidjson/document.h>

#include <string_view>

namespace occupancy::config {

/// Throws std::runtime_error with line and column on a YAML syntax error.
rapidjson::Document yaml_to_json(std::string_view yaml_text);

}  // namespace occupancy::config
