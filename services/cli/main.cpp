// occupancy: the command-line tool for jobs (database, config checks; later import, train,
// backtest, sim, replay). Exit codes: see occupancy/runtime/exit_codes.hpp.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "occupancy/runtime/exit_codes.hpp"

int main(int argc, char** argv) {
  CLI::App app{"occupancy-predictor: room occupancy forecasts for Home Assistant", "occupancy"};
  app.set_version_flag("--version", std::string(OCCUPANCY_VERSION));
  app.require_subcommand(1);
  occupancy::cli::GlobalOptions global;
  app.add_option("-c,--config", global.config_path,
                 "home config (YAML); default $OCCUPANCY_CONFIG or config/home.yaml");
  app.footer("Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid config, 4 broker/database unavailable, 5 bad data.");

  int result = occupancy::kExitOk;
  occupancy::cli::add_config_command(app, global, result);
  occupancy::cli::add_db_command(app, global, result);
  occupancy::cli::add_sim_command(app, global, result);
  occupancy::cli::add_ha_command(app, global, result);
  occupancy::cli::add_import_command(app, global, result);
  occupancy::cli::add_replay_command(app, global, result);
  occupancy::cli::add_ingest_history_command(app, global, result);
  occupancy::cli::add_clean_command(app, global, result);
  occupancy::cli::add_backtest_command(app, global, result);
  occupancy::cli::add_train_command(app, global, result);
  occupancy::cli::add_models_command(app, global, result);
  occupancy::cli::add_evaluate_command(app, global, result);
  occupancy::cli::add_backup_command(app, global, result);
  occupancy::cli::add_trace_command(app, global, result);
  occupancy::cli::add_grafana_command(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return occupancy::kExitUsage;
  }
  return result;
}
