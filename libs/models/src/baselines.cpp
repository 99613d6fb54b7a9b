#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "occupancy/models/forecaster.hpp"

namespace occupancy::models {
namespace {

// Reads named features; a missing value falls back to what the weaker baseline would say.
class Baseline : public Forecaster {
 public:
  Baseline(std::string name, const features::FeatureSet& set, std::vector<int> horizons, std::string occ_prefix,
           std::string vacancy, std::string next)
      : name_(std::move(name)), horizons_(std::move(horizons)), now_(set.index("occupied_now")) {
    for (int h : horizons_) occ_.push_back(occ_prefix.empty() ? now_ : set.index(occ_prefix + std::to_string(h)));
    if (!vacancy.empty()) {
      vacancy_ = set.index(vacancy);
      next_ = set.index(next);
    }
  }
  std::string name() const override { return name_; }
  Forecast predict(const std::string&, const double* f) const override {
    Forecast out;
    const double now = std::isnan(f[now_]) ? 0.0 : f[now_];
    for (std::size_t i = 0; i < horizons_.size(); ++i) {
      const double p = f[occ_[i]];
      out.occupancy[horizons_[i]] = std::isnan(p) ? now : std::clamp(p, 0.0, 1.0);
    }
    if (vacancy_) {
      const double d = now >= 0.5 ? f[*vacancy_] : f[*next_];
      if (!std::isnan(d)) out.minutes_to_change = d;
    }
    return out;
  }

 private:
  std::string name_;
  std::vector<int> horizons_;
  std::size_t now_;
  std::vector<std::size_t> occ_;
  std::optional<std::size_t> vacancy_, next_;
};

}  // namespace

const std::vector<std::string>& baseline_names() {
  static const std::vector<std::string> names{"persistence", "time_of_week", "markov", "preheat"};
  return names;
}

std::unique_ptr<Forecaster> make_baseline(const std::string& name, const features::FeatureSet& set,
                                          const std::vector<int>& horizons) {
  if (name == "persistence") return std::make_unique<Baseline>(name, set, horizons, "", "", "");
  if (name == "time_of_week")
    return std::make_unique<Baseline>(name, set, horizons, "prior_occ_", "prior_vacancy_min", "prior_next_occ_min");
  if (name == "markov")
    return std::make_unique<Baseline>(name, set, horizons, "markov_occ_", "markov_vacancy_min", "markov_next_occ_min");
  if (name == "preheat")
    return std::make_unique<Baseline>(name, set, horizons, "preheat_occ_", "preheat_vacancy_min",
                                      "preheat_next_occ_min");
  throw std::invalid_argument("unknown baseline '" + name + "' (persistence, time_of_week, markov, preheat)");
}

}  // namespace occupancy::models
