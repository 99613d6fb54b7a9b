// The YAML home configuration (schema-checked; every problem is a ConfigError).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "occupancy/config/home_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const occupancy::config::EnvLookup no_env = [](std::string_view) { return std::optional<std::string>{}; };
  try {
    (void)occupancy::config::parse_config(text, "fuzz.yaml", no_env);
  } catch (const std::runtime_error&) {  // ConfigError and friends: a named, refused config
  }
  return 0;
}
