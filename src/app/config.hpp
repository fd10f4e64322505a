#pragma once
// Typed start-up configuration. Layers, each overriding the one before: built-in defaults,
// a TOML file, SEATWISE_<SECTION>_<KEY> environment variables, command-line flags.
// Loading is a pure function of its sources so every rule is testable without a process.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "mail/smtp_sender.hpp"

namespace seatwise::app {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };
enum class LogFormat { kJson, kText };

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // as written; host and port below are parsed from it
  std::string host = "127.0.0.1";         // an IP literal, IPv6 without brackets
  std::uint16_t port = 8080;              // 0 picks a free port
  int threads = 0;                        // 0: one per core
  std::int64_t body_limit_bytes = 1 << 20;
  std::int64_t header_timeout_ms = 10'000;
  std::int64_t request_timeout_ms = 30'000;
  std::int64_t idle_timeout_ms = 60'000;
  std::int64_t drain_timeout_ms = 10'000;
  int max_pipelined = 16;
  int slow_pool_threads = 2;  // password hashing and token minting run here
  int slow_pool_queue = 64;   // jobs that may wait for the slow pool; more answer 503
  // Open connections of this node; past it the longest-waiting idle connection makes room,
  // or the new one is closed at once. Never more than 3/4 of the open-file limit.
  std::int64_t max_connections = 10'000;
  // Reverse proxies whose X-Forwarded-For entries are believed: addresses or CIDR networks,
  // canonical. Empty: the peer is the client.
  std::vector<std::string> trust_proxy;
  std::string public_url = "http://127.0.0.1:8080";  // origin users reach; https → Secure cookies
};

struct AuthConfig {
  std::int64_t session_idle_minutes = 30;
  std::int64_t session_absolute_hours = 12;
  int sign_in_failures_per_minute = 5;  // per account (e-mail address)
  // Per client address, across accounts: higher, so one person cannot lock out everyone
  // behind a shared address.
  int sign_in_failures_per_address_per_minute = 50;
  int reset_requests_per_hour = 5;            // per account and per IP
  int device_authorizations_per_minute = 30;  // device sign-ins started, per IP
  int token_requests_per_minute = 600;        // OAuth token endpoint calls, per IP
  // Wrong device-approval codes, per client address and per signed-in person.
  int device_code_failures_per_minute = 10;
  std::int64_t access_token_ttl_seconds = 3600;
  std::int64_t refresh_token_ttl_days = 30;
  // 32 random bytes sealing TOTP secrets; created (mode 0600) when missing.
  std::string secret_key_file = "data/secret.key";
  std::string secret_key;  // 64 hex digits instead of the file; never printed
};

struct DatabaseConfig {
  std::string url = "sqlite://data/seatwise.db";
  int pool_size = 8;
  std::string sqlite_synchronous = "NORMAL";  // OFF, NORMAL, FULL or EXTRA
  std::int64_t busy_timeout_ms = 5'000;
};

struct LogConfig {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kJson;
};

struct CreditsConfig {
  bool allow_negative = false;  // a consumption may take a contract's cloud credits below zero
};

// The scheduled jobs `seatwise serve` runs (renewal notices, contract lifecycle, ...).
struct JobsConfig {
  bool enabled = true;
  std::string node_id;  // owner of a job's lock among the nodes; empty: "<host name>-<pid>"
};

// Entitlement tokens of desktop clients.
struct LicensingConfig {
  std::int64_t reauthorize_hours = 24;   // online re-authorisation due after this long
  std::int64_t offline_grace_days = 30;  // a token works offline until this long after issue
  std::int64_t grace_warning_days = 3;   // the client warns in the last days of the grace
};

// Outgoing e-mail. Disabled, the outbox keeps every message until delivery is enabled.
struct SmtpConfig {
  bool enabled = false;
  std::string host = "localhost";
  std::uint16_t port = 0;  // 0: 25, 587 or 465 by security
  mail::SmtpSecurity security = mail::SmtpSecurity::kStartTls;
  std::string username;  // empty: no authentication
  std::string password;  // never printed
  std::string from;      // sender address; required when enabled
  std::string from_name = "Seatwise";
  int max_attempts = 12;  // then a message is marked failed
  std::int64_t timeout_seconds = 30;
};

// Outgoing webhooks.
struct WebhooksConfig {
  bool allow_loopback_http = false;  // accept http://127.0.0.1 and http://[::1] endpoints
};

// The web portal's built files.
struct WebConfig {
  // The directory holding index.html and assets/. Empty: web/dist under the working
  // directory when it exists, otherwise the API is served without the portal.
  std::string root;
};

struct Config {
  ServerConfig server;
  DatabaseConfig database;
  AuthConfig auth;
  LogConfig log;
  CreditsConfig credits;
  JobsConfig jobs;
  LicensingConfig licensing;
  SmtpConfig smtp;
  WebhooksConfig webhooks;
  WebConfig web;
  // "section.key" -> where its effective value came from, for keys not left at the
  // default: "seatwise.toml:3", "environment SEATWISE_SERVER_LISTEN", "flag --listen".
  std::map<std::string, std::string> origins;
};

// One command-line override of a config key.
struct FlagOverride {
  std::string key;    // "server.listen"
  std::string flag;   // "--listen", as shown in messages
  std::string value;  // as typed; validated like an environment value
};

struct ConfigSources {
  std::optional<std::string> file_path;  // shown in messages; file_text is what is parsed
  std::optional<std::string> file_text;
  std::map<std::string, std::string> environment;  // every variable; only SEATWISE_* are read
  std::vector<FlagOverride> flags;                 // applied in order
};

// Environment variables with the SEATWISE_ prefix that are not config keys.
inline constexpr const char* kConfigFileVariable = "SEATWISE_CONFIG";

// Builds the effective config. On failure the error is kInvalidArgument; its message has
// one "config error: ..." line per problem, and `fields` one entry per problem with the
// key (or variable) and that line.
core::Result<Config> LoadConfig(const ConfigSources& sources);

// The config as TOML, one key per line with where its value came from; secrets
// (the database password) are replaced by "***".
std::string FormatConfig(const Config& config);

// What the SMTP sender needs from [smtp].
mail::SmtpOptions SmtpOptionsFrom(const SmtpConfig& smtp);

// The database URL with any password replaced by "***", safe for logs.
std::string RedactUrl(const std::string& url);

// Every key as "section.key", in documentation order.
std::vector<std::string> ConfigKeys();

// "info", "json": the names used in files and flags.
std::string_view LogLevelName(LogLevel level);
std::string_view LogFormatName(LogFormat format);

}  // namespace seatwise::app
