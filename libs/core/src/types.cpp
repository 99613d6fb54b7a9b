#include "occupancy/core/types.hpp"

namespace occupancy {

const char* to_string(SensorState s) {
  switch (s) {
    case SensorState::on:
      return "on";
    case SensorState::off:
      return "off";
    case SensorState::unavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::optional<SensorState> sensor_state_from(std::string_view s) {
  if (s == "on") return SensorState::on;
  if (s == "off") return SensorState::off;
  if (s == "unavailable") return SensorState::unavailable;
  return std::nullopt;
}

}  // namespace occupancy
