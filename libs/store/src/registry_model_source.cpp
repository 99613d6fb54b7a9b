#include "occupancy/store/registry_model_source.hpp"

#include "occupancy/store/database.hpp"
#include "occupancy/store/model_registry.hpp"
#include "occupancy/store/prediction_archive.hpp"

namespace occupancy::store {
namespace {

RegisteredVersion registered(const ModelRecord& r, std::vector<ModelFile> files = {}) {
  return {r.version, r.feature_set, r.activated_at, parse_iso8601(r.created_at), std::move(files)};
}

std::optional<RegisteredVersion> registered(const std::optional<ModelRecord>& r) {
  if (!r) return std::nullopt;
  return registered(*r);
}

}  // namespace

std::optional<RegisteredVersion> RegistryModelSource::to_serve(const std::optional<std::string>& version) {
  Database db(database_url_);
  auto served = model_to_serve(db, home_, version);
  if (!served) return std::nullopt;
  return registered(served->record, std::move(served->files));
}

std::optional<RegisteredVersion> RegistryModelSource::shadow() {
  Database db(database_url_);
  return registered(shadow_model(db, home_));
}

std::vector<ModelFile> RegistryModelSource::files(const std::string& version) {
  Database db(database_url_);
  return load_model_files(db, version);
}

std::vector<MaturedPair> RegistryModelSource::shadow_pairs(const std::string& candidate) {
  Database db(database_url_);
  return load_shadow_pairs(db, home_, candidate);
}

std::optional<RegisteredVersion> RegistryModelSource::decide_shadow(const std::string& candidate, bool promote,
                                                                    const std::string& reason) {
  Database db(database_url_);
  store::decide_shadow(db, home_, candidate, promote, reason);
  return registered(active_model(db, home_));
}

std::optional<RegisteredVersion> RegistryModelSource::previous() {
  Database db(database_url_);
  return registered(previous_model(db, home_));
}

std::optional<double> RegistryModelSource::live_brier(const std::string& version) {
  Database db(database_url_);
  return store::live_brier(db, home_, version);
}

RegisteredVersion RegistryModelSource::activate(const std::string& version) {
  Database db(database_url_);
  return registered(activate_model(db, home_, version));
}

std::optional<RegisteredVersion> RegistryModelSource::newest_version() {
  Database db(database_url_);
  const auto all = list_models(db, home_);  // newest first
  if (all.empty()) return std::nullopt;
  return registered(all.front());
}

std::optional<RegisteredVersion> RegistryModelSource::active_version() {
  Database db(database_url_);
  return registered(active_model(db, home_));
}

}  // namespace occupancy::store
