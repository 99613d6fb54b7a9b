#include "test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "occupancy/contract/topics.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/store/database.hpp"
#include "occupancy/store/migrations.hpp"

extern char** environ;

namespace occupancy::testing {

config::MqttEndpoint broker_from_env() {
  const char* url = std::getenv("OCCUPANCY_MQTT_URL");
  if (url == nullptr || *url == '\0')
    FAIL("OCCUPANCY_MQTT_URL is not set: run integration tests with deploy/local.sh test (it starts Mosquitto)");
  return config::parse_mqtt_url(url);
}

std::string database_url_from_env() {
  const char* url = std::getenv("OCCUPANCY_DB_URL");
  if (url == nullptr || *url == '\0')
    FAIL("OCCUPANCY_DB_URL is not set: run integration tests with deploy/local.sh test (it starts PostgreSQL)");
  return url;
}

std::string fresh_database(const std::string& prefix, bool migrated) {
  const auto url = database_url_from_env();
  store::Database admin{config::Secret(url)};
  const auto name = unique_home(prefix);
  admin.exec("CREATE DATABASE " + name);
  const auto fresh = url.substr(0, url.rfind('/') + 1) + name;
  if (migrated) {
    store::Database db{config::Secret(fresh)};
    store::migrate(db, store::builtin_migrations());
  }
  return fresh;
}

std::vector<std::string> http_processes() {
  std::vector<std::string> out(contract::kServices.begin(), contract::kServices.end());
  out.emplace_back(contract::kTrainer);
  return out;
}

std::string write_home_config(const std::filesystem::path& dir, const std::string& home,
                              const std::map<std::string, std::uint16_t>& ports, bool event_clock,
                              const std::vector<std::pair<std::string, std::string>>& replace) {
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = std::regex_replace(s.str(), std::regex("\nhome: home"), "\nhome: " + home);
  if (event_clock) text = std::regex_replace(text, std::regex("clock: wall"), "clock: events");
  const auto services = http_processes();
  for (std::size_t i = 0; i < services.size(); ++i)
    if (const auto it = ports.find(services[i]); it != ports.end())
      text = std::regex_replace(text, std::regex("port: 948" + std::to_string(i + 1)),
                                "port: " + std::to_string(it->second));
  for (const auto& [from, to] : replace) text = std::regex_replace(text, std::regex(from), to);
  const auto path = dir / "home.yaml";
  std::ofstream(path) << text;
  return path.string();
}

std::string unique_home(const std::string& prefix) {
  std::random_device rd;
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 100000);
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Recorder::Impl {
  std::unique_ptr<mqtt::async_client> client;
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<Message> messages;
};

Recorder::Recorder(const config::MqttEndpoint& broker, std::vector<std::string> filters)
    : impl_(std::make_unique<Impl>()) {
  impl_->client = std::make_unique<mqtt::async_client>(broker.server_uri, unique_home("recorder"),
                                                       mqtt::create_options(MQTTVERSION_5));
  impl_->client->set_message_callback([this](mqtt::const_message_ptr m) {
    std::lock_guard lock(impl_->mutex);
    impl_->messages.push_back({m->get_topic(), m->to_string(), m->is_retained()});
    impl_->changed.notify_all();
  });
  auto builder = mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true);
  if (!broker.username.empty()) builder.user_name(broker.username).password(broker.password.reveal());
  impl_->client->connect(builder.finalize())->wait();
  for (const auto& f : filters) impl_->client->subscribe(f, 1)->wait();
}

Recorder::~Recorder() {
  try {
    impl_->client->disconnect()->wait();
  } catch (...) {
  }
}

bool Recorder::try_subscribe(const std::string& filter) {
  try {
    const auto tok = impl_->client->subscribe(filter, 1);
    tok->wait();
    const auto codes = tok->get_subscribe_response().get_reason_codes();
    return codes.empty() || codes.front() < 0x80;
  } catch (const std::exception&) {
    return false;
  }
}

void Recorder::publish(const std::string& topic, const std::string& payload, bool retain) {
  impl_->client->publish(mqtt::make_message(topic, payload, 1, retain))->wait();
}

std::optional<Message> Recorder::wait_for(const std::string& topic, const std::function<bool(const Message&)>& pred,
                                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t seen = 0;
  while (true) {
    for (; seen < impl_->messages.size(); ++seen)
      if (impl_->messages[seen].topic == topic && pred(impl_->messages[seen])) return impl_->messages[seen];
    if (impl_->changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; seen < impl_->messages.size(); ++seen)
        if (impl_->messages[seen].topic == topic && pred(impl_->messages[seen])) return impl_->messages[seen];
      return std::nullopt;
    }
  }
}

std::vector<Message> Recorder::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

Process::Process(const std::string& exe, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::filesystem::path& log)
    : log_(log) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (!env.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> all_args{exe};
  all_args.insert(all_args.end(), args.begin(), args.end());
  for (auto& s : all_args) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) FAIL("cannot start " << exe << ": " << std::strerror(rc));
}

Process::~Process() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void Process::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

std::string Process::output() const {
  std::ifstream in(log_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::pair<int, std::string> run(const std::string& exe, const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env) {
  const auto log =
      temp_dir("run") / (std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()) + ".log");
  Process p(exe, args, env, log);
  const auto code = p.wait(std::chrono::seconds(120));
  REQUIRE(code.has_value());
  return {*code, p.output()};
}

std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path, const std::string& headers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {0, ""};
  }
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n";
  ::send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (out.size() < 12) return {0, out};
  const auto body = out.find("\r\n\r\n");
  return {std::stoi(out.substr(9, 3)), body == std::string::npos ? "" : out.substr(body + 4)};
}

double metric_value(std::uint16_t port, const std::string& name) {
  const auto body = http_get(port, "/metrics").second;
  std::smatch m;
  return std::regex_search(body, m, std::regex("\n" + name + "(\\{[^}]*\\})? ([0-9.e+-]+)")) ? std::stod(m[2]) : -1.0;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("occupancy-tests-" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

namespace {

void openssl(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  std::string quoted;
  for (const auto& a : args) quoted += " '" + a + "'";
  const auto [rc, out] = run("/bin/sh", {"-c", "cd '" + dir.string() + "' && openssl" + quoted});
  INFO(out);
  REQUIRE(rc == 0);
}

}  // namespace

void make_test_certificates(const std::filesystem::path& dir) {
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=occupancy test CA"});
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days",
                "2", "-subj", "/CN=another CA"});
  openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=localhost"});
  std::ofstream(dir / "san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  openssl(dir, {"x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.crt", "-days", "2", "-extfile", "san.ext"});
}

std::string raw_reading_json(const std::string& entity, const std::string& room, const std::string& zone,
                             const std::string& state) {
  return R"({"ts":")" + format_iso8601(wall_clock_now() - 5 * kMinute) + R"(","entity_id":")" + entity +
         R"(","room":")" + room + R"(","zone":")" + zone + R"(","kind":"presence","state":")" + state + R"("})";
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return pred();
}

}  // namespace occupancy::testing
