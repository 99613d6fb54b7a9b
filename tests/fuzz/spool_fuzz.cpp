// An archive spool file as a crash, a full disk or a hand edit may leave it: opening it cuts
// what is torn or corrupt, and each intact record is decoded as every archive's batch.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include "occupancy/store/clean_archive.hpp"
#include "occupancy/store/prediction_archive.hpp"
#include "occupancy/store/raw_archive.hpp"
#include "occupancy/store/spool.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy::store;
  static const std::string file = "/tmp/occupancy-spool-fuzz-" + std::to_string(::getpid()) + ".spool";
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  Spool spool(file);
  while (!spool.empty()) {
    const auto records = spool.peek(4096);
    for (const auto& r : records) {
      try {
        (void)RawBatch::from_record(r);
      } catch (const std::runtime_error&) {  // not a batch of this archive: set aside by the writer
      }
      try {
        (void)CleanBatch::from_record(r);
      } catch (const std::runtime_error&) {
      }
      try {
        (void)PredictionBatch::from_record(r);
      } catch (const std::runtime_error&) {
      }
    }
    spool.consume(records.size());
  }
  return 0;
}
