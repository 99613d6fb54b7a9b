#pragma once
// One WebSocket session with Home Assistant, as a sans-IO state machine: frames from HA and
// answers to its HTTP requests go in; frames to send, HTTP requests to make, what it learnt
// (state changes, current states, event-time marks) and log lines come out. The socket,
// reconnects and backoff live in the ingestor's HaLink; this is tested with scripted frames.
//
// Handshake: auth_required -> auth -> auth_ok -> subscribe_events -> result. Live events that
// arrive before the result or while a request is out are held, and released after it. On the
// first connection every entity's current state is fetched (/api/states); after a reconnect,
// what was missed since the newest change seen (/api/history/period). Then live: events, a
// ping every ping interval (no pong by the next one ends the session), an event-time mark.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "occupancy/contract/step.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/ingest/ha_protocol.hpp"

namespace occupancy::ingest {

/// Live event time has reached `now`.
struct WallMark {
  Millis now;
  bool operator==(const WallMark&) const = default;
};
/// Every entity's state, on the first connection.
struct CurrentStates {
  std::vector<StateChange> states;
  bool operator==(const CurrentStates&) const = default;
};
using SessionItem = std::variant<StateChange, CurrentStates, WallMark>;

/// An HTTP GET to Home Assistant the session needs answered (with its bearer token).
struct HaRequest {
  std::string target;
  std::chrono::seconds timeout{30};
};

struct SessionOutput {
  std::vector<std::string> frames;   // to send, in order
  std::optional<HaRequest> request;  // answer with on_response()
  std::vector<SessionItem> items;    // for the IngestCore, in order
  std::vector<contract::LogLine> logs;
  bool up = false;  // the session became live in this step
};

/// The session cannot go on; the link closes the socket and reconnects after a backoff.
class SessionEnded : public std::runtime_error {
 public:
  SessionEnded(const std::string& why, bool auth_refused = false)
      : std::runtime_error(why), auth_refused_(auth_refused) {}
  bool auth_refused() const { return auth_refused_; }

 private:
  bool auth_refused_;
};

class HaSession {
 public:
  struct Settings {
    std::string token;                    // HA's long-lived access token (never logged)
    std::vector<std::string> entity_ids;  // whose history a backfill asks for
    std::chrono::milliseconds ping_every{30'000};
    std::chrono::milliseconds answer_within{10'000};  // each handshake step
    bool wall_clock = true;                           // live: marks of event time from the wall clock
    Millis event_lag = 2'000;                         // events may lag the wall clock this much
  };
  explicit HaSession(Settings settings);

  /// A new socket is open: the handshake starts again. What was seen before stays (the
  /// backfill starts from the newest change seen).
  void connect();
  /// The socket closed (or is being closed).
  void disconnect() { phase_ = Phase::closed; }

  /// A text frame from HA; `now` is the wall clock. Throws SessionEnded.
  SessionOutput on_frame(std::string_view text, Millis now);
  /// The answer to the request last asked for. Throws SessionEnded.
  SessionOutput on_response(int status, std::string_view body);
  /// Time passes: `steady` (ms, monotonic) for pings and handshake timeouts, `now` (wall
  /// clock) for the event-time mark. Throws SessionEnded.
  SessionOutput on_tick(Millis steady, Millis now);

  bool live() const { return phase_ == Phase::live; }
  Millis last_event() const { return last_event_; }
  std::size_t malformed() const { return malformed_; }                // frames that were not JSON we understand
  std::size_t bad_history_rows() const { return bad_history_rows_; }  // backfill rows skipped as unreadable

 private:
  enum class Phase { closed, auth_required, auth_result, subscribed, states, history, live };
  void enter(Phase p);
  void go_live(SessionOutput& out);
  void seen(const StateChange& c);

  Settings settings_;
  Phase phase_ = Phase::closed;
  std::optional<Millis> phase_since_;  // steady time of the first tick in this phase
  std::vector<StateChange> early_;     // live events held during the handshake and requests
  bool had_session_ = false;
  Millis last_event_ = 0;
  std::optional<Millis> last_ping_;
  bool awaiting_pong_ = false;
  long long next_id_ = 2;
  std::size_t malformed_ = 0, bad_history_rows_ = 0;
};

}  // namespace occupancy::ingest
