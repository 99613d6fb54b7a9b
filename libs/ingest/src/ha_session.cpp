#include "occupancy/ingest/ha_session.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace occupancy::ingest {

using contract::LogLine;
using Kind = HaMessage::Kind;

namespace {
constexpr long long kSubscribeId = 1;
}

HaSession::HaSession(Settings settings) : settings_(std::move(settings)) {}

void HaSession::enter(Phase p) {
  phase_ = p;
  phase_since_.reset();
}

void HaSession::connect() {
  enter(Phase::auth_required);
  early_.clear();
  last_ping_.reset();
  awaiting_pong_ = false;
  next_id_ = kSubscribeId + 1;
}

void HaSession::seen(const StateChange& c) { last_event_ = std::max(last_event_, c.last_changed); }

void HaSession::go_live(SessionOutput& out) {
  for (auto& c : early_) {
    seen(c);
    out.items.emplace_back(std::move(c));
  }
  early_.clear();
  had_session_ = true;
  enter(Phase::live);
  out.up = true;
}

SessionOutput HaSession::on_frame(std::string_view text, Millis now) {
  SessionOutput out;
  const auto m = parse_ha_message(text);
  switch (phase_) {
    case Phase::closed:
      break;
    case Phase::auth_required:
      if (m.kind != Kind::auth_required) throw SessionEnded("expected auth_required from Home Assistant");
      out.frames.push_back(auth_message(settings_.token));
      enter(Phase::auth_result);
      break;
    case Phase::auth_result:
      if (m.kind == Kind::auth_invalid) throw SessionEnded(m.error, true);
      if (m.kind != Kind::auth_ok) throw SessionEnded("expected auth_ok from Home Assistant");
      out.frames.push_back(subscribe_state_changed(kSubscribeId));
      enter(Phase::subscribed);
      break;
    case Phase::subscribed:
      if (m.kind == Kind::event && m.change) early_.push_back(*m.change);
      if (m.kind != Kind::result || m.id != kSubscribeId) break;
      if (!m.success) throw SessionEnded("subscribe_events refused: " + m.error);
      if (!had_session_) {  // first connection: every entity's current state seeds the pipeline
        out.request = HaRequest{"/api/states", std::chrono::seconds(30)};
        enter(Phase::states);
      } else if (last_event_ > 0) {  // what happened while we were away
        const Millis until = std::max(now, last_event_) + 24 * 60 * kMinute;
        out.request = HaRequest{history_target(last_event_, until, settings_.entity_ids), std::chrono::seconds(60)};
        enter(Phase::history);
      } else {
        go_live(out);
      }
      break;
    case Phase::states:
    case Phase::history:  // a request is out: live events wait for its answer
      if (m.kind == Kind::event && m.change) early_.push_back(*m.change);
      break;
    case Phase::live:
      if (m.kind == Kind::event && m.change) {
        seen(*m.change);
        out.items.emplace_back(*m.change);
      } else if (m.kind == Kind::pong) {
        awaiting_pong_ = false;
      } else if (m.kind == Kind::malformed) {
        ++malformed_;
        out.logs.push_back({LogLine::Level::warn, "ignoring a malformed message from Home Assistant: " + m.error});
      }
      break;
  }
  return out;
}

SessionOutput HaSession::on_response(int status, std::string_view body) {
  SessionOutput out;
  if (phase_ == Phase::states) {
    if (status != 200) throw SessionEnded("states request failed with HTTP " + std::to_string(status));
    CurrentStates current;
    try {
      current.states = parse_states(body);
    } catch (const std::exception& e) {
      throw SessionEnded(std::string("states: ") + e.what());
    }
    for (const auto& c : current.states) seen(c);
    out.items.emplace_back(std::move(current));
    go_live(out);
  } else if (phase_ == Phase::history) {
    if (status != 200) throw SessionEnded("history request failed with HTTP " + std::to_string(status));
    HistoryRows rows;
    try {
      rows = parse_history(body);
    } catch (const std::exception& e) {
      throw SessionEnded(std::string("history: ") + e.what());
    }
    for (const auto& why : rows.skipped)
      out.logs.push_back({LogLine::Level::warn, "backfill: skipped a history row Home Assistant sent (" + why + ")"});
    bad_history_rows_ += rows.skipped.size();
    // HA starts each entity's list with its state at the window start: not a missed change.
    const Millis since = last_event_;
    auto& missed = rows.changes;
    std::erase_if(missed, [since](const auto& c) { return c.last_changed < since; });
    std::stable_sort(missed.begin(), missed.end(),
                     [](const auto& a, const auto& b) { return a.last_changed < b.last_changed; });
    out.logs.push_back({LogLine::Level::info,
                        fmt::format("backfilled {} state changes since {}", missed.size(), format_iso8601(since))});
    for (auto& c : missed) {
      seen(c);
      out.items.emplace_back(std::move(c));
    }
    go_live(out);
  }
  return out;
}

SessionOutput HaSession::on_tick(Millis steady, Millis now) {
  SessionOutput out;
  if (phase_ == Phase::closed) return out;
  if (phase_ != Phase::live) {
    if (!phase_since_) phase_since_ = steady;
    if (steady - *phase_since_ > settings_.answer_within.count())
      throw SessionEnded("Home Assistant did not answer in time");
    return out;
  }
  if (settings_.wall_clock) out.items.emplace_back(WallMark{now - settings_.event_lag});
  if (!last_ping_) last_ping_ = steady;
  if (steady - *last_ping_ >= settings_.ping_every.count()) {
    if (awaiting_pong_) throw SessionEnded("no pong from Home Assistant");
    out.frames.push_back(ping_message(next_id_++));
    awaiting_pong_ = true;
    last_ping_ = steady;
  }
  return out;
}

}  // namespace occupancy::ingest
