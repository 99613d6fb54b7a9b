#include "occupancy/store/spool.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "unit_helpers.hpp"

using namespace occupancy;
using store::Spool;

namespace {

std::string file_text(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a spool gives back its records in order, across a reopen, and empties itself once replayed") {
  const auto file = testing::fresh_temp_dir("spool_order") / "sub" / "home-ingestor.spool";  // its directory is created
  {
    Spool s(file);
    CHECK(s.empty());
    s.append(R"({"a":1})");
    s.append(R"({"b":"two words"})");
    s.append(R"({"c":3})");
    CHECK(s.pending_bytes() == std::filesystem::file_size(file));
  }
  Spool s(file);
  CHECK(s.discarded_bytes() == 0);
  const auto first = s.peek(1);  // a budget below one record still gives one
  REQUIRE(first.size() == 1);
  CHECK(first[0] == R"({"a":1})");
  s.consume(1);
  const auto rest = s.peek(1 << 20);
  REQUIRE(rest.size() == 2);
  CHECK(rest[1] == R"({"c":3})");
  CHECK_FALSE(s.empty());
  s.consume(2);
  CHECK(s.empty());
  CHECK(std::filesystem::file_size(file) == 0);  // the disk space is given back
  CHECK(s.peek(100).empty());
}

TEST_CASE("a spool cuts a torn last record (a crash mid-append) and a corrupt one, and counts the bytes") {
  const auto file = testing::fresh_temp_dir("spool_torn") / "x.spool";
  {
    Spool s(file);
    s.append("kept");
  }
  const auto good = std::filesystem::file_size(file);
  {
    std::ofstream(file, std::ios::app) << "0000 half a rec";  // no newline: torn
  }
  {
    Spool s(file);
    CHECK(s.discarded_bytes() == 15);
    CHECK(std::filesystem::file_size(file) == good);
    s.append("after");
  }
  std::string text = file_text(file);
  text[text.size() - 3] ^= 1;  // a flipped bit in the last record: its checksum fails
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  Spool s(file);
  CHECK(s.discarded_bytes() > 0);
  const auto records = s.peek(1 << 20);
  REQUIRE(records.size() == 1);
  CHECK(records[0] == "kept");
}

TEST_CASE("a spool on a full disk refuses an append with the cause, and keeps what it had") {
  SECTION("/dev/full: every write fails with ENOSPC") {
    Spool s("/dev/full");
    try {
      s.append("x");
      FAIL("append on a full disk succeeded");
    } catch (const store::SpoolError& e) {
      CHECK_THAT(e.what(), Catch::Contains("/dev/full") && Catch::Contains("No space left on device"));
    }
    CHECK(s.empty());
  }
  SECTION("a record holding a newline is the caller's bug") {
    Spool s(testing::fresh_temp_dir("spool_nl") / "x.spool");
    CHECK_THROWS_AS(s.append("a\nb"), std::invalid_argument);
    CHECK(s.empty());
  }
}
