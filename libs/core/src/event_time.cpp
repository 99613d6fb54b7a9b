#include "occupancy/core/event_time.hpp"

#include <algorithm>

namespace occupancy {
namespace {

std::string span(Millis d) {
  if (d >= 2 * kDay) return std::to_string(d / kDay) + " days";
  if (d >= 2 * 60 * kMinute) return std::to_string(d / (60 * kMinute)) + " h";
  return std::to_string(d / 1000) + " s";
}

}  // namespace

std::optional<std::string> EventTimeGuard::check(Millis t) {
  if (wall_) {
    const Millis now = wall_();
    if (t > now + limits_.max_ahead)
      return "event time " + format_iso8601(t) + " is " + span(t - now) + " past the wall clock (at most " +
             span(limits_.max_ahead) + ")";
    if (t < now - limits_.max_span)
      return "event time " + format_iso8601(t) + " is " + span(now - t) + " before the wall clock (at most " +
             span(limits_.max_span) + ")";
  } else if (newest_ >= 0 && t > newest_ + limits_.max_span) {
    return "event time " + format_iso8601(t) + " jumps " + span(t - newest_) + " past the newest event " +
           format_iso8601(newest_) + " (at most " + span(limits_.max_span) + ")";
  }
  newest_ = std::max(newest_, t);
  return std::nullopt;
}

}  // namespace occupancy
