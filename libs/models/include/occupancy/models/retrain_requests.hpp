#pragma once
// The trainer service's logic: request/retrain (HA's Retrain now button, an operator's
// mosquitto_pub) starts one retraining from the archive — `occupancy train --from-db`, run by the
// service as a child process so its memory is returned when it ends — and is answered on
// response/retrain once it has ended: the version it registered and what became of it (active,
// in shadow, a candidate), or why not. A request while one runs is refused, not queued: the
// one running already learns from everything archived.
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/core/time.hpp"

namespace occupancy::models {

class RetrainRequests {
 public:
  static std::vector<contract::MetricFamily> metric_families();

  /// Any control request; only `retrain` is this service's (promote and rollback are the
  /// predictor's): other actions give an empty step. Once accepted, take_start() is true.
  contract::Step on_request(std::string_view action, const contract::ControlRequest& request, Millis now);
  /// Whether a retraining was accepted and should start now (once).
  bool take_start();
  bool running() const { return running_.has_value(); }

  /// What the registry holds after the child ended: the newest version (if any) and its status.
  struct Registered {
    std::string version, status;  // status: active, candidate, retired
    bool in_shadow = false;
  };
  /// The child ended with `exit_code` (0 trained, see `occupancy train --help`); `newest_before`
  /// is the registry's newest version when it started (none: an empty registry), `newest` the
  /// newest now, `active` the active version now.
  contract::Step on_finished(int exit_code, const std::optional<std::string>& newest_before,
                             const std::optional<Registered>& newest, const std::optional<std::string>& active,
                             Millis now);

 private:
  struct Running {
    std::optional<std::string> transaction;
    Millis since;
  };
  std::optional<Running> running_;
  bool start_ = false;
};

/// What `occupancy train`'s exit code means, for the response's error.
std::string train_exit_meaning(int exit_code);

}  // namespace occupancy::models
