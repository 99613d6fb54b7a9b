#pragma once
// The model registry (tables models and model_files): versions with their feature set,
// metrics and files; at most one active version per home. Activation retires the previous
// active version in the same transaction, so a rollback is activating the last retired one.
#include <optional>
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct ModelRecord {
  std::string version, home, feature_set, status;  // status: candidate, active, retired
  std::string created_at, activated_at;            // ISO 8601, activated_at empty if never
  std::string metrics_json = "{}";
  std::string shadow_since;  // ISO 8601 when its shadow evaluation began; empty if never
  std::string decision;      // why it was promoted or retired after its shadow, in words
};

/// Stores a new version (status candidate) with its files, in one transaction.
void register_model(Database& db, const ModelRecord& record, const std::vector<ModelFile>& files);
/// Newest first.
std::vector<ModelRecord> list_models(Database& db, const std::string& home);
std::optional<ModelRecord> find_model(Database& db, const std::string& version);
std::optional<ModelRecord> active_model(Database& db, const std::string& home);
/// The version that was active before the current one (the newest retired that was ever active).
std::optional<ModelRecord> previous_model(Database& db, const std::string& home);
std::vector<ModelFile> load_model_files(Database& db, const std::string& version);

/// The version a service should load: the one announced on `model` (`version`), or else the
/// home's active one; with its files. nullopt when there is none (an announced version that is
/// not in the registry throws DatabaseError, naming it).
struct ModelToServe {
  ModelRecord record;
  std::vector<ModelFile> files;
};
std::optional<ModelToServe> model_to_serve(Database& db, const std::string& home,
                                           const std::optional<std::string>& version);
/// Makes `version` the home's active version; the one active before is retired. Returns the
/// record as now stored. Throws DatabaseError if the version does not exist for the home.
ModelRecord activate_model(Database& db, const std::string& home, const std::string& version);

/// Shadow evaluation (docs/models.md): `version` (a candidate) starts predicting beside the
/// active version. A candidate already in shadow is retired, superseded by this one.
ModelRecord start_shadow(Database& db, const std::string& home, const std::string& version);
/// The candidate in shadow for the home, if any.
std::optional<ModelRecord> shadow_model(Database& db, const std::string& home);
/// Ends `version`'s shadow: promoted (made active) or retired, with the reason recorded.
ModelRecord decide_shadow(Database& db, const std::string& home, const std::string& version, bool promote,
                          const std::string& reason);

}  // namespace occupancy::store
