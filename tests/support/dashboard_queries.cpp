#include "dashboard_queries.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace occupancy::testing {

std::vector<DashboardQuery> dashboard_queries(const std::string& type) {
  std::vector<DashboardQuery> out;
  const std::filesystem::path dir = std::string(OCCUPANCY_SOURCE_DIR) + "/deploy/grafana";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    rapidjson::Document d;
    d.Parse(s.str().c_str());
    if (d.HasParseError() || !d.IsObject()) throw std::runtime_error(e.path().string() + ": not a JSON object");
    const std::string uid = d["uid"].GetString();
    for (const auto& p : d["panels"].GetArray())
      for (const auto& t : p["targets"].GetArray()) {
        if (std::string(t["datasource"]["type"].GetString()) != type) continue;
        const char* key = t.HasMember("expr") ? "expr" : "rawSql";
        out.push_back({uid + " / " + p["title"].GetString(), t[key].GetString()});
      }
    for (const auto& a : d["annotations"]["list"].GetArray())
      if (std::string(a["datasource"]["type"].GetString()) == type && a.HasMember("rawQuery"))
        out.push_back({uid + " / annotation " + a["name"].GetString(), a["rawQuery"].GetString()});
  }
  return out;
}

std::string grafana_sql(std::string sql, const std::string& home, const std::string& room) {
  sql = std::regex_replace(sql, std::regex(R"(\$__timeFilter\(([a-z_]+)\))"), "$1 IS NOT NULL");
  sql = std::regex_replace(sql, std::regex(R"(\$__timeGroupAlias\(([a-z_]+), *1d\))"), "date_trunc('day', $1) AS time");
  sql = std::regex_replace(sql, std::regex(R"(\$home\b)"), home);
  return std::regex_replace(sql, std::regex(R"(\$room\b)"), room);
}

}  // namespace occupancy::testing
