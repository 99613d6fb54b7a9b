#pragma once
// The backtest's outputs: text tables (what `occupancy backtest` prints), predictions.csv and a
// self-contained report.html (inline SVG plots, no scripts or network: it opens offline).
#include <iosfwd>
#include <string>

#include "occupancy/evaluation/backtest.hpp"

namespace occupancy::evaluation {

/// P(vacant within k) of the served model: Brier per log-normal spread tried, beside the base
/// rate's (a constant at the labels' share); the shipped spread marked.
std::string format_vacant_within(const BacktestResult& r);

/// Per room and horizon, every forecaster: accuracy, precision, recall, F1, ROC AUC, Brier,
/// log-loss, Brier skill vs persistence and vs time of week; then durations and HVAC.
std::string format_tables(const BacktestResult& r, const std::vector<int>& horizons);

/// The quality bars of the models issue, each with met / not met and the numbers.
std::string format_bars(const BacktestResult& r, const std::vector<int>& horizons, bool& all_met);

/// ts,room,horizon_min,probability (ts: UTC, when the prediction was made).
void write_predictions_csv(std::ostream& out, const BacktestResult& r);

void write_report_html(std::ostream& out, const BacktestResult& r, const std::vector<int>& horizons,
                       const std::string& title);

}  // namespace occupancy::evaluation
