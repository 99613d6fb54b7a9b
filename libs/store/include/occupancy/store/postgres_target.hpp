#pragma once
// An ArchiveWriter's target in PostgreSQL: one connection, a write function per batch (e.g.
// store::archive_clean), and an interrupt that shuts the connection's socket down so a write
// blocked on a hung server returns at once.
#include <sys/socket.h>

#include <functional>
#include <memory>
#include <string>

#include "occupancy/config/secret.hpp"
#include "occupancy/store/archive_writer.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

template <class Batch>
class PostgresTarget : public ArchiveTarget<Batch> {
 public:
  using Write = std::function<void(Database&, const Batch&)>;
  PostgresTarget(const config::Secret& url, Write write) : db_(url), write_(std::move(write)) {}
  void write(const Batch& batch) override { write_(db_, batch); }
  void interrupt() noexcept override {
    if (const int fd = PQsocket(db_.raw()); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  Database db_;
  Write write_;
};

/// The ArchiveWriter's connect function for PostgreSQL at `url`.
template <class Batch>
typename ArchiveWriter<Batch>::Connect postgres_target(config::Secret url,
                                                       typename PostgresTarget<Batch>::Write write) {
  return
      [url = std::move(url), write = std::move(write)] { return std::make_unique<PostgresTarget<Batch>>(url, write); };
}

}  // namespace occupancy::store
