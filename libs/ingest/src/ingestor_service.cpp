#include "occupancy/ingest/ingestor_service.hpp"

#include <set>

#include "occupancy/contract/messages.hpp"

namespace occupancy::ingest {

using contract::Step;

IngestorService::IngestorService(const config::House& house, EventTimeGuard guard)
    : core_(house.entities, std::move(guard)) {
  for (const auto& e : house.entities) entity_ids_.push_back(e.entity_id);
}

std::vector<contract::MetricFamily> IngestorService::metric_families() {
  return {{"occupancy_ingest_skipped_total", "counter",
           "HA state changes not published, by reason (duplicate, unconfigured entity, malformed, event time, bad "
           "history row)."},
          {"occupancy_ha_connected", "gauge", "1 while the Home Assistant WebSocket is up."},
          {"occupancy_ha_missing_entities", "gauge",
           "Configured entities Home Assistant did not list when the ingestor connected (they give no data)."}};
}

Step IngestorService::carry(const std::vector<Output>& out) {
  Step step;
  for (const auto& o : out) {
    if (const auto* r = std::get_if<Reading>(&o)) {
      step.publish(proto::channel::raw, {{"room", r->room}, {"zone", r->zone}}, contract::to_json(*r));
      step.archive.raw.push_back(*r);  // what `train --from-db` learns from: HA keeps only days
    } else {
      step.publish(proto::channel::clock, {}, contract::clock_json(std::get<ClockTick>(o).ts));
    }
  }
  for (const auto& r : core_.take_refused())  // a time outside the bounds: named on the dead-letter topic
    step.dead_letters.push_back(
        {"ha/" + r.change.entity_id, state_change_json(r.change), "event_time", "/last_changed", r.reason});
  return step;
}

Step IngestorService::on_item(SessionItem item) {
  if (auto* c = std::get_if<StateChange>(&item)) return carry(core_.on_change(*c));
  if (auto* current = std::get_if<CurrentStates>(&item)) {
    std::set<std::string, std::less<>> known;
    for (const auto& s : current->states) known.insert(s.entity_id);
    missing_.clear();
    for (const auto& id : entity_ids_)
      if (!known.count(id)) missing_.push_back(id);
    auto step = carry(core_.on_current_states(std::move(current->states)));
    for (const auto& id : missing_)
      step.log(contract::LogLine::Level::error,
               "configured entity " + id +
                   " is not in Home Assistant (misspelled, renamed or removed?): it gives no data; "
                   "`occupancy config init` lists what HA has");
    return step;
  }
  return carry(core_.advance_to(std::get<WallMark>(item).now));
}

Step IngestorService::on_wall_clock(Millis now) { return carry(core_.advance_to(now)); }

Step IngestorService::on_metrics_tick(const LinkStats& link) const {
  Step step;
  const auto skipped = [&](const char* reason, std::size_t n) {
    step.gauge("occupancy_ingest_skipped_total", {{"reason", reason}}, static_cast<double>(n));
  };
  skipped("duplicate", core_.duplicates());
  skipped("unconfigured_entity", core_.ignored());
  skipped("malformed", link.malformed);
  skipped("event_time", core_.refused());
  skipped("bad_history_row", link.bad_history_rows);
  step.gauge("occupancy_ha_connected", {}, link.connected ? 1 : 0);
  step.gauge("occupancy_ha_missing_entities", {}, static_cast<double>(missing_.size()));
  return step;
}

}  // namespace occupancy::ingest
