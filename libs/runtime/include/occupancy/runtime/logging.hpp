#pragma once
// spdlog set-up: human-readable lines or JSON lines (one object per line), level from config.
#include <string_view>

#include "occupancy/config/home_config.hpp"

namespace occupancy::runtime {

/// Configures the default logger for `service`. Throws std::invalid_argument on an unknown
/// level or format.
void setup_logging(std::string_view service, const config::LoggingSettings& settings);

/// Escapes text for a JSON string (used by the JSON line format).
std::string json_escape(std::string_view text);

}  // namespace occupancy::runtime
