#include "occupancy/setup/home_proposal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "occupancy/core/timezone.hpp"

namespace occupancy::setup {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string t; std::getline(in, t, '_');)
    if (!t.empty()) out.push_back(t);
  return out;
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : "_") + t;
  return out;
}

std::string domain_of(const std::string& entity_id) { return entity_id.substr(0, entity_id.find('.')); }
std::string object_of(const std::string& entity_id) { return entity_id.substr(entity_id.find('.') + 1); }

// The kind, or empty with why not.
std::pair<std::string, std::string> kind_of(const std::string& entity_id, const std::string& device_class) {
  const auto domain = domain_of(entity_id);
  if (domain == "light") return {"light", "a light"};
  if (domain != "binary_sensor") return {"", "not a binary_sensor or light"};
  if (device_class == "occupancy" || device_class == "presence") return {"presence", "device_class " + device_class};
  if (device_class == "motion" || device_class == "moving") return {"motion", "device_class " + device_class};
  if (device_class == "door" || device_class == "opening" || device_class == "garage_door")
    return {"door", "device_class " + device_class};
  return {"", device_class.empty() ? "a binary_sensor without a device_class"
                                   : "device_class " + device_class + " says nothing of presence"};
}

bool is_kind_word(const std::string& t) {
  static const std::set<std::string> words{"presence", "occupancy", "occupied", "motion", "pir",    "mmwave", "sensor",
                                           "contact",  "opening",   "door",     "light",  "lights", "lamp"};
  return words.count(t) > 0;
}

bool is_entrance_word(const std::string& t) { return t == "front" || t == "entrance" || t == "entry" || t == "main"; }

// Tokens of the entity's name with the room's name taken off its front.
std::vector<std::string> name_tokens(const std::string& object_id,
                                     const std::vector<std::vector<std::string>>& room_names) {
  auto tokens = split(object_id);
  for (const auto& room : room_names)
    if (!room.empty() && tokens.size() >= room.size() && std::equal(room.begin(), room.end(), tokens.begin())) {
      tokens.erase(tokens.begin(), tokens.begin() + static_cast<long>(room.size()));
      break;
    }
  while (!tokens.empty() && is_kind_word(tokens.back())) tokens.pop_back();
  return tokens;
}

struct Person {
  std::string id;
  std::set<std::string> names;  // tokens that name them
};

