// `occupancy clean --history FILE.csv (--config HOME.yaml | --entities entities.csv --tz ZONE)
// --out DIR`: the live cleaner's decisions over an HA export, as CSV files.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>

#include "commands.hpp"
#include "history_input.hpp"
#include "job.hpp"
#include "occupancy/cleaning/clean_report.hpp"

namespace occupancy::cli {
namespace {

template <class Write, class Items>
void write_file(const std::filesystem::path& path, Write write, const Items& items) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  write(out, items);
}

}  // namespace

void add_clean_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    HistoryOptions in;
    std::string out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("clean", "Run the cleaner over an HA history export: clean, rejected, gaps, rooms");
  o->in.add_to(*cmd);
  cmd->add_option("--out", o->out, "folder for clean.csv, rejected.csv, gaps.csv, rooms.csv")->required();
  cmd->footer(
      "Without --entities the home config (--config or OCCUPANCY_CONFIG) gives rooms, entities and cat "
      "rules. Exit codes: 0 ok, 5 some rows were bad (the rest is cleaned), 2/3 as usual.");
  cmd->callback([&global, &result, o] {
    result = run_job("clean", [&] {
      const auto t0 = std::chrono::steady_clock::now();
      const auto [home, input] = load_history_input(global, o->in);
      const auto run = cleaning::clean_history(home, input.readings);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

      const std::filesystem::path dir(o->out);
      std::filesystem::create_directories(dir);
      write_file(dir / "clean.csv", cleaning::write_clean_csv, run.clean);
      write_file(dir / "rejected.csv", cleaning::write_rejected_csv, run.rejected);
      write_file(dir / "gaps.csv", cleaning::write_gaps_csv, run.gaps);
      write_file(dir / "rooms.csv", cleaning::write_rooms_csv, run.states);

      std::map<std::string, size_t> reasons;
      for (const auto& r : run.rejected) ++reasons[r.reason];
      std::string rejected;
      for (const auto& [reason, n] : reasons)
        rejected += fmt::format("{}{} {}", rejected.empty() ? "" : ", ", n, reason);
      fmt::print(
          "{}: {} readings ({} bad rows) -> {} clean, {} rejected{}, {} gaps, {} room transitions in {} ({:.2f} s)\n",
          o->in.history, input.readings.size(), input.errors.size(), run.clean.size(), run.rejected.size(),
          rejected.empty() ? "" : " (" + rejected + ")", run.gaps.size(), run.states.size(), dir.string(), secs);
      return input.errors.empty() ? kExitOk : kExitData;
    });
  });
}

}  // namespace occupancy::cli
