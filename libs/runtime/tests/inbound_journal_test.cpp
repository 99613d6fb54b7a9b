#include "occupancy/runtime/inbound_journal.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::runtime;

namespace {

std::filesystem::path fresh(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("occupancy-journal-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir / "home-cleaner.inbox";
}

}  // namespace

TEST_CASE("what a killed run received and did not handle is handled by the next, in order, once", "[runtime]") {
  const auto path = fresh("replay");
  {
    InboundJournal j(path);
    CHECK(j.take_unfinished().empty());
    for (int i = 0; i < 5; ++i) j.append({"t/" + std::to_string(i), "payload " + std::to_string(i), i == 0});
    j.handled();
    j.handled();  // two handled; the process dies here (nothing else is written at exit)
  }
  {
    InboundJournal j(path);
    auto left = j.take_unfinished();
    REQUIRE(left.size() == 3);
    CHECK(left[0].topic == "t/2");
    CHECK(left[2].payload == "payload 4");
    CHECK_FALSE(left[0].retained);
    CHECK(j.pending() == 3);
    j.append({"t/5", "new", false});  // received while the old ones wait: after them
    for (int i = 0; i < 4; ++i) j.handled();
    CHECK(j.pending() == 0);
  }
  InboundJournal j(path);
  CHECK(j.take_unfinished().empty());  // each message once
}

TEST_CASE("a record cut short by a kill mid-write is dropped, the rest is kept", "[runtime]") {
  const auto path = fresh("torn");
  {
    InboundJournal j(path);
    j.append({"a", "first", false});
    j.append({"b", "second", false});
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  {
    InboundJournal j(path);
    const auto left = j.take_unfinished();
    REQUIRE(left.size() == 1);
    CHECK(left[0].payload == "first");
    j.append({"c", "third", false});  // written after the cut: readable
  }
  InboundJournal j(path);
  const auto left = j.take_unfinished();
  REQUIRE(left.size() == 2);
  CHECK(left[1].payload == "third");
}

TEST_CASE("the journal starts again once everything in it is handled and it grew past its threshold", "[runtime]") {
  const auto path = fresh("compact");
  {
    InboundJournal j(path, 100);
    for (int i = 0; i < 10; ++i) j.append({"topic", std::string(20, 'x'), false});
    for (int i = 0; i < 9; ++i) j.handled();
    CHECK(std::filesystem::file_size(path) > 100);  // one still pending: kept
    j.handled();
    CHECK(std::filesystem::file_size(path) == 0);
    j.append({"topic", "after", false});
  }
  InboundJournal j(path, 100);
  const auto left = j.take_unfinished();
  REQUIRE(left.size() == 1);
  CHECK(left[0].payload == "after");
}

TEST_CASE("a journal that cannot be opened is an error naming the file", "[runtime]") {
  CHECK_THROWS_WITH(InboundJournal("/proc/no/such/dir/x.inbox"), Catch::Contains("/proc/no/such/dir/x.inbox"));
}
