#pragma once
// `occupancy grafana push`: the suite's dashboards into a Grafana, through its documented HTTP
// API (folders: GET/POST /api/folders; dashboards: GET /api/dashboards/uid/:uid, POST
// /api/dashboards/db). Idempotent: a dashboard equal to Grafana's copy (id and version aside)
// in the right folder is not sent again, so pushing twice makes no new version. The transport
// is injected (tests script Grafana's answers; the command uses libs/http's client). The token
// is the transport's business: nothing here ever sees or prints it.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace occupancy::grafana {

struct Call {
  std::string method, target, body;
};
struct Reply {
  int status = 0;
  std::string body;
};
using Transport = std::function<Reply(const Call&)>;

struct Dashboard {
  std::string uid, title, json;  // json: the file as shipped
};

/// Every *.json of `dir`, by file name. Throws std::runtime_error naming a file that is not a
/// dashboard (no uid or title).
std::vector<Dashboard> load_dashboards(const std::filesystem::path& dir = OCCUPANCY_GRAFANA_DIR);

/// A folder title's uid: lower case, runs of other characters as one '-' ("Occupancy" -> "occupancy").
std::string folder_uid(const std::string& title);

struct PushResult {
  std::vector<std::string> lines;  // one per folder or dashboard: what happened
  int failed = 0;
  bool refused = false;  // 401/403: the token was not accepted (nothing else tried)
};

PushResult push(const std::vector<Dashboard>& dashboards, const std::string& folder_title, const Transport& grafana);

}  // namespace occupancy::grafana
