// The HTTP API's request handling: bytes parsed as the server parses them, then handled by the
// prediction API (token required, as a deployment with api_token has it).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "occupancy/http/request_parser.hpp"
#include "occupancy/publishing/prediction_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy;
  static const config::HomeConfig home = [] {
    std::ifstream in(OCCUPANCY_SOURCE_DIR "/config/home.yaml");
    std::stringstream text;
    text << in.rdbuf();
    const config::EnvLookup no_env = [](std::string_view) { return std::optional<std::string>{}; };
    auto c = config::parse_config(text.str(), "home.yaml", no_env);
    c.publisher.api_token = config::Secret("fuzz-token");
    return c;
  }();
  static publishing::LatestPredictions latest;
  static const bool filled = [] {
    Prediction p;
    p.room = home.rooms.front().id;
    p.ts = 1'790'000'000'000;
    p.occupancy = {{15, 0.4}, {120, 0.7}};
    latest.put(p);
    return true;
  }();
  (void)filled;
  const auto parsed = http::parse_request(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed.request) (void)publishing::handle_prediction_api(home, latest, *parsed.request);
  return 0;
}
