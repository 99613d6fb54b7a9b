// `occupancy grafana push --url URL --token-file F [--folder NAME] [--dir DIR]`: uploads the
// shipped dashboards into a Grafana (libs/grafana: what is sent and why; libs/http: how).
// The token is read from a file and only ever travels in the Authorization header.
#include <fmt/format.h>

#include <fstream>
#include <regex>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/grafana/dashboard_push.hpp"
#include "occupancy/http/client.hpp"

namespace occupancy::cli {

void add_grafana_command(CLI::App& app, int& result) {
  struct Options {
    std::string url, token_file, folder = "Occupancy", dir = OCCUPANCY_GRAFANA_DIR;
  };
  auto o = std::make_shared<Options>();
  auto* grafana = app.add_subcommand("grafana", "The suite's Grafana dashboards");
  grafana->require_subcommand(1);
  auto* push = grafana->add_subcommand("push", "Create the folder if needed and upload every dashboard (idempotent)");
  push->add_option("--url", o->url, "Grafana's address, http://host:port")->required();
  push->add_option("--token-file", o->token_file, "a file holding a service-account token (Editor)")
      ->required()
      ->check(CLI::ExistingFile);
  push->add_option("--folder", o->folder, "the folder's title")->capture_default_str();
  push->add_option("--dir", o->dir, "the dashboards (*.json)")->check(CLI::ExistingDirectory)->capture_default_str();
  push->footer("Exit codes: 0 every dashboard in place, 1 one failed or the token was refused, 4 Grafana unreachable.");
  push->callback([&result, o] {
    result = run_job("grafana push", [&] {
      std::smatch m;
      if (!std::regex_match(o->url, m, std::regex(R"(http://([^/:]+)(?::([0-9]{1,5}))?/?)")))
        throw CLI::ValidationError("--url",
                                   "expected http://host[:port] (https is not supported yet: use a local "
                                   "http listener or a TLS-terminating proxy)");
      const std::string host = m[1];
      const auto port = static_cast<std::uint16_t>(m[2].matched ? std::stoi(m[2]) : 80);
      std::ifstream in(o->token_file);
      std::string token;
      std::getline(in, token);
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
      if (token.empty()) throw CLI::ValidationError("--token-file", o->token_file + " is empty");
      const std::vector<std::string> headers{"Authorization: Bearer " + token, "Accept: application/json"};
      const auto dashboards = grafana::load_dashboards(o->dir);
      int unreachable = 0;
      const auto transport = [&](const grafana::Call& c) -> grafana::Reply {
        try {
          const auto r = http::request(c.method, host, port, c.target, headers, c.body, std::chrono::seconds(20));
          return {r.status, r.body};
        } catch (const std::runtime_error& e) {
          ++unreachable;
          return {0, fmt::format(R"({{"message":"{} unreachable"}})", host)};
        }
      };
      const auto r = grafana::push(dashboards, o->folder, transport);
      for (const auto& line : r.lines) fmt::print("{}\n", line);
      if (unreachable) return kExitUnavailable;
      return r.refused || r.failed ? kExitFailure : kExitOk;
    });
  });
}

}  // namespace occupancy::cli
