// The MQTT router's dispatch, for each channel: validation against the contract, then the
// typed reader a service's handler applies. Input: one byte choosing the channel, one byte of
// flags, then the payload (or, with flag 1, "topic\npayload" to try topics too).
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "occupancy/contract/messages.hpp"
#include "occupancy/runtime/router.hpp"

namespace {

using namespace occupancy;

struct NullTransport : runtime::Transport {
  void publish(const std::string&, const std::string&, int, bool) override {}
};

void read_typed(const runtime::Inbound& in) {
  const std::string_view name = in.channel.id;
  if (name == "raw" || name == "clean") (void)contract::reading_from_json(in.doc);
  if (name == "clock" || name == "settled") (void)contract::clock_from_json(in.doc);
  if (name == "state") (void)contract::room_state_from_json(in.doc);
  if (name == "features") (void)contract::features_from_json(in.doc);
  if (name == "prediction") (void)contract::prediction_from_json(in.doc);
  if (name == "request") (void)contract::control_request_from_json(in.doc);
  if (name == "settings" || name == "settings_set") (void)contract::room_settings_from_json(in.doc);
  if (name == "dlq") (void)contract::dead_letter_reason(in.doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static NullTransport transport;
  static runtime::Metrics metrics{"fuzz"};
  static runtime::Router* router = [] {
    spdlog::set_level(spdlog::level::off);  // a dead letter is logged; millions would only slow the run
    auto* r = new runtime::Router("fuzz", {{"home", "h1"}, {"discovery_prefix", "homeassistant"}}, transport, metrics);
    for (const auto* channel : proto::kChannels) r->on(*channel, read_typed);
    return r;
  }();
  if (size < 2) return 0;
  const auto* channel = proto::kChannels[data[0] % proto::kChannels.size()];
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string topic = router->topic(*channel, {{"room", "office"},
                                               {"zone", "desk"},
                                               {"entity_id", "binary_sensor.office_motion"},
                                               {"service", "cleaner"},
                                               {"device_id", "occupancy_h1_office"},
                                               {"action", "promote"}});
  if ((data[1] & 1) != 0) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return 0;
    topic = std::string(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  router->dispatch(topic, rest);  // never throws; a refusal goes to the dead-letter topic
  return 0;
}
