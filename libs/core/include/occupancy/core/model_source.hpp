#pragma once
// The model registry as the services use it: an interface, so that the feature service's and
// the predictor's logic is tested without a database (store::RegistryModelSource is the
// PostgreSQL one). Any call may throw (the database is away); callers log it and carry on.
#include <optional>
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"

namespace occupancy {

/// A version in the registry (files only where a call says so).
struct RegisteredVersion {
  std::string version, feature_set;
  std::string activated_at;          // ISO 8601; empty if never active
  std::optional<Millis> created_at;  // when it was registered
  std::vector<ModelFile> files;
};

class ModelSource {
 public:
  virtual ~ModelSource() = default;
  /// `version` (as announced), or else the home's active version, with its files; nullopt if
  /// there is none. An announced version the registry does not have throws.
  virtual std::optional<RegisteredVersion> to_serve(const std::optional<std::string>& version) = 0;
  /// The candidate in shadow, if any (no files).
  virtual std::optional<RegisteredVersion> shadow() = 0;
  virtual std::vector<ModelFile> files(const std::string& version) = 0;
  /// The pairs a candidate's shadow has matured so far (from the archive).
  virtual std::vector<MaturedPair> shadow_pairs(const std::string& candidate) = 0;
  /// Records the shadow's verdict (promoted: active now); returns the active version after it.
  virtual std::optional<RegisteredVersion> decide_shadow(const std::string& candidate, bool promote,
                                                         const std::string& reason) = 0;
  /// The version active before the current one (no files).
  virtual std::optional<RegisteredVersion> previous() = 0;
  /// A version's mean Brier score on live matured predictions (nullopt: none matured).
  virtual std::optional<double> live_brier(const std::string& version) = 0;
  /// Makes `version` active; returns it as now stored (no files).
  virtual RegisteredVersion activate(const std::string& version) = 0;
  /// The newest version registered, whatever its status, and the active one (no files).
  virtual std::optional<RegisteredVersion> newest_version() = 0;
  virtual std::optional<RegisteredVersion> active_version() = 0;
};

}  // namespace occupancy
