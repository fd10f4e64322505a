#pragma once
// The composition root: builds the object graph of one `seatwise` process from a Config.
// Only this file knows how the layers are wired; nothing below app/ reads globals.

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "app/config.hpp"
#include "app/logging.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "jobs/scheduler.hpp"
#include "service/catalog.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"

namespace seatwise::http {
class StaticSite;
}

namespace seatwise::app {

class Application {
 public:
  // Opens what every command needs: the wall clock, OS randomness and the database pool.
  // kInvalidArgument when the database URL is unusable; kUnavailable when the database
  // cannot be reached.
  static core::Result<std::unique_ptr<Application>> Open(Config config);

  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Applies pending migrations; refuses a database newer than this binary.
  core::Result<store::MigrationReport> Migrate();
  core::Result<store::SchemaStatus> SchemaStatus();
  // Upserts a catalog file into the database as the system (audited as "system").
  core::Result<service::ImportReport> ImportCatalog(const service::CatalogFile& file);
  // Seeds the demo data if the database is empty; sign-in details go to `out`. Without
  // `activity`, only the organisation, contracts, people and seats (service/demo_seed.hpp).
  core::Result<void> PrepareDemo(std::ostream& out, bool activity = true);

  // Called once the server is bound, with the address it listens on.
  using ListeningCallback = std::function<void(const std::string& host, std::uint16_t port)>;
  // Serves HTTP until SIGTERM or SIGINT, then drains and returns ok. Fails when the
  // address cannot be bound.
  core::Result<void> Serve(const ListeningCallback& on_listening);

  // Runs the scheduled jobs once, as if the clock read `at`, and returns what each did
  // (`seatwise jobs run-once`). Without `chosen_instant` (`at` is now): the jobs due now, on
  // the shared schedule like a serving node. With it (`--at`): every job, outside the
  // schedule, so an instant in the future never delays the serving nodes' runs.
  core::Result<std::vector<jobs::JobRunRecord>> RunJobsOnce(core::TimePoint at,
                                                            bool chosen_instant = false);

  // Whether the instance can take traffic: database reachable, no migration pending.
  core::Result<void> Readiness();

  const Config& config() const { return config_; }
  const EventLog& log() const { return log_; }

 private:
  Application(Config config, std::unique_ptr<store::Database> database);
  // The built portal from [web] root (or web/dist when present); null when there is none
  // to serve. An explicit root that cannot be loaded is an error.
  core::Result<std::shared_ptr<const http::StaticSite>> LoadPortal();

  Config config_;
  core::SystemClock clock_;
  std::unique_ptr<core::Random> random_;
  EventLog log_;
  std::unique_ptr<store::Database> database_;
};

// The options the database pool is opened with.
store::DatabaseOptions DatabaseOptionsFrom(const Config& config);

}  // namespace seatwise::app
