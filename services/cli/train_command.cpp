// `occupancy train (--from-db | --history FILE.csv (--config | --entities --tz)) [--force]`:
// trains every room, backtests on rolling-origin folds (a gap before each test window, never
// shuffled) and registers the version in PostgreSQL. Past the offline gate (offline_gate.hpp) it
// goes into shadow beside the active version, or becomes active at once where there is no
// shadow (the first version, --force, predictor.shadow_hours 0); then it is announced on
// occupancy/<home>/model.
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cmath>

#include "history_input.hpp"
#include "job.hpp"
#include "model_topic.hpp"
#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/evaluation/backtest.hpp"
#include "occupancy/evaluation/offline_gate.hpp"
#include "occupancy/models/shadow_evaluation.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/migrations.hpp"
#include "occupancy/store/prediction_archive.hpp"
#include "occupancy/store/raw_archive.hpp"

namespace occupancy::cli {
namespace {

std::string metrics_json(const std::vector<evaluation::GateFold>& folds, double train_seconds, std::size_t readings) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("train_seconds");
  w.Double(train_seconds);
  w.Key("readings");
  w.Uint64(readings);
  w.Key("folds");
  w.StartArray();
  for (const auto& f : folds) {
    w.StartObject();
    w.Key("test_start");
    w.String(format_iso8601(f.test_start).c_str());
    w.Key("test_end");
    w.String(format_iso8601(f.test_end).c_str());
    w.Key("brier");
    w.StartObject();
    for (const auto& [name, by_h] : f.brier) {
      w.Key(name.c_str());
      w.StartObject();
      for (const auto& [h, b] : by_h) {
        w.Key(std::to_string(h).c_str());
        w.Double(b);
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace

void add_train_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    HistoryOptions in;
    bool from_db = false, force = false, publish = true;
    int folds = 3, fold_days = 7;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("train", "Train all rooms, backtest on rolling folds, register and maybe activate");
  auto* db = cmd->add_flag("--from-db", o->from_db, "learn from the raw readings archived in PostgreSQL");
  o->in.add_to(*cmd, false);
  cmd->get_option("--history")->excludes(db);
  cmd->add_option("--folds", o->folds, "rolling-origin folds")->check(CLI::Range(1, 12))->capture_default_str();
  cmd->add_option("--fold-days", o->fold_days, "test days per fold")->check(CLI::Range(1, 60))->capture_default_str();
  cmd->add_flag("--force", o->force, "activate even if it does not beat the active version");
  cmd->add_flag("!--no-publish", o->publish, "do not announce the active version on MQTT");
  cmd->footer("Exit codes: 0 trained and registered, 4 PostgreSQL unreachable, 5 bad rows, 2/3 as usual.");
  cmd->callback([&global, &result, o] {
    result = run_job("train", [&] {
      if (!o->from_db && o->in.history.empty())
        throw CLI::ValidationError("train", "give --from-db or --history FILE.csv");
      const auto t0 = std::chrono::steady_clock::now();
      HistoryInput in;
      if (o->from_db) {
        in.home = config::load_config(global.config());
        store::Database source(in.home.database_url);
        in.input.readings = store::load_raw_readings(source, in.home.home, in.home.archive.history_days);
        fmt::print("{} raw readings of home '{}' from the archive (the last {} days)\n", in.input.readings.size(),
                   in.home.home, in.home.archive.history_days);
      } else {
        in = load_history_input(global, o->in);
      }
      const auto& home = in.home;
      runtime::setup_logging("train", home.logging);
      store::Database registry(home.database_url);
      store::migrate(registry, store::builtin_migrations());
      // One training per home at a time (the daily timer, HA's Retrain now, a person): held by
      // this session until it ends, so a crash cannot leave it taken.
      if (registry.exec("SELECT pg_try_advisory_lock(hashtext('occupancy train ' || $1))", {home.home}).text(0, 0) !=
          "t")
        throw std::runtime_error("another training of home '" + home.home + "' is running; try again when it ends");

      const auto run = cleaning::clean_history(home, in.input.readings);
      if (run.clean.empty()) throw std::runtime_error("no clean readings to learn from");
      const features::FeatureSet set(home.horizons_min);
      std::optional<models::TrainedModel> incumbent;
      const auto active = store::active_model(registry, home.home);
      if (active) {
        try {
          incumbent = models::TrainedModel::from_files(store::load_model_files(registry, active->version), set.names());
        } catch (const std::exception& e) {
          fmt::print("the active version {} cannot be compared: {}\n", active->version, e.what());
        }
      }

      std::vector<std::string> skipped;
      const auto folds = evaluation::rolling_folds(home, run, incumbent ? &*incumbent : nullptr,
                                                   {o->folds, o->fold_days, 0, 0, {}}, &skipped);
      for (std::size_t k = 0; k < folds.size(); ++k) {
        const auto& f = folds[k];
        std::string line =
            fmt::format("fold {} (test {} .. {}): mean Brier", k + 1, format_iso8601(f.test_start).substr(0, 10),
                        format_iso8601(f.test_end).substr(0, 10));
        for (const auto& [name, by_h] : f.brier)
          line += fmt::format("  {} {:.4f}", name, evaluation::mean_over_horizons(by_h));
        fmt::print("{}\n", line);
      }
      for (const auto& line : skipped) fmt::print("{}\n", line);

      const auto t_train = std::chrono::steady_clock::now();
      const auto now = wall_clock_now();
      std::string version = "m" + format_iso8601(now).substr(0, 19);
      std::erase_if(version, [](char c) { return c == '-' || c == ':'; });
      auto model = evaluation::train_on_history(home, run, {}, version);
      const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_train).count();
      const auto files = model.files();
      store::register_model(registry,
                            {version, home.home, model.feature_set, "candidate", "", "",
                             metrics_json(folds, train_s, in.input.readings.size()), "", ""},
                            files);
      fmt::print("registered {}: {} rooms, {} files, trained in {:.1f} s\n", version, model.rooms.size(), files.size(),
                 train_s);
      if (!model.serving.rooms.empty())
        fmt::print("serves (decided on the last {} days held out; training half-life {}):\n{}",
                   model.serving.valid_days,
                   model.serving.half_life_days > 0 ? fmt::format("{} days", model.serving.half_life_days)
                                                    : std::string("none, every day alike"),
                   model.serving.summary());

      // Past the offline gate, a version replacing an active one first predicts in shadow beside
      // it on live data (predictor.shadow_hours); the predictor promotes or retires it.
      const auto running = store::shadow_model(registry, home.home);
      const auto decision =
          evaluation::decide_promotion(folds,
                                       {active ? std::optional(active->version) : std::nullopt, incumbent.has_value(),
                                        running ? std::optional(running->version) : std::nullopt,
                                        running ? parse_iso8601(running->shadow_since) : std::nullopt},
                                       o->force, home.predictor.shadow_hours, now);
      const auto announced = [&](const store::ModelRecord& record, std::optional<std::string> candidate,
                                 const std::string& reason) {
        if (o->publish)
          fmt::print("{}\n", announce_model(home, record, std::move(candidate), reason)
                                 ? "announced on occupancy/" + home.home + "/model"
                                 : std::string("broker unreachable: not announced"));
      };
      switch (decision.action) {
        case evaluation::Promotion::Action::stay_candidate:
          fmt::print("{} stays a candidate ({}); `occupancy models promote {}` activates it anyway\n", version,
                     decision.why, version);
          break;
        case evaluation::Promotion::Action::shadow_busy:
          fmt::print("{} passed the gate ({}) but stays a candidate: {} is in shadow since {}\n", version, decision.why,
                     running->version, running->shadow_since);
          break;
        case evaluation::Promotion::Action::start_shadow: {
          store::start_shadow(registry, home.home, version);
          const auto reason = fmt::format("{} in shadow beside {} for {} h of live minutes ({})", version,
                                          active->version, home.predictor.shadow_hours, decision.why);
          fmt::print("{}\n", reason);
          announced(*active, version, reason);
          break;
        }
        case evaluation::Promotion::Action::activate: {
          const auto record = store::activate_model(registry, home.home, version);
          fmt::print("{} is now active ({})\n", version, decision.why);
          announced(record, std::nullopt, version + " activated: " + decision.why);
          break;
        }
      }
      fmt::print("done in {:.1f} s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      return in.input.errors.empty() ? kExitOk : kExitData;
    });
  });
}

void add_models_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* cmd = app.add_subcommand("models", "The model registry: list, compare, promote, rollback");
  cmd->require_subcommand(1);
  auto load = [&global] {
    auto home = config::load_config(global.config());
    runtime::setup_logging("models", home.logging);
    return home;
  };
  cmd->add_subcommand("list", "Versions, newest first")->callback([&result, load] {
    result = run_job("models list", [&] {
      const auto home = load();
      store::Database db(home.database_url);
      const auto all = store::list_models(db, home.home);
      fmt::print("{:<20} {:<9} {:<8} {:<21} {:<21} {}\n", "version", "status", "features", "created", "activated",
                 "shadow / decision");
      for (const auto& m : all)
        fmt::print(
            "{:<20} {:<9} {:<8} {:<21} {:<21} {}\n", m.version, m.status, m.feature_set, m.created_at, m.activated_at,
            m.shadow_since.empty() ? "" : "since " + m.shadow_since + (m.decision.empty() ? "" : ": " + m.decision));
      if (all.empty()) fmt::print("(no versions for home '{}': run occupancy train)\n", home.home);
      return kExitOk;
    });
  });
  auto compared = std::make_shared<std::string>();
  auto* compare = cmd->add_subcommand(
      "compare", "Live scores of a candidate's shadow beside the active version, per room and horizon");
  compare->add_option("version", *compared, "the candidate (default: the one in shadow now)");
  compare->callback([&result, load, compared] {
    result = run_job("models compare", [&] {
      const auto home = load();
      store::Database db(home.database_url);
      auto record = compared->empty() ? store::shadow_model(db, home.home) : store::find_model(db, *compared);
      if (!record || record->shadow_since.empty()) {
        fmt::print(stderr, "occupancy: {}\n",
                   compared->empty() ? "no candidate in shadow (occupancy train puts one there)"
                                     : *compared + " has never been in shadow");
        return kExitFailure;
      }
      auto pairs = store::load_shadow_pairs(db, home.home, record->version);
      models::ShadowEvaluation shadow(record->version,
                                      static_cast<std::size_t>(std::llround(home.predictor.shadow_hours * 60)));
      shadow.restore(std::move(pairs));
      fmt::print("{} in shadow since {}{}\n", record->version, record->shadow_since,
                 record->decision.empty() ? "" : " (" + record->decision + ")");
      fmt::print("{:<16} {:>4} {:>7} {:>9} {:>9} {:>9}  {:<21} {:>8} {:>8}\n", "room", "h", "pairs", "active",
                 "candidate", "diff", "95 % interval", "acc act", "acc cand");
      const auto row = [](const std::string& room, const std::string& h, const models::PairedBrier& b) {
        fmt::print("{:<16} {:>4} {:>7} {:>9.4f} {:>9.4f} {:>+9.4f}  [{:+.4f}, {:+.4f}]    {:>8.3f} {:>8.3f}\n", room, h,
                   b.n, b.active, b.candidate, b.diff, b.diff_low, b.diff_high, b.active_accuracy,
                   b.candidate_accuracy);
      };
      for (const auto& [key, b] : shadow.by_room()) row(key.first, std::to_string(key.second), b);
      row("all", "", shadow.overall());
      fmt::print("verdict now: {}\n", shadow.decide().reason);
      return kExitOk;
    });
  });
  auto version = std::make_shared<std::string>();
  auto* promote = cmd->add_subcommand("promote", "Make a version active (and announce it)");
  promote->add_option("version", *version, "the version to activate")->required();
  promote->callback([&result, load, version] {
    result = run_job("models promote", [&] {
      const auto home = load();
      store::Database db(home.database_url);
      const auto record = store::activate_model(db, home.home, *version);
      const auto shadow = store::shadow_model(db, home.home);
      fmt::print("{} is now active{}\n", record.version,
                 announce_model(home, record, shadow ? std::optional(shadow->version) : std::nullopt,
                                record.version + " promoted by hand")
                     ? "; announced"
                     : "; broker unreachable: not announced");
      return kExitOk;
    });
  });
  cmd->add_subcommand("rollback", "Re-activate the version that was active before the current one")
      ->callback([&result, load] {
        result = run_job("models rollback", [&] {
          const auto home = load();
          store::Database db(home.database_url);
          const auto previous = store::previous_model(db, home.home);
          if (!previous) {
            fmt::print(stderr, "occupancy: no earlier active version to roll back to\n");
            return kExitFailure;
          }
          const auto record = store::activate_model(db, home.home, previous->version);
          const auto shadow = store::shadow_model(db, home.home);
          fmt::print("rolled back to {}{}\n", record.version,
                     announce_model(home, record, shadow ? std::optional(shadow->version) : std::nullopt,
                                    "rolled back to " + record.version + " by hand")
                         ? "; announced"
                         : "; broker unreachable: not announced");
          return kExitOk;
        });
      });
}

}  // namespace occupancy::cli
