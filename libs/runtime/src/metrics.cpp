#include "occupancy/runtime/metrics.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "occupancy/runtime/process_metrics.hpp"

namespace occupancy::runtime {
namespace {

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double v) { return fmt::format("{}", v); }

}  // namespace

Metrics::Metrics(std::string service)
    : service_(std::move(service)),
      bucket_bounds_{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1},
      bucket_counts_(bucket_bounds_.size(), 0) {
  declare("occupancy_messages_in_total", "counter", "Messages received, per contract channel.");
  declare("occupancy_messages_out_total", "counter", "Messages published, per contract channel.");
  declare("occupancy_dead_letters_total", "counter", "Messages refused and sent to the dead-letter topic.");
  declare("occupancy_errors_total", "counter",
          "Errors by kind (handler, timer, on_connect, receive, publish, invalid_outgoing, connection_lost).");
  declare("occupancy_mqtt_connected", "gauge", "1 while the broker connection is up.");
  declare("occupancy_mqtt_republished_total", "counter",
          "Publishes sent again: a delivery that failed, or what a client renewed after the broker kept "
          "closing it had not had acknowledged.");
  declare("occupancy_mqtt_inbound_queued", "gauge", "Received messages waiting to be handled.");
  declare("occupancy_mqtt_inbox_replayed_total", "counter",
          "Messages a previous run received but did not handle, handled at start (inbox journal).");
  declare("occupancy_mqtt_inbound_queued_max", "gauge", "The most received messages waiting at once.");
  declare("occupancy_build_info", "gauge", "Build information; always 1.");
  set("occupancy_build_info", {{"service", service_}, {"version", OCCUPANCY_VERSION}}, 1);
}

void Metrics::declare(std::string name, std::string type, std::string help) {
  std::lock_guard lock(mutex_);
  families_.try_emplace(std::move(name), Family{std::move(type), std::move(help), {}});
}

Metrics::Family& Metrics::family(std::string_view name) {
  const auto it = families_.find(name);
  if (it == families_.end()) throw std::logic_error("metric family not declared: " + std::string(name));
  return it->second;
}

std::string Metrics::label_text(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  return out;
}

void Metrics::add(std::string_view name, const Labels& labels, double delta) {
  std::lock_guard lock(mutex_);
  family(name).series[label_text(labels)] += delta;
}

void Metrics::set(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  family(name).series[label_text(labels)] = value;
}

void Metrics::forget(std::string_view name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  family(name).series.erase(label_text(labels));
}

double Metrics::value(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  const auto it = families_.find(name);
  if (it == families_.end()) return 0;
  const auto s = it->second.series.find(label_text(labels));
  return s == it->second.series.end() ? 0 : s->second;
}

void Metrics::observe_processing_seconds(double seconds) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < bucket_bounds_.size(); ++i)
    if (seconds <= bucket_bounds_[i]) ++bucket_counts_[i];
  latency_sum_ += seconds;
  ++latency_count_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.series)
      out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + number(v) + "\n";
  }
  const std::string h = "occupancy_processing_seconds";
  out += "# HELP " + h + " Time to handle one received message.\n# TYPE " + h + " histogram\n";
  for (size_t i = 0; i < bucket_bounds_.size(); ++i)
    out += h + "_bucket{le=\"" + number(bucket_bounds_[i]) + "\"} " + std::to_string(bucket_counts_[i]) + "\n";
  out += h + "_bucket{le=\"+Inf\"} " + std::to_string(latency_count_) + "\n";
  out += h + "_sum " + number(latency_sum_) + "\n" + h + "_count " + std::to_string(latency_count_) + "\n";
  if (const auto process = read_process_stats()) out += render_process_metrics(*process);
  return out;
}

}  // namespace occupancy::runtime
