#include "app/cli.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

#include "app/admin_commands.hpp"
#include "app/application.hpp"
#include "app/catalog_toml.hpp"
#include "app/config.hpp"
#include "app/logging.hpp"
#include "app/secret_key.hpp"
#include "app/team_commands.hpp"
#include "app/version.hpp"
#include "crypto/sodium_random.hpp"
#include "http/api.hpp"
#include "service/entitlements.hpp"
#include "service/json_writer.hpp"

namespace seatwise::app {
namespace {

// The flags that override one config key each.
struct FlagSpec {
  const char* flag;
  const char* key;
  const char* help;
};

constexpr std::array<FlagSpec, 7> kConfigFlags = {{
    {"--listen", "server.listen", "address to listen on, host:port ([::1]:8080 for IPv6)"},
    {"--threads", "server.threads", "server threads; 0 = one per core"},
    {"--database", "database.url",
     "sqlite:///abs/path.db, sqlite://rel/path.db or postgresql://user@host:port/db"},
    {"--pool-size", "database.pool_size", "database connections"},
    {"--sqlite-synchronous", "database.sqlite_synchronous", "OFF, NORMAL, FULL or EXTRA"},
    {"--log-level", "log.level", "trace, debug, info, warn, error or off"},
    {"--log-format", "log.format", "json or text"},
}};

// The config options of one subcommand. Values stay strings here: LoadConfig validates
// them like every other source, so a bad flag gets the same message as a bad file entry.
class ConfigFlags {
 public:
  void AddTo(CLI::App& command) {
    command.add_option("--config", config_file_,
                       "TOML config file (default: $SEATWISE_CONFIG, else none)");
    for (std::size_t i = 0; i < kConfigFlags.size(); ++i) {
      options_[i] = command.add_option(kConfigFlags[i].flag, values_[i], kConfigFlags[i].help);
    }
    command.add_option("--set", set_, "override any key: section.key=value (repeatable)");
  }

  core::Result<Config> Load(const Environment& environment) const {
    ConfigSources sources;
    sources.environment = environment;
    std::string path = config_file_;
    if (path.empty()) {
      auto it = environment.find(kConfigFileVariable);
      if (it != environment.end()) path = it->second;
    }
    if (!path.empty()) {
      std::ifstream file(path, std::ios::binary);
      if (!file) {
        return core::MakeError(
            core::ErrorCode::kInvalidArgument,
            fmt::format("config error: cannot read config file {}: {}", path,
                        std::error_code(errno, std::generic_category()).message()));
      }
      std::ostringstream text;
      text << file.rdbuf();
      sources.file_path = path;
      sources.file_text = text.str();
    }
    for (const auto& assignment : set_) {
      auto eq = assignment.find('=');
      if (eq == std::string::npos) {
        return core::MakeError(
            core::ErrorCode::kInvalidArgument,
            fmt::format("config error: --set {}: expected section.key=value", assignment));
      }
      sources.flags.push_back({assignment.substr(0, eq), "--set", assignment.substr(eq + 1)});
    }
    for (std::size_t i = 0; i < kConfigFlags.size(); ++i) {
      if (options_[i] != nullptr && options_[i]->count() > 0) {
        sources.flags.push_back({kConfigFlags[i].key, kConfigFlags[i].flag, values_[i]});
      }
    }
    return LoadConfig(sources);
  }

 private:
  std::string config_file_;
  std::array<std::string, kConfigFlags.size()> values_;
  std::array<CLI::Option*, kConfigFlags.size()> options_{};
  std::vector<std::string> set_;
};

// Shared steps of the commands; each returns an exit code.
class Commands {
 public:
  Commands(const Environment& environment, std::ostream& out, std::ostream& err)
      : environment_(environment), out_(out), err_(err) {}

  int Serve(const ConfigFlags& flags, bool demo, bool demo_bare) {
    std::unique_ptr<Application> app;
    if (int code = Open(flags, app); code != kExitOk) return code;
    if (int code = MigrateAtStart(*app); code != kExitOk) return code;
    if (demo) {
      if (auto prepared = app->PrepareDemo(out_, !demo_bare); !prepared.ok()) {
        return Fail(prepared.error());
      }
    }
    auto served = app->Serve([this](const std::string& host, std::uint16_t port) {
      bool ipv6 = host.find(':') != std::string::npos;
      out_ << "seatwise listening on http://" << (ipv6 ? "[" + host + "]" : host) << ":" << port
           << std::endl;
    });
    if (!served.ok()) return Fail(served.error());
    return kExitOk;
  }

