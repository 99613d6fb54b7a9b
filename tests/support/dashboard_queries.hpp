#pragma once
// The queries of the shipped Grafana dashboards (deploy/grafana/*.json), for the tests that run
// them against the real servers: PromQL against the test Prometheus, SQL against PostgreSQL.
#include <string>
#include <vector>

namespace occupancy::testing {

struct DashboardQuery {
  std::string where;  // "dashboard uid / panel title" (or "… / annotation …")
  std::string text;   // the PromQL expression or the raw SQL
};

/// Every target (and annotation) of every dashboard whose data source is of `type`
/// ("prometheus" or "grafana-postgresql-datasource").
std::vector<DashboardQuery> dashboard_queries(const std::string& type);

/// A dashboard's SQL as PostgreSQL runs it: Grafana's macros and variables replaced
/// ($__timeFilter(x) keeps every row, $__timeGroupAlias(x, 1d) truncates to the day).
std::string grafana_sql(std::string sql, const std::string& home, const std::string& room);

}  // namespace occupancy::testing
