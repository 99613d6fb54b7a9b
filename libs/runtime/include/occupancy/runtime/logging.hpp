#pragma once
// spdlog set-up: human-readable lines or JSON lines (one object per line), level from config.
#include <string>
#include <string_view>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/step.hpp"

namespace occupancy::runtime {

/// Configures the default logger for `service`. Throws std::invalid_argument on an unknown
/// level or format.
void setup_logging(std::string_view service, const config::LoggingSettings& settings);

/// Escapes text for a JSON string (used by the JSON line format).
std::string json_escape(std::string_view text);

/// Writes a line a core returned (contract::LogLine) at its level.
void log_line(const contract::LogLine& line);

/// While it lives, this thread's log lines name `trace_id` (JSON lines: a "trace_id" member;
/// text lines: "trace=<id>" at the end), so `grep <id>` over every service's log follows one
/// sensor change. The router opens one around the handler of a message that carries a trace id
/// and around publishing one. Scopes nest; an empty id names none.
class TraceScope {
 public:
  explicit TraceScope(std::string_view trace_id);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  std::string previous_;
};

/// The trace id this thread's log lines name now (empty: none).
std::string_view current_trace_id();

}  // namespace occupancy::runtime
