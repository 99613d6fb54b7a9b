#pragma once
// Event time: milliseconds since the Unix epoch, UTC. Every payload carries it as ISO 8601
// ("2026-11-28T07:32:53.123Z") so operators can read topics with mosquitto_sub.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace occupancy {

using Millis = std::int64_t;

inline constexpr Millis kMinute = 60'000;
inline constexpr Millis kDay = 24 * 60 * kMinute;

/// A duration in (fractional) seconds, as configs give them, in milliseconds.
constexpr Millis seconds_to_millis(double s) { return static_cast<Millis>(s * 1000.0); }

/// a / b rounded towards minus infinity (the day or slot a time before 1970 falls in, too).
constexpr long floor_div(Millis a, Millis b) { return static_cast<long>(a >= 0 ? a / b : -((-a + b - 1) / b)); }

/// Parses ISO 8601 UTC: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)"; a space may replace 'T'.
/// Returns nullopt for anything else (other offsets included: HA exports are UTC).
std::optional<Millis> parse_iso8601(std::string_view text);

/// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601(Millis t);

/// Wall-clock now, for receipt stamps and live-mode clock ticks only.
Millis wall_clock_now();

}  // namespace occupancy
