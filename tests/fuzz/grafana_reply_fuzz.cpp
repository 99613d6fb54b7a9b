// Whatever a Grafana (or something posing as one) answers to `occupancy grafana push`: every
// call gets a slice of the input as its body, with a status from the input too. The push must
// report, never crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "occupancy/grafana/dashboard_push.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy::grafana;
  static const std::vector<Dashboard> dashboards = load_dashboards();
  static const int statuses[] = {200, 404, 200, 412, 401, 500, 200, 200};
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::size_t at = 0, call = 0;
  const Transport grafana = [&](const Call&) {
    const auto end = std::min(input.size(), input.find('\x1e', at));  // bodies separated by RS
    Reply r{statuses[(call++ + (size ? data[0] : 0)) % 8], input.substr(at, end - at)};
    at = end < input.size() ? end + 1 : end;
    return r;
  };
  (void)push(dashboards, "Occupancy", grafana);
  return 0;
}
