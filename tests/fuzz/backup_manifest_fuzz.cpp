// A backup's manifest.json as a damaged or hand-made backup may carry it: parsed, or refused
// with std::runtime_error; what parses writes back to the same digests.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "occupancy/store/backup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy::store;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto digests = digests_from_json(text);
    if (digests_from_json(digests_to_json(digests, "t")) != digests) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