// The text with every byte that is not part of valid UTF-8 replaced by '?' (the config must be
// UTF-8; HA's JSON should be, but a name is outside input).
std::string utf8(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok && n > 1) {  // no overlong forms, surrogates or code points past U+10FFFF
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(n == 2 && c < 0xc2) && !(n == 3 && c == 0xe0 && c1 < 0xa0) && !(n == 3 && c == 0xed && c1 >= 0xa0) &&
           !(n == 4 && c == 0xf0 && c1 < 0x90) && !(n == 4 && (c > 0xf4 || (c == 0xf4 && c1 >= 0x90)));
    }
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// A YAML double-quoted scalar: quotes, backslashes and control characters escaped.
std::string yaml_quoted(const std::string& text) {
  const auto s = utf8(text);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Text for a comment: one line, whatever HA's names hold.
std::string one_line(const std::string& text) {
  auto s = utf8(text);
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

// What the home config accepts as an entity id (config/home.schema.json).
bool usable_entity_id(const std::string& id) {
  const auto dot = id.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == id.size()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = i < dot ? (c >= 'a' && c <= 'z') || c == '_'
                            : i == dot || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string padded(std::string line, std::size_t width) {
  if (line.size() < width) line.append(width - line.size(), ' ');
  return line;
}

}  // namespace

std::string slug(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 128)
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

HomeProposal propose_home(const HaInventory& inv, const ProposalOptions& options) {
  HomeProposal p;
  p.options = options;
  p.timezone = "UTC";
  p.timezone_why = "HA gave no time zone: set the home's";
  if (!inv.config.time_zone.empty()) {
    try {
      (void)TimeZone::load(inv.config.time_zone);
      p.timezone = inv.config.time_zone;
      p.timezone_why = "HA's time zone";
    } catch (const std::exception&) {
      p.timezone_why = "HA's time zone '" + inv.config.time_zone + "' is not in this machine's tz database: set it";
    }
  }

  std::vector<Person> people;
  for (const auto& s : inv.states) {
    if (domain_of(s.entity_id) != "person") continue;
    Person person{slug(object_of(s.entity_id)), {}};
    if (person.id.empty() || std::find(p.people.begin(), p.people.end(), person.id) != p.people.end()) continue;
    person.names.insert(person.id);
    for (const auto& t : split(slug(s.friendly_name))) person.names.insert(t);
    p.people.push_back(person.id);
    people.push_back(std::move(person));
  }

  struct Found {
    const HaEntityEntry* entry;
    std::string kind, why, area;
  };
  std::vector<Found> found;
  std::set<std::string> registered;
  for (const auto& e : inv.entities) {
    if (!registered.insert(e.entity_id).second) continue;  // listed twice: once is enough
    const auto domain = domain_of(e.entity_id);
    if (domain != "binary_sensor" && domain != "light") continue;  // people, thermometers, the sun: not listed
    if (!usable_entity_id(e.entity_id)) {
      p.not_used.push_back({one_line(e.entity_id), "not an entity id the home config accepts ([a-z_].[a-z0-9_])"});
      continue;
    }
    const auto it = std::find_if(inv.states.begin(), inv.states.end(),
                                 [&](const HaState& s) { return s.entity_id == e.entity_id; });
    const auto [kind, why] = kind_of(e.entity_id, it == inv.states.end() ? "" : it->device_class);
    if (kind.empty()) {
      p.not_used.push_back({e.entity_id, why});
    } else if (e.disabled) {
      p.not_used.push_back({e.entity_id, "disabled in HA"});
    } else if (const auto area = inv.area_of(e); area.empty() || inv.area(area) == nullptr) {
      p.not_used.push_back({e.entity_id, why + ", but neither it nor its device is in an area"});
    } else {
      found.push_back({&e, kind, why, area});
    }
  }
  for (const auto& s : inv.states) {
    const auto domain = domain_of(s.entity_id);
    if ((domain == "binary_sensor" || domain == "light") && !registered.count(s.entity_id) &&
        !kind_of(s.entity_id, s.device_class).first.empty())
      p.not_used.push_back({s.entity_id, "not in HA's entity registry (no unique_id), so it has no area"});
  }

  std::set<std::string> room_ids;
  for (const auto& area : inv.areas) {
    auto room_id = slug(area.id);
    std::vector<const Found*> here;
    for (const auto& f : found)
      if (f.area == area.id) here.push_back(&f);
    if (here.empty() || room_id.empty() || room_ids.count(room_id)) continue;  // HA's area ids are unique slugs
    room_ids.insert(room_id);
    ProposedRoom room;
    room.room.id = room_id;
    room.room.name = area.name;
    room.why = fmt::format("area \"{}\": {} sensor{}", one_line(area.name), here.size(), here.size() == 1 ? "" : "s");
    const std::vector<std::vector<std::string>> room_names{split(room_id), split(slug(area.name))};
    for (const auto* f : here) {
      auto tokens = name_tokens(object_of(f->entry->entity_id), room_names);
      std::string zone, person, zone_why;
      for (const auto& t : tokens)
        for (const auto& who : people)
          if (who.names.count(t) && person.empty()) person = who.id;
      if (f->kind == "door") {
        const bool entrance = std::any_of(tokens.begin(), tokens.end(), is_entrance_word);
        zone = entrance ? "entrance" : tokens.empty() ? "door" : join(tokens) + "_door";
        zone_why = entrance ? "a front door: the entrance" : "a door of the room";
      } else if (tokens.empty()) {
        zone = f->kind == "light" ? "light" : "room";
        zone_why = "covers the room";
      } else {
        zone = join(tokens);
        zone_why = "zone from the name";
      }
      if (!person.empty()) zone_why += ", " + person + "'s (their name is in it)";
      ProposedEntity pe;
      pe.entity = {f->entry->entity_id, room_id, zone, f->kind, false};
      pe.why = f->why + "; " + zone_why;
      p.entities.push_back(pe);
      if (!room.room.has_zone(zone)) room.room.zones.push_back({zone, person});
      if (zone == "entrance") {
        if (p.entrance.empty()) {
          p.entrance = room_id + "/entrance";
          p.entrance_why = f->entry->entity_id + " looks like the front door";
        } else {
          p.entrance_why += "; " + f->entry->entity_id + " too: keep the one people come in by";
        }
      }
    }
    // Zones of one kind that belong to different people (her bed, his bed): one person cannot
    // be in both at once, which the cat filter uses.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& z : room.room.zones) {
      if (z.person.empty()) continue;
      std::vector<std::string> base;
      const auto& names =
          std::find_if(people.begin(), people.end(), [&](const Person& x) { return x.id == z.person; })->names;
      for (const auto& t : split(z.id))
        if (!names.count(t)) base.push_back(t);
      const auto key = join(base);
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == key; });
      if (g == groups.end())
        groups.push_back({key, {room_id + "/" + z.id}});
      else
        g->second.push_back(room_id + "/" + z.id);
    }
    for (auto& [key, zones] : groups)
      if (zones.size() >= 2) {
        p.exclusive_why.push_back(fmt::format("{}: {} of different people", room_id, key.empty() ? "zones" : key));
        p.exclusive_zones.push_back(std::move(zones));
      }
    p.rooms.push_back(std::move(room));
  }
  for (const auto& area : inv.areas)
    if (std::none_of(p.rooms.begin(), p.rooms.end(), [&](const ProposedRoom& r) { return r.room.id == slug(area.id); }))
      p.not_used.push_back({"area " + one_line(area.id), "no presence, motion, door or light entity in it"});
  return p;
}

