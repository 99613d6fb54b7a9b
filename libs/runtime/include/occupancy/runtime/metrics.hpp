#pragma once
// Prometheus text-format metrics for one process: counters, gauges and one latency
// histogram. Thread-safe: the HTTP thread renders while the service thread counts.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "occupancy/contract/step.hpp"

namespace occupancy::runtime {

using Labels = contract::Labels;

class Metrics {
 public:
  explicit Metrics(std::string service);

  void add(std::string_view name, const Labels& labels = {}, double delta = 1);
  void set(std::string_view name, const Labels& labels, double value);
  void observe_processing_seconds(double seconds);
  double value(std::string_view name, const Labels& labels = {}) const;

  /// Declares a family (name, "counter"|"gauge", help). Undeclared families are refused.
  void declare(std::string name, std::string type, std::string help);

  /// Removes one series (e.g. a version no longer serving), so that it stops being exported.
  void forget(std::string_view name, const Labels& labels);
  std::string render() const;  // Prometheus text exposition format 0.0.4

 private:
  struct Family {
    std::string type, help;
    std::map<std::string, double> series;  // rendered label set -> value
  };
  static std::string label_text(const Labels& labels);
  Family& family(std::string_view name);

  mutable std::mutex mutex_;
  std::string service_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<double> bucket_bounds_;
  std::vector<unsigned long long> bucket_counts_;
  double latency_sum_ = 0;
  unsigned long long latency_count_ = 0;
};

}  // namespace occupancy::runtime
