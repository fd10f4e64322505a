#pragma once
// Operational endpoints: liveness, readiness, metrics and the API description.

#include <functional>
#include <string>

#include "core/result.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace seatwise::http {

struct SystemRouteDeps {
  store::Database& database;
  // Whether the instance can serve; empty: a database Ping().
  std::function<core::Result<void>()> readiness;
  const Metrics& metrics;
  // Appended to the /metrics text when set.
  std::function<std::string()> extra_metrics = {};
};

// GET /healthz, /readyz, /metrics and /api/v1/openapi.yaml. The server calls this
// itself; tests call it to see the same route table.
void RegisterSystemRoutes(Router& router, const SystemRouteDeps& deps);

}  // namespace seatwise::http
