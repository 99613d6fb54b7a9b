#pragma once
// The config's sections, each read next to the settings it fills (one file per section), after
// the whole document passed config/home.schema.json: a reader only adds what the schema cannot
// say (a room that must exist, a file that must be there) and what the environment overrides.
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"

namespace occupancy::config {

/// A string member of `obj`, or `fallback`.
std::string str(const rapidjson::Value& obj, const char* name, std::string fallback = {});
/// A secret file's contents; a file others may read adds a warning.
Secret read_secret_file(const std::filesystem::path& p, const std::string& what, std::vector<std::string>& warnings);

void read_house(const rapidjson::Value& doc, const std::string& source, House& c);
void read_cat_filter(const rapidjson::Value& cf, const House& house, const std::string& source, CatFilterRules& rules);
void read_cleaner(const rapidjson::Value& cl, CleanerSettings& cs);
void read_model_service(const rapidjson::Value& sec, ModelServiceSettings& settings);
void read_ingestor(const rapidjson::Value* section, const EnvLookup& env, const std::string& source,
                   IngestorSettings& settings, std::vector<std::string>& warnings);
void read_publisher(const rapidjson::Value* section, const EnvLookup& env, const std::string& source,
                    const House& house, PublisherSettings& ps, std::string& discovery_prefix,
                    std::vector<std::string>& warnings);

}  // namespace occupancy::config