std::string render_yaml(const HomeProposal& p) {
  std::string y;
  const auto line = [&y](const std::string& text, const std::string& why = {}) {
    y += why.empty() ? text + "\n" : padded(text, 40) + "  # " + one_line(why) + "\n";
  };
  line("# Proposed by `occupancy config init` from Home Assistant" +
       (p.options.ha_url.empty() ? std::string() : " at " + p.options.ha_url) + ".");
  line("# Each guess says why beside it: correct what is wrong, then run `occupancy config check`.");
  line("# Every section not written here keeps its default (config/home.yaml in the sources shows them all).");
  line("home: " + p.options.home, "the topic prefix: occupancy/" + p.options.home + "/...");
  line("timezone: " + p.timezone, p.timezone_why);
  std::string people = "people: [";
  for (const auto& x : p.people) people += (people.back() == '[' ? "" : ", ") + x;
  line(people + "]", p.people.empty() ? "HA has no person entities" : "HA's person entities");
  y += "\nrooms:\n";
  for (const auto& r : p.rooms) {
    line("  - id: " + r.room.id, r.why);
    line("    name: " + yaml_quoted(r.room.name));
    line("    zones:");
    for (const auto& z : r.room.zones)
      line("      - { id: " + z.id + (z.person.empty() ? "" : ", person: " + z.person) + " }");
  }
  y += "\nentities:\n";
  for (const auto& e : p.entities)
    line(fmt::format("  - {{ entity_id: {}, room: {}, zone: {}, kind: {} }}", e.entity.entity_id, e.entity.room,
                     e.entity.zone, e.entity.kind),
         e.why);
  y += "\n";
  line("horizons_min: [15, 120]", "cooling lag, heating lag (minutes)");
  y += "\ncat_filter:\n";
  if (p.exclusive_zones.empty()) {
    line("  exclusive_zones: []", "no two people's zones of one kind in a room");
  } else {
    line("  exclusive_zones:", "zones one person cannot trigger together");
    for (std::size_t i = 0; i < p.exclusive_zones.size(); ++i) {
      std::string g = "    - [";
      for (const auto& z : p.exclusive_zones[i]) g += (g.back() == '[' ? "" : ", ") + z;
      line(g + "]", p.exclusive_why[i]);
    }
  }
  if (p.entrance.empty()) {
    line("  path_rule: false", "no front door found: name it as cat_filter.entrance to turn this on");
    line("  away_after_min: 0", "needs the front door too");
  } else {
    line("  entrance: " + p.entrance, p.entrance_why);
  }
  if (!p.options.ha_url.empty() || !p.options.token_file.empty() || !p.options.ca_file.empty()) y += "\ningestor:\n";
  if (!p.options.ha_url.empty()) line("  ha_url: " + yaml_quoted(p.options.ha_url));
  if (!p.options.token_file.empty())
    line("  token_file: " + yaml_quoted(p.options.token_file), "the token stays in this file, never here");
  if (!p.options.ca_file.empty()) line("  ca_file: " + yaml_quoted(p.options.ca_file));
  if (!p.not_used.empty()) {
    y += "\n# Not used from Home Assistant (add by hand what should be):\n";
    for (const auto& n : p.not_used) y += "#   " + one_line(n.entity_id) + ": " + one_line(n.why) + "\n";
  }
  return y;
}

}  // namespace occupancy::setup
