// Measures the two hand-written parts a Debian library could replace (#15), on their hot paths:
//   - contract validation of every message a service receives or publishes: RapidJSON's
//     SchemaValidator (contract::Validator) against valijson's, on the same RapidJSON documents;
//   - UTC offsets of the home's time zone, looked up for every feature minute: TimeZone (our
//     TZif reader) against Howard Hinnant's date/tz, which must agree on every minute.
// Built only where libvalijson-dev and libhowardhinnant-date-dev are installed; results are in
// docs/architecture.md ("Hand-written where a library exists").
// valijson's adapter must come before any RapidJSON header (it defines RAPIDJSON_ASSERT).
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
// clang-format off
#include <date/tz.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <map>
#include <memory>
// clang-format on

#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/validator.hpp"
#include "occupancy/core/timezone.hpp"
#include "occupancy/proto/contract.hpp"

using namespace occupancy;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// valijson, draft 4 (the contract's), resolving "$ref": "reading.json#" from the embedded files.
std::unique_ptr<valijson::Schema> valijson_schema(std::string_view file) {
  const auto text = [](std::string_view name) -> std::string {
    for (const auto& f : proto::schema_files())
      if (f.name == name) return std::string(f.text);
    throw std::runtime_error("no schema " + std::string(name));
  };
  rapidjson::Document root;
  root.Parse(text(file).c_str());
  auto schema = std::make_unique<valijson::Schema>();
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  parser.populateSchema(
      valijson::adapters::RapidJsonAdapter(root), *schema,
      [&](const std::string& uri) -> const rapidjson::Document* {
        auto name = uri.substr(uri.rfind('/') == std::string::npos ? 0 : uri.rfind('/') + 1);
        auto* d = new rapidjson::Document;
        d->Parse(text(name).c_str());
        return d;
      },
      [](const rapidjson::Document* d) { delete d; });
  return schema;
}

void bench_validation(int n) {
  Prediction p;
  p.ts = 1'767'225'600'000;
  p.room = "office";
  p.occupancy = {{15, 0.4}, {120, 0.3}};
  p.minutes_to_next_occupancy = 40;
  p.model_version = "m20260101T000000";
  p.trace_id = "0000000000000000000a";
  const Reading r{1'767'225'600'000, "binary_sensor.office_motion", "office", "room", "motion", SensorState::on};
  FeatureVector fv{1'767'225'600'000, "office", "v1", {}};
  for (int i = 0; i < 40; ++i) fv.values.emplace_back("feature_" + std::to_string(i), i * 0.5);
  const std::vector<std::pair<std::string, rapidjson::Document>> messages = [&] {
    std::vector<std::pair<std::string, rapidjson::Document>> v;
    v.emplace_back("reading.json", contract::to_json(r));
    v.emplace_back("features.json", contract::to_json(fv));
    v.emplace_back("prediction.json", contract::to_json(p));
    return v;
  }();
  fmt::print("{:<16} {:>14} {:>14} {:>8}\n", "message", "RapidJSON µs", "valijson µs", "ratio");
  for (const auto& [file, doc] : messages) {
    const auto& ours = contract::validator();
    if (ours.check(file, doc)) throw std::runtime_error(file + ": the example is not valid");
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      if (ours.check(file, doc)) throw std::runtime_error("invalid");
    const double a = seconds_since(t0) / n * 1e6;
    const auto schema = valijson_schema(file);
    valijson::Validator theirs;
    if (!theirs.validate(*schema, valijson::adapters::RapidJsonAdapter(doc), nullptr))
      throw std::runtime_error(file + ": valijson refuses the example");
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      if (!theirs.validate(*schema, valijson::adapters::RapidJsonAdapter(doc), nullptr))
        throw std::runtime_error("invalid");
    const double b = seconds_since(t0) / n * 1e6;
    fmt::print("{:<16} {:>14.2f} {:>14.2f} {:>7.1f}x\n", file, a, b, b / a);
  }
}

void bench_timezone(const std::string& zone, int days) {
  const auto ours = TimeZone::load(zone);
  const auto* theirs = date::locate_zone(zone);
  const Millis start = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
  const long minutes = static_cast<long>(days) * 1440;
  long mismatches = 0;
  for (long m = 0; m < minutes; ++m) {
    const Millis t = start + m * kMinute;
    const auto info = theirs->get_info(date::sys_seconds(std::chrono::seconds(t / 1000)));
    if (info.offset.count() != ours.offset_seconds(t)) ++mismatches;
  }
  long long sink = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (long m = 0; m < minutes; ++m) sink += ours.offset_seconds(start + m * kMinute);
  const double a = seconds_since(t0) / static_cast<double>(minutes) * 1e9;
  t0 = std::chrono::steady_clock::now();
  for (long m = 0; m < minutes; ++m)
    sink += theirs->get_info(date::sys_seconds(std::chrono::seconds((start + m * kMinute) / 1000))).offset.count();
  const double b = seconds_since(t0) / static_cast<double>(minutes) * 1e9;
  fmt::print("{}: {} minutes, {} disagreements; TimeZone {:.1f} ns, date/tz {:.1f} ns per offset ({:.1f}x) [{}]\n",
             zone, minutes, mismatches, a, b, b / a, sink % 7);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Hand-written validation and time zones against valijson and date/tz");
  int n = 100'000, days = 3 * 365;
  std::string zone = "Europe/Bucharest";
  app.add_option("--messages", n, "validations per message")->capture_default_str();
  app.add_option("--days", days, "days of minutes for the time-zone comparison")->capture_default_str();
  app.add_option("--zone", zone, "IANA time zone")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  bench_validation(n);
  for (const auto& z : {zone, std::string("America/New_York"), std::string("Australia/Lord_Howe")})
    bench_timezone(z, days);
  return 0;
}
