#include "occupancy/runtime/logging.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("JSON log lines escape the message", "[logging]") {
  CHECK(runtime::json_escape("a \"b\"\n\\c\x01") == "a \\\"b\\\"\\n\\\\c\\u0001");
}

TEST_CASE("unknown log levels and formats are refused", "[logging]") {
  CHECK_THROWS_WITH(runtime::setup_logging("t", {"loud", "text"}), Catch::Contains("unknown log level 'loud'"));
  CHECK_THROWS_WITH(runtime::setup_logging("t", {"info", "xml"}), Catch::Contains("unknown log format 'xml'"));
  CHECK_NOTHROW(runtime::setup_logging("t", {"off", "json"}));
}
