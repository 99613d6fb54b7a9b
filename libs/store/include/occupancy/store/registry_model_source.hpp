#pragma once
// The ModelSource of a live service: the registry in PostgreSQL, one connection per call
// (calls are rare: a start, a model announcement, a shadow verdict, a drift).
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/model_source.hpp"

namespace occupancy::store {

class RegistryModelSource : public ModelSource {
 public:
  RegistryModelSource(config::Secret database_url, std::string home)
      : database_url_(std::move(database_url)), home_(std::move(home)) {}

  std::optional<RegisteredVersion> to_serve(const std::optional<std::string>& version) override;
  std::optional<RegisteredVersion> shadow() override;
  std::vector<ModelFile> files(const std::string& version) override;
  std::vector<MaturedPair> shadow_pairs(const std::string& candidate) override;
  std::optional<RegisteredVersion> decide_shadow(const std::string& candidate, bool promote,
                                                 const std::string& reason) override;
  std::optional<RegisteredVersion> previous() override;
  std::optional<double> live_brier(const std::string& version) override;
  RegisteredVersion activate(const std::string& version) override;
  std::optional<RegisteredVersion> newest_version() override;
  std::optional<RegisteredVersion> active_version() override;

 private:
  config::Secret database_url_;
  std::string home_;
};

}  // namespace occupancy::store
