#pragma once
// Helpers for integration tests: the real broker from the environment, a recording MQTT
// client, service processes, free ports and a plain HTTP GET.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/config/connection.hpp"

namespace occupancy::testing {

/// OCCUPANCY_MQTT_URL, or a test failure that says how to run the tests.
config::MqttEndpoint broker_from_env();
/// OCCUPANCY_DB_URL, or a test failure.
std::string database_url_from_env();

/// A new, empty database next to the one in OCCUPANCY_DB_URL (schema applied if `migrated`);
/// returns its URL.
std::string fresh_database(const std::string& prefix, bool migrated = false);

/// The processes with an HTTP port, in the order of their default ports in config/home.yaml
/// (9481-9486): the five services of contract::kServices, then the trainer.
std::vector<std::string> http_processes();

/// Writes dir/home.yaml: the shipped config/home.yaml for `home`, with the given services' HTTP
/// ports (service name -> port), `clock: events` if `event_clock`, and each (from, to) text
/// replacement. Returns the file's path as a string (for --config).
std::string write_home_config(const std::filesystem::path& dir, const std::string& home,
                              const std::map<std::string, std::uint16_t>& ports = {}, bool event_clock = false,
                              const std::vector<std::pair<std::string, std::string>>& replace = {});

/// A unique home id per test run, so tests never see each other's retained messages.
std::string unique_home(const std::string& prefix);

std::uint16_t free_port();

struct Message {
  std::string topic, payload;
  bool retained;
};

/// A real MQTT client that records everything on its subscriptions.
class Recorder {
 public:
  Recorder(const config::MqttEndpoint& broker, std::vector<std::string> filters);
  ~Recorder();
  void publish(const std::string& topic, const std::string& payload, bool retain = false);
  /// Subscribes one more filter; false if the broker refused it (e.g. an ACL).
  bool try_subscribe(const std::string& filter);
  /// Waits until a message on `topic` satisfies `pred` (or `timeout`); returns it.
  std::optional<Message> wait_for(const std::string& topic, const std::function<bool(const Message&)>& pred,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<Message> messages() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A child process with its output captured in a log file.
class Process {
 public:
  Process(const std::string& exe, const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::filesystem::path& log);
  ~Process();  // SIGKILL if still running
  void signal(int sig);
  /// Waits for exit; returns the exit code (or 128+signal), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string output() const;
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path log_;
};

/// A raw reading's JSON, five minutes before the wall clock: recent enough for a cleaner on the
/// wall clock (it refuses readings from far in the past or future), old enough that its hold
/// windows have passed, so it settles at once.
std::string raw_reading_json(const std::string& entity, const std::string& room, const std::string& zone,
                             const std::string& state);

/// Polls `pred` every 200 ms until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

/// Runs a command to completion; returns exit code and combined output.
std::pair<int, std::string> run(const std::string& exe, const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env = {});

/// GET http://127.0.0.1:port/path; returns status and body (status 0 if unreachable).
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path, const std::string& headers = "");

std::filesystem::path temp_dir(const std::string& name);

/// A test PKI made by openssl in `dir`: ca.crt/ca.key (the test CA), server.crt/server.key
/// (signed by it, for localhost and 127.0.0.1) and other.crt (an unrelated CA, for refusals).
void make_test_certificates(const std::filesystem::path& dir);

/// The first sample of metric `name` (any labels) on http://127.0.0.1:port/metrics; -1 if absent.
double metric_value(std::uint16_t port, const std::string& name);

}  // namespace occupancy::testing
