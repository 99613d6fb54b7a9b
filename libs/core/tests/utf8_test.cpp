#include "occupancy/core/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using occupancy::invalid_utf8_at;

TEST_CASE("utf8: well-formed text passes, ASCII and multi-byte alike") {
  CHECK_FALSE(invalid_utf8_at(""));
  CHECK_FALSE(invalid_utf8_at("binary_sensor.office_motion"));
  CHECK_FALSE(invalid_utf8_at("Ordóñez, Küche, 客厅, \xF0\x9F\x90\x88"));  // cat emoji, 4 bytes
  CHECK_FALSE(invalid_utf8_at("\xF4\x8F\xBF\xBF"));                        // U+10FFFF, the last code point
}

TEST_CASE("utf8: the offset of the first bad byte is named") {
  CHECK(invalid_utf8_at("ab\xFF") == 2u);
  CHECK(invalid_utf8_at("a\xC3") == 1u);             // truncated two-byte sequence
  CHECK(invalid_utf8_at("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(invalid_utf8_at("\xE0\x80\xAF") == 0u);      // overlong, three bytes
  CHECK(invalid_utf8_at("x\xED\xA0\x80") == 1u);     // a UTF-16 surrogate
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0u);  // past U+10FFFF
  CHECK(invalid_utf8_at("\xE2\x82") == 0u);          // truncated at the end
  CHECK(invalid_utf8_at(std::string("ok\0\x80", 4)) == 3u);
}

TEST_CASE("utf8: refused text is shown with replacement characters", "[core]") {
  CHECK(occupancy::to_valid_utf8("ok") == "ok");
  CHECK(occupancy::to_valid_utf8("a\xFF"
                                 "b\xC3") ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD");
  CHECK_FALSE(invalid_utf8_at(occupancy::to_valid_utf8("\xED\xA0\x80 \xF4\x90\x80\x80")));
}
