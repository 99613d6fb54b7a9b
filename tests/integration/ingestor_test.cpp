// The ingestor against the simulated Home Assistant (occupancy sim serve) on a real broker.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "occupancy/core/time.hpp"
#include "occupancy/store/database.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kBin = OCCUPANCY_BIN_DIR;

std::string config_for(const std::string& home, std::uint16_t ha_port, std::uint16_t http_port) {
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string t = std::regex_replace(s.str(), std::regex("\nhome: home"), "\nhome: " + home);
  t = std::regex_replace(t, std::regex("ha_url: http://127.0.0.1:8123"),
                         "ha_url: http://127.0.0.1:" + std::to_string(ha_port));
  t = std::regex_replace(t, std::regex("clock: wall "), "clock: events ");
  return std::regex_replace(t, std::regex("port: 9481"), "port: " + std::to_string(http_port));
}

std::unique_ptr<Process> sim_serve(const std::filesystem::path& dir, std::uint16_t port, long long origin,
                                   const std::string& log, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"sim",           "serve",   "--port",         std::to_string(port),  "--token",
                                "T0k3n",         "--speed", "3600",           "--history-days",      "1",
                                "--future-days", "3",       "--clock-origin", std::to_string(origin)};
  args.insert(args.end(), extra.begin(), extra.end());
  auto p = std::make_unique<Process>(kBin + "/occupancy", args, std::map<std::string, std::string>{}, dir / log);
  for (int i = 0; i < 100 && http_get(port, "/api/").first == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return p;
}

using Key = std::tuple<std::string, std::string, std::string>;  // entity, last_changed, state

}  // namespace

