#include "occupancy/cleaning/cleaner_service.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/refusal.hpp"

namespace occupancy::cleaning {

using contract::LogLine;
using contract::Step;

CleanerService::CleanerService(const config::House& house, const config::CleanerSettings& settings,
                               const config::CatFilterRules& rules)
    : house_(house), core_(house, settings, rules) {}

std::vector<contract::MetricFamily> CleanerService::metric_families() {
  return {{"occupancy_cleaner_readings_total", "counter",
           "Readings decided, by verdict (clean or a rejection reason) and room."},
          {"occupancy_cleaner_gaps_open", "gauge", "Sensors currently in a gap."},
          {"occupancy_cleaner_held", "gauge", "Readings held for the cat filter's context window."}};
}

Step CleanerService::restore(const std::vector<Reading>& last_clean) {
  out_.clear();
  core_.restore(last_clean, out_);
  Step step;
  for (const auto& s : out_.states) step.publish(proto::channel::state, {{"room", s.room}}, contract::to_json(s));
  const auto occupied = std::count_if(out_.states.begin(), out_.states.end(), [](const auto& s) { return s.occupied; });
  step.log(LogLine::Level::info,
           fmt::format("restored {} sensors' last clean readings: {} rooms occupied", last_clean.size(), occupied));
  out_.clear();
  return step;
}

Step CleanerService::on_raw(const Reading& r, const contract::Params& topic) {
  const auto* entity = house_.find_entity(r.entity_id);
  if (entity == nullptr)
    throw contract::Refusal("unknown_entity", "/entity_id", "entity '" + r.entity_id + "' is not in the home config");
  const auto topic_part = [&](const char* key) {
    const auto it = topic.find(key);
    return it == topic.end() ? std::string() : it->second;
  };
  if (entity->room != r.room || entity->zone != r.zone || topic_part("room") != r.room || topic_part("zone") != r.zone)
    throw contract::Refusal("unknown_room", "/room",
                            "reading says " + r.room + "/" + r.zone + " but the config maps " + r.entity_id + " to " +
                                entity->room + "/" + entity->zone);
  core_.push(r, out_);
  return emit();
}

Step CleanerService::on_clock(Millis now) {
  core_.advance(now, out_);
  return emit();
}

Step CleanerService::on_metrics_tick() const {
  Step step;
  step.gauge("occupancy_cleaner_gaps_open", {}, static_cast<double>(core_.open_gaps().size()));
  step.gauge("occupancy_cleaner_held", {}, static_cast<double>(core_.held()));
  return step;
}

// What a step of the core decided, in the order the feature service needs it: clean readings,
// rejections, gaps, room states; then how far event time is settled, if it is news.
Step CleanerService::emit() {
  Step step;
  const bool produced = !out_.clean.empty() || !out_.states.empty();
  for (const auto& r : out_.clean)
    step.publish(proto::channel::clean, {{"room", r.room}, {"zone", r.zone}}, contract::to_json(r));
  for (const auto& rej : out_.rejected) {
    step.publish(proto::channel::rejected, {{"room", rej.reading.room}, {"zone", rej.reading.zone}},
                 contract::to_json(rej));
    step.count("occupancy_cleaner_readings_total", {{"verdict", rej.reason}, {"room", rej.reading.room}});
    step.log(LogLine::Level::debug,
             fmt::format("rejected {} {} at {}: {} ({})", rej.reading.entity_id, to_string(rej.reading.state),
                         format_iso8601(rej.reading.ts), rej.reason, rej.detail));
  }
  for (const auto& g : out_.gaps) {
    step.publish(proto::channel::gap, {{"entity_id", g.entity_id}}, contract::to_json(g));
    step.log(LogLine::Level::info,
             fmt::format("gap {} {} ({}) from {}{}", g.end ? "closed" : "opened", g.entity_id, g.cause,
                         format_iso8601(g.start), g.end ? " to " + format_iso8601(*g.end) : ""));
  }
  for (const auto& s : out_.states) step.publish(proto::channel::state, {{"room", s.room}}, contract::to_json(s));
  for (const auto& r : out_.clean)
    step.count("occupancy_cleaner_readings_total", {{"verdict", "clean"}, {"room", r.room}});
  step.archive.clean = std::move(out_.clean);
  step.archive.states = std::move(out_.states);
  step.archive.gaps = std::move(out_.gaps);
  out_.clear();
  if (const auto settled = announcer_.after_step(core_.settled(), produced))
    step.publish(proto::channel::settled, {}, contract::clock_json(*settled));
  return step;
}

}  // namespace occupancy::cleaning
