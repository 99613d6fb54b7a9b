#pragma once
// A ModelSource held in memory for unit tests of the services' logic: versions with files, one
// active, one in shadow, live Brier scores; it records the verdicts it was told. Failing calls
// can be scripted (`fail`), as when PostgreSQL is away.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "occupancy/core/model_source.hpp"

namespace occupancy::testing {

class ScriptedModelSource : public ModelSource {
 public:
  std::map<std::string, RegisteredVersion> versions;
  std::string active, in_shadow, before;  // version names ("" none)
  std::string newest;                     // the newest registered ("" none)
  std::map<std::string, double> brier;
  std::map<std::string, std::vector<MaturedPair>> pairs;
  std::vector<std::string> verdicts;  // "promote <v>: reason" / "retire <v>: reason"
  bool fail = false;

  std::optional<RegisteredVersion> to_serve(const std::optional<std::string>& version) override {
    check();
    const std::string name = version.value_or(active);
    if (name.empty()) return std::nullopt;
    const auto it = versions.find(name);
    if (it == versions.end()) throw std::runtime_error("model version " + name + " is not in the registry");
    return it->second;
  }
  std::optional<RegisteredVersion> shadow() override { return without_files(in_shadow); }
  std::vector<ModelFile> files(const std::string& version) override {
    check();
    return versions.at(version).files;
  }
  std::vector<MaturedPair> shadow_pairs(const std::string& candidate) override {
    check();
    return pairs[candidate];
  }
  std::optional<RegisteredVersion> decide_shadow(const std::string& candidate, bool promote,
                                                 const std::string& reason) override {
    check();
    verdicts.push_back((promote ? "promote " : "retire ") + candidate + ": " + reason);
    if (promote) {
      before = active;
      active = candidate;
    }
    in_shadow.clear();
    return without_files(active);
  }
  std::optional<RegisteredVersion> previous() override { return without_files(before); }
  std::optional<double> live_brier(const std::string& version) override {
    check();
    const auto it = brier.find(version);
    return it == brier.end() ? std::nullopt : std::optional(it->second);
  }
  RegisteredVersion activate(const std::string& version) override {
    check();
    before = active;
    active = version;
    return *without_files(version);
  }
  std::optional<RegisteredVersion> newest_version() override { return without_files(newest); }
  std::optional<RegisteredVersion> active_version() override { return without_files(active); }

 private:
  void check() const {
    if (fail) throw std::runtime_error("connection to the database refused");
  }
  std::optional<RegisteredVersion> without_files(const std::string& name) {
    check();
    if (name.empty()) return std::nullopt;
    auto v = versions.at(name);
    v.files.clear();
    return v;
  }
};

}  // namespace occupancy::testing
