#include "app/application.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <utility>

#include "app/demo.hpp"
#include "app/secret_key.hpp"
#include "app/wiring.hpp"
#include "crypto/sodium_random.hpp"
#include "http/api.hpp"
#include "http/auth.hpp"
#include "http/server.hpp"
#include "http/static_site.hpp"
#include "jobs/builtin_jobs.hpp"
#include "jobs/scheduler.hpp"
#include "jobs/system_host_resolver.hpp"
#include "jobs/webhook_delivery_job.hpp"
#include "mail/delivery_job.hpp"
#include "service/assignments.hpp"
#include "service/audit_query.hpp"
#include "service/catalog.hpp"
#include "service/contracts.hpp"
#include "service/devices.hpp"
#include "service/downloads.hpp"
#include "service/entitlements.hpp"
#include "service/gdpr.hpp"
#include "service/idempotency.hpp"
#include "service/identity.hpp"
#include "service/leases.hpp"
#include "service/orders.hpp"
#include "service/reports.hpp"
#include "service/resellers.hpp"
#include "service/roles.hpp"
#include "service/teams.hpp"
#include "service/tokens.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"
#include "store/repositories.hpp"

namespace seatwise::app {
namespace {

// Scheduled jobs: a clock stopped at one instant, for `seatwise jobs run-once --at`.
class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(core::TimePoint at) : at_(at) {}
  core::TimePoint Now() const override { return at_; }

 private:
  core::TimePoint at_;
};

// "<host name>-<pid>" unless [jobs] node_id names the node.
std::string NodeIdFrom(const JobsConfig& jobs) {
  if (!jobs.node_id.empty()) return jobs.node_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof host, "%s", "seatwise");
  }
  return std::string(host) + "-" + std::to_string(static_cast<long long>(getpid()));
}

jobs::SchedulerOptions SchedulerOptionsFrom(const JobsConfig& config) {
  jobs::SchedulerOptions options;
  options.node_id = NodeIdFrom(config);
  return options;
}

// One JSON line per job run: job, processed, ms, outcome.
jobs::Scheduler::LogFn JobLogger(const EventLog& log) {
  return [&log](const jobs::JobRunRecord& run) {
    log.Write(
        run.ok() ? EventLevel::kInfo : EventLevel::kWarn, "job",
        {{"job", run.job}, {"processed", run.processed}, {"ms", run.ms}, {"outcome", run.outcome}});
  };
}

// Every job of a node: the built-in ones, and the outbox delivery over SMTP when enabled
// (disabled, the outbox keeps every message until it is).
void AddJobs(jobs::Scheduler& scheduler, const service::Deps& deps, service::LeaseService& leases,
             const Config& config, const EventLog& log, const SecretKey& key) {
  jobs::AddBuiltinJobs(scheduler, deps, leases, NodeIdFrom(config.jobs), config.server.public_url);
  scheduler.Add(jobs::MakeWebhookDeliveryJob(
      deps, {.sealing_key = key, .allow_loopback_http = config.webhooks.allow_loopback_http}));
  if (config.smtp.enabled) {
    mail::DeliveryOptions delivery;
    delivery.max_attempts = config.smtp.max_attempts;
    scheduler.Add(mail::MakeDeliveryJob(deps, SmtpOptionsFrom(config.smtp), delivery,
                                        [&log](const mail::DeliveryFailure& failure) {
                                          log.Write(EventLevel::kWarn, "mail_delivery_failure",
                                                    {{"detail", mail::FailureLine(failure)}});
                                        }));
  }
}

}  // namespace

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
  options.slow_pool_threads = server.slow_pool_threads;
  options.slow_pool_queue = static_cast<std::size_t>(server.slow_pool_queue);
  options.max_connections = static_cast<std::size_t>(server.max_connections);
  auto trusted = http::TrustedProxies::Parse(server.trust_proxy);
  if (trusted.ok()) options.trusted_proxies = *trusted;
  return options;
}

service::IdentityOptions IdentityOptionsFrom(const Config& config, const SecretKey& key) {
  service::IdentityOptions options;
  options.session_idle_timeout = std::chrono::minutes(config.auth.session_idle_minutes);
  options.session_absolute_lifetime = std::chrono::hours(config.auth.session_absolute_hours);
  const int sign_in = config.auth.sign_in_failures_per_minute;
  options.sign_in_failures_per_account = {sign_in, std::chrono::minutes(1)};
  options.sign_in_failures_per_ip = {config.auth.sign_in_failures_per_address_per_minute,
                                     std::chrono::minutes(1)};
  const int resets = config.auth.reset_requests_per_hour;
  options.reset_requests_per_account = {resets, std::chrono::hours(1)};
  options.reset_requests_per_ip = {resets, std::chrono::hours(1)};
  options.totp_sealing_key = key;
  options.base_url = config.server.public_url;
  return options;
}

