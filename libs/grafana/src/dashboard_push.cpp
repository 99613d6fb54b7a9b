#include "occupancy/grafana/dashboard_push.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace occupancy::grafana {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());  // Grafana's answers: no recursion depth
  if (d.HasParseError()) d.SetObject();
  return d;
}

// Grafana's own words for a refusal ({"message": ...}), else the status.
std::string reason(const Reply& r) {
  const auto d = parse(r.body);
  if (d.IsObject() && d.HasMember("message") && d["message"].IsString())
    return fmt::format("{} ({})", d["message"].GetString(), r.status);
  return fmt::format("HTTP {}", r.status);
}

// A dashboard as compared: Grafana adds and counts "id" and "version"; they are not content.
void strip_bookkeeping(rapidjson::Value& dashboard) {
  if (!dashboard.IsObject()) return;
  dashboard.RemoveMember("id");
  dashboard.RemoveMember("version");
}

bool refused(const Reply& r) { return r.status == 401 || r.status == 403; }

}  // namespace

std::vector<Dashboard> load_dashboards(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Dashboard> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream s;
    s << in.rdbuf();
    const auto d = parse(s.str());
    if (!d.IsObject() || !d.HasMember("uid") || !d["uid"].IsString() || !d.HasMember("title") || !d["title"].IsString())
      throw std::runtime_error(f.string() + ": not a dashboard (a JSON object with \"uid\" and \"title\")");
    out.push_back({d["uid"].GetString(), d["title"].GetString(), s.str()});
  }
  if (out.empty()) throw std::runtime_error("no dashboards (*.json) in " + dir.string());
  return out;
}

std::string folder_uid(const std::string& title) {
  std::string uid;
  for (unsigned char c : title) {
    if (std::isalnum(c))
      uid += static_cast<char>(std::tolower(c));
    else if (!uid.empty() && uid.back() != '-')
      uid += '-';
  }
  while (!uid.empty() && uid.back() == '-') uid.pop_back();
  return uid.empty() ? "occupancy" : uid;
}

PushResult push(const std::vector<Dashboard>& dashboards, const std::string& folder_title, const Transport& grafana) {
  PushResult result;
  const auto folder = folder_uid(folder_title);
  const auto found = grafana({"GET", "/api/folders/" + folder, ""});
  if (refused(found)) {
    result.refused = true;
    result.lines.push_back("Grafana refused the token: " + reason(found));
    return result;
  }
  if (found.status == 404) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("uid");
    w.String(folder.c_str());
    w.Key("title");
    w.String(folder_title.c_str());
    w.EndObject();
    const auto made = grafana({"POST", "/api/folders", buf.GetString()});
    if (made.status != 200) {
      result.refused = refused(made);
      result.lines.push_back(fmt::format("folder '{}' could not be created: {}", folder_title, reason(made)));
      ++result.failed;
      return result;
    }
    result.lines.push_back(fmt::format("folder '{}' ({}): created", folder_title, folder));
  } else if (found.status != 200) {
    result.lines.push_back(fmt::format("folder '{}': {}", folder_title, reason(found)));
    ++result.failed;
    return result;
  }

  for (const auto& dash : dashboards) {
    auto ours = parse(dash.json);
    strip_bookkeeping(ours);
    const auto current = grafana({"GET", "/api/dashboards/uid/" + dash.uid, ""});
    if (refused(current)) {
      result.refused = true;
      result.lines.push_back("Grafana refused the token: " + reason(current));
      return result;
    }
    bool exists = false;
    if (current.status == 200) {
      auto theirs = parse(current.body);
      exists = true;
      if (theirs.IsObject() && theirs.HasMember("dashboard")) {
        auto& copy = theirs["dashboard"];
        strip_bookkeeping(copy);
        const bool same_folder = theirs.HasMember("meta") && theirs["meta"].IsObject() &&
                                 theirs["meta"].HasMember("folderUid") && theirs["meta"]["folderUid"].IsString() &&
                                 folder == theirs["meta"]["folderUid"].GetString();
        if (copy == ours && same_folder) {
          result.lines.push_back(fmt::format("{} ({}): unchanged", dash.title, dash.uid));
          continue;
        }
      }
    } else if (current.status != 404) {
      result.lines.push_back(fmt::format("{} ({}): {}", dash.title, dash.uid, reason(current)));
      ++result.failed;
      continue;
    }
    rapidjson::Document body(rapidjson::kObjectType);
    auto& a = body.GetAllocator();
    rapidjson::Value dashboard(ours, a);
    dashboard.AddMember("id", rapidjson::Value(), a);  // null: Grafana matches by uid
    body.AddMember("dashboard", dashboard, a);
    body.AddMember("folderUid", rapidjson::Value(folder.c_str(), a), a);
    body.AddMember("overwrite", true, a);
    body.AddMember("message", "occupancy grafana push", a);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    body.Accept(w);
    const auto saved = grafana({"POST", "/api/dashboards/db", buf.GetString()});
    if (refused(saved)) {
      result.refused = true;
      result.lines.push_back("Grafana refused the token: " + reason(saved));
      return result;
    }
    if (saved.status != 200) {
      result.lines.push_back(fmt::format("{} ({}): not saved: {}", dash.title, dash.uid, reason(saved)));
      ++result.failed;
      continue;
    }
    const auto reply = parse(saved.body);
    const int version =
        reply.IsObject() && reply.HasMember("version") && reply["version"].IsInt() ? reply["version"].GetInt() : 0;
    result.lines.push_back(
        fmt::format("{} ({}): {} (version {})", dash.title, dash.uid, exists ? "updated" : "created", version));
  }
  return result;
}

}  // namespace occupancy::grafana
