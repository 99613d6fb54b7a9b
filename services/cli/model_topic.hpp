#pragma once
// Announces the active model version (and the candidate in shadow beside it, and why), retained, on
// occupancy/<home>/model (the predictor reloads on it). Gives up after `timeout` if the broker cannot be reached: the
// registry already holds the truth, so this is reported, not fatal.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/proto/contract.hpp"
#include "occupancy/runtime/mqtt_client.hpp"
#include "occupancy/store/model_registry.hpp"

namespace occupancy::cli {

inline bool announce_model(const config::HomeConfig& cfg, const store::ModelRecord& m,
                           std::optional<std::string> candidate = std::nullopt, std::string reason = "",
                           std::chrono::seconds timeout = std::chrono::seconds(10)) {
  runtime::Metrics metrics(std::string(contract::kTrainer));
  // The trainer's broker user, but not its connection: the trainer service (request/retrain)
  // keeps that, with its status; a one-shot job must not take it over or mark it offline.
  auto options = runtime::mqtt_options_for(cfg, contract::kTrainer);
  options.client_id += "-job";
  options.status_topic.clear();
  runtime::MqttClient client(std::move(options), metrics);
  std::atomic<bool> stop{false};
  std::thread timer([&] {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!stop && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
  });
  const bool connected = client.connect(stop);
  stop = true;
  timer.join();
  if (!connected) return false;
  client.take_new_connection();
  runtime::Router router(std::string(contract::kTrainer), {{"home", cfg.home}}, client, metrics);
  router.publish(proto::channel::model, {},
                 contract::to_json(contract::ModelAnnouncement{m.version, m.feature_set, m.activated_at,
                                                               std::move(candidate), std::move(reason)}));
  client.shutdown();
  return true;
}

}  // namespace occupancy::cli
