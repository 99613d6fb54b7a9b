#include "occupancy/history/recorded_home.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace occupancy::history {

std::optional<std::string> zone_named_in(const std::string& text) {
  static const std::regex zone(R"(([A-Z][A-Za-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?))");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("time zone") == std::string::npos && lower.find("timezone") == std::string::npos) continue;
    if (std::smatch m; std::regex_search(line, m, zone)) return m[1].str();
  }
  return std::nullopt;
}

RecordedHome read_recorded_home(const std::filesystem::path& dir, const std::string& tz) {
  RecordedHome home{dir.filename().string(), dir / "history.csv", dir / "entities.csv", tz};
  if (home.name.empty()) home.name = dir.parent_path().filename().string();
  for (const auto& f : {home.history, home.entities})
    if (!std::filesystem::is_regular_file(f)) throw std::runtime_error(dir.string() + ": no " + f.filename().string());
  if (home.tz.empty()) {
    std::ifstream in(dir / "SOURCE.md");
    if (!in) throw std::runtime_error(dir.string() + ": no SOURCE.md to read the time zone from (give --tz)");
    std::stringstream text;
    text << in.rdbuf();
    const auto zone = zone_named_in(text.str());
    if (!zone) throw std::runtime_error(dir.string() + "/SOURCE.md names no time zone (give --tz)");
    home.tz = *zone;
  }
  return home;
}

}  // namespace occupancy::history
