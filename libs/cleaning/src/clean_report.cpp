#include "occupancy/cleaning/clean_report.hpp"

#include <map>
#include <ostream>

#include "occupancy/cleaning/cleaner_core.hpp"

namespace occupancy::cleaning {
namespace {

std::string quoted(const std::string& s) {  // RFC 4180
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

CleanRun clean_history(const config::HomeConfig& config, const std::vector<Reading>& readings) {
  CleanerCore core(config);
  CleanerOutput out;
  CleanRun run;
  std::map<std::pair<std::string, Millis>, std::size_t> open;  // (entity, start) -> index in run.gaps
  const auto take = [&] {
    run.clean.insert(run.clean.end(), out.clean.begin(), out.clean.end());
    run.rejected.insert(run.rejected.end(), out.rejected.begin(), out.rejected.end());
    run.states.insert(run.states.end(), out.states.begin(), out.states.end());
    for (const auto& g : out.gaps) {
      const auto key = std::make_pair(g.entity_id, g.start);
      if (const auto it = open.find(key); it != open.end()) {
        run.gaps[it->second] = g;
        open.erase(it);
      } else {
        open.emplace(key, run.gaps.size());
        run.gaps.push_back(g);
      }
    }
    out.clear();
  };
  for (const auto& r : readings) {
    core.push(r, out);
    take();
  }
  core.finish(out);
  take();
  return run;
}

void write_clean_csv(std::ostream& out, const std::vector<Reading>& clean) {
  out << "entity_id,state,last_changed,room,zone,kind\n";
  for (const auto& r : clean)
    out << r.entity_id << ',' << to_string(r.state) << ',' << format_iso8601(r.ts) << ',' << r.room << ',' << r.zone
        << ',' << r.kind << '\n';
}

void write_rejected_csv(std::ostream& out, const std::vector<Rejection>& rejected) {
  out << "entity_id,state,last_changed,reason,detail\n";
  for (const auto& r : rejected)
    out << r.reading.entity_id << ',' << to_string(r.reading.state) << ',' << format_iso8601(r.reading.ts) << ','
        << r.reason << ',' << quoted(r.detail) << '\n';
}

void write_gaps_csv(std::ostream& out, const std::vector<Gap>& gaps) {
  out << "entity_id,room,zone,start,end,cause\n";
  for (const auto& g : gaps)
    out << g.entity_id << ',' << g.room << ',' << g.zone << ',' << format_iso8601(g.start) << ','
        << (g.end ? format_iso8601(*g.end) : "") << ',' << g.cause << '\n';
}

void write_rooms_csv(std::ostream& out, const std::vector<RoomState>& states) {
  out << "ts,room,occupied,active_zones,since,reliable\n";
  for (const auto& s : states) {
    std::string zones;
    for (const auto& z : s.active_zones) zones += (zones.empty() ? "" : "|") + z;
    out << format_iso8601(s.ts) << ',' << s.room << ',' << (s.occupied ? "true" : "false") << ',' << zones << ','
        << format_iso8601(s.since) << ',' << (s.reliable ? "true" : "false") << '\n';
  }
}

}  // namespace occupancy::cleaning
