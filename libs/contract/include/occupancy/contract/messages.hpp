#pragma once
// JSON form of the pipeline's values, with field names from the contract. Readers expect a
// document that already passed schema validation.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"

namespace occupancy::contract {

rapidjson::Document to_json(const Reading& r);
Reading reading_from_json(const rapidjson::Value& v);

rapidjson::Document clock_json(Millis ts);
Millis clock_from_json(const rapidjson::Value& v);

rapidjson::Document to_json(const Rejection& r);

rapidjson::Document to_json(const Gap& g);
Gap gap_from_json(const rapidjson::Value& v);
/// The rooms a suite's retained info lists.
std::vector<std::string> info_rooms_from_json(const rapidjson::Value& v);
/// A dead letter's reason, "<keyword>: <message>" (a payload the dead-letter schema accepted).
std::string dead_letter_reason(const rapidjson::Value& v);

rapidjson::Document to_json(const RoomState& s);
RoomState room_state_from_json(const rapidjson::Value& v);

rapidjson::Document to_json(const FeatureVector& f);
FeatureVector features_from_json(const rapidjson::Value& v);

rapidjson::Document to_json(const Prediction& p);
Prediction prediction_from_json(const rapidjson::Value& v);

rapidjson::Document to_json(const HaState& s);

/// The retained announcement on `model`: which version the feature service and the predictor
/// load (they take its files from the registry).
struct ModelAnnouncement {
  std::string version, feature_set;
  std::string activated_at;              // ISO 8601, as the registry stores it
  std::optional<std::string> candidate;  // in shadow beside the active version
  std::string reason;                    // the last decision, in words (may be empty)
};
rapidjson::Document to_json(const ModelAnnouncement& m);
ModelAnnouncement model_announcement_from_json(const rapidjson::Value& v);

/// A room's settings (settings/<room>, retained; settings/<room>/set, a change).
RoomSettings room_settings_from_json(const rapidjson::Value& v);
rapidjson::Document to_json(const RoomSettings& s);

/// A control request on request/<action> (HA's hub buttons send {}), and its answer.
struct ControlRequest {
  std::optional<std::string> transaction, version;
};
ControlRequest control_request_from_json(const rapidjson::Value& v);
struct ControlResponse {
  std::string error;  // empty: ok
  std::optional<std::string> version, previous, transaction;
  std::optional<std::string> outcome;  // what was done, in words (retrain: what became of the version)
};
rapidjson::Document to_json(const ControlResponse& r);

}  // namespace occupancy::contract
