// `occupancy grafana push --url URL --token-file F [--folder NAME] [--dir DIR]`: uploads the
// shipped dashboards into a Grafana (libs/grafana: what is sent and why; libs/http: how).
// The token is read from a file and only ever travels in the Authorization header.
#include <fmt/format.h>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/grafana/dashboard_push.hpp"
#include "occupancy/http/client.hpp"

namespace occupancy::cli {

void add_grafana_command(CLI::App& app, int& result) {
  struct Options {
    std::string url, token_file, ca_file, folder = "Occupancy", dir = OCCUPANCY_GRAFANA_DIR;
  };
  auto o = std::make_shared<Options>();
  auto* grafana = app.add_subcommand("grafana", "The suite's Grafana dashboards");
  grafana->require_subcommand(1);
  auto* push = grafana->add_subcommand("push", "Create the folder if needed and upload every dashboard (idempotent)");
  push->add_option("--url", o->url, "Grafana's address, http[s]://host[:port]")->required();
  push->add_option("--ca-file", o->ca_file, "https: the CA (PEM) of Grafana's certificate (default: the system's)")
      ->check(CLI::ExistingFile);
  push->add_option("--token-file", o->token_file, "a file holding a service-account token (Editor)")
      ->required()
      ->check(CLI::ExistingFile);
  push->add_option("--folder", o->folder, "the folder's title")->capture_default_str();
  push->add_option("--dir", o->dir, "the dashboards (*.json)")->check(CLI::ExistingDirectory)->capture_default_str();
  push->footer("Exit codes: 0 every dashboard in place, 1 one failed or the token was refused, 4 Grafana unreachable.");
  push->callback([&result, o] {
    result = run_job("grafana push", [&] {
      config::HttpEndpoint endpoint;
      try {
        endpoint = config::parse_http_url(o->url, 80);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--url", e.what());
      }
      std::vector<std::string> warnings;
      const auto token = config::read_secret_file(o->token_file, "the Grafana token file (--token-file)", warnings);
      for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
      if (token.empty()) throw CLI::ValidationError("--token-file", o->token_file + " is empty");
      const std::vector<std::string> headers{"Authorization: Bearer " + token.reveal(), "Accept: application/json"};
      const auto dashboards = grafana::load_dashboards(o->dir);
      int unreachable = 0;
      std::string why;  // the first failure's reason (refused, a name unknown, a certificate not trusted)
      const auto transport = [&](const grafana::Call& c) -> grafana::Reply {
        try {
          const auto r =
              http::request(c.method, {endpoint.host, endpoint.port, endpoint.tls, o->ca_file, endpoint.base_path},
                            c.target, headers, c.body, std::chrono::seconds(20));
          return {r.status, r.body};
        } catch (const std::runtime_error& e) {
          if (unreachable++ == 0) why = e.what();
          return {0, fmt::format(R"({{"message":"{} unreachable"}})", endpoint.host)};
        }
      };
      const auto r = grafana::push(dashboards, o->folder, transport);
      for (const auto& line : r.lines) fmt::print("{}\n", line);
      if (unreachable) {
        fmt::print(stderr, "Grafana unreachable: {}\n", why);
        return kExitUnavailable;
      }
      return r.refused || r.failed ? kExitFailure : kExitOk;
    });
  });
}

}  // namespace occupancy::cli
