#pragma once
// Writes a simulation as Home Assistant's history "Download data" CSV
// (entity_id,state,last_changed; UTC; rows grouped by entity) plus its ground truth.
#include <filesystem>

#include "occupancy/config/home_config.hpp"
#include "occupancy/simulation/simulator.hpp"

namespace occupancy::simulation {

void write_history_csv(const std::filesystem::path& path, const SimResult& result);

/// DIR/occupancy.csv (room,start,end: true human occupancy), DIR/stays.csv (who was where),
/// DIR/events.csv (the history's rows in the same order, with cause and detail),
/// DIR/faults.csv (entity_id,kind,start,end), DIR/vacations.csv.
void write_truth(const std::filesystem::path& dir, const SimResult& result);

/// entities.csv: entity_id,room,zone,kind — the mapping `occupancy import` reads.
void write_entities_csv(const std::filesystem::path& path, const config::HomeConfig& home);

/// The history's rows in file order (grouped by entity, then time).
std::vector<const SimEvent*> rows_in_file_order(const SimResult& result);

}  // namespace occupancy::simulation
