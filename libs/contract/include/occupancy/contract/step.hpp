#pragma once
// The one shape of every service core: a typed message (or a tick) in, a Step out. A Step is
// everything the message caused — publications, archive rows, metric updates, dead letters and
// log lines — as data. Cores own no I/O; runtime::ServiceContext::apply() carries a Step out.
// A core that throws returns no Step, so a refused message leaves nothing half-published.
#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "occupancy/contract/topics.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::contract {

/// One message to send on a channel of the contract.
struct Publication {
  const proto::ChannelSpec* channel = nullptr;
  Params params;                // placeholders besides the suite's base (home, ...)
  rapidjson::Document payload;  // a null document clears the retained message
};

using Labels = std::vector<std::pair<std::string, std::string>>;

/// A metric family a service exports (declared once at start).
struct MetricFamily {
  std::string name, type, help;  // type: counter or gauge
};

struct MetricUpdate {
  enum class Op { add, set, forget };
  Op op = Op::add;
  std::string name;
  Labels labels;
  double value = 0;
};

/// Input the core refuses after its schema passed (an event time out of bounds, ...).
struct DeadLetter {
  std::string source;   // where it came from (a topic, or ha/<entity>)
  std::string payload;  // as received
  std::string keyword, pointer, message;
};

struct LogLine {
  enum class Level { debug, info, warn, error };
  Level level = Level::info;
  std::string text;
};

/// Rows for the service's PostgreSQL archive; a service archives the kinds it owns.
struct ArchiveRows {
  std::vector<Reading> raw, clean;
  std::vector<RoomState> states;
  std::vector<Gap> gaps;
  std::vector<Prediction> predictions, shadow;
  std::vector<PredictionOutcome> outcomes;
  bool empty() const {
    return raw.empty() && clean.empty() && states.empty() && gaps.empty() && predictions.empty() && shadow.empty() &&
           outcomes.empty();
  }
};

struct Step {
  std::vector<Publication> publications;
  ArchiveRows archive;
  std::vector<MetricUpdate> metrics;
  std::vector<DeadLetter> dead_letters;
  std::vector<LogLine> logs;

  void publish(const proto::ChannelSpec& channel, Params params, rapidjson::Document payload) {
    publications.push_back({&channel, std::move(params), std::move(payload)});
  }
  void clear_retained(const proto::ChannelSpec& channel, Params params) {
    publications.push_back({&channel, std::move(params), rapidjson::Document()});
  }
  void count(std::string name, Labels labels = {}, double delta = 1) {
    metrics.push_back({MetricUpdate::Op::add, std::move(name), std::move(labels), delta});
  }
  void gauge(std::string name, Labels labels, double value) {
    metrics.push_back({MetricUpdate::Op::set, std::move(name), std::move(labels), value});
  }
  void forget(std::string name, Labels labels) {
    metrics.push_back({MetricUpdate::Op::forget, std::move(name), std::move(labels), 0});
  }
  void log(LogLine::Level level, std::string text) { logs.push_back({level, std::move(text)}); }
  /// `later` happened after this step: its items follow ours.
  void append(Step&& later);
  bool empty() const {
    return publications.empty() && archive.empty() && metrics.empty() && dead_letters.empty() && logs.empty();
  }
};

/// The publications of `step` on `channel` (for tests and tools).
std::vector<const Publication*> published_on(const Step& step, const proto::ChannelSpec& channel);

}  // namespace occupancy::contract
