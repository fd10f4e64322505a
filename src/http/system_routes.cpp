#include "http/system_routes.hpp"

#include <boost/json/object.hpp>

#include "http/openapi.hpp"
#include "http/problem.hpp"

namespace seatwise::http {

void RegisterSystemRoutes(Router& router, const SystemRouteDeps& deps) {
  router.Add(Method::kGet, "/healthz", "healthz", [](const Request&) {
    return JsonResponse(boost::json::object{{"status", "ok"}});
  });

  store::Database* database = &deps.database;
  auto readiness = deps.readiness;
  if (!readiness) readiness = [database] { return database->Ping(); };
  router.Add(Method::kGet, "/readyz", "readyz", [readiness](const Request& request) {
    core::Result<void> ready = readiness();
    if (!ready.ok()) {
      core::Error error = ready.error();
      // Whatever failed, the instance is not ready: always 503 so balancers route away.
      error.code = core::ErrorCode::kUnavailable;
      return Problem(request, error);
    }
    return JsonResponse(boost::json::object{{"status", "ready"}});
  });

  const Metrics* metrics = &deps.metrics;
  auto extra = deps.extra_metrics;
  router.Add(Method::kGet, "/metrics", "metrics", [metrics, database, extra](const Request&) {
    std::string text = metrics->Render(database->Stats());
    if (extra) text += extra();
    return TextResponse(std::move(text), "text/plain; version=0.0.4; charset=utf-8");
  });

  router.Add(Method::kGet, "/api/v1/openapi.yaml", "openapi", [](const Request&) {
    return TextResponse(std::string(EmbeddedOpenApiSpec()), "application/yaml");
  });
}

}  // namespace seatwise::http
