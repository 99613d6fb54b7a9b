#pragma once
// The read-only prediction API (GET /api/v1/rooms, /api/v1/predict/<room>), served from the
// latest predictions the publisher holds. See proto/openapi.yaml.
#include <map>
#include <mutex>
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"
#include "occupancy/http/server.hpp"

namespace occupancy::publishing {

/// The latest prediction per room, shared between the service thread and the HTTP thread.
class LatestPredictions {
 public:
  void put(const Prediction& p);
  std::optional<Prediction> get(const std::string& room) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Prediction, std::less<>> latest_;
};

/// Handles /api/v1/...; a bearer token is required when `config.publisher.api_token` is set.
http::Response handle_prediction_api(const config::HomeConfig& config, const LatestPredictions& latest,
                                     const http::Request& req);

}  // namespace occupancy::publishing
