#include "occupancy/contract/validator.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

namespace {
const char* kGood = R"({"ts":"2026-11-28T07:00:00.000Z","entity_id":"binary_sensor.office_desk_anca","room":"office",)"
                    R"("zone":"desk_anca","kind":"presence","state":"on"})";

contract::ValidationError refused(const proto::ChannelSpec& ch, std::string_view payload) {
  auto r = contract::validator().parse(ch, payload);
  REQUIRE(std::holds_alternative<contract::ValidationError>(r));
  return std::get<contract::ValidationError>(r);
}
}  // namespace

TEST_CASE("a valid reading passes", "[contract]") {
  auto r = contract::validator().parse(proto::channel::raw, kGood);
  REQUIRE(std::holds_alternative<rapidjson::Document>(r));
  CHECK(std::string(std::get<rapidjson::Document>(r)["room"].GetString()) == "office");
}

TEST_CASE("malformed JSON names the offset", "[contract]") {
  const auto e = refused(proto::channel::raw, "{\"ts\": ");
  CHECK(e.keyword == "parse");
  CHECK_THAT(e.message, Catch::Contains("offset"));
}

TEST_CASE("schema violations name keyword and pointer", "[contract]") {
  std::string wrong_type = kGood;
  wrong_type.replace(wrong_type.find("\"on\""), 4, "1");
  auto e = refused(proto::channel::raw, wrong_type);
  CHECK(e.pointer == "/state");

  e = refused(proto::channel::raw, R"({"ts":"2026-11-28T07:00:00Z"})");
  CHECK(e.keyword == "required");

  std::string extra = kGood;
  extra.insert(1, R"("colour":"red",)");
  CHECK(refused(proto::channel::raw, extra).keyword == "additionalProperties");
}

TEST_CASE("every timestamp pattern accepts ISO UTC and refuses the rest", "[contract]") {
  // RapidJSON's regex silently accepts unsupported escapes such as \d: prove ours bite.
  for (const char* bad : {"2026-11-28 07:00:00Z", "2026-11-28T07:00:00+02:00", "28.11.2026", "2026-11-28T07:00:00"}) {
    std::string p = kGood;
    p.replace(p.find("2026-11-28T07:00:00.000Z"), 24, bad);
    INFO(bad);
    CHECK(refused(proto::channel::raw, p).pointer == "/ts");
  }
  auto ok = contract::validator().parse(proto::channel::clock, R"({"ts":"2026-11-28T07:00:00Z"})");
  CHECK(std::holds_alternative<rapidjson::Document>(ok));
}

TEST_CASE("id patterns refuse topic-breaking characters", "[contract]") {
  for (const char* bad : {"Office", "off/ice", "off+ice", "off ice", ""}) {
    std::string p = kGood;
    p.replace(p.find("\"office\""), 8, std::string("\"") + bad + "\"");
    INFO(bad);
    CHECK(refused(proto::channel::raw, p).pointer == "/room");
  }
  std::string p = kGood;
  p.replace(p.find("binary_sensor.office_desk_anca"), 30, "binary_sensor");
  CHECK(refused(proto::channel::raw, p).pointer == "/entity_id");
}

TEST_CASE("rejected readings reuse the reading schema by $ref", "[contract]") {
  const std::string ok = std::string(R"({"reading":)") + kGood + R"(,"reason":"cat","detail":"both bed sides"})";
  CHECK(std::holds_alternative<rapidjson::Document>(contract::validator().parse(proto::channel::rejected, ok)));
  const std::string bad = R"({"reading":{"ts":"x"},"reason":"cat","detail":""})";
  CHECK(refused(proto::channel::rejected, bad).pointer.rfind("/reading", 0) == 0);
}

TEST_CASE("text/plain status payloads are validated as strings", "[contract]") {
  CHECK(std::holds_alternative<rapidjson::Document>(contract::validator().parse(proto::channel::status, "online")));
  CHECK(refused(proto::channel::status, "maybe").keyword == "enum");
}

TEST_CASE("prediction probabilities stay within [0,1] and horizons are minutes", "[contract]") {
  const char* ok = R"({"ts":"2026-11-28T07:00:00Z","room":"office","occupied_now":false,)"
                   R"("occupancy":{"15":0.2,"120":0.9},"minutes_to_vacancy":null,"model_version":"v1"})";
  CHECK(std::holds_alternative<rapidjson::Document>(contract::validator().parse(proto::channel::prediction, ok)));
  std::string over = ok;
  over.replace(over.find("0.9"), 3, "1.5");
  CHECK(refused(proto::channel::prediction, over).keyword == "maximum");
}

// Regression: 200,000 nested '[' on occupancy/<home>/clock crashed the cleaner (stack overflow
// in the recursive parser), on every start when sent retained.
TEST_CASE("deep nesting and oversized payloads are refused before any parser sees them", "[contract]") {
  const std::string deep(200'000, '[');
  const auto e = refused(proto::channel::clock, deep);
  CHECK(e.keyword == "nesting");
  CHECK_THAT(e.message, Catch::Contains("deeper than 32"));

  const auto big = refused(proto::channel::raw, std::string(contract::kMaxPayloadBytes + 1, ' '));
  CHECK(big.keyword == "size");
  CHECK_THAT(big.message, Catch::Contains("over the limit"));

  // Brackets inside strings are text, not nesting; 32 levels are still fine.
  CHECK(contract::json_nesting(R"({"a":"[[[[[[[[","b":[1,{"c":"\"]]]"}]})") == 3);
  CHECK(contract::json_nesting(std::string(32, '[') + std::string(32, ']')) == 32);
  CHECK(contract::json_nesting(std::string(1000, '{'), 40) == 41);  // stops counting past the limit
}

// Found by router_fuzz: RapidJSON read past the end of a key with invalid UTF-8 while naming it
// in the error (tests/fuzz/corpus/router_fuzz/regression-invalid-utf8-key).
TEST_CASE("invalid UTF-8 is refused before parsing, naming the byte", "[contract]") {
  const auto e = refused(proto::channel::clock, "{\"ts\xEA\": \"\xCE\xCF\xCD\xC9\xD2\"}");
  CHECK(e.keyword == "encoding");
  CHECK_THAT(e.message, Catch::Contains("not valid UTF-8 (byte 4)"));
  CHECK(refused(proto::channel::status, "onl\xFFine").keyword == "encoding");  // text payloads too
}

TEST_CASE("the payload size limit is the service's to set (mqtt.max_payload_bytes)", "[contract]") {
  const std::string reading =
      R"({"ts":"2026-11-28T07:00:00Z","entity_id":"binary_sensor.a","room":"office","zone":"room","kind":"motion","state":"on"})";
  const contract::PayloadLimits tight{reading.size() - 1, contract::kMaxNesting};
  const auto refused = contract::validator().parse(proto::channel::raw, reading, tight);
  REQUIRE(std::holds_alternative<contract::ValidationError>(refused));
  CHECK(std::get<contract::ValidationError>(refused).keyword == "size");
  CHECK_THAT(std::get<contract::ValidationError>(refused).message, Catch::Contains("mqtt.max_payload_bytes"));
  const contract::PayloadLimits exact{reading.size(), contract::kMaxNesting};
  CHECK(std::holds_alternative<rapidjson::Document>(contract::validator().parse(proto::channel::raw, reading, exact)));
}