TEST_CASE(
    "live state changes become raw readings, an HA outage is backfilled with nothing lost or duplicated, past a "
    "malformed history row",
    "[integration][faults]") {
  const auto broker = broker_from_env();
  const auto home = unique_home("ing");
  const auto dir = temp_dir(home);
  const auto ha_port = free_port();
  std::ofstream(dir / "home.yaml") << config_for(home, ha_port, free_port());
  const long long origin =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto ha = sim_serve(dir, ha_port, origin, "ha1.log");
  Recorder rec(broker, {"occupancy/" + home + "/raw/#"});
  Process ingestor(kBin + "/occupancy-ingestor", {"--config", (dir / "home.yaml").string()},
                   {{"OCCUPANCY_HA_TOKEN", "T0k3n"}}, dir / "ingestor.log");
  // The first reading comes after the subscription: from then on nothing may be missed.
  for (int i = 0; i < 200 && rec.messages().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  const long long subscribed_wall =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  INFO(ingestor.output());
  REQUIRE(rec.messages().size() > 5);  // live events arrive as raw readings

  ha->signal(SIGTERM);  // Home Assistant goes away for a while (two simulated hours)...
  REQUIRE(ha->wait(std::chrono::seconds(5)));
  const auto during_outage = rec.messages().size();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(rec.messages().size() == during_outage);
  // ...and comes back on the same timeline, its history answer carrying one malformed row.
  ha = sim_serve(dir, ha_port, origin, "ha2.log", {"--bad-history-row"});
  std::this_thread::sleep_for(std::chrono::seconds(6));
  CHECK_THAT(ingestor.output(), Catch::Contains("backfilled"));
  CHECK_THAT(ingestor.output(), Catch::Contains("skipped a history row Home Assistant sent"));
  ingestor.signal(SIGTERM);
  REQUIRE(ingestor.wait(std::chrono::seconds(10)) == 0);
  ha->signal(SIGTERM);

  std::multiset<Key> got;
  std::string first, last;
  for (const auto& m : rec.messages()) {
    rapidjson::Document d;
    d.Parse(m.payload.c_str());
    const std::string ts = d["ts"].GetString();
    got.insert({d["entity_id"].GetString(), ts, d["state"].GetString()});
    if (first.empty() || ts < first) first = ts;
    if (ts > last) last = ts;
  }
  // The truth: the same simulation written as an HA export (same seed, same days).
  const auto [rc, out] = run(kBin + "/occupancy", {"--config", (dir / "home.yaml").string(), "sim", "history", "--days",
                                                   "4", "--out", (dir / "truth.csv").string()});
  REQUIRE(rc == 0);
  // The live part starts one simulated day after the simulation (--history-days 1).
  std::vector<std::pair<std::string, Key>> rows;
  std::ifstream truth(dir / "truth.csv");
  std::string line, start;
  std::getline(truth, line);
  while (std::getline(truth, line)) {
    const auto c1 = line.find(','), c2 = line.rfind(',');
    const auto ts = line.substr(c2 + 1);
    if (start.empty() || ts < start) start = ts;
    rows.push_back({ts, {line.substr(0, c1), ts, line.substr(c1 + 1, c2 - c1 - 1)}});
  }
  // Changes played before the ingestor subscribed were never its to see (only the current
  // states were): compare from a simulated minute after its first reading arrived.
  const Millis anchor = *parse_iso8601(start) + 24 * 60 * kMinute;  // --history-days 1
  const auto live_from = format_iso8601(anchor + (subscribed_wall - origin) * 3600 + kMinute);
  std::set<Key> expected, got_live;
  for (const auto& [ts, key] : rows)
    if (ts >= live_from && ts <= last) expected.insert(key);
  for (const auto& k : got)
    if (std::get<1>(k) >= live_from) got_live.insert(k);
  CHECK(got_live.size() > 50);
  INFO("readings " << got.size() << ", live " << got_live.size() << ", expected " << expected.size() << " in ("
                   << live_from << ", " << last << "]");
  CHECK(got.size() == std::set<Key>(got.begin(), got.end()).size());  // no duplicates
  std::vector<Key> extra_or_missing;
  std::set_symmetric_difference(expected.begin(), expected.end(), got_live.begin(), got_live.end(),
                                std::back_inserter(extra_or_missing));
  std::string diff;
  for (size_t i = 0; i < extra_or_missing.size() && i < 12; ++i)
    diff += std::get<0>(extra_or_missing[i]) + " " + std::get<1>(extra_or_missing[i]) + " " +
            std::get<2>(extra_or_missing[i]) + (expected.count(extra_or_missing[i]) ? " (missing)\n" : " (extra)\n");
  INFO(diff);
  CHECK(got_live == expected);  // nothing lost, nothing extra
  std::set<Key> got_distinct = got_live;
  std::vector<Key> missing;
  std::set_difference(expected.begin(), expected.end(), got_distinct.begin(), got_distinct.end(),
                      std::back_inserter(missing));
  CHECK(missing.empty());
}

TEST_CASE(
    "the live ingestor archives every reading it publishes: PostgreSQL stopped mid-stream for longer than the "
    "memory bound holds, then back, and the archive holds exactly the published set",
    "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_ingest", true);
  const auto home = unique_home("ingarch");
  const auto dir = temp_dir(home);
  const auto ha_port = free_port(), http_port = free_port();
  std::ofstream(dir / "home.yaml") << std::regex_replace(config_for(home, ha_port, http_port),
                                                         std::regex("memory_max_mb: 16"),
                                                         "memory_max_mb: 0.002");  // about ten readings
  // The ingestor's own role: "stopping PostgreSQL" for it alone is refusing its logins and ending its sessions.
  const auto role = unique_home("ingestor_role");
  store::Database admin{config::Secret(db_url)};
  admin.exec("CREATE ROLE " + role + " LOGIN");
  admin.exec("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO " + role);
  const auto at = db_url.find('@'), scheme = db_url.find("://") + 3;
  const auto ingestor_url = db_url.substr(0, scheme) + role + db_url.substr(at);
  const auto metric = [&](const std::string& name) { return metric_value(http_port, name); };
  const auto archived = [&] {
    store::Database db{config::Secret(db_url)};
    const auto r = db.exec(
        "SELECT entity_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), state "
        "FROM raw_readings WHERE home = $1",
        {home});
    std::set<Key> out;
    for (int i = 0; i < r.rows(); ++i) out.insert({r.text(i, 0), r.text(i, 1), r.text(i, 2)});
    return out;
  };
  const long long origin =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto ha = sim_serve(dir, ha_port, origin, "ha.log");
  Recorder rec(broker, {"occupancy/" + home + "/raw/#"});
  Process ingestor(kBin + "/occupancy-ingestor", {"--config", (dir / "home.yaml").string()},
                   {{"OCCUPANCY_HA_TOKEN", "T0k3n"},
                    {"OCCUPANCY_DB_URL", ingestor_url},
                    {"OCCUPANCY_STATE_DIR", (dir / "state").string()}},
                   dir / "ingestor.log");
  INFO(ingestor.output());
  REQUIRE(eventually([&] { return !archived().empty(); }, std::chrono::seconds(10)));  // live readings archived

  admin.exec("ALTER ROLE " + role + " NOLOGIN");  // PostgreSQL goes away mid-stream
  admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", {role});
  const auto before_outage = rec.messages().size();
  CHECK(eventually([&] { return metric("occupancy_archive_spooled_total") > 0; }, std::chrono::seconds(15)));
  CHECK(metric("occupancy_db_connected") == 0);
  CHECK(metric("occupancy_archive_spool_bytes") > 0);
  CHECK(eventually([&] { return rec.messages().size() > before_outage + 10; },  // MQTT never waits on the database
                   std::chrono::seconds(15)));

  admin.exec("ALTER ROLE " + role + " LOGIN");  // ...and returns
  CHECK(eventually([&] { return metric("occupancy_db_connected") == 1; }, std::chrono::seconds(40)));
  ha->signal(SIGTERM);  // no more readings: the published set is final
  REQUIRE(ha->wait(std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::set<Key> published;
  for (const auto& m : rec.messages()) {
    rapidjson::Document d;
    d.Parse(m.payload.c_str());
    published.insert({d["entity_id"].GetString(), d["ts"].GetString(), d["state"].GetString()});
  }
  CHECK(eventually([&] { return archived() == published; }, std::chrono::seconds(30)));
  const auto got = archived();
  std::vector<Key> diff;
  std::set_symmetric_difference(published.begin(), published.end(), got.begin(), got.end(), std::back_inserter(diff));
  INFO(published.size() << " published, " << got.size() << " archived, " << diff.size() << " differ");
  CHECK(got == published);
  CHECK(metric("occupancy_archive_replayed_total") > 0);
  CHECK(metric("occupancy_archive_dropped_total") == 0);
  WARN(published.size() << " readings published, " << metric("occupancy_archive_spooled_total")
                        << " of them through the spool, all archived");
  ingestor.signal(SIGTERM);
  CHECK(ingestor.wait(std::chrono::seconds(20)) == 0);
  admin.exec("REASSIGN OWNED BY " + role + " TO postgres; DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_CASE("a wrong token is a clear error and a retry with backoff, not a crash loop", "[integration]") {
  const auto home = unique_home("ingbad");
  const auto dir = temp_dir(home);
  const auto ha_port = free_port(), http_port = free_port();
  std::ofstream(dir / "home.yaml") << config_for(home, ha_port, http_port);
  auto ha = sim_serve(dir, ha_port, 0, "ha.log");
  Process ingestor(kBin + "/occupancy-ingestor", {"--config", (dir / "home.yaml").string()},
                   {{"OCCUPANCY_HA_TOKEN", "wrong"}}, dir / "ingestor.log");
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const auto log = ingestor.output();
  INFO(log);
  CHECK_THAT(log, Catch::Contains("Home Assistant refused the access token"));
  CHECK_FALSE(ingestor.wait(std::chrono::milliseconds(10)).has_value());  // still running
  CHECK(log.find("wrong") == std::string::npos);                          // the token is never logged
  size_t attempts = 0;
  for (size_t pos = 0; (pos = log.find("refused the access token", pos)) != std::string::npos; ++pos) ++attempts;
  CHECK(attempts >= 2);
  CHECK(attempts <= 4);  // 0.5-1 s, 1-2 s, 2-4 s: backoff, not a busy loop
  CHECK(http_get(http_port, "/healthz").first == 200);
  ingestor.signal(SIGTERM);
  CHECK(ingestor.wait(std::chrono::seconds(10)) == 0);
  ha->signal(SIGTERM);
}

namespace {

// The event time of the latest clock tick recorded so far, once the ticks have stopped coming.
Millis clock_when_quiet(const Recorder& rec) {
  std::size_t seen = 0;
  for (int quiet = 0; quiet < 4;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const auto n = rec.messages().size();
    quiet = n == seen ? quiet + 1 : 0;
    seen = n;
  }
  Millis latest = 0;
  for (const auto& m : rec.messages()) {
    rapidjson::Document d;
    d.Parse(m.payload.c_str());
    latest = std::max(latest, *parse_iso8601(d["ts"].GetString()));
  }
  return latest;
}

}  // namespace

TEST_CASE("replay at max speed stays --ahead-min ahead of the latest prediction while a predictor is online",
          "[integration]") {
  const auto broker = broker_from_env();
  const auto home = unique_home("pace");
  const auto dir = temp_dir(home);
  const auto cfg = write_home_config(dir, home);
  const auto history = (dir / "h.csv").string();
  REQUIRE(run(kBin + "/occupancy", {"--config", cfg, "sim", "history", "--days", "1", "--out", history}, {}).first ==
          0);
  const std::string prefix = "occupancy/" + home + "/";
  Recorder rec(broker, {prefix + "clock"});
  rec.publish(prefix + "status/predictor", "online", true);  // the test plays the predictor
  {  // retained at the broker before the replay starts (it decides from the retained status)
    Recorder seen(broker, {prefix + "status/predictor"});
    REQUIRE(seen.wait_for(prefix + "status/predictor", [](const Message& m) { return m.payload == "online"; }));
  }

  Process replay(kBin + "/occupancy", {"--config", cfg, "replay", history, "--speed", "max", "--ahead-min", "30"}, {},
                 dir / "replay.log");
  REQUIRE(rec.wait_for(prefix + "clock", [](const Message&) { return true; }));
  const Millis first = *parse_iso8601([&] {
    rapidjson::Document d;
    d.Parse(rec.messages().front().payload.c_str());
    return std::string(d["ts"].GetString());
  }());
  const Millis minute = 60'000;
  // No prediction yet: 30 event minutes from the start, then it waits.
  Millis reached = clock_when_quiet(rec);
  CHECK(reached - first >= 25 * minute);
  CHECK(reached - first <= 31 * minute);
  CHECK_FALSE(replay.wait(std::chrono::milliseconds(0)));

  // A prediction made at first + 60 min lets it run to first + 90 min.
  rec.publish(prefix + "prediction/office",
              R"({"ts":")" + format_iso8601(first + 60 * minute) +
                  R"(","room":"office","occupied_now":false,"occupancy":{"15":0.1,"120":0.2},"model_version":"test"})");
  reached = clock_when_quiet(rec);
  CHECK(reached - first >= 85 * minute);
  CHECK(reached - first <= 91 * minute);
  CHECK_FALSE(replay.wait(std::chrono::milliseconds(0)));

  // The predictor goes away: nothing to follow, the replay runs to the end.
  rec.publish(prefix + "status/predictor", "offline", true);
  CHECK(replay.wait(std::chrono::seconds(30)) == 0);
  CHECK(clock_when_quiet(rec) - first >= 23 * 60 * minute);
  rec.publish(prefix + "status/predictor", "", true);
}