  int Migrate(const ConfigFlags& flags, bool status_only) {
    std::unique_ptr<Application> app;
    if (int code = Open(flags, app); code != kExitOk) return code;
    if (status_only) {
      auto status = app->SchemaStatus();
      if (!status.ok()) return Fail(status.error());
      out_ << "current version: " << status->current_version << "\n"
           << "latest version:  " << status->latest_version << "\n"
           << "pending:         " << status->pending << "\n";
      return kExitOk;
    }
    auto report = app->Migrate();
    if (!report.ok()) return Fail(report.error());
    if (report->applied.empty()) {
      out_ << "schema is current at version " << report->to_version << "\n";
    } else {
      out_ << "migrated schema from version " << report->from_version << " to "
           << report->to_version << " (applied " << JoinVersions(report->applied) << ")\n";
    }
    return kExitOk;
  }

  int Demo(const ConfigFlags& flags, bool bare) {
    std::unique_ptr<Application> app;
    if (int code = Open(flags, app); code != kExitOk) return code;
    if (int code = MigrateAtStart(*app); code != kExitOk) return code;
    if (auto prepared = app->PrepareDemo(out_, !bare); !prepared.ok()) {
      return Fail(prepared.error());
    }
    out_ << "demo database ready: " << RedactUrl(app->config().database.url) << "\n";
    return kExitOk;
  }

  int CatalogImport(const ConfigFlags& flags, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      err_ << "seatwise: cannot read " << path << "\n";
      return kExitUsage;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto file = ParseCatalogToml(text.str(), path);
    if (!file.ok()) return Invalid(file.error());
    std::unique_ptr<Application> app;
    if (int code = Open(flags, app); code != kExitOk) return code;
    auto report = app->ImportCatalog(*file);
    if (!report.ok()) {
      if (report.error().code == core::ErrorCode::kInvalidArgument) return Invalid(report.error());
      return Fail(report.error());
    }
    for (const auto& item : report->items) {
      out_ << service::ImportOutcomeName(item.outcome) << " " << item.kind << " " << item.code
           << " (" << item.id << ")\n";
    }
    out_ << path << ": " << report->created << " created, " << report->updated << " updated, "
         << report->unchanged << " unchanged\n";
    return kExitOk;
  }

  // Activates a new signing key for entitlement tokens; earlier keys stay published.
  int KeysRotate(const ConfigFlags& flags) {
    auto config = flags.Load(environment_);
    if (!config.ok()) return Usage(config.error());
    ConfigureLogging(config->log);
    auto database = store::OpenDatabase(DatabaseOptionsFrom(*config));
    if (!database.ok()) return Fail(database.error());
    crypto::SodiumRandom random;
    core::SystemClock clock;
    auto key = LoadOrCreateSecretKey(config->auth.secret_key, config->auth.secret_key_file, random);
    if (!key.ok()) return Fail(key.error());
    store::Repositories repos = store::MakeRepositories(random);
    service::EntitlementOptions options;
    options.sealing_key = *key;
    options.issuer = config->server.public_url;
    service::EntitlementService entitlements(service::Deps{**database, repos, clock, random},
                                             options);
    service::Caller caller;
    caller.principal.method = service::AuthMethod::kSystem;
    caller.meta.request_id = "cli-keys-rotate";
    auto rotated = entitlements.RotateKey(caller);
    if (!rotated.ok()) return Fail(rotated.error());
    out_ << "signing key " << rotated->kid
         << " is active; earlier keys are retired and still verify their tokens\n";
    return kExitOk;
  }

