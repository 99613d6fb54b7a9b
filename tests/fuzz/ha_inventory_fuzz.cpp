// Whatever a Home Assistant (or something posing as one) answers to `occupancy config init`:
// the input, split at RS characters, is the results of its five commands. The reader either
// refuses with an InventoryError or yields an inventory; a proposal from any inventory that has
// a room must be a home config that loads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/setup/home_proposal.hpp"
#include "occupancy/setup/inventory_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy;
  const std::string input(reinterpret_cast<const char*>(data), size);
  setup::InventoryReader reader("token");
  try {
    reader.on_frame(R"({"type":"auth_ok","ha_version":"2025.1.0"})");
    std::size_t at = 0;
    for (int id = 1; id <= 5; ++id) {
      const auto end = std::min(input.size(), input.find('\x1e', at));
      const auto frame = R"({"id":)" + std::to_string(id) + R"(,"type":"result","success":true,"result":)" +
                         input.substr(at, end - at) + "}";
      at = end < input.size() ? end + 1 : end;
      if (!reader.on_frame(frame).done) continue;
      const auto proposal = setup::propose_home(reader.inventory(), {});
      if (proposal.rooms.empty()) return 0;
      // Throws (and the fuzzer reports it) if the proposal is not a valid home config.
      (void)config::parse_config(setup::render_yaml(proposal), "fuzz.yaml",
                                 [](std::string_view) { return std::optional<std::string>(); });
    }
  } catch (const setup::InventoryError&) {
  }
  return 0;
}
