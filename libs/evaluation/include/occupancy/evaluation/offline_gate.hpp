#pragma once
// The offline gate a newly trained version passes before it may serve: rolling-origin folds
// (each trains on what came before its test days, with a gap of the longest horizon, never
// shuffled) score the training method against the baselines and the active version.
//
// What the gate asks depends on what follows it. A version that then predicts in shadow beside
// the active one is judged against that version on live minutes, so offline it only has to show
// that the method works on this home's recent days: on the latest fold it is at least as good
// as the best baseline. (Asking it to beat the active version there would hold back every
// version for as long as the fold's training days predate a changed routine: neither the fold's
// model nor the active one has seen it.) A version promoted at once must beat the active
// version on the latest fold.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/evaluation/served_training.hpp"
#include "occupancy/models/trained_model.hpp"

namespace occupancy::evaluation {

struct GateFold {
  Millis test_start = 0, test_end = 0;
  std::map<std::string, std::map<int, double>> brier;  // forecaster -> horizon -> mean over rooms
};

struct FoldOptions {
  int folds = 3, fold_days = 7;
  Millis start = 0;  // first training time (0: the history's beginning)
  Millis end = 0;    // the latest fold's end (0: the history's end)
  ServedTrainOptions train;
};

/// Newest fold first. A fold too short to train on is skipped (`skipped` gets the reason).
std::vector<GateFold> rolling_folds(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                    const models::TrainedModel* active, const FoldOptions& options,
                                    std::vector<std::string>* skipped = nullptr);

struct GateVerdict {
  bool pass = false;
  std::string why;
};

/// The gate on the latest fold (folds.front()); `shadow_follows` as explained above. Without
/// folds, or without an active version to compare with when one is needed, it passes and says so.
GateVerdict offline_gate(const std::vector<GateFold>& folds, bool shadow_follows, const std::string& active_version);

/// The registry as `occupancy train` finds it.
struct RegistryState {
  std::optional<std::string> active;  // the active version
  bool active_comparable = false;     // its files load in this build (the folds scored it)
  std::optional<std::string> shadow;  // a candidate already in shadow
  std::optional<Millis> shadow_since;
};

/// What becomes of a newly trained version.
struct Promotion {
  enum class Action {
    stay_candidate,  // failed the gate: `occupancy models promote` can still activate it
    shadow_busy,     // passed, but another candidate's shadow is still running
    start_shadow,    // passed: predicts in shadow beside the active version first
    activate,        // passed, and no shadow follows (none active yet, --force, shadow_hours 0)
  };
  Action action = Action::stay_candidate;
  std::string why;  // the gate's verdict
};

/// The promotion rule, pure: the gate on the folds (skipped with `force`, or when nothing is
/// active or comparable), then a shadow where one follows (an active version, no `force`,
/// shadow_hours > 0) unless another shadow is still running at `now`.
Promotion decide_promotion(const std::vector<GateFold>& folds, const RegistryState& registry, bool force,
                           double shadow_hours, Millis now);

/// Mean of a fold's scores over horizons.
double mean_over_horizons(const std::map<int, double>& by_horizon);

}  // namespace occupancy::evaluation