  // Runs every scheduled job due now once (or, with --at, every job once as of that instant,
  // outside the schedule) and prints what each did.
  int JobsRunOnce(const ConfigFlags& flags, const std::string& at_text) {
    core::TimePoint at = core::SystemClock().Now();
    if (!at_text.empty()) {
      auto parsed = http::ParseTime(at_text);
      if (!parsed) {
        err_ << "seatwise: --at " << at_text
             << ": expected an RFC 3339 time such as 2026-03-01T09:00:00Z\n";
        return kExitUsage;
      }
      at = *parsed;
    }
    std::unique_ptr<Application> app;
    if (int code = Open(flags, app); code != kExitOk) return code;
    auto runs = app->RunJobsOnce(at, !at_text.empty());
    if (!runs.ok()) return Fail(runs.error());
    if (runs->empty()) out_ << "no job was due at " << service::FormatTime(at) << "\n";
    bool failed = false;
    for (const auto& run : *runs) {
      out_ << run.job << ": " << run.outcome << ", " << run.processed << " processed";
      if (!run.detail.empty()) out_ << " (" << run.detail << ")";
      out_ << "\n";
      failed = failed || !run.ok();
    }
    return failed ? kExitFailure : kExitOk;
  }

  int ConfigCheck(const ConfigFlags& flags) {
    auto config = flags.Load(environment_);
    if (!config.ok()) return Usage(config.error());
    out_ << "# effective configuration; each value's source follows '#'\n" << FormatConfig(*config);
    return kExitOk;
  }

  int Version() {
    out_ << "seatwise " << kVersion << "\n";
    return kExitOk;
  }

 private:
  // Loads the config, configures logging and opens the database.
  int Open(const ConfigFlags& flags, std::unique_ptr<Application>& app) {
    auto config = flags.Load(environment_);
    if (!config.ok()) return Usage(config.error());
    ConfigureLogging(config->log);
    auto opened = Application::Open(std::move(*config));
    if (!opened.ok()) {
      // The store validates the URL in depth; an unusable URL is a config mistake.
      if (opened.error().code == core::ErrorCode::kInvalidArgument) {
        err_ << "config error: database.url: " << opened.error().message << "\n";
        return kExitUsage;
      }
      return Fail(opened.error());
    }
    app = std::move(opened).value();
    return kExitOk;
  }

  int MigrateAtStart(Application& app) {
    auto report = app.Migrate();
    if (!report.ok()) return Fail(report.error());
    app.log().Write(EventLevel::kInfo, "schema",
                    {{"from_version", std::int64_t{report->from_version}},
                     {"to_version", std::int64_t{report->to_version}},
                     {"applied", std::int64_t(report->applied.size())}});
    return kExitOk;
  }

  int Usage(const core::Error& error) {
    err_ << error.message << "\n";
    return kExitUsage;
  }

  // A refused input file: the message, then every field error on its own line.
  int Invalid(const core::Error& error) {
    err_ << "seatwise: " << error.message << "\n";
    for (const auto& field : error.fields) {
      err_ << "  " << field.field << ": " << field.message << "\n";
    }
    return kExitFailure;
  }

  int Fail(const core::Error& error) {
    err_ << "seatwise: " << error.message << "\n";
    return kExitFailure;
  }