service::EntitlementOptions EntitlementOptionsFrom(const Config& config, const SecretKey& key) {
  service::EntitlementOptions options;
  options.sealing_key = key;
  options.issuer = config.server.public_url;
  options.reauthorize_after = std::chrono::hours(config.licensing.reauthorize_hours);
  options.offline_grace = std::chrono::hours(24 * config.licensing.offline_grace_days);
  options.grace_warning = std::chrono::hours(24 * config.licensing.grace_warning_days);
  return options;
}

service::TokenOptions TokenOptionsFrom(const Config& config) {
  service::TokenOptions options;
  options.access_token_ttl = std::chrono::seconds(config.auth.access_token_ttl_seconds);
  options.refresh_token_ttl = std::chrono::hours(24 * config.auth.refresh_token_ttl_days);
  options.verification_uri = config.server.public_url + "/device";
  options.device_authorizations_per_ip = {config.auth.device_authorizations_per_minute,
                                          std::chrono::minutes(1)};
  options.token_requests_per_ip = {config.auth.token_requests_per_minute, std::chrono::minutes(1)};
  const int wrong_codes = config.auth.device_code_failures_per_minute;
  options.wrong_user_codes_per_ip = {wrong_codes, std::chrono::minutes(1)};
  options.wrong_user_codes_per_user = {wrong_codes, std::chrono::minutes(1)};
  options.wrong_user_codes_per_instance = {100 * wrong_codes, options.device_code_ttl};
  return options;
}

http::AuthOptions AuthOptionsFrom(const Config& config) {
  // LoadConfig validated every entry; a failure here would be a defect.
  auto trusted = http::TrustedProxies::Parse(config.server.trust_proxy);
  return http::AuthOptions{.trusted_proxies = trusted.ok() ? *trusted : http::TrustedProxies(),
                           .secure_cookies = config.server.public_url.starts_with("https://")};
}

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

core::Result<service::ImportReport> Application::ImportCatalog(const service::CatalogFile& file) {
  store::Repositories repos = store::MakeRepositories(*random_);
  service::Deps deps{*database_, repos, clock_, *random_};
  service::CatalogService catalog(deps);
  service::Caller caller;
  caller.principal.method = service::AuthMethod::kSystem;
  caller.meta.request_id = "cli-catalog-import";
  return catalog.ImportCatalog(caller, file);
}

core::Result<store::SchemaStatus> Application::SchemaStatus() {
  return store::GetSchemaStatus(*database_);
}

