#pragma once
// Small helpers to build and read payloads with RapidJSON; field names come from
// occupancy/proto/contract.hpp (proto::fields::<schema>::<name>).
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace occupancy::contract {

/// Serialises a value as compact JSON.
std::string to_json(const rapidjson::Value& value);

/// A string value copied into the document's allocator.
rapidjson::Value json_string(std::string_view s, rapidjson::Document::AllocatorType& alloc);

/// Reads a string member that the schema already guaranteed.
inline std::string_view get_string(const rapidjson::Value& obj, const char* name) {
  const auto& v = obj[name];
  return {v.GetString(), v.GetStringLength()};
}

}  // namespace occupancy::contract
