#include "occupancy/simulation/household.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace occupancy::simulation {
namespace {

struct Reader {
  const std::string& source;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::runtime_error(source + ": key '" + key + "': " + what);
  }

  void only(const YAML::Node& n, const std::string& key, const std::set<std::string>& allowed) const {
    if (!n.IsMap()) fail(key, "expected a mapping");
    for (const auto& kv : n) {
      const auto k = kv.first.as<std::string>();
      if (!allowed.count(k)) fail(key.empty() ? k : key + "." + k, "unknown key");
    }
  }

  template <class T>
  void get(const YAML::Node& parent, const std::string& name, const std::string& key, T& out) const {
    const auto n = parent[name];
    if (!n) return;
    try {
      out = n.as<T>();
    } catch (const YAML::Exception&) {
      fail(key.empty() ? name : key + "." + name,
           "expected a " + std::string(std::is_same_v<T, std::string> ? "string" : "number"));
    }
  }

  void probability(const YAML::Node& parent, const std::string& name, const std::string& key, double& out) const {
    get(parent, name, key, out);
    if (out < 0 || out > 1) fail(key.empty() ? name : key + "." + name, "expected a probability in [0, 1]");
  }

  void range(const YAML::Node& parent, const std::string& name, const std::string& key,
             std::array<double, 2>& out) const {
    const auto n = parent[name];
    if (!n) return;
    const auto full = key.empty() ? name : key + "." + name;
    if (!n.IsSequence() || n.size() != 2) fail(full, "expected [min, max]");
    try {
      out = {n[0].as<double>(), n[1].as<double>()};
    } catch (const YAML::Exception&) {
      fail(full, "expected [min, max] numbers");
    }
    if (out[0] < 0 || out[1] < out[0]) fail(full, "expected 0 <= min <= max");
  }

  int clock(const YAML::Node& parent, const std::string& name, const std::string& key, int fallback) const {
    const auto n = parent[name];
    if (!n) return fallback;
    const auto s = n.as<std::string>();
    int h = -1, m = -1;
    char colon = 0;
    std::istringstream in(s);
    in >> h >> colon >> m;
    if (!in || colon != ':' || h < 0 || h > 23 || m < 0 || m > 59)
      fail(key + "." + name, "expected HH:MM, got '" + s + "'");
    return h * 60 + m;
  }
};

int weekday_of(const std::string& s) {
  static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (s == names[i]) return i;
  return -1;
}

void apply_override(YAML::Node root, const std::string& assignment, const std::string& source) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::runtime_error(source + ": override '" + assignment + "' is not key=value");
  const auto path = assignment.substr(0, eq);
  std::vector<std::string> keys;
  std::stringstream ss(path);
  for (std::string k; std::getline(ss, k, '.');) keys.push_back(k);
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < keys.size(); ++i) chain.push_back(chain.back()[keys[i]]);
  chain.back()[keys.back()] = YAML::Load(assignment.substr(eq + 1));
}

}  // namespace

