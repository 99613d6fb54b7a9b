// A model version's JSON files as the registry hands them back: manifest, priors and serving
// plan, separated by lines "%%". (Booster bytes go to XGBoost's own loader and are not fuzzed
// here: it is a third-party parser behind its C API.)
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/features/feature_set.hpp"
#include "occupancy/models/trained_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace occupancy;
  static const std::vector<std::string> expected = features::FeatureSet({15, 120}).names();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<ModelFile> files;
  for (const char* target : {"manifest", "priors", "serving"}) {
    const auto end = text.find("\n%%\n");
    files.push_back({"", target, "json", std::string(text.substr(0, end))});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 4);
  }
  try {
    (void)models::TrainedModel::from_files(files, expected);
  } catch (const std::runtime_error&) {  // a refused version: the predictor keeps the one it has
  }
  try {
    (void)models::ServingPlan::from_json(files.back().data);
  } catch (const std::runtime_error&) {
  }
  try {
    (void)features::Priors::from_json(files.back().data);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
