// The HA history CSV importer and the entities.csv mapping. Input: an entities.csv, a line
// "%%", then a history.csv; without "%%" the whole input is a history.csv for fixed entities.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "occupancy/history/csv_history.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy::history;
  static const EntityMap fixed = parse_entities_csv(
      "entity_id,room,zone,kind\n"
      "binary_sensor.office_motion,office,room,motion\n"
      "binary_sensor.bed_left,bedroom,bed_left,presence\n"
      "binary_sensor.front_door,hall,front_door,door\n",
      "fixed");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EntityMap entities = fixed;
  if (const auto split = text.find("\n%%\n"); split != std::string_view::npos) {
    try {
      entities = parse_entities_csv(text.substr(0, split), "fuzz");
    } catch (const std::runtime_error&) {  // an unusable entities.csv is refused as a whole
      return 0;
    }
    text.remove_prefix(split + 4);
  }
  try {
    (void)parse_history_csv(text, entities);  // bad rows are reported and skipped
  } catch (const std::runtime_error&) {       // only a file without a header is refused whole
  }
  return 0;
}
