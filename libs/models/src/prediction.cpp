#include "occupancy/models/prediction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace occupancy::models {

std::vector<double> to_row(const FeatureVector& fv, const features::FeatureSet& set) {
  std::vector<double> row(set.size(), std::numeric_limits<double>::quiet_NaN());
  for (const auto& [name, value] : fv.values) {
    const auto& names = set.names();
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) row[i] = value;
  }
  return row;
}

Prediction make_prediction(const FeatureVector& fv, const std::vector<double>& row, const features::FeatureSet& set,
                           const Forecast& forecast, const std::string& model_version,
                           const std::optional<std::string>& fallback) {
  Prediction p;
  p.ts = fv.ts;
  p.room = fv.room;
  const double now = row[set.index("occupied_now")], reliable = row[set.index("reliable")];
  p.occupied_now = !std::isnan(now) && now >= 0.5;
  p.reliable = std::isnan(reliable) || reliable >= 0.5;
  p.occupancy = forecast.occupancy;
  if (forecast.minutes_to_change)
    (p.occupied_now ? p.minutes_to_vacancy : p.minutes_to_next_occupancy) = forecast.minutes_to_change;
  p.model_version = model_version;
  p.fallback = fallback;
  p.trace_id = fv.trace_id;
  return p;
}

std::map<int, double> vacant_within(const Prediction& p, const std::vector<int>& ks, double spread) {
  std::map<int, double> out;
  if (!p.occupied_now) {
    for (const int k : ks) out[k] = 1.0;
    return out;
  }
  if (!p.minutes_to_vacancy) return out;
  const double m = std::max(*p.minutes_to_vacancy, 0.5);
  for (const int k : ks) out[k] = 0.5 * std::erfc(-(std::log(k) - std::log(m)) / (spread * std::sqrt(2.0)));
  return out;
}

void keep_horizons(Prediction& p, const std::vector<int>& horizons) {
  std::erase_if(p.occupancy, [&](const auto& kv) {
    return std::find(horizons.begin(), horizons.end(), kv.first) == horizons.end();
  });
}

}  // namespace occupancy::models
