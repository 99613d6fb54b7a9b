// Home Assistant's REST history (/api/history/period) and states (/api/states) bodies.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "occupancy/ingest/ha_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    (void)occupancy::ingest::parse_history(body);
  } catch (const std::runtime_error&) {  // the documented refusal of a malformed body
  }
  try {
    (void)occupancy::ingest::parse_states(body);
  } catch (const std::runtime_error&) {
  }
  (void)occupancy::ingest::parse_ha_time(body);
  return 0;
}
