#include "occupancy/store/backup.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace occupancy::store {

std::vector<TableDigest> digest_tables(Database& db) {
  std::vector<TableDigest> out;
  const auto tables = db.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  for (int i = 0; i < tables.rows(); ++i) {
    const auto name = tables.text(i, 0);
    const auto quoted = "\"" + name + "\"";  // names from the catalogue, quoted as identifiers
    const auto r = db.exec(
        "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') FROM (SELECT md5(t::text) "
        "AS h FROM public." +
        quoted + " t) rows");
    out.push_back({name, std::stoll(r.text(0, 0)), r.text(0, 1)});
  }
  return out;
}

std::string digests_to_json(const std::vector<TableDigest>& digests, const std::string& created_at) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("created_at");
  w.String(created_at.c_str());
  w.Key("tables");
  w.StartArray();
  for (const auto& d : digests) {
    w.StartObject();
    w.Key("table");
    w.String(d.table.c_str());
    w.Key("rows");
    w.Int64(d.rows);
    w.Key("checksum");
    w.String(d.checksum.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::vector<TableDigest> digests_from_json(const std::string& json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());  // a backup file's: no recursion depth
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("tables") || !d["tables"].IsArray())
    throw std::runtime_error("backup manifest: not a JSON object with a \"tables\" list");
  std::vector<TableDigest> out;
  for (const auto& t : d["tables"].GetArray()) {
    if (!t.IsObject() || !t.HasMember("table") || !t["table"].IsString() || !t.HasMember("rows") ||
        !t["rows"].IsInt64() || !t.HasMember("checksum") || !t["checksum"].IsString())
      throw std::runtime_error("backup manifest: a table entry needs \"table\", \"rows\" and \"checksum\"");
    out.push_back({t["table"].GetString(), t["rows"].GetInt64(), t["checksum"].GetString()});
  }
  return out;
}

bool database_is_empty(Database& db) {
  return db.exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").text(0, 0) == "0";
}

std::map<std::string, std::string> libpq_environment(Database& db) {
  PGconn* c = db.raw();
  std::map<std::string, std::string> env{
      {"PGHOST", PQhost(c)}, {"PGPORT", PQport(c)}, {"PGUSER", PQuser(c)}, {"PGDATABASE", PQdb(c)}};
  if (const char* pass = PQpass(c); pass && *pass) env["PGPASSWORD"] = pass;
  return env;
}

}  // namespace occupancy::store
