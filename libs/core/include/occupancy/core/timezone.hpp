#pragma once
// IANA time zones from the system's TZif files (/usr/share/zoneinfo, Debian's tzdata):
// g++ 12's <chrono> has no time-zone database yet. Handles the 64-bit transition table and,
// beyond it, the POSIX TZ rule in the file's footer.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/core/time.hpp"

namespace occupancy {

class TimeZone {
 public:
  /// Loads e.g. "Europe/Bucharest". Throws std::runtime_error naming the zone if unknown.
  static TimeZone load(std::string_view name);
  static TimeZone utc();

  const std::string& name() const;
  /// Seconds east of UTC at a UTC instant.
  int offset_seconds(Millis utc) const;
  Millis to_local(Millis utc) const { return utc + offset_seconds(utc) * Millis{1000}; }
  /// A local wall time to UTC. In a spring-forward gap the time is taken with the offset
  /// before the change (so it lands after the gap); in the autumn overlap, the first one.
  Millis from_local(Millis local) const;

 private:
  struct Data;
  std::shared_ptr<const Data> data_;
};

/// Local calendar helpers on a "local millis" value (to_local's result).
struct LocalTime {
  int year, month, day;  // calendar date
  int weekday;           // 0 = Monday ... 6 = Sunday
  int minute_of_day;     // 0..1439
};
LocalTime local_time(Millis local);
/// Local midnight of a calendar date, as local millis.
Millis local_midnight(int year, int month, int day);

}  // namespace occupancy
