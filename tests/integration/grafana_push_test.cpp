// `occupancy grafana push` against a local HTTP server that implements Grafana's documented
// folder and dashboard endpoints (create, overwrite with a new version, version conflict, 401):
// the requests the client sends, and what it makes of each answer.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>

#include "occupancy/http/server.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kCli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";
const std::string kToken = "glsa_test-token-5f3a9c";

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

// Grafana's HTTP API, the parts the push uses, kept in memory.
struct FakeGrafana {
  struct Stored {
    std::string dashboard;  // JSON, with Grafana's id and version
    std::string folder;
    int version = 0;
  };
  std::mutex mutex;
  std::map<std::string, std::string> folders;  // uid -> title
  std::map<std::string, Stored> dashboards;    // uid -> stored
  std::vector<http::Request> calls;
  std::string conflict_uid;  // a POST of this dashboard answers 412
  http::Server server{"127.0.0.1", 0, [this](const http::Request& r) { return handle(r); }};

  static http::Response json(int status, const std::string& body) { return {status, "application/json", body, {}}; }

  http::Response handle(const http::Request& r) {
    std::lock_guard lock(mutex);
    calls.push_back(r);
    if (r.authorization != "Bearer " + kToken) return json(401, R"({"message":"Unauthorized"})");
    const std::string folder_prefix = "/api/folders/", dash_prefix = "/api/dashboards/uid/";
    if (r.method == "GET" && r.target.rfind(folder_prefix, 0) == 0) {
      const auto it = folders.find(r.target.substr(folder_prefix.size()));
      return it == folders.end() ? json(404, R"({"message":"folder not found"})")
                                 : json(200, R"({"uid":")" + it->first + R"(","title":")" + it->second + "\"}");
    }
    rapidjson::Document body;
    body.Parse(r.body.c_str());
    if (r.method == "POST" && r.target == "/api/folders") {
      folders[body["uid"].GetString()] = body["title"].GetString();
      return json(200, r.body);
    }
    if (r.method == "GET" && r.target.rfind(dash_prefix, 0) == 0) {
      const auto it = dashboards.find(r.target.substr(dash_prefix.size()));
      if (it == dashboards.end()) return json(404, R"({"message":"Dashboard not found"})");
      return json(200,
                  R"({"dashboard":)" + it->second.dashboard + R"(,"meta":{"folderUid":")" + it->second.folder + "\"}}");
    }
    if (r.method == "POST" && r.target == "/api/dashboards/db") {
      auto& d = body["dashboard"];
      const std::string uid = d["uid"].GetString();
      if (uid == conflict_uid)
        return json(412, R"({"message":"The dashboard has been changed by someone else","status":"version-mismatch"})");
      if (!body["overwrite"].GetBool() || !d["id"].IsNull()) return json(400, R"({"message":"bad request"})");
      auto& stored = dashboards[uid];
      stored.version += 1;
      d["id"].SetInt(42);
      d.AddMember("version", stored.version, body.GetAllocator());
      stored.dashboard = to_text(d);
      stored.folder = body["folderUid"].GetString();
      return json(200,
                  R"({"status":"success","uid":")" + uid + R"(","version":)" + std::to_string(stored.version) + "}");
    }
    return json(404, R"({"message":"not found"})");
  }
  std::size_t posts() {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& c : calls) n += c.method == "POST";
    return n;
  }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("grafana push: creates, then changes nothing, updates what differs, reports conflicts and a refused token",
          "[integration]") {
  FakeGrafana grafana;
  const auto dir = temp_dir("grafana-push");
  const auto token_file = dir / "token";
  std::ofstream(token_file) << kToken << "\n";
  const auto url = "http://127.0.0.1:" + std::to_string(grafana.server.port());
  const std::vector<std::string> args{"grafana", "push", "--url", url, "--token-file", token_file.string()};

  auto [rc, out] = run(kCli, args);
  INFO(out);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("folder 'Occupancy' (occupancy): created"));
  CHECK(count(out, ": created (version 1)") == 4);
  CHECK(out.find(kToken) == std::string::npos);  // the token is never printed
  CHECK(grafana.folders.at("occupancy") == "Occupancy");
  CHECK(grafana.dashboards.size() == 4);
  for (const auto& [uid, d] : grafana.dashboards) CHECK(d.folder == "occupancy");
  for (const auto& c : grafana.calls) CHECK(c.authorization == "Bearer " + kToken);

  // Again: everything is in place, nothing is sent.
  const auto posts = grafana.posts();
  std::tie(rc, out) = run(kCli, args);
  CHECK(rc == 0);
  CHECK(count(out, ": unchanged") == 4);
  CHECK(grafana.posts() == posts);

  // Someone edited one in Grafana: it is put back, as a new version.
  {
    std::lock_guard lock(grafana.mutex);
    auto& rooms = grafana.dashboards.at("occupancy-rooms").dashboard;
    rooms.replace(rooms.find("Occupancy — rooms"), std::string("Occupancy — rooms").size(), "Edited by hand");
  }
  std::tie(rc, out) = run(kCli, args);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("(occupancy-rooms): updated (version 2)"));
  CHECK(count(out, ": unchanged") == 3);

  // A version conflict on one dashboard: reported, the others still checked, exit 1.
  {
    std::lock_guard lock(grafana.mutex);
    grafana.conflict_uid = "occupancy-sensors";
    grafana.dashboards.at("occupancy-sensors").folder = "elsewhere";
  }
  std::tie(rc, out) = run(kCli, args);
  CHECK(rc == 1);
  CHECK_THAT(out,
             Catch::Contains("(occupancy-sensors): not saved: The dashboard has been changed by someone else (412)"));
  CHECK(count(out, ": unchanged") == 3);

  // A wrong token: refused at the first call, exit 1, neither token printed.
  const auto wrong = dir / "wrong";
  std::ofstream(wrong) << "glsa_wrong-7d1e\n";
  std::tie(rc, out) = run(kCli, {"grafana", "push", "--url", url, "--token-file", wrong.string()});
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("Grafana refused the token: Unauthorized (401)"));
  CHECK(out.find("glsa_wrong-7d1e") == std::string::npos);

  // Nobody listening: exit 4, with the reason.
  std::tie(rc, out) = run(kCli, {"grafana", "push", "--url", "http://127.0.0.1:" + std::to_string(free_port()),
                                 "--token-file", token_file.string()});
  CHECK(rc == 4);
  CHECK_THAT(out, Catch::Contains("Connection refused"));
  std::tie(rc, out) = run(kCli, {"grafana", "push", "--url", "ftp://grafana.lan", "--token-file", token_file.string()});
  CHECK(rc == 2);
  CHECK_THAT(out, Catch::Contains("expected http[s]://host[:port]"));

  // The same Grafana behind TLS (a test CA): pushed over https with --ca-file; another CA is refused
  // with OpenSSL's reason before the token is sent.
  make_test_certificates(dir);
  const auto tls_port = free_port();
  Process proxy("/usr/bin/python3",
                {std::string(OCCUPANCY_SOURCE_DIR) + "/tests/support/tls_proxy.py", "--listen",
                 std::to_string(tls_port), "--cert", (dir / "server.crt").string(), "--key",
                 (dir / "server.key").string(), "--upstream", "127.0.0.1:" + std::to_string(grafana.server.port())},
                {}, dir / "proxy.log");
  REQUIRE(eventually([&] { return proxy.output().find("TLS on") != std::string::npos; }, std::chrono::seconds(10)));
  const auto https = "https://localhost:" + std::to_string(tls_port);
  const auto calls = grafana.calls.size();
  std::tie(rc, out) = run(kCli, {"grafana", "push", "--url", https, "--token-file", token_file.string(), "--ca-file",
                                 (dir / "ca.crt").string()});
  CHECK(rc == 1);  // the conflict above still stands; every other dashboard answered over TLS
  CHECK(count(out, ": unchanged") == 3);
  CHECK(grafana.calls.size() > calls);
  const auto before_wrong = grafana.calls.size();
  std::tie(rc, out) = run(kCli, {"grafana", "push", "--url", https, "--token-file", token_file.string(), "--ca-file",
                                 (dir / "other.crt").string()});
  CHECK(rc == 4);
  CHECK_THAT(out, Catch::Contains("certificate verify failed"));
  CHECK(grafana.calls.size() == before_wrong);  // nothing reached Grafana
  proxy.signal(SIGTERM);
}
