#pragma once
// The ingestor service's logic, messages in and a Step out (contract/step.hpp): what the HA
// session learnt goes through the IngestCore; readings are published and archived, clock ticks
// published, changes refused for their time sent to the dead-letter topic, all counted. HA's
// current states, on the first connection, show which configured entities HA does not have:
// each is named in an error (a misspelled entity would otherwise just give no data).
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/ingest/ha_session.hpp"
#include "occupancy/ingest/ingest_core.hpp"

namespace occupancy::ingest {

/// What the HA link reports for /metrics.
struct LinkStats {
  bool connected = false;
  std::size_t malformed = 0, bad_history_rows = 0;
};

class IngestorService {
 public:
  IngestorService(const config::House& house, EventTimeGuard guard);
  explicit IngestorService(const config::HomeConfig& config) : IngestorService(config, config.event_time_guard()) {}

  static std::vector<contract::MetricFamily> metric_families();

  /// A state change, HA's current states (also checked for configured entities HA lacks), or a
  /// mark of live event time.
  contract::Step on_item(SessionItem item);
  /// Without Home Assistant: the wall clock drives the clock alone.
  contract::Step on_wall_clock(Millis now);
  /// What was skipped, by reason, and whether HA is connected.
  contract::Step on_metrics_tick(const LinkStats& link) const;

  const IngestCore& core() const { return core_; }
  /// Configured entities HA did not list in its current states.
  const std::vector<std::string>& missing_entities() const { return missing_; }

 private:
  contract::Step carry(const std::vector<Output>& out);
  IngestCore core_;
  std::vector<std::string> entity_ids_, missing_;
};

}  // namespace occupancy::ingest
