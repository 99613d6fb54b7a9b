// An inbox journal as a kill, a full disk or a hand edit may leave it: the first 8 bytes are
// its `.done` counter, the rest the journal. Opening it cuts a torn record; what is read back
// is appended to and reported handled like live messages.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "occupancy/runtime/inbound_journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy::runtime;
  static const std::string file = "/tmp/occupancy-inbox-fuzz-" + std::to_string(::getpid()) + ".inbox";
  const std::size_t counter = size < 8 ? size : 8;
  std::ofstream(file + ".done", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(counter));
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + counter), static_cast<std::streamsize>(size - counter));
  InboundJournal journal(file, 4096);
  const auto left = journal.take_unfinished();
  journal.append({"occupancy/home/clock", R"({"ts":"2026-01-05T10:00:00.000Z"})", false, false});
  for (std::size_t i = 0; i <= left.size(); ++i) journal.handled();
  if (journal.pending() != 0) __builtin_trap();  // every message read back or appended is handled once
  return 0;
}
