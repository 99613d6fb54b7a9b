#include "occupancy/simulation/history_writer.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace occupancy::simulation {
namespace {

std::ofstream open(const std::filesystem::path& p) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  return out;
}

}  // namespace

std::vector<const SimEvent*> rows_in_file_order(const SimResult& result) {
  std::vector<const SimEvent*> rows;
  rows.reserve(result.events.size());
  for (const auto& e : result.events) rows.push_back(&e);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SimEvent* a, const SimEvent* b) { return a->entity_id < b->entity_id; });
  return rows;
}

void write_history_csv(const std::filesystem::path& path, const SimResult& result) {
  auto out = open(path);
  std::string buf = "entity_id,state,last_changed\n";
  for (const auto* e : rows_in_file_order(result)) {
    buf += e->entity_id;
    buf += ',';
    buf += to_string(e->state);
    buf += ',';
    buf += format_iso8601(e->ts);
    buf += '\n';
  }
  out << buf;
}

void write_truth(const std::filesystem::path& dir, const SimResult& result) {
  {
    auto out = open(dir / "occupancy.csv");
    out << "room,start,end\n";
    for (const auto& [room, intervals] : result.occupancy)
      for (const auto& i : intervals)
        out << room << ',' << format_iso8601(i.start) << ',' << format_iso8601(i.end) << '\n';
  }
  {
    auto out = open(dir / "stays.csv");
    out << "who,room,zone,start,end\n";
    for (const auto& s : result.stays)
      out << s.who << ',' << s.room << ',' << s.zone << ',' << format_iso8601(s.start) << ',' << format_iso8601(s.end)
          << '\n';
  }
  {
    auto out = open(dir / "events.csv");
    std::string buf = "entity_id,state,last_changed,cause,detail\n";
    for (const auto* e : rows_in_file_order(result))
      buf += e->entity_id + ',' + to_string(e->state) + ',' + format_iso8601(e->ts) + ',' + to_string(e->cause) + ',' +
             e->detail + '\n';
    out << buf;
  }
  {
    auto out = open(dir / "faults.csv");
    out << "entity_id,kind,start,end\n";
    for (const auto& f : result.faults)
      out << f.entity_id << ',' << f.kind << ',' << format_iso8601(f.start) << ',' << format_iso8601(f.end) << '\n';
  }
  {
    auto out = open(dir / "vacations.csv");
    out << "date\n";
    for (const auto& d : result.vacation_days) out << d << '\n';
  }
  {
    auto out = open(dir / "changes.csv");
    out << "kind,day,date,rooms\n";
    for (const auto& c : result.changes) {
      std::string rooms;
      for (const auto& r : c.rooms) rooms += (rooms.empty() ? "" : " ") + r;
      out << c.kind << ',' << c.day << ',' << c.date << ',' << rooms << '\n';
    }
  }
}

void write_entities_csv(const std::filesystem::path& path, const config::HomeConfig& home) {
  auto out = open(path);
  out << "entity_id,room,zone,kind\n";
  for (const auto& e : home.entities) out << e.entity_id << ',' << e.room << ',' << e.zone << ',' << e.kind << '\n';
}

}  // namespace occupancy::simulation
