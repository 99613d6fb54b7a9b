#include "occupancy/features/feature_stream.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "occupancy/features/extract.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("the stream publishes a minute only once settled, from exactly the events up to it", "[features]") {
  const auto& home = default_home();
  features::FeatureStream stream(home);
  const Millis t0 = *parse_iso8601("2026-01-13T08:00:00Z");
  std::vector<RoomState> states{{t0, "office", false, {}, t0, true},
                                {t0 + 90'000, "office", true, {"desk_anca"}, t0 + 90'000, true},
                                {t0 + 150'000, "office", false, {}, t0 + 150'000, true}};
  for (const auto& s : states) stream.on_state(s);  // all three arrive before any is settled

  auto out = stream.settle(t0 + 100'000);  // up to 08:01:40: the arrival, and minute 08:01
  std::vector<std::pair<Millis, double>> office;
  const auto col = stream.set().index("occupied_now");
  const auto collect = [&](const std::vector<FeatureVector>& v) {
    for (const auto& fv : v)
      if (fv.room == "office") office.emplace_back(fv.ts, fv.values[col].second);
  };
  collect(out);
  REQUIRE(office.size() == 3);  // state at t0, minute 08:01 (vacant), state at 08:01:30 (occupied)
  CHECK(office[1] == std::pair<Millis, double>{t0 + 60'000, 0.0});
  CHECK(office[2] == std::pair<Millis, double>{t0 + 90'000, 1.0});
  collect(stream.settle(t0 + 170'000));  // minute 08:02 occupied, the departure at 08:02:30; 08:03 not yet
  REQUIRE(office.size() == 5);
  CHECK(office[3] == std::pair<Millis, double>{t0 + 120'000, 1.0});
  CHECK(office[4] == std::pair<Millis, double>{t0 + 150'000, 0.0});
  collect(stream.settle(t0 + 180'000));
  REQUIRE(office.size() == 6);
  CHECK(office[5] == std::pair<Millis, double>{t0 + 180'000, 0.0});

  // The same minutes, offline: identical vectors.
  const features::FeatureSet set(home.horizons_min);
  const auto rows = features::extract_features(set, home, {}, states, {}, {t0 + 60'000, t0 + 120'000});
  for (std::size_t i = 0; i < rows.rows(); ++i)
    if (rows.rooms[i] == "office") CHECK(rows.row(i)[col] == (rows.times[i] == t0 + 60'000 ? 0.0 : 1.0));
}

TEST_CASE("every vector names the room's last state change, the one it caused first", "[features][trace]") {
  const auto& home = default_home();
  features::FeatureStream stream(home);
  const Millis t0 = *parse_iso8601("2026-01-13T08:00:00Z");
  RoomState vacant{t0, "office", false, {}, t0, true};
  vacant.trace_id = "0000000000000000000a";
  RoomState arrival{t0 + 90'000, "office", true, {"desk_anca"}, t0 + 90'000, true};
  arrival.trace_id = "0000000000000000000b";
  stream.restore({vacant});  // from the archive, with its trace id
  stream.on_state(arrival);
  std::vector<std::pair<Millis, std::string>> office;
  for (const Millis settled : {t0 + 60'000, t0 + 150'000})
    for (const auto& fv : stream.settle(settled))
      if (fv.room == "office") office.emplace_back(fv.ts, fv.trace_id);
  REQUIRE(office.size() == 3);  // minute 08:01, the arrival at 08:01:30, minute 08:02
  CHECK(office[0] == std::pair<Millis, std::string>{t0 + 60'000, "0000000000000000000a"});
  CHECK(office[1] == std::pair<Millis, std::string>{t0 + 90'000, "0000000000000000000b"});
  CHECK(office[2] == std::pair<Millis, std::string>{t0 + 120'000, "0000000000000000000b"});
}
