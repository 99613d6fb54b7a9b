#pragma once
// The cleaner service's logic, messages in and a Step out (contract/step.hpp): a raw reading
// or a clock tick goes through the CleanerCore; what it decided is published (clean readings,
// rejections, gaps, room states), archived, counted and logged, and event time settled so far
// is announced for the feature service (SettledAnnouncer).
#include <vector>

#include "occupancy/cleaning/cleaner_core.hpp"
#include "occupancy/cleaning/settled_announcer.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/step.hpp"

namespace occupancy::cleaning {

class CleanerService {
 public:
  CleanerService(const config::House& house, const config::CleanerSettings& settings,
                 const config::CatFilterRules& rules);
  explicit CleanerService(const config::HomeConfig& config)
      : CleanerService(config, config.cleaner, config.cat_filter) {}

  /// The metric families the cleaner exports.
  static std::vector<contract::MetricFamily> metric_families();

  /// After a restart, before any reading: each entity's last clean reading from the archive.
  /// The room states they give are published (not archived again: they are archived already).
  contract::Step restore(const std::vector<Reading>& last_clean);
  /// A raw reading from the topic with placeholders `topic`. Refuses (contract::Refusal) an
  /// entity not in the config (unknown_entity) or a room/zone the config does not map it to.
  contract::Step on_raw(const Reading& r, const contract::Params& topic);
  /// Event time reached `now` (a clock tick; live, also the wall clock).
  contract::Step on_clock(Millis now);
  /// Gauges: sensors in a gap, readings held.
  contract::Step on_metrics_tick() const;

  const CleanerCore& core() const { return core_; }

 private:
  contract::Step emit();

  const config::House& house_;
  CleanerCore core_;
  CleanerOutput out_;
  SettledAnnouncer announcer_;
};

}  // namespace occupancy::cleaning
