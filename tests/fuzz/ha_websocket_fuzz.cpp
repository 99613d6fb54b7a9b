// Home Assistant WebSocket messages as the ingestor reads them: each input is one frame to the
// parser, then the same frame to an HaSession in every phase of its handshake and live. A
// frame may end the session (SessionEnded, the link reconnects), never anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "occupancy/ingest/ha_protocol.hpp"
#include "occupancy/ingest/ha_session.hpp"

using namespace occupancy::ingest;

namespace {

void feed(HaSession& s, std::string_view frame) {
  try {
    s.on_frame(frame, 1'767'225'600'000);
  } catch (const SessionEnded&) {  // the session closes: the link reconnects
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_ha_message(text);  // malformed input is a Kind::malformed, never a throw
  const std::string_view handshake[] = {R"({"type":"auth_required"})", R"({"type":"auth_ok"})",
                                        R"({"id":1,"type":"result","success":true,"result":null})"};
  for (std::size_t phase = 0; phase <= 3; ++phase) {  // before auth_required ... live
    HaSession s({"token", {"binary_sensor.a"}});
    s.connect();
    for (std::size_t i = 0; i < phase; ++i) feed(s, handshake[i]);
    if (phase == 3) {
      try {
        s.on_response(200, text);      // the same bytes as HA's /api/states answer
      } catch (const SessionEnded&) {  // a body that is not JSON states ends the session
      }
    }
    feed(s, text);
  }
  return 0;
}
