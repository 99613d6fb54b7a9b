#include "occupancy/runtime/logging.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

using namespace occupancy;

TEST_CASE("JSON log lines escape the message", "[logging]") {
  CHECK(runtime::json_escape("a \"b\"\n\\c\x01") == "a \\\"b\\\"\\n\\\\c\\u0001");
}

TEST_CASE("unknown log levels and formats are refused", "[logging]") {
  CHECK_THROWS_WITH(runtime::setup_logging("t", {"loud", "text"}), Catch::Contains("unknown log level 'loud'"));
  CHECK_THROWS_WITH(runtime::setup_logging("t", {"info", "xml"}), Catch::Contains("unknown log format 'xml'"));
  CHECK_NOTHROW(runtime::setup_logging("t", {"off", "json"}));
}

namespace {

// Runs `body` with stderr (where the logger writes) sent to a file; returns what was written.
template <typename F>
std::string captured_stderr(F body) {
  std::fflush(stderr);
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  const int saved = dup(fileno(stderr));
  dup2(fileno(file), fileno(stderr));
  body();
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::rewind(file);
  std::string out;
  for (int c; (c = std::fgetc(file)) != EOF;) out += static_cast<char>(c);
  std::fclose(file);
  return out;
}

}  // namespace

TEST_CASE("log lines name the trace id of the change being handled, and only inside its scope", "[logging][trace]") {
  SECTION("JSON lines: a trace_id member") {
    const auto out = captured_stderr([] {
      runtime::setup_logging("cleaner", {"info", "json"});
      spdlog::info("before");
      {
        const runtime::TraceScope outer("019abc0123de4f5a6b7c");
        spdlog::info("handling");
        {
          const runtime::TraceScope inner("019abc0123de00000000");
          spdlog::info("published");
        }
        CHECK(runtime::current_trace_id() == "019abc0123de4f5a6b7c");
        spdlog::info("handled");
      }
      spdlog::info("after");
    });
    CHECK_THAT(out, Catch::Contains(R"("service":"cleaner","msg":"before"})"));
    CHECK_THAT(out, Catch::Contains(R"("service":"cleaner","trace_id":"019abc0123de4f5a6b7c","msg":"handling"})"));
    CHECK_THAT(out, Catch::Contains(R"("trace_id":"019abc0123de00000000","msg":"published"})"));
    CHECK_THAT(out, Catch::Contains(R"("trace_id":"019abc0123de4f5a6b7c","msg":"handled"})"));
    CHECK_THAT(out, Catch::Contains(R"("service":"cleaner","msg":"after"})"));
    CHECK(runtime::current_trace_id().empty());
  }
  SECTION("text lines: trace=<id> at the end") {
    const auto out = captured_stderr([] {
      runtime::setup_logging("cleaner", {"info", "text"});
      const runtime::TraceScope scope("019abc0123de4f5a6b7c");
      spdlog::info("handling");
    });
    CHECK_THAT(out, Catch::Contains("cleaner: handling trace=019abc0123de4f5a6b7c\n"));
  }
  runtime::setup_logging("test", {"off", "text"});
}