Household parse_household(const std::string& yaml_text, const std::string& source,
                          const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
    for (const auto& o : overrides) apply_override(root, o, source);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(source + ": YAML error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const Reader r{source};
  Household h;
  r.only(root, "",
         {"seed", "start_date", "jitter_min", "people", "night_bathroom_probability", "late_night_probability",
          "sick_day_probability", "weekend_outing_probability", "evening_out_probability", "vacations", "vacation_days",
          "guest_visit_probability", "walk_s", "cat", "sensors", "faults", "changes"});
  r.get(root, "seed", "", h.seed);
  r.get(root, "start_date", "", h.start_date);
  r.get(root, "jitter_min", "", h.jitter_min);
  r.probability(root, "night_bathroom_probability", "", h.night_bathroom_probability);
  r.probability(root, "late_night_probability", "", h.late_night_probability);
  r.probability(root, "sick_day_probability", "", h.sick_day_probability);
  r.probability(root, "weekend_outing_probability", "", h.weekend_outing_probability);
  r.probability(root, "evening_out_probability", "", h.evening_out_probability);
  r.get(root, "vacations", "", h.vacations);
  r.range(root, "vacation_days", "", h.vacation_days);
  r.probability(root, "guest_visit_probability", "", h.guest_visit_probability);
  r.range(root, "walk_s", "", h.walk_s);

  if (const auto people = root["people"]) {
    if (!people.IsMap()) r.fail("people", "expected a mapping of person id to routine");
    for (const auto& kv : people) {
      const auto id = kv.first.as<std::string>();
      const auto key = "people." + id;
      const auto n = kv.second;
      r.only(n, key,
             {"wake", "weekend_wake", "bedtime", "weekend_bedtime", "wfh_weekdays", "leave", "return",
              "shower_probability"});
      PersonParams p;
      p.wake = r.clock(n, "wake", key, p.wake);
      p.weekend_wake = r.clock(n, "weekend_wake", key, p.weekend_wake);
      p.bedtime = r.clock(n, "bedtime", key, p.bedtime);
      p.weekend_bedtime = r.clock(n, "weekend_bedtime", key, p.weekend_bedtime);
      // Bedtimes after midnight count as late evening of the same day.
      if (p.bedtime < 12 * 60) p.bedtime += 24 * 60;
      if (p.weekend_bedtime < 12 * 60) p.weekend_bedtime += 24 * 60;
      p.leave = r.clock(n, "leave", key, p.leave);
      p.back = r.clock(n, "return", key, p.back);
      r.probability(n, "shower_probability", key, p.shower_probability);
      if (const auto days = n["wfh_weekdays"]) {
        if (!days.IsSequence()) r.fail(key + ".wfh_weekdays", "expected a list such as [mon, tue]");
        for (const auto& d : days) {
          const int wd = weekday_of(d.as<std::string>());
          if (wd < 0 || wd > 4)
            r.fail(key + ".wfh_weekdays", "expected weekdays mon..fri, got '" + d.as<std::string>() + "'");
          p.wfh_weekdays.push_back(wd);
        }
      }
      h.people[id] = p;
    }
  }
  if (const auto c = root["cat"]) {
    r.only(c, "cat", {"night_visits", "day_visits", "hop_share", "nap_share", "nap_minutes"});
    r.get(c, "night_visits", "cat", h.cat.night_visits);
    r.get(c, "day_visits", "cat", h.cat.day_visits);
    r.probability(c, "hop_share", "cat", h.cat.hop_share);
    r.probability(c, "nap_share", "cat", h.cat.nap_share);
    r.range(c, "nap_minutes", "cat", h.cat.nap_minutes);
    if (h.cat.hop_share + h.cat.nap_share > 1) r.fail("cat", "hop_share + nap_share must be <= 1");
  }
  if (const auto s = root["sensors"]) {
    r.only(s, "sensors",
           {"presence_on_latency_s", "presence_off_latency_s", "flicker_per_hour", "motion_pulse_s",
            "motion_cooldown_s", "doors_closed_when_empty", "front_door"});
    r.range(s, "presence_on_latency_s", "sensors", h.sensors.presence_on_latency_s);
    r.range(s, "presence_off_latency_s", "sensors", h.sensors.presence_off_latency_s);
    r.get(s, "flicker_per_hour", "sensors", h.sensors.flicker_per_hour);
    r.range(s, "motion_pulse_s", "sensors", h.sensors.motion_pulse_s);
    r.get(s, "motion_cooldown_s", "sensors", h.sensors.motion_cooldown_s);
    r.get(s, "front_door", "sensors", h.sensors.front_door);
    if (const auto d = s["doors_closed_when_empty"])
      for (const auto& room : d) h.sensors.doors_closed_when_empty.push_back(room.as<std::string>());
  }
  if (const auto f = root["faults"]) {
    r.only(f, "faults",
           {"unavailable_per_entity_per_30_days", "unavailable_minutes", "stuck_on_per_entity_per_60_days",
            "stuck_on_minutes", "drop_probability", "duplicate_probability"});
    r.get(f, "unavailable_per_entity_per_30_days", "faults", h.faults.unavailable_per_entity_per_30_days);
    r.range(f, "unavailable_minutes", "faults", h.faults.unavailable_minutes);
    r.get(f, "stuck_on_per_entity_per_60_days", "faults", h.faults.stuck_on_per_entity_per_60_days);
    r.range(f, "stuck_on_minutes", "faults", h.faults.stuck_on_minutes);
    r.probability(f, "drop_probability", "faults", h.faults.drop_probability);
    r.probability(f, "duplicate_probability", "faults", h.faults.duplicate_probability);
  }
  if (const auto c = root["changes"]) {
    if (!c.IsSequence()) r.fail("changes", "expected a list such as [\"new-job@60\"]");
    for (const auto& item : c) try {
        h.changes.push_back(parse_life_change(item.as<std::string>()));
      } catch (const std::exception& e) {
        r.fail("changes", e.what());
      }
  }
  if (h.people.empty()) r.fail("people", "expected at least one person");
  return h;
}

Household load_household(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot read the household file");
  std::stringstream s;
  s << in.rdbuf();
  return parse_household(s.str(), path.string(), overrides);
}

const std::vector<std::string>& life_change_kinds() {
  static const std::vector<std::string> kinds{"new-job", "guest-room-office"};
  return kinds;
}

LifeChange parse_life_change(const std::string& text) {
  const auto at = text.find('@');
  const auto kinds = [] {
    std::string all;
    for (const auto& k : life_change_kinds()) all += (all.empty() ? "" : ", ") + k;
    return all;
  };
  if (at == std::string::npos)
    throw std::invalid_argument("life change '" + text + "': expected KIND@DAY, e.g. new-job@60");
  LifeChange c{text.substr(0, at), 0};
  const auto& known = life_change_kinds();
  if (std::find(known.begin(), known.end(), c.kind) == known.end())
    throw std::invalid_argument("life change '" + text + "': unknown kind '" + c.kind + "' (known: " + kinds() + ")");
  const auto day = text.substr(at + 1);
  std::size_t used = 0;
  try {
    c.day = std::stoi(day, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (day.empty() || used != day.size() || c.day < 0)
    throw std::invalid_argument("life change '" + text + "': day '" + day + "' is not a whole number >= 0");
  return c;
}

std::filesystem::path default_household_path() { return OCCUPANCY_DEFAULT_HOUSEHOLD; }

}  // namespace occupancy::simulation
