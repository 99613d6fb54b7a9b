#pragma once
// Small helpers shared by unit tests (header-only; no broker, no database).
#include <rapidjson/document.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "occupancy/config/home_config.hpp"

namespace occupancy::testing {

/// No environment variables: tests see only what the config file says.
inline config::EnvLookup no_env() {
  return [](std::string_view) { return std::optional<std::string>{}; };
}

/// The shipped config/home.yaml (six rooms), loaded once.
inline const config::HomeConfig& default_home() {
  static const auto c = config::load_config(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml", no_env());
  return c;
}

/// Parses JSON a test expects to be valid.
inline rapidjson::Document parse_json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

/// A new, empty directory under the system's temp directory, unique to this call.
inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("occupancy-unit-" + name + "-XXXXXX")).string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

}  // namespace occupancy::testing
