// Home Assistant WebSocket messages as the ingestor reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "occupancy/ingest/ha_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)occupancy::ingest::parse_ha_message(text);  // malformed input is a Kind::malformed, never a throw
  return 0;
}
