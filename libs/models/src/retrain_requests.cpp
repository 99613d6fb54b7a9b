#include "occupancy/models/retrain_requests.hpp"

#include <fmt/format.h>

#include "occupancy/proto/contract.hpp"

namespace occupancy::models {

using contract::LogLine;
using contract::Step;

std::vector<contract::MetricFamily> RetrainRequests::metric_families() {
  return {{"occupancy_retrain_requests_total", "counter",
           "Retrain requests answered, by status: ok (trained), error (refused or failed)."},
          {"occupancy_retraining", "gauge", "1 while a requested retraining runs."}};
}

namespace {

Step answer(const std::string& action, contract::ControlResponse response) {
  Step step;
  step.count("occupancy_retrain_requests_total", {{"status", response.error.empty() ? "ok" : "error"}});
  step.log(response.error.empty() ? LogLine::Level::info : LogLine::Level::warn,
           response.error.empty() ? fmt::format("retrain requested: {}", response.outcome.value_or("done"))
                                  : "retrain requested: " + response.error);
  step.publish(proto::channel::response, {{"action", action}}, contract::to_json(response));
  return step;
}

}  // namespace

std::string train_exit_meaning(int exit_code) {
  switch (exit_code) {
    case 0:
      return "trained";
    case 3:
      return "the config is invalid (exit 3)";
    case 4:
      return "PostgreSQL is unreachable (exit 4)";
    case 5:
      return "trained, but some archived rows were unusable (exit 5)";
    case 127:
      return "the occupancy tool could not be started (exit 127)";
    default:
      return exit_code > 128
                 ? fmt::format("the training was killed by signal {}", exit_code - 128)
                 : fmt::format("the training failed (exit {}); its reason is in the trainer's log", exit_code);
  }
}

Step RetrainRequests::on_request(std::string_view action, const contract::ControlRequest& request, Millis now) {
  if (action != "retrain") return {};  // promote and rollback: the predictor answers
  if (running_) {
    contract::ControlResponse busy;
    busy.transaction = request.transaction;
    busy.error = fmt::format("a retraining is already running (since {}); it learns from everything archived",
                             format_iso8601(running_->since));
    return answer("retrain", std::move(busy));
  }
  Running run{request.transaction, now, std::nullopt, std::nullopt};
  try {  // the registry's newest version now, to tell the one the child registers
    if (const auto v = registry_->newest_version()) run.newest_before = v->version;
    if (const auto v = registry_->active_version()) run.active_before = v->version;
  } catch (const std::exception& e) {
    contract::ControlResponse away;
    away.transaction = request.transaction;
    away.error = std::string("the model registry is unreachable: ") + e.what();
    return answer("retrain", std::move(away));
  }
  running_ = std::move(run);
  start_ = true;
  Step step;
  step.gauge("occupancy_retraining", {}, 1);
  step.log(LogLine::Level::info, "retrain requested: training from the archive");
  return step;
}

bool RetrainRequests::take_start() { return std::exchange(start_, false); }

Step RetrainRequests::on_finished(int exit_code, Millis now) {
  if (!running_) return {};
  contract::ControlResponse response;
  response.transaction = running_->transaction;
  const bool trained = exit_code == 0 || exit_code == 5;
  try {
    const auto newest = registry_->newest_version();
    // Compared by version, not by time: the database's clock may not be this host's.
    if (!trained) {
      response.error = train_exit_meaning(exit_code);
    } else if (!newest || newest->version == running_->newest_before.value_or("")) {
      response.error = "the training ended without registering a version";
    } else {
      const auto active = registry_->active_version();
      const auto shadow = registry_->shadow();
      response.version = newest->version;
      response.previous = running_->active_before;
      const auto took = fmt::format("trained in {:.0f} s", static_cast<double>(now - running_->since) / 1000.0);
      response.outcome = active && active->version == newest->version
                             ? fmt::format("{} is active now ({})", newest->version, took)
                         : shadow && shadow->version == newest->version
                             ? fmt::format("{} is in shadow beside {} until its verdict ({})", newest->version,
                                           active ? active->version : std::string("the baselines"), took)
                             : fmt::format(
                                   "{} stays a candidate: it did not pass the offline gate or a shadow is running ({}; "
                                   "`occupancy models compare` says why)",
                                   newest->version, took);
      if (exit_code == 5) *response.outcome += "; " + train_exit_meaning(5);
    }
  } catch (const std::exception& e) {
    response.error = train_exit_meaning(exit_code) + ", but the model registry is unreachable: " + e.what();
  }
  running_.reset();
  Step step = answer("retrain", std::move(response));
  step.gauge("occupancy_retraining", {}, 0);
  return step;
}

}  // namespace occupancy::models
