#pragma once
// The cat filter: decides, reading by reading, whether the cat caused it. Pure and streaming:
// the caller hands each reading over in event-time order together with the readings that
// follow it within the hold window, and gets the verdict.
//
// A room's readings come in episodes: an episode starts when a presence or motion sensor turns
// on in a quiet room (the activation) and ends once all its sensors have been off for
// episode_quiet_s. The activation is judged with context on both sides; the rest of the episode
// shares its verdict. An activation is the cat's when (rules from the home config):
//   - two zones one person cannot occupy together (both bed sides, both desks) fire within
//     exclusive_zone_window_s;
//   - other rooms' activations less than cross_room_transition_s away make cross_room_min_rooms
//     rooms in all (no human is that fast);
//   - motion fires in a room with presence sensors and none of them sees anybody;
//   - nobody could have come: no room a human was in saw activity in the last path_window_s and
//     the front door (cat_filter.entrance) stayed shut.
//   - the house is empty: the front door was used and nothing inside moved for away_after_min
//     after it (no presence sensor on, every sensor reporting), so until the door is used again
//     motion is the pet's. A person moving about (a third activation in ten minutes, or a
//     presence sensor) shows the house was not empty after all. Before the door's first change
//     and while it is unavailable, the house is "unknown" and the rule stays quiet.
// A rule that needs a sensor which is unavailable does not fire: a gap is no evidence. A sensor's
// first reading (HA's initial state after a start or restart) is never the cat's.
// A door or light change in the room is human evidence: cats neither open doors nor switch lights.
// So is a person seen in the room a few minutes before (someone sitting still is not a cat).
// A sensor turning on in a cat episode more than a minute after it began is judged afresh: an
// "off" lost on the radio must not keep a room the cat's forever, and movement while a presence
// zone stays on is a person settling in, not a napping cat.
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

struct CatVerdict {
  bool cat = false;
  std::string detail;    // which rule fired, with the evidence
  bool readmit = false;  // a cat episode turned out human: the room's sensors that are on count again
};

/// Each cat rule, on or off, and why: one line each, for a user who gave only entities.csv (what
/// a bare entity list cannot decide is said once instead of silently skipped).
std::vector<std::string> cat_rules(const config::HomeConfig& config);

/// Who is home, as far as the front door and the activity after it tell.
enum class HousePresence { unknown, someone_home, empty };
const char* to_string(HousePresence p);

class CatFilter {
 public:
  CatFilter(const config::House& house, const config::CatFilterRules& rules);

  /// The house as of the last reading judged.
  HousePresence house() const { return house_; }

  /// Judges `reading`; `ahead` holds the readings after it, in event-time order, up to
  /// reading.ts + hold_window_s. Readings must come in event-time order.
  CatVerdict decide(const Reading& reading, std::span<const Reading> ahead);

 private:
  struct RoomTrack {
    std::set<std::string> on;           // presence/motion entities currently on
    std::set<std::string> presence_on;  // the presence ones among them
    Millis last_activity = 0;           // last presence/motion change
    enum class Episode { none, human, cat } episode = Episode::none;
    std::string episode_detail;
    Millis episode_start = 0;
    std::optional<Millis> last_human;  // last reading of a human episode here
    bool has_presence = false;
    std::set<std::string> unavailable;  // entities whose state is unknown
  };
  struct Seen {  // a recent reading, for the path and cross-room rules
    Millis ts;
    std::string room, zone, kind;
    bool human;
    bool arrival = false;  // a presence zone turning on: somebody arrived there, nobody left
  };

  CatVerdict judge_activation(const Reading& r, std::span<const Reading> ahead) const;
  bool quiet(const RoomTrack& t, Millis now) const;
  bool human_evidence_in_room(const Reading& r, std::span<const Reading> ahead) const;
  bool someone_could_come(const Reading& r, std::span<const Reading> ahead) const;
  std::string exclusive_pair(const Reading& r, std::span<const Reading> ahead) const;
  std::string cross_room(const Reading& r, std::span<const Reading> ahead) const;
  bool would_activate(const Reading& r) const;
  bool is_entrance(const std::string& room, const std::string& zone) const;
  void update_house(const Reading& r);
  std::string house_empty(const Reading& r) const;

  const config::CatFilterRules& rules_;
  Millis hold_, cross_, exclusive_, path_, quiet_;
  std::map<std::string, RoomTrack, std::less<>> rooms_;
  std::deque<Seen> recent_;       // within the longest look-back
  std::deque<Seen> activations_;  // episode starts
  Millis first_ts_ = -1;
  std::set<std::string, std::less<>> seen_;  // entities seen at least once
  std::size_t unavailable_ = 0;              // entities unavailable anywhere: the path rule cannot see everyone
  HousePresence house_ = HousePresence::unknown;
  Millis door_ts_ = -1;        // the front door's last change
  Millis inside_ts_ = -1;      // the last human activation inside
  Millis away_ = 0;            // away_after_min
  std::string entrance_room_;  // the front door's room
};

}  // namespace occupancy::cleaning
