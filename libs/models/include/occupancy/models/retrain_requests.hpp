#pragma once
// The trainer service's logic: request/retrain (HA's Retrain now button, an operator's
// mosquitto_pub) starts one retraining from the archive — `occupancy train --from-db`, run by the
// service as a child process so its memory is returned when it ends — and is answered on
// response/retrain once it has ended: the version it registered and what became of it (active,
// in shadow, a candidate), or why not. A request while one runs is refused, not queued: the
// one running already learns from everything archived.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/core/model_source.hpp"
#include "occupancy/core/time.hpp"

namespace occupancy::models {

class RetrainRequests {
 public:
  /// `registry`: where the child registers (read before and after it, to tell what it did).
  explicit RetrainRequests(std::shared_ptr<ModelSource> registry) : registry_(std::move(registry)) {}
  static std::vector<contract::MetricFamily> metric_families();

  /// Any control request; only `retrain` is this service's (promote and rollback are the
  /// predictor's): other actions give an empty step. Once accepted, take_start() is true.
  contract::Step on_request(std::string_view action, const contract::ControlRequest& request, Millis now);
  /// Whether a retraining was accepted and should start now (once).
  bool take_start();
  bool running() const { return running_.has_value(); }

  /// The child ended with `exit_code` (0 trained, see `occupancy train --help`): answered with
  /// the version it registered (the registry's newest, if it is not the one from before) and
  /// what became of it.
  contract::Step on_finished(int exit_code, Millis now);

 private:
  struct Running {
    std::optional<std::string> transaction;
    Millis since;
    std::optional<std::string> newest_before, active_before;
  };
  std::shared_ptr<ModelSource> registry_;
  std::optional<Running> running_;
  bool start_ = false;
};

/// What `occupancy train`'s exit code means, for the response's error.
std::string train_exit_meaning(int exit_code);

}  // namespace occupancy::models
