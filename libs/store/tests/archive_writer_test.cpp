#include "occupancy/store/archive_writer.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "occupancy/store/clean_archive.hpp"
#include "occupancy/store/prediction_archive.hpp"
#include "occupancy/store/raw_archive.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using store::RawBatch;
using Writer = store::ArchiveWriter<RawBatch>;

namespace {

// A scripted archive: up or down; or hung, answering only an interrupt. Counts what it took.
struct FakeArchive {
  std::mutex m;
  std::condition_variable cv;
  bool up = false, hang = false, interrupted = false;
  std::vector<Reading> taken;
  int connects = 0;

  struct Target : store::ArchiveTarget<RawBatch> {
    FakeArchive& a;
    explicit Target(FakeArchive& archive) : a(archive) {}
    void write(const RawBatch& b) override {
      std::unique_lock lock(a.m);
      if (a.hang) {
        a.cv.wait(lock, [&] { return a.interrupted; });
        throw std::runtime_error("connection shut down");
      }
      if (!a.up) throw std::runtime_error("database is not accepting connections");
      a.taken.insert(a.taken.end(), b.readings.begin(), b.readings.end());
    }
    void interrupt() noexcept override {
      std::lock_guard lock(a.m);
      a.interrupted = true;
      a.cv.notify_all();
    }
  };
  Writer::Connect connect() {
    return [this] {
      std::lock_guard lock(m);
      ++connects;
      return std::make_unique<Target>(*this);
    };
  }
  void set_up(bool v) {
    std::lock_guard lock(m);
    up = v;
  }
  std::size_t count() {
    std::lock_guard lock(m);
    return taken.size();
  }
  std::set<std::pair<Millis, std::string>> keys() {
    std::lock_guard lock(m);
    std::set<std::pair<Millis, std::string>> out;
    for (const auto& r : taken) out.emplace(r.ts, r.entity_id);
    return out;
  }
};

RawBatch readings(int from, int n) {
  RawBatch b;
  for (int i = from; i < from + n; ++i)
    b.readings.push_back({1'700'000'000'000 + i * 1000, "binary_sensor.office_desk_motion_" + std::to_string(i % 7),
                          "office", "desk", "motion", i % 2 ? SensorState::on : SensorState::off});
  return b;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

store::ArchiveLimits small_limits(const std::filesystem::path& spool) {
  store::ArchiveLimits l;
  l.batch_items = 50;
  l.memory_bytes = 8 * 1024;  // about 40 readings
  l.spool_file = spool;
  return l;
}

}  // namespace

TEST_CASE(
    "while the archive is down, what exceeds the memory bound goes to the spool, and all of it is written "
    "exactly once when it returns") {
  FakeArchive db;
  const auto spool = testing::fresh_temp_dir("writer_spool") / "home-ingestor.spool";
  Writer w(db.connect(), small_limits(spool));
  for (int i = 0; i < 2000; i += 10) w.add(readings(i, 10));
  CHECK(eventually([&] { return w.stats().failures > 0; }));
  const auto down = w.stats();
  CHECK(down.spooled > 1500);              // most of it left memory...
  CHECK(down.buffered_bytes <= 8 * 1024);  // ...which stayed within its bound
  CHECK(down.spool_bytes == std::filesystem::file_size(spool));
  CHECK(down.dropped == 0);
  CHECK(down.spool_error.empty());
  CHECK_FALSE(down.connected);

  db.set_up(true);
  CHECK(w.flush(std::chrono::seconds(40)));
  std::set<std::pair<Millis, std::string>> expected;
  for (const auto& r : readings(0, 2000).readings) expected.emplace(r.ts, r.entity_id);
  CHECK(db.keys() == expected);
  CHECK(db.count() == 2000);  // and none twice
  const auto after = w.stats();
  CHECK(after.replayed == down.spooled);
  CHECK(after.written == 2000);
  CHECK(after.spool_bytes == 0);
  CHECK(after.connected);
  CHECK(std::filesystem::file_size(spool) == 0);
}

TEST_CASE("at shutdown with the archive down, what waits in memory is spooled, and the next run writes it") {
  FakeArchive db;
  const auto spool = testing::fresh_temp_dir("writer_shutdown") / "home-cleaner.spool";
  auto limits = small_limits(spool);
  limits.memory_bytes = 1 << 20;  // all of it stays in memory until the shutdown
  {
    Writer w(db.connect(), limits);
    w.add(readings(0, 30));
    CHECK(eventually([&] { return w.stats().failures > 0; }));
    CHECK(w.stats().spool_bytes == 0);
    const auto started = std::chrono::steady_clock::now();
    // destructor: the database refuses, so no flush; the 30 readings go to the spool
    (void)started;
  }
  CHECK(std::filesystem::file_size(spool) > 0);
  Writer again(db.connect(), limits);
  // Still down: the next run found the spool (with the database up it may replay it at once,
  // before anyone could look).
  CHECK(eventually([&] { return again.stats().spool_bytes > 0; }));
  db.set_up(true);
  CHECK(again.flush(std::chrono::seconds(10)));
  CHECK(db.count() == 30);
  CHECK(again.stats().replayed == 30);
}

TEST_CASE("a write hung on the server is interrupted at shutdown, and its items are spooled, not lost") {
  FakeArchive db;
  db.hang = true;
  const auto spool = testing::fresh_temp_dir("writer_hung") / "home-predictor.spool";
  auto limits = small_limits(spool);
  limits.memory_bytes = 1 << 20;
  auto w = std::make_unique<Writer>(db.connect(), limits);
  w->add(readings(0, 60));  // a full batch: written at once, and hangs
  CHECK(eventually([&] { return db.connects == 1; }));
  w->add(readings(60, 5));  // waits in memory behind the hung write
  const auto started = std::chrono::steady_clock::now();
  w.reset();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(db.interrupted);

  db.hang = false;
  db.set_up(true);
  Writer again(db.connect(), limits);
  CHECK(again.flush(std::chrono::seconds(10)));
  CHECK(db.count() == 65);
}

TEST_CASE(
    "with the spool's disk full, items beyond memory are dropped and counted, the cause is reported, and "
    "add() never throws") {
  FakeArchive db;
  Writer w(db.connect(), small_limits("/dev/full"));
  for (int i = 0; i < 500; i += 10) REQUIRE_NOTHROW(w.add(readings(i, 10)));
  const auto s = w.stats();
  CHECK(s.dropped > 0);
  CHECK(s.spooled == 0);
  CHECK_THAT(s.spool_error, Catch::Contains("No space left on device"));
  db.set_up(true);  // the rest still reaches the archive, and the error clears with the next good spill
  CHECK(w.flush(std::chrono::seconds(10)));
  CHECK(db.count() + s.dropped >= 500);
  CHECK(db.count() > 0);
}

TEST_CASE("without a spool, the memory bound drops and counts, and says why") {
  FakeArchive db;
  Writer w(db.connect(), small_limits({}));
  for (int i = 0; i < 500; i += 10) w.add(readings(i, 10));
  CHECK(w.stats().dropped > 0);
  CHECK_THAT(w.stats().spool_error, Catch::Contains("archive.spool_dir"));
}

TEST_CASE("spool records keep every archived column of each batch, through a round trip") {
  store::CleanBatch clean{
      readings(0, 3).readings,
      {{1000, "living", true, {"couch", "desk"}, 900, false}, {2000, "bath", false, {}, 2000, true}},
      {{"binary_sensor.bath_presence", "bath", "main", 500, std::nullopt, "unavailable"},
       {"binary_sensor.bath_presence", "bath", "main", 600, 700, "silent \"quoted\" ünï"}}};
  clean.readings[1].trace_id = "019abc0123de4f5a6b7c";
  clean.states[0].trace_id = "019abc0123de4f5a6b7d";
  const auto back = store::CleanBatch::from_record(clean.to_record());
  CHECK(back.readings == clean.readings);
  CHECK(back.states == clean.states);
  CHECK(back.gaps == clean.gaps);
  CHECK(clean.to_record().find('\n') == std::string::npos);

  Prediction p;
  p.ts = 42;
  p.room = "office";
  p.occupancy = {{15, 0.25}, {120, 0.125}};
  p.model_version = "v1";
  Prediction q = p;
  q.fallback = "time_of_week";
  q.trace_id = "019abc0123de4f5a6b7c";
  store::PredictionBatch predictions{{p, q}, {{"office", 41, 15, true}}, {q}};
  const auto pb = store::PredictionBatch::from_record(predictions.to_record());
  REQUIRE(pb.items.size() == 2);
  CHECK(pb.items[0].occupancy == p.occupancy);
  CHECK_FALSE(pb.items[0].fallback);
  CHECK(pb.items[1].fallback == std::optional<std::string>("time_of_week"));
  CHECK(pb.items[0].trace_id.empty());
  CHECK(pb.items[1].trace_id == q.trace_id);
  REQUIRE(pb.outcomes.size() == 1);
  CHECK(pb.outcomes[0].made_at == 41);
  CHECK(pb.outcomes[0].occupied);
  REQUIRE(pb.shadow.size() == 1);
  CHECK(pb.shadow[0].fallback == q.fallback);

  // A record spooled before trace ids existed still reads.
  const auto old = RawBatch::from_record(R"({"readings":[[1,"binary_sensor.a","r","z","motion","on"]]})");
  REQUIRE(old.readings.size() == 1);
  CHECK(old.readings[0].trace_id.empty());
  CHECK_THROWS_WITH(RawBatch::from_record(R"({"readings":[[1,"a","b"]]})"), Catch::Contains("too short"));
  CHECK_THROWS_WITH(RawBatch::from_record("not json"), Catch::Contains("spool record"));
}
