#include "sections.hpp"

namespace occupancy::config {

void read_model_service(const rapidjson::Value& sec, ModelServiceSettings& settings) {
  if (sec.HasMember("registry")) settings.registry = sec["registry"].GetBool();
  if (sec.HasMember("archive")) settings.archive = sec["archive"].GetBool();
  if (sec.HasMember("shadow_hours")) settings.shadow_hours = sec["shadow_hours"].GetDouble();
  if (sec.HasMember("drift_margin")) settings.drift_margin = sec["drift_margin"].GetDouble();
  if (sec.HasMember("drift_window")) settings.drift_window = sec["drift_window"].GetInt();
  if (sec.HasMember("drift_hold_min")) settings.drift_hold_min = sec["drift_hold_min"].GetDouble();
}

}  // namespace occupancy::config
