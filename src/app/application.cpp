#include "app/application.hpp"

#include <fmt/format.h>

#include <utility>

#include "app/demo.hpp"
#include "crypto/sodium_random.hpp"
#include "http/server.hpp"

namespace seatwise::app {
namespace {

http::ServerOptions ServerOptionsFrom(const ServerConfig& server) {
  http::ServerOptions options;
  options.address = server.host;
  options.port = server.port;
  options.threads = server.threads;
  options.body_limit = static_cast<std::size_t>(server.body_limit_bytes);
  options.header_timeout = std::chrono::milliseconds(server.header_timeout_ms);
  options.request_timeout = std::chrono::milliseconds(server.request_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(server.idle_timeout_ms);
  options.drain_timeout = std::chrono::milliseconds(server.drain_timeout_ms);
  options.max_pipelined = static_cast<std::size_t>(server.max_pipelined);
  options.handle_signals = true;
  return options;
}

}  // namespace

store::DatabaseOptions DatabaseOptionsFrom(const Config& config) {
  store::DatabaseOptions options;
  options.url = config.database.url;
  options.pool_size = config.database.pool_size;
  options.sqlite_synchronous = config.database.sqlite_synchronous;
  options.busy_timeout = std::chrono::milliseconds(config.database.busy_timeout_ms);
  return options;
}

core::Result<std::unique_ptr<Application>> Application::Open(Config config) {
  SW_ASSIGN_OR_RETURN(auto database, store::OpenDatabase(DatabaseOptionsFrom(config)));
  return std::unique_ptr<Application>(new Application(std::move(config), std::move(database)));
}

Application::Application(Config config, std::unique_ptr<store::Database> database)
    : config_(std::move(config)),
      random_(std::make_unique<crypto::SodiumRandom>()),
      log_(config_.log.format, clock_),
      database_(std::move(database)) {}

Application::~Application() = default;

core::Result<store::MigrationReport> Application::Migrate() {
  return store::Migrate(*database_, clock_);
}

core::Result<store::SchemaStatus> Application::SchemaStatus() {
  return store::GetSchemaStatus(*database_);
}

core::Result<void> Application::PrepareDemo(std::ostream& out) {
  return app::PrepareDemo(*database_, clock_, *random_, log_, out);
}

core::Result<void> Application::Readiness() {
  SW_RETURN_IF_ERROR(database_->Ping());
  SW_ASSIGN_OR_RETURN(auto status, store::GetSchemaStatus(*database_));
  if (status.pending > 0) {
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        fmt::format("{} schema migration(s) pending; run `seatwise migrate`", status.pending));
  }
  return core::Ok();
}

core::Result<void> Application::Serve(const ListeningCallback& on_listening) {
  http::Server server(ServerOptionsFrom(config_.server),
                      http::ServerDeps{*database_, clock_, [this] { return Readiness(); }});
  SW_ASSIGN_OR_RETURN(std::uint16_t port, server.Listen());
  log_.Write(EventLevel::kInfo, "listening",
             {{"address", config_.server.host}, {"port", std::int64_t{port}}});
  on_listening(config_.server.host, port);
  server.Run();
  log_.Write(EventLevel::kInfo, "stopped");
  return core::Ok();
}

}  // namespace seatwise::app
