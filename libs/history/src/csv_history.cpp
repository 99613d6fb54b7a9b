#include "occupancy/history/csv_history.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace occupancy::history {
namespace {

// One CSV record's fields (RFC 4180 quoting), split on `delimiter`.
std::vector<std::string> split_fields(std::string_view line, char delimiter) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
    size_t start = 0;
    while (start < f.size() && (f[start] == ' ' || f[start] == '\t')) ++start;
    f.erase(0, start);
  }
  return out;
}

// Calls `row(line_number, text)` for each line, without BOM and CR.
template <class Row>
void for_each_line(std::string_view text, Row row) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line = 0, pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    row(++line, l);
    pos = end + 1;
  }
}

char delimiter_of(std::string_view header) {
  const auto commas = std::count(header.begin(), header.end(), ',');
  const auto semicolons = std::count(header.begin(), header.end(), ';');
  return semicolons > commas ? ';' : ',';
}

std::string shown(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out;
}

}  // namespace

std::optional<SensorState> sensor_state_of(std::string_view s) {
  if (s == "on") return SensorState::on;
  if (s == "off") return SensorState::off;
  if (s == "unavailable" || s == "unknown") return SensorState::unavailable;
  return std::nullopt;
}

EntityMap entities_from_config(const config::HomeConfig& config) { return config.entities; }

EntityMap parse_entities_csv(std::string_view text, const std::string& source) {
  EntityMap out;
  std::map<std::string, size_t> column;
  char delimiter = ',';
  std::set<std::string> seen;
  for_each_line(text, [&](size_t line, std::string_view l) {
    if (l.empty()) return;
    if (column.empty()) {
      delimiter = delimiter_of(l);
      const auto names = split_fields(l, delimiter);
      for (size_t i = 0; i < names.size(); ++i) column[names[i]] = i;
      for (const char* need : {"entity_id", "room", "zone", "kind"})
        if (!column.count(need))
          throw std::runtime_error(source + ": line 1: header needs entity_id,room,zone,kind (missing " + need + ")");
      return;
    }
    const auto f = split_fields(l, delimiter);
    auto at = [&](const char* name) { return column[name] < f.size() ? f[column[name]] : std::string(); };
    config::Entity e{at("entity_id"), at("room"), at("zone"), at("kind")};
    const auto where = source + ": line " + std::to_string(line) + ": ";
    if (e.entity_id.find('.') == std::string::npos)
      throw std::runtime_error(where + "bad entity_id '" + e.entity_id + "'");
    if (e.room.empty() || e.zone.empty()) throw std::runtime_error(where + "room and zone are required");
    if (e.kind != "presence" && e.kind != "motion" && e.kind != "door" && e.kind != "light")
      throw std::runtime_error(where + "kind must be presence, motion, door or light, got '" + e.kind + "'");
    if (!seen.insert(e.entity_id).second) throw std::runtime_error(where + "entity '" + e.entity_id + "' listed twice");
    out.push_back(std::move(e));
  });
  if (column.empty()) throw std::runtime_error(source + ": empty file");
  return out;
}

EntityMap read_entities_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  return parse_entities_csv(s.str(), path.string());
}

ImportResult parse_history_csv(std::string_view text, const EntityMap& entities) {
  std::unordered_map<std::string, const config::Entity*> by_id;
  for (const auto& e : entities) by_id[e.entity_id] = &e;
  ImportResult r;
  size_t c_entity = 0, c_state = 1, c_time = 2, width = 3;
  char delimiter = ',';
  bool header = false;
  for_each_line(text, [&](size_t line, std::string_view l) {
    if (l.empty()) return;
    if (!header) {
      header = true;
      delimiter = delimiter_of(l);
      const auto names = split_fields(l, delimiter);
      const auto find = [&](const char* n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
      c_entity = static_cast<size_t>(find("entity_id"));
      c_state = static_cast<size_t>(find("state"));
      c_time = static_cast<size_t>(find("last_changed"));
      width = names.size();
      if (c_entity >= width || c_state >= width || c_time >= width)
        throw std::runtime_error("line 1: header must name entity_id, state and last_changed");
      return;
    }
    ++r.rows;
    const auto f = split_fields(l, delimiter);
    if (f.size() != width) {
      r.errors.push_back(
          {line, "expected " + std::to_string(width) + " fields, got " + std::to_string(f.size()) + ": " + shown(l)});
      return;
    }
    const auto it = by_id.find(f[c_entity]);
    if (it == by_id.end()) {
      ++r.unknown_entities;
      r.errors.push_back({line, "unknown entity '" + shown(f[c_entity]) + "'"});
      return;
    }
    const auto state = sensor_state_of(f[c_state]);
    if (!state) {
      r.errors.push_back(
          {line, "unsupported state '" + shown(f[c_state]) + "' (expected on, off, unavailable, unknown)"});
      return;
    }
    const auto ts = parse_iso8601(f[c_time]);
    if (!ts) {
      r.errors.push_back({line, "bad timestamp '" + shown(f[c_time]) + "' (expected UTC ISO 8601)"});
      return;
    }
    const auto& e = *it->second;
    r.readings.push_back({*ts, e.entity_id, e.room, e.zone, e.kind, *state});
  });
  if (!header) throw std::runtime_error("empty file: no header");
  std::stable_sort(r.readings.begin(), r.readings.end(),
                   [](const Reading& a, const Reading& b) { return a.ts < b.ts; });
  // Exact repeats (same entity, time and state) are one reading.
  std::set<std::tuple<Millis, std::string, SensorState>> seen;
  std::vector<Reading> unique;
  unique.reserve(r.readings.size());
  for (auto& reading : r.readings) {
    if (!seen.emplace(reading.ts, reading.entity_id, reading.state).second) {
      ++r.duplicates;
      continue;
    }
    unique.push_back(std::move(reading));
  }
  r.readings = std::move(unique);
  return r;
}

ImportResult read_history_csv(const std::filesystem::path& path, const EntityMap& entities) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  try {
    return parse_history_csv(s.str(), entities);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace occupancy::history
