#include "occupancy/runtime/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace occupancy::runtime {
namespace {

thread_local std::string t_trace_id;

// %& in a pattern: the current trace id, as a JSON member (`,"trace_id":"..."`) or as text
// (` trace=...`); nothing outside a TraceScope.
class TraceFlag : public spdlog::custom_flag_formatter {
 public:
  explicit TraceFlag(bool json) : json_(json) {}
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (t_trace_id.empty()) return;
    const std::string text = json_ ? R"(,"trace_id":")" + json_escape(t_trace_id) + '"' : " trace=" + t_trace_id;
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TraceFlag>(json_); }

 private:
  bool json_;
};

// %* in a pattern: the message, escaped for a JSON string.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const auto text = json_escape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

TraceScope::TraceScope(std::string_view trace_id) : previous_(std::move(t_trace_id)) { t_trace_id = trace_id; }
TraceScope::~TraceScope() { t_trace_id = std::move(previous_); }
std::string_view current_trace_id() { return t_trace_id; }

void setup_logging(std::string_view service, const config::LoggingSettings& settings) {
  const auto level = spdlog::level::from_str(settings.level);
  if (level == spdlog::level::off && settings.level != "off")
    throw std::invalid_argument("unknown log level '" + settings.level + "'");
  // Logs go to stderr: stdout stays free for a command's own output.
  auto logger =
      std::make_shared<spdlog::logger>(std::string(service), std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (settings.format == "json") {
    formatter->add_flag<JsonMessageFlag>('*');
    formatter->add_flag<TraceFlag>('&', true).set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","service":"%n"%&,"msg":"%*"})");
  } else if (settings.format == "text") {
    formatter->add_flag<TraceFlag>('&', false).set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %n: %v%&");
  } else {
    throw std::invalid_argument("unknown log format '" + settings.format + "'");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void log_line(const contract::LogLine& line) {
  using Level = contract::LogLine::Level;
  spdlog::log(line.level == Level::debug  ? spdlog::level::debug
              : line.level == Level::info ? spdlog::level::info
              : line.level == Level::warn ? spdlog::level::warn
                                          : spdlog::level::err,
              "{}", line.text);
}

}  // namespace occupancy::runtime
