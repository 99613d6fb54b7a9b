#include "occupancy/evaluation/cleaner_evaluation.hpp"

#include <fmt/format.h>

#include <deque>
#include <map>
#include <utility>

#include "occupancy/cleaning/cleaner_core.hpp"

namespace occupancy::evaluation {
namespace {

double ratio(std::size_t a, std::size_t b) { return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b); }

}  // namespace

double CleanerScore::precision() const { return ratio(cat_caught, cat_caught + false_cat); }
double CleanerScore::recall() const { return ratio(cat_caught, cat_readings); }
double CleanerScore::human_rejected_share() const { return ratio(human_rejected, human_readings); }
double CleanerScore::gap_recall() const { return ratio(long_faults_found, long_faults); }

CleanerScore evaluate_cleaner(const config::HomeConfig& home, const simulation::SimResult& sim) {
  CleanerScore s;
  // The cause of each event, by (entity, time): a duplicated event appears twice, in order.
  std::map<std::pair<std::string, Millis>, std::deque<simulation::Cause>> causes;
  for (const auto& e : sim.events) {
    causes[{e.entity_id, e.ts}].push_back(e.cause);
    ++s.readings;
    s.cat_readings += e.cause == simulation::Cause::cat;
    s.human_readings += e.cause == simulation::Cause::person;
  }

  cleaning::CleanerCore core(home);
  cleaning::CleanerOutput out;
  std::vector<Gap> gaps;
  const auto example = [](std::vector<std::string>& v, const Reading& r, const std::string& why) {
    if (v.size() < 200)
      v.push_back(fmt::format("{} {} {} {}", format_iso8601(r.ts), r.entity_id, to_string(r.state), why));
  };
  std::map<std::string, std::vector<RoomState>> states;
  const auto collect = [&] {
    for (const auto& st : out.states) states[st.room].push_back(st);
    for (const auto& r : out.clean) {
      auto& q = causes[{r.entity_id, r.ts}];
      if (q.empty()) continue;
      if (q.front() == simulation::Cause::cat) example(s.missed, r, "");
      q.pop_front();
    }
    for (const auto& r : out.rejected) {
      auto& q = causes[{r.reading.entity_id, r.reading.ts}];
      // A retroactive "impossible" names a reading already counted as clean: no cause to take.
      const auto cause = q.empty() ? simulation::Cause::fault : q.back();
      if (r.reason != "impossible" && !q.empty()) q.pop_back();
      if (r.reason == "cat") {
        if (cause == simulation::Cause::cat)
          ++s.cat_caught;
        else {
          ++s.false_cat;
          example(s.false_alarms, r.reading, r.detail);
        }
      }
      if (cause == simulation::Cause::person && r.reason != "impossible") ++s.human_rejected;
      if (r.reason == "duplicate") ++s.duplicates_rejected;
    }
    for (auto& g : out.gaps) gaps.push_back(std::move(g));
    out.clear();
  };
  for (const auto& r : simulation::readings_of(home, sim)) {
    core.push(r, out);
    collect();
  }
  core.finish(out);
  collect();

  for (const auto& f : sim.faults) {
    if (f.kind == "duplicate") ++s.duplicates_injected;
    const auto overlaps = [&](const char* cause) {
      for (const auto& g : gaps)
        if (g.entity_id == f.entity_id && g.cause == cause && g.start <= f.end && g.end.value_or(sim.end) >= f.start)
          return true;
      return false;
    };
    if (f.kind == "unavailable" && f.end - f.start > 5 * 60'000) {
      ++s.long_faults;
      s.long_faults_found += overlaps("unavailable");
    }
    if (f.kind == "stuck_on") {
      const auto* e = home.find_entity(f.entity_id);
      const auto* room = home.find_room(e->room);
      bool personal = false;
      for (const auto& z : room->zones) personal |= z.id == e->zone && !z.person.empty();
      if (personal) {
        ++s.stuck_injected;
        s.stuck_found += overlaps("contradicted");
      }
    }
  }
  // Minute by minute, does the room state say what the household did?
  for (const auto& [room, changes] : states) {
    const auto& truth = sim.occupancy.at(room);
    std::size_t minutes = 0, agree = 0, c = 0, t = 0;
    for (Millis m = sim.start; m < sim.end; m += 60'000) {
      while (c + 1 < changes.size() && changes[c + 1].ts <= m) ++c;
      while (t < truth.size() && truth[t].end <= m) ++t;
      if (changes[c].ts > m || !changes[c].reliable) continue;
      const bool occupied = t < truth.size() && truth[t].start <= m;
      ++minutes;
      agree += changes[c].occupied == occupied;
    }
    s.room_agreement[room] = ratio(agree, minutes);
  }
  return s;
}

std::string format_score(const CleanerScore& s) {
  auto out = fmt::format(
      "readings                      {}\n"
      "cat readings (truth)          {}\n"
      "cat precision                 {:.4f}   ({} caught, {} human or fault readings taken for the cat)\n"
      "cat recall                    {:.4f}   ({} of {})\n"
      "human readings rejected       {:.4f}   ({} of {}, any reason)\n"
      "gap recall (unavailable >5m)  {:.4f}   ({} of {})\n"
      "duplicates rejected           {}       ({} injected)\n"
      "stuck person zones found      {} of {}\n",
      s.readings, s.cat_readings, s.precision(), s.cat_caught, s.false_cat, s.recall(), s.cat_caught, s.cat_readings,
      s.human_rejected_share(), s.human_rejected, s.human_readings, s.gap_recall(), s.long_faults_found, s.long_faults,
      s.duplicates_rejected, s.duplicates_injected, s.stuck_found, s.stuck_injected);
  out += "room state = truth, share of reliable minutes:";
  for (const auto& [room, share] : s.room_agreement) out += fmt::format(" {} {:.3f}", room, share);
  return out + "\n";
}

}  // namespace occupancy::evaluation