  static std::string JoinVersions(const std::vector<int>& versions) {
    std::string out;
    for (int v : versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
  }

  const Environment& environment_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

int RunCli(const std::vector<std::string>& args, const Environment& environment, std::ostream& out,
           std::ostream& err) {
  std::istringstream no_input;
  return RunCli(args, environment, no_input, false, out, err);
}

int RunCli(const std::vector<std::string>& args, const Environment& environment, std::istream& in,
           bool in_is_terminal, std::ostream& out, std::ostream& err) {
  CLI::App cli{"Seatwise: license and seat management server", "seatwise"};
  cli.require_subcommand(1);

  ConfigFlags serve_flags;
  bool demo = false;
  auto* serve = cli.add_subcommand("serve", "run the HTTP server (migrates the database first)");
  serve_flags.AddTo(*serve);
  serve->add_flag("--demo", demo, "seed demo data into an empty database first");
  bool demo_bare = false;
  serve->add_flag("--demo-bare", demo_bare,
                  "with --demo: only the organisation, contracts, people and seats, without the "
                  "twelve months of activity (a fixed starting point for tests)");

  ConfigFlags migrate_flags;
  bool status_only = false;
  auto* migrate = cli.add_subcommand("migrate", "apply pending schema migrations");
  migrate_flags.AddTo(*migrate);
  migrate->add_flag("--status", status_only, "print the schema version and pending count only");

  ConfigFlags demo_flags;
  auto* demo_command = cli.add_subcommand("demo", "migrate and seed a demo instance");
  demo_flags.AddTo(*demo_command);
  bool bare = false;
  demo_command->add_flag("--bare", bare,
                         "only the organisation, contracts, people and seats, without the twelve "
                         "months of activity");

  ConfigFlags catalog_flags;
  std::string catalog_file;
  auto* catalog = cli.add_subcommand("catalog", "the publisher's product catalog");
  catalog->require_subcommand(1);
  auto* catalog_import = catalog->add_subcommand(
      "import", "create or update products, groups, collections and services from a TOML file");
  catalog_flags.AddTo(*catalog_import);
  catalog_import->add_option("file", catalog_file, "catalog file (TOML)")->required();

  ConfigFlags keys_flags;
  auto* keys = cli.add_subcommand("keys", "the keys that sign entitlement tokens");
  keys->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "activate a new signing key; earlier keys keep verifying their tokens");
  keys_flags.AddTo(*keys_rotate);

  auto* version = cli.add_subcommand("version", "print the version");

  ConfigFlags jobs_flags;
  std::string jobs_at;
  auto* jobs_command = cli.add_subcommand("jobs", "the scheduled jobs");
  jobs_command->require_subcommand(1);
  auto* jobs_run_once = jobs_command->add_subcommand(
      "run-once",
      "run every job due now once and print what each did; with --at, run every job once as "
      "of that instant, leaving the server's schedule as it was");
  jobs_flags.AddTo(*jobs_run_once);
  jobs_run_once->add_option("--at", jobs_at, "the instant to run at, RFC 3339 (default: now)");

  ConfigFlags check_flags;
  auto* config = cli.add_subcommand("config", "configuration tools");
  config->require_subcommand(1);
  auto* check = config->add_subcommand("check", "validate and print the effective config");
  check_flags.AddTo(*check);

  bool json = false;
  std::string server;
  std::optional<std::string> given_token;
  auto* login = cli.add_subcommand("login", "sign in to a running server and store an API token");
  login->add_option("--server", server, "server URL, e.g. http://127.0.0.1:8080")->required();
  login->add_option("--token", given_token, "store this API token instead of signing in");
  login->add_flag("--json", json, "machine-readable output");
  auto* whoami = cli.add_subcommand("whoami", "show who the stored token belongs to");
  whoami->add_flag("--json", json, "machine-readable output");
  auto* token = cli.add_subcommand("token", "personal API tokens");
  token->require_subcommand(1);
  std::string token_name;
  int token_days = 90;
  std::string token_id;
  auto* token_create = token->add_subcommand("create", "create a token (shown once)");
  token_create->add_option("--name", token_name, "what the token is for")->required();
  token_create->add_option("--days", token_days, "days until it expires")
      ->check(CLI::Range(1, 3650));
  token_create->add_flag("--json", json, "machine-readable output");
  auto* token_list = token->add_subcommand("list", "list your tokens");
  token_list->add_flag("--json", json, "machine-readable output");
  auto* token_revoke = token->add_subcommand("revoke", "revoke one of your tokens");
  token_revoke->add_option("id", token_id, "token id")->required();
  token_revoke->add_flag("--json", json, "machine-readable output");

  // Customer administration over the API.
  std::string team;
  UserListOptions list_options;
  std::string email, first_name, last_name, csv_file, person;
  std::vector<std::string> products, people;
  std::string contract, unassign_product;
  std::optional<int> months;
  bool dry_run = false;
  auto* users = cli.add_subcommand("users", "the people of a team");
  users->require_subcommand(1);
  auto* users_list = users->add_subcommand("list", "list the team's users");
  users_list->add_option("--team", list_options.team, "team id or name");
  users_list->add_option("--search", list_options.search, "part of a name or e-mail");
  users_list->add_option("--role", list_options.role, "primary_admin, secondary_admin or user");
  users_list->add_option("--status", list_options.status, "invited, active or removed");
  auto* users_invite = users->add_subcommand("invite", "invite one person to the team");
  users_invite->add_option("--team", team, "team id or name");
  users_invite->add_option("--email", email, "their e-mail address")->required();
  users_invite->add_option("--first-name", first_name, "first name")->required();
  users_invite->add_option("--last-name", last_name, "last name")->required();
  auto* users_import = users->add_subcommand(
      "import", "invite many from a CSV file with columns first_name, last_name, email");
  users_import->add_option("--team", team, "team id or name");
  users_import->add_option("file", csv_file, "CSV file, or - for standard input")->required();
  auto* users_remove =
      users->add_subcommand("remove", "remove a leaver: every seat freed, activations revoked");
  users_remove->add_option("--team", team, "team id or name");
  users_remove->add_option("user", person, "user id or e-mail")->required();
  auto* products_command = cli.add_subcommand("products", "the team's subscriptions");
  products_command->require_subcommand(1);
  auto* products_list =
      products_command->add_subcommand("list", "every subscription with seats and assignments");
  products_list->add_option("--team", team, "team id or name");
  auto* assign = cli.add_subcommand(
      "assign", "assign seats: several people to one product, or several products to one person");
  assign->add_option("--team", team, "team id or name");
  assign->add_option("--product", products, "subscription id or product/collection/service code")
      ->required();
  assign->add_option("--user", people, "user id or e-mail")->required();
  auto* unassign = cli.add_subcommand("unassign", "free seats of one product");
  unassign->add_option("--team", team, "team id or name");
  unassign->add_option("--product", unassign_product, "subscription id or product code")
      ->required();
  unassign->add_option("--user", people, "user id or e-mail")->required();
  auto* contracts = cli.add_subcommand("contracts", "contracts: list, renew, migrate to sign-in");
  contracts->require_subcommand(1);
  auto* contracts_list = contracts->add_subcommand("list", "the contracts you may see");
  auto* contracts_renew =
      contracts->add_subcommand("renew", "renew a contract (reseller, operator)");
  contracts_renew->add_option("contract", contract, "contract id or number")->required();
  contracts_renew->add_option("--months", months, "term of the renewal")->check(CLI::Range(1, 60));
  auto* contracts_migrate = contracts->add_subcommand(
      "migrate", "switch single-user serial-number subscriptions to sign-in");
  contracts_migrate->add_option("contract", contract, "contract id or number")->required();
  contracts_migrate->add_flag("--dry-run", dry_run, "show what would change; change nothing");
  for (auto* command : {users_list, users_invite, users_import, users_remove, products_list, assign,
                        unassign, contracts_list, contracts_renew, contracts_migrate}) {
    command->add_flag("--json", json, "machine-readable output");
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
  try {
    cli.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  Commands commands(environment, out, err);
  if (serve->parsed()) return commands.Serve(serve_flags, demo, demo_bare);
  if (migrate->parsed()) return commands.Migrate(migrate_flags, status_only);
  if (demo_command->parsed()) return commands.Demo(demo_flags, bare);
  if (catalog_import->parsed()) return commands.CatalogImport(catalog_flags, catalog_file);
  if (version->parsed()) return commands.Version();
  if (check->parsed()) return commands.ConfigCheck(check_flags);
  if (keys_rotate->parsed()) return commands.KeysRotate(keys_flags);
  if (jobs_run_once->parsed()) return commands.JobsRunOnce(jobs_flags, jobs_at);
  AdminIo io{environment, in, in_is_terminal, out, err, json};
  if (login->parsed()) return Login(io, server, given_token);
  if (whoami->parsed()) return Whoami(io);
  if (token_create->parsed()) return TokenCreate(io, token_name, token_days);
  if (token_list->parsed()) return TokenList(io);
  if (token_revoke->parsed()) return TokenRevoke(io, token_id);
  if (users_list->parsed()) return UsersList(io, list_options);
  if (users_invite->parsed()) return UsersInvite(io, team, email, first_name, last_name);
  if (users_import->parsed()) return UsersImport(io, team, csv_file);
  if (users_remove->parsed()) return UsersRemove(io, team, person);
  if (products_list->parsed()) return ProductsList(io, team);
  if (assign->parsed()) return Assign(io, team, products, people);
  if (unassign->parsed()) return Unassign(io, team, unassign_product, people);
  if (contracts_list->parsed()) return ContractsList(io);
  if (contracts_renew->parsed()) return ContractRenew(io, contract, months);
  if (contracts_migrate->parsed()) return ContractMigrate(io, contract, dry_run);
  err << cli.help();
  return kExitUsage;
}

}  // namespace seatwise::app
