#pragma once
// Each subcommand registers itself on the app and writes its exit code into `result`.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

namespace occupancy::cli {

struct GlobalOptions {
  std::string config_path;
  /// --config if given, else nullopt (then OCCUPANCY_CONFIG or the default, as load_config decides).
  std::optional<std::filesystem::path> config() const {
    return config_path.empty() ? std::nullopt : std::optional<std::filesystem::path>(config_path);
  }
};

void add_config_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_db_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_sim_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_import_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_replay_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_ingest_history_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_ha_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_clean_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_backtest_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_train_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_models_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_grafana_command(CLI::App& app, int& result);
void add_trace_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_backup_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global, int& result);
void add_sim_serve_command(CLI::App& sim, const GlobalOptions& global, int& result);

}  // namespace occupancy::cli