core::Result<void> Application::PrepareDemo(std::ostream& out, bool activity) {
  service::DemoOptions options;
  options.activity = activity;
  if (activity) {
    // The demo webhook's signing secret is sealed with the instance key, as the service does.
    SW_ASSIGN_OR_RETURN(
        options.sealing_key,
        LoadOrCreateSecretKey(config_.auth.secret_key, config_.auth.secret_key_file, *random_));
  }
  return app::PrepareDemo(*database_, clock_, *random_, log_, out, options);
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
  SW_ASSIGN_OR_RETURN(SecretKey key, LoadOrCreateSecretKey(config_.auth.secret_key,
                                                           config_.auth.secret_key_file, *random_));
  // The object graph of the API; everything below outlives the server that uses it.
  store::Repositories repos = store::MakeRepositories(*random_);
  service::Deps deps{*database_, repos, clock_, *random_};
  service::IdentityService identity(deps, IdentityOptionsFrom(config_, key));
  service::TokenService tokens(deps, TokenOptionsFrom(config_));
  service::GdprService gdpr(deps);
  service::RoleService roles(deps);
  service::AuditQueryService audit(deps);
  service::CatalogService catalog(deps);
  service::UserService users(deps, identity);
  service::OrderService orders(deps, identity, config_.server.public_url);
  service::TeamService teams(deps, config_.server.public_url);
  service::ResellerService resellers(deps, config_.server.public_url);
  service::ContractService contracts(deps, identity, config_.server.public_url,
                                     {config_.credits.allow_negative});
  service::AssignmentService assignments(deps, identity, config_.server.public_url);
  service::EntitlementService entitlements(deps, EntitlementOptionsFrom(config_, key));
  // The JWKS has a key from the start; if the schema is not ready yet, the first activation
  // creates it instead.
  if (auto signing_key = entitlements.EnsureActiveKey(); !signing_key.ok()) {
    log_.Write(EventLevel::kWarn, "signing_key_unavailable",
               {{"error", signing_key.error().message}});
  }
  service::LeaseService leases(deps, entitlements,
                               {.allow_negative_credits = config_.credits.allow_negative});
  service::DeviceService devices(deps);
  service::ReportService reports(deps);
  jobs::SystemHostResolver host_resolver;
  service::WebhookService webhooks(deps,
                                   {.sealing_key = key,
                                    .allow_loopback_http = config_.webhooks.allow_loopback_http,
                                    .resolver = &host_resolver});
  service::DownloadService downloads(deps);
  service::IdempotencyService idempotency(deps);
  http::Authenticator authenticator(http::CredentialCheckFor(identity, tokens, entitlements),
                                    AuthOptionsFrom(config_), &idempotency);
  http::ApiServices api{.identity = identity,
                        .tokens = tokens,
                        .gdpr = gdpr,
                        .roles = roles,
                        .audit = audit,
                        .users = users,
                        .catalog = catalog,
                        .orders = orders,
                        .teams = teams,
                        .resellers = resellers,
                        .contracts = contracts,
                        .assignments = assignments,
                        .entitlements = entitlements,
                        .leases = leases,
                        .devices = devices,
                        .reports = reports,
                        .webhooks = webhooks,
                        .downloads = downloads,
                        .auth = authenticator,
                        .public_url = config_.server.public_url};

  // The scheduled jobs; their counters are rendered by /metrics even when they are disabled.
  jobs::Scheduler scheduler(deps, JobLogger(log_), SchedulerOptionsFrom(config_.jobs));
  AddJobs(scheduler, deps, leases, config_, log_, key);

  SW_ASSIGN_OR_RETURN(std::shared_ptr<const http::StaticSite> portal, LoadPortal());
  http::ServerDeps server_deps{*database_, clock_, [this] { return Readiness(); },
                               [&scheduler] { return scheduler.metrics().Render(); }};
  if (portal) {
    server_deps.fallback = [portal](const http::Request& request) {
      return portal->Serve(request);
    };
  }
  http::Server server(ServerOptionsFrom(config_.server), std::move(server_deps));
  http::RegisterApiRoutes(server.router(), api);
  SW_ASSIGN_OR_RETURN(std::uint16_t port, server.Listen());
  log_.Write(EventLevel::kInfo, "listening",
             {{"address", config_.server.host}, {"port", std::int64_t{port}}});
  on_listening(config_.server.host, port);
  if (config_.jobs.enabled) scheduler.Start();
  server.Run();
  scheduler.Stop();
  log_.Write(EventLevel::kInfo, "stopped");
  return core::Ok();
}

core::Result<std::shared_ptr<const http::StaticSite>> Application::LoadPortal() {
  namespace fs = std::filesystem;
  fs::path root = config_.web.root;
  if (root.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::path("web/dist/index.html"), ec)) {
      log_.Write(EventLevel::kInfo, "portal_not_served",
                 {{"reason",
                   "no web/dist/index.html under the working directory and no [web] "
                   "root set; run `make web` to build the portal"}});
      return std::shared_ptr<const http::StaticSite>();
    }
    root = "web/dist";
  }
  // Each index.html answer gets its own nonce for the style elements the portal adds.
  auto nonce = [random = random_.get()] { return core::RandomBase32(*random, 26); };
  SW_ASSIGN_OR_RETURN(std::unique_ptr<http::StaticSite> site, http::StaticSite::Load(root, nonce));
  log_.Write(EventLevel::kInfo, "portal_loaded",
             {{"root", root.string()},
              {"files", static_cast<std::int64_t>(site->file_count())},
              {"bytes", static_cast<std::int64_t>(site->total_bytes())}});
  return std::shared_ptr<const http::StaticSite>(std::move(site));
}

core::Result<std::vector<jobs::JobRunRecord>> Application::RunJobsOnce(core::TimePoint at,
                                                                       bool chosen_instant) {
  SW_ASSIGN_OR_RETURN(SecretKey key, LoadOrCreateSecretKey(config_.auth.secret_key,
                                                           config_.auth.secret_key_file, *random_));
  // Every use case reads the chosen instant, so a moved clock behaves like the real one then.
  const FixedClock clock(at);
  store::Repositories repos = store::MakeRepositories(*random_);
  service::Deps deps{*database_, repos, clock, *random_};
  service::EntitlementService entitlements(deps, EntitlementOptionsFrom(config_, key));
  service::LeaseService leases(deps, entitlements,
                               {.allow_negative_credits = config_.credits.allow_negative});
  jobs::Scheduler scheduler(deps, JobLogger(log_), SchedulerOptionsFrom(config_.jobs));
  AddJobs(scheduler, deps, leases, config_, log_, key);
  if (chosen_instant) return scheduler.RunAllOffSchedule(at, clock_.Now());
  return scheduler.RunDue(at);
}

}  // namespace seatwise::app
