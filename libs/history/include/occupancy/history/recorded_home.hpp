#pragma once
// A recorded home as shipped for development (../shared/data/<home>/): history.csv in HA's
// export format, entities.csv, and a SOURCE.md that names the home's time zone in prose.
#include <filesystem>
#include <optional>
#include <string>

namespace occupancy::history {

struct RecordedHome {
  std::string name;  // the folder's name
  std::filesystem::path history, entities;
  std::string tz;  // IANA zone
};

/// The first IANA zone name (Area/Location) on a line that mentions a time zone, e.g.
/// "The home's local time zone is America/Los_Angeles" or "Time zone: **Europe/Madrid**".
std::optional<std::string> zone_named_in(const std::string& text);

/// Reads a recorded home's folder. `tz`: the zone to use (empty: the one SOURCE.md names).
/// Throws std::runtime_error naming the missing file or the zone that cannot be found.
RecordedHome read_recorded_home(const std::filesystem::path& dir, const std::string& tz = "");

}  // namespace occupancy::history
