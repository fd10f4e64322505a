#include "app/config.hpp"

#include "app/logging.hpp"
#include "http/client_address.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string_view>
#include <utility>

namespace seatwise::app {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::string_view kEnvPrefix = "SEATWISE_";

// One value as a source wrote it: a TOML node from the file, or text from the
// environment or a flag.
struct RawValue {
  const toml::node* node = nullptr;
  std::string_view text;
  std::string origin;  // "seatwise.toml:3", "environment SEATWISE_X", "flag --x"
};

// Sets a key from a raw value; returns what is allowed when the value is not.
using Apply = std::function<std::optional<std::string>(Config&, const RawValue&)>;
// The key's current value as a TOML literal.
using Show = std::function<std::string(const Config&)>;

struct KeySpec {
  std::string_view section;
  std::string_view key;
  Apply apply;
  Show show;
};

// The value as the person wrote it, shortened so one message stays on one line.
std::string Display(const RawValue& value) {
  std::string shown;
  if (value.node == nullptr) {
    shown = JsonString(value.text);
  } else if (const auto* s = value.node->as_string()) {
    shown = JsonString(s->get());
  } else if (value.node->is_table()) {
    shown = "{...}";
  } else {
    std::ostringstream out;
    value.node->visit([&out](const auto& v) { out << v; });
    shown = out.str();
    std::replace(shown.begin(), shown.end(), '\n', ' ');
  }
  constexpr std::size_t kMaxShown = 80;
  if (shown.size() > kMaxShown) shown = shown.substr(0, kMaxShown - 3) + "...";
  return shown;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

// Reads an integer from either kind of source; nullopt for any other type.
std::optional<std::int64_t> ReadInteger(const RawValue& value) {
  if (value.node == nullptr) return ParseInteger(value.text);
  if (const auto* i = value.node->as_integer()) return i->get();
  return std::nullopt;
}

std::optional<std::string> ReadString(const RawValue& value) {
  if (value.node == nullptr) return std::string(value.text);
  if (const auto* s = value.node->as_string()) return s->get();
  return std::nullopt;
}

template <typename Field>
KeySpec IntegerKey(std::string_view section, std::string_view key, std::int64_t min,
                   std::int64_t max, Field Config::*part, auto Field::*member) {
  std::string expected = fmt::format("expected an integer from {} to {}", min, max);
  return KeySpec{section, key,
                 [=](Config& config, const RawValue& value) -> std::optional<std::string> {
                   auto v = ReadInteger(value);
                   if (!v || *v < min || *v > max) return expected;
                   using Target = std::remove_reference_t<decltype(config.*part.*member)>;
                   config.*part.*member = static_cast<Target>(*v);
                   return std::nullopt;
                 },
                 [=](const Config& config) { return std::to_string(config.*part.*member); }};
}

// A string key checked by `parse`, which stores it and returns false when it is invalid.
KeySpec StringKey(std::string_view section, std::string_view key, std::string expected,
                  std::function<bool(Config&, const std::string&)> parse, Show show) {
  return KeySpec{section, key,
                 [expected = std::move(expected), parse = std::move(parse)](
                     Config& config, const RawValue& value) -> std::optional<std::string> {
                   auto s = ReadString(value);
                   if (!s || !parse(config, *s)) return expected;
                   return std::nullopt;
                 },
                 std::move(show)};
}

template <typename Field>
KeySpec BoolKey(std::string_view section, std::string_view key, Field Config::*part,
                bool Field::*member) {
  return KeySpec{
      section, key,
      [=](Config& config, const RawValue& value) -> std::optional<std::string> {
        if (value.node != nullptr) {
          if (const auto* b = value.node->as_boolean()) {
            config.*part.*member = b->get();
            return std::nullopt;
          }
          return "expected true or false";
        }
        std::string text = Lower(value.text);
        if (text == "true" || text == "1") {
          config.*part.*member = true;
        } else if (text == "false" || text == "0") {
          config.*part.*member = false;
        } else {
          return "expected true or false";
        }
        return std::nullopt;
      },
      [=](const Config& config) { return std::string(config.*part.*member ? "true" : "false"); }};
}

// A job lock owner name: short, printable, the same in logs and the job_runs table.
bool ValidNodeId(std::string_view text) {
  return text.size() <= 100 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '_' || c == '-';
         });
}

bool IsHexKey(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// "host:port" with an IPv4 literal, "localhost", or a bracketed IPv6 literal.
bool ParseListen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view host_part;
  std::string_view port_part;
  bool ipv6 = false;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host_part = text.substr(1, close - 1);
    port_part = text.substr(close + 2);
    ipv6 = true;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
    if (host_part.find(':') != std::string_view::npos) return false;  // IPv6 needs brackets
  }
  if (port_part.empty() || port_part.size() > 5 ||
      !std::all_of(port_part.begin(), port_part.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  auto port_value = ParseInteger(port_part);
  if (!port_value || *port_value > 65535) return false;

  std::string candidate(host_part);
  if (!ipv6 && candidate == "localhost") candidate = "127.0.0.1";
  std::array<unsigned char, 16> buf{};
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, candidate.c_str(), buf.data()) != 1) return false;
  host = std::move(candidate);
  port = static_cast<std::uint16_t>(*port_value);
  return true;
}

bool ValidDatabaseUrl(std::string_view url) {
  if (url == "sqlite::memory:") return true;
  for (std::string_view scheme : {"sqlite://", "postgresql://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 4> kSynchronousModes = {"OFF", "NORMAL", "FULL", "EXTRA"};
constexpr std::array<std::pair<std::string_view, LogLevel>, 6> kLogLevels = {{
    {"trace", LogLevel::kTrace},
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},
    {"error", LogLevel::kError},
    {"off", LogLevel::kOff},
}};
// Sets `out` to the choice named `text` (any case); false when no choice has that name.
template <typename E, std::size_t N>
bool ParseChoice(const std::array<std::pair<std::string_view, E>, N>& choices,
                 const std::string& text, E& out) {
  const std::string name = Lower(text);
  for (auto [n, value] : choices) {
    if (n == name) {
      out = value;
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<std::string_view, LogFormat>, 2> kLogFormats = {{
    {"json", LogFormat::kJson},
    {"text", LogFormat::kText},
}};

constexpr std::array<std::pair<std::string_view, mail::SmtpSecurity>, 3> kSmtpSecurities = {{
    {"none", mail::SmtpSecurity::kNone},
    {"starttls", mail::SmtpSecurity::kStartTls},
    {"tls", mail::SmtpSecurity::kTls},
}};

// "name@example.com": one @, something on each side, nothing that breaks an SMTP command.
bool PlainAddress(std::string_view s) {
  const auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos &&
         s.find_first_of(" <>,;\"\r\n") == std::string_view::npos;
}

constexpr std::string_view kTrustProxyExpected =
    "expected false (trust no proxy) or a list of the reverse proxies' addresses or networks, "
    "e.g. [\"127.0.0.1\", \"10.0.0.0/8\", \"fd00::/8\"] (in the environment or a flag: "
    "127.0.0.1,10.0.0.0/8)";

// Canonical entries of trust_proxy from `items`; the error says which entry is wrong.
std::optional<std::string> SetTrustedProxies(Config& config,
                                             const std::vector<std::string>& items) {
  std::vector<std::string> canonical;
  for (const auto& item : items) {
    auto range = http::ParseAddressRange(item);
    if (!range.ok()) return range.error().message + "; " + std::string(kTrustProxyExpected);
    canonical.push_back(range->ToString());
  }
  config.server.trust_proxy = std::move(canonical);
  return std::nullopt;
}

// server.trust_proxy: false, a TOML array of strings, or comma-separated text. The boolean
// `true` of older versions is refused: trusting every peer let any client forge its address.
KeySpec TrustProxyKey() {
  auto from_text = [](Config& config, std::string_view text) -> std::optional<std::string> {
    std::string lowered = Lower(text);
    if (lowered == "false" || lowered.find_first_not_of(" \t") == std::string::npos) {
      config.server.trust_proxy.clear();
      return std::nullopt;
    }
    if (lowered == "true") {
      return "true is no longer accepted: name the proxies whose X-Forwarded-For may be "
             "believed; " +
             std::string(kTrustProxyExpected);
    }
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
      auto comma = text.find(',', start);
      items.emplace_back(text.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return SetTrustedProxies(config, items);
  };
  return KeySpec{"server", "trust_proxy",
                 [from_text](Config& config, const RawValue& value) -> std::optional<std::string> {
                   if (value.node == nullptr) return from_text(config, value.text);
                   if (const auto* b = value.node->as_boolean()) {
                     return from_text(config, b->get() ? "true" : "false");
                   }
                   if (const auto* s = value.node->as_string()) return from_text(config, s->get());
                   if (const auto* array = value.node->as_array()) {
                     std::vector<std::string> items;
                     for (const auto& element : *array) {
                       const auto* text = element.as_string();
                       if (text == nullptr) return std::string(kTrustProxyExpected);
                       items.push_back(text->get());
                     }
                     return SetTrustedProxies(config, items);
                   }
                   return std::string(kTrustProxyExpected);
                 },
                 [](const Config& config) {
                   std::string out = "[";
                   for (const auto& entry : config.server.trust_proxy) {
                     if (out.size() > 1) out += ", ";
                     out += JsonString(entry);
                   }
                   return out + "]";
                 }};
}

// Every key, in the order the example file documents them.
const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> k;
    k.push_back(StringKey(
        "server", "listen",
        "expected host:port with an IP address and a port from 0 to 65535, e.g. "
        "127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080",
        [](Config& c, const std::string& s) {
          if (!ParseListen(s, c.server.host, c.server.port)) return false;
          c.server.listen = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.server.listen); }));
    k.push_back(IntegerKey("server", "threads", 0, 256, &Config::server, &ServerConfig::threads));
    k.push_back(IntegerKey("server", "body_limit_bytes", 1, std::int64_t{1} << 30, &Config::server,
                           &ServerConfig::body_limit_bytes));
    k.push_back(IntegerKey("server", "header_timeout_ms", 1, 3'600'000, &Config::server,
                           &ServerConfig::header_timeout_ms));
    k.push_back(IntegerKey("server", "request_timeout_ms", 1, 3'600'000, &Config::server,
                           &ServerConfig::request_timeout_ms));
    k.push_back(IntegerKey("server", "idle_timeout_ms", 1, 86'400'000, &Config::server,
                           &ServerConfig::idle_timeout_ms));
    k.push_back(IntegerKey("server", "drain_timeout_ms", 0, 3'600'000, &Config::server,
                           &ServerConfig::drain_timeout_ms));
    k.push_back(IntegerKey("server", "max_pipelined", 1, 1024, &Config::server,
                           &ServerConfig::max_pipelined));
    k.push_back(IntegerKey("server", "slow_pool_threads", 1, 64, &Config::server,
                           &ServerConfig::slow_pool_threads));
    k.push_back(IntegerKey("server", "slow_pool_queue", 0, 100'000, &Config::server,
                           &ServerConfig::slow_pool_queue));
    k.push_back(IntegerKey("server", "max_connections", 1, 10'000'000, &Config::server,
                           &ServerConfig::max_connections));
    k.push_back(TrustProxyKey());
    k.push_back(StringKey(
        "server", "public_url",
        "expected an http:// or https:// origin without a trailing slash, e.g. "
        "https://licenses.example.com",
        [](Config& c, const std::string& s) {
          bool scheme = s.starts_with("http://") || s.starts_with("https://");
          std::string_view rest = std::string_view(s).substr(s.find("://") + 3);
          if (!scheme || rest.empty() || s.ends_with('/') ||
              rest.find_first_of("/?# \"'<>") != std::string_view::npos) {
            return false;
          }
          c.server.public_url = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.server.public_url); }));

    k.push_back(StringKey(
        "database", "url",
        "expected sqlite:///absolute/path.db, sqlite://relative/path.db, sqlite::memory: or "
        "postgresql://user@host:port/dbname",
        [](Config& c, const std::string& s) {
          if (!ValidDatabaseUrl(s)) return false;
          c.database.url = s;
          return true;
        },
        [](const Config& c) { return JsonString(RedactUrl(c.database.url)); }));
    k.push_back(
        IntegerKey("database", "pool_size", 1, 256, &Config::database, &DatabaseConfig::pool_size));
    k.push_back(StringKey(
        "database", "sqlite_synchronous", "expected one of OFF, NORMAL, FULL, EXTRA",
        [](Config& c, const std::string& s) {
          std::string mode = Upper(s);
          if (std::find(kSynchronousModes.begin(), kSynchronousModes.end(), mode) ==
              kSynchronousModes.end()) {
            return false;
          }
          c.database.sqlite_synchronous = mode;
          return true;
        },
        [](const Config& c) { return JsonString(c.database.sqlite_synchronous); }));
    k.push_back(IntegerKey("database", "busy_timeout_ms", 0, 3'600'000, &Config::database,
                           &DatabaseConfig::busy_timeout_ms));

    k.push_back(IntegerKey("auth", "session_idle_minutes", 1, 43'200, &Config::auth,
                           &AuthConfig::session_idle_minutes));
    k.push_back(IntegerKey("auth", "session_absolute_hours", 1, 8'760, &Config::auth,
                           &AuthConfig::session_absolute_hours));
    k.push_back(IntegerKey("auth", "sign_in_failures_per_minute", 1, 10'000, &Config::auth,
                           &AuthConfig::sign_in_failures_per_minute));
    k.push_back(IntegerKey("auth", "sign_in_failures_per_address_per_minute", 1, 100'000,
                           &Config::auth, &AuthConfig::sign_in_failures_per_address_per_minute));
    k.push_back(IntegerKey("auth", "reset_requests_per_hour", 1, 10'000, &Config::auth,
                           &AuthConfig::reset_requests_per_hour));
    k.push_back(IntegerKey("auth", "device_authorizations_per_minute", 1, 100'000, &Config::auth,
                           &AuthConfig::device_authorizations_per_minute));
    k.push_back(IntegerKey("auth", "token_requests_per_minute", 1, 1'000'000, &Config::auth,
                           &AuthConfig::token_requests_per_minute));
    k.push_back(IntegerKey("auth", "device_code_failures_per_minute", 1, 10'000, &Config::auth,
                           &AuthConfig::device_code_failures_per_minute));
    k.push_back(IntegerKey("auth", "access_token_ttl_seconds", 60, 86'400, &Config::auth,
                           &AuthConfig::access_token_ttl_seconds));
    k.push_back(IntegerKey("auth", "refresh_token_ttl_days", 1, 365, &Config::auth,
                           &AuthConfig::refresh_token_ttl_days));
    k.push_back(StringKey(
        "auth", "secret_key_file", "expected a file path",
        [](Config& c, const std::string& s) {
          if (s.empty()) return false;
          c.auth.secret_key_file = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.auth.secret_key_file); }));
    k.push_back(StringKey(
        "auth", "secret_key", "expected 64 hexadecimal digits (32 bytes), or empty",
        [](Config& c, const std::string& s) {
          if (!s.empty() && !IsHexKey(s)) return false;
          c.auth.secret_key = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.auth.secret_key.empty() ? "" : "***"); }));

    k.push_back(StringKey(
        "log", "level", "expected one of trace, debug, info, warn, error, off",
        [](Config& c, const std::string& s) { return ParseChoice(kLogLevels, s, c.log.level); },
        [](const Config& c) { return JsonString(LogLevelName(c.log.level)); }));
    k.push_back(StringKey(
        "log", "format", "expected one of json, text",
        [](Config& c, const std::string& s) { return ParseChoice(kLogFormats, s, c.log.format); },
        [](const Config& c) { return JsonString(LogFormatName(c.log.format)); }));

    k.push_back(
        BoolKey("credits", "allow_negative", &Config::credits, &CreditsConfig::allow_negative));

    k.push_back(BoolKey("jobs", "enabled", &Config::jobs, &JobsConfig::enabled));
    k.push_back(StringKey(
        "jobs", "node_id",
        "expected at most 100 letters, digits, '.', '_' or '-' (empty: host name and pid)",
        [](Config& c, const std::string& s) {
          if (!ValidNodeId(s)) return false;
          c.jobs.node_id = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.jobs.node_id); }));

    k.push_back(IntegerKey("licensing", "reauthorize_hours", 1, 8'760, &Config::licensing,
                           &LicensingConfig::reauthorize_hours));
    k.push_back(IntegerKey("licensing", "offline_grace_days", 1, 365, &Config::licensing,
                           &LicensingConfig::offline_grace_days));
    k.push_back(IntegerKey("licensing", "grace_warning_days", 0, 365, &Config::licensing,
                           &LicensingConfig::grace_warning_days));

    k.push_back(BoolKey("smtp", "enabled", &Config::smtp, &SmtpConfig::enabled));
    k.push_back(StringKey(
        "smtp", "host", "expected a host name or IP address",
        [](Config& c, const std::string& s) {
          if (s.empty() || s.find_first_of(" /?#@\"'<>") != std::string::npos) return false;
          c.smtp.host = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.smtp.host); }));
    k.push_back(IntegerKey("smtp", "port", 0, 65535, &Config::smtp, &SmtpConfig::port));
    k.push_back(StringKey(
        "smtp", "security", "expected one of none, starttls, tls",
        [](Config& c, const std::string& s) {
          return ParseChoice(kSmtpSecurities, s, c.smtp.security);
        },
        [](const Config& c) { return JsonString(mail::SmtpSecurityName(c.smtp.security)); }));
    k.push_back(StringKey(
        "smtp", "username", "expected a user name",
        [](Config& c, const std::string& s) {
          c.smtp.username = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.smtp.username); }));
    k.push_back(StringKey(
        "smtp", "password", "expected a password",
        [](Config& c, const std::string& s) {
          c.smtp.password = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.smtp.password.empty() ? "" : "***"); }));
    k.push_back(StringKey(
        "smtp", "from", "expected an e-mail address such as licenses@example.com, or empty",
        [](Config& c, const std::string& s) {
          if (!s.empty() && !PlainAddress(s)) return false;
          c.smtp.from = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.smtp.from); }));
    k.push_back(StringKey(
        "smtp", "from_name", "expected a display name on one line",
        [](Config& c, const std::string& s) {
          if (s.find_first_of("\r\n") != std::string::npos) return false;
          c.smtp.from_name = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.smtp.from_name); }));
    k.push_back(
        IntegerKey("smtp", "max_attempts", 1, 100, &Config::smtp, &SmtpConfig::max_attempts));
    k.push_back(
        IntegerKey("smtp", "timeout_seconds", 1, 600, &Config::smtp, &SmtpConfig::timeout_seconds));

    k.push_back(BoolKey("webhooks", "allow_loopback_http", &Config::webhooks,
                        &WebhooksConfig::allow_loopback_http));

    k.push_back(StringKey(
        "web", "root", "expected the path of the built portal (a directory with index.html)",
        [](Config& c, const std::string& s) {
          if (s.find_first_of("\r\n") != std::string::npos) return false;
          c.web.root = s;
          return true;
        },
        [](const Config& c) { return JsonString(c.web.root); }));
    return k;
  }();
  return keys;
}

std::vector<std::string_view> Sections() {
  std::vector<std::string_view> out;
  for (const auto& spec : Keys()) {
    if (std::find(out.begin(), out.end(), spec.section) == out.end()) out.push_back(spec.section);
  }
  return out;
}

const KeySpec* FindKey(std::string_view section, std::string_view key) {
  for (const auto& spec : Keys()) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

std::string FullName(const KeySpec& spec) { return fmt::format("{}.{}", spec.section, spec.key); }

std::string EnvName(const KeySpec& spec) {
  return fmt::format("{}{}_{}", kEnvPrefix, Upper(spec.section), Upper(spec.key));
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string KnownSections() {
  std::vector<std::string> names;
  for (auto s : Sections()) names.push_back(fmt::format("[{}]", s));
  return Join(names);
}

std::string KnownKeysIn(std::string_view section) {
  std::vector<std::string> names;
  for (const auto& spec : Keys()) {
    if (spec.section == section) names.emplace_back(spec.key);
  }
  return Join(names);
}

// Collects one message per problem; start-up reports them all at once, in the order of
// their sources.
class Problems {
 public:
  // `order` sorts problems of one source (the file's line and column).
  void Add(std::string field, std::string line, std::uint64_t order = 0) {
    entries_.emplace_back(
        order, core::FieldError{std::move(field), fmt::format("config error: {}", line)});
  }
  void AppendSorted(Problems other) {
    std::stable_sort(other.entries_.begin(), other.entries_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& e : other.entries_) entries_.push_back(std::move(e));
  }
  bool HasAny() const { return !entries_.empty(); }
  Error ToError() const {
    Error error{ErrorCode::kInvalidArgument, "", {}};
    for (const auto& [order, field] : entries_) {
      if (!error.message.empty()) error.message += '\n';
      error.message += field.message;
      error.fields.push_back(field);
    }
    return error;
  }

 private:
  std::vector<std::pair<std::uint64_t, core::FieldError>> entries_;
};

std::uint64_t Position(const toml::source_region& where) {
  return (static_cast<std::uint64_t>(where.begin.line) << 32) | where.begin.column;
}

void ApplyValue(const KeySpec& spec, const RawValue& value, Config& config, Problems& problems,
                std::uint64_t order = 0) {
  std::string name = FullName(spec);
  if (auto expected = spec.apply(config, value)) {
    problems.Add(name,
                 fmt::format("{} = {} ({}): {}", name, Display(value), value.origin, *expected),
                 order);
    return;
  }
  config.origins[name] = value.origin;
}

std::string FileOrigin(const ConfigSources& sources, const toml::source_region& where) {
  std::string path = sources.file_path.value_or("config file");
  return fmt::format("{}:{}", path, where.begin.line);
}

void ApplyFile(const ConfigSources& sources, Config& config, Problems& problems) {
  toml::table root;
  try {
    root = toml::parse(*sources.file_text,
                       sources.file_path ? std::string_view(*sources.file_path) : "config file");
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    problems.Add("file", fmt::format("{}:{}:{}: {}", sources.file_path.value_or("config file"),
                                     where.begin.line, where.begin.column, e.description()));
    return;
  }
  Problems file_problems;
  for (const auto& [section_key, section_node] : root) {
    std::string section(section_key.str());
    std::string origin = FileOrigin(sources, section_node.source());
    auto order = Position(section_node.source());
    auto sections = Sections();
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      if (section_node.is_table()) {
        file_problems.Add(section,
                          fmt::format("unknown section [{}] ({}): known sections are {}", section,
                                      origin, KnownSections()),
                          order);
      } else {
        file_problems.Add(section,
                          fmt::format("unknown key {} ({}): keys belong in one of the sections {}",
                                      section, origin, KnownSections()),
                          order);
      }
      continue;
    }
    const auto* table = section_node.as_table();
    if (table == nullptr) {
      file_problems.Add(
          section, fmt::format("{} ({}): expected a table [{}]", section, origin, section), order);
      continue;
    }
    for (const auto& [key, node] : *table) {
      const KeySpec* spec = FindKey(section, key.str());
      std::string key_origin = FileOrigin(sources, node.source());
      if (spec == nullptr) {
        std::string name = fmt::format("{}.{}", section, key.str());
        file_problems.Add(name,
                          fmt::format("unknown key {} ({}): known keys in [{}] are {}", name,
                                      key_origin, section, KnownKeysIn(section)),
                          Position(node.source()));
        continue;
      }
      ApplyValue(*spec, RawValue{&node, {}, key_origin}, config, file_problems,
                 Position(node.source()));
    }
  }
  problems.AppendSorted(std::move(file_problems));
}

void ApplyEnvironment(const ConfigSources& sources, Config& config, Problems& problems) {
  for (const auto& [name, value] : sources.environment) {
    if (!std::string_view(name).starts_with(kEnvPrefix) || name == kConfigFileVariable) continue;
    const KeySpec* match = nullptr;
    for (const auto& spec : Keys()) {
      if (EnvName(spec) == name) match = &spec;
    }
    if (match != nullptr) {
      ApplyValue(*match, RawValue{nullptr, value, fmt::format("environment {}", name)}, config,
                 problems);
      continue;
    }
    std::string hint;
    for (auto section : Sections()) {
      std::string prefix = fmt::format("{}{}_", kEnvPrefix, Upper(section));
      if (!std::string_view(name).starts_with(prefix)) continue;
      std::vector<std::string> names;
      for (const auto& spec : Keys()) {
        if (spec.section == section) names.push_back(EnvName(spec));
      }
      hint = fmt::format("known [{}] variables are {}", section, Join(names));
    }
    if (hint.empty()) {
      std::vector<std::string> names;
      for (auto section : Sections()) names.push_back(Upper(section));
      hint = fmt::format("variables are SEATWISE_<SECTION>_<KEY> with SECTION one of {}, or {}",
                         Join(names), kConfigFileVariable);
    }
    problems.Add(name, fmt::format("unknown environment variable {}: {}", name, hint));
  }
}

void ApplyFlags(const ConfigSources& sources, Config& config, Problems& problems) {
  for (const auto& flag : sources.flags) {
    auto dot = flag.key.find('.');
    const KeySpec* spec = dot == std::string::npos
                              ? nullptr
                              : FindKey(std::string_view(flag.key).substr(0, dot),
                                        std::string_view(flag.key).substr(dot + 1));
    if (spec == nullptr) {
      problems.Add(flag.key, fmt::format("unknown key {} (flag {}): known keys are {}", flag.key,
                                         flag.flag, Join(ConfigKeys())));
      continue;
    }
    ApplyValue(*spec, RawValue{nullptr, flag.value, fmt::format("flag {}", flag.flag)}, config,
               problems);
  }
}

}  // namespace

core::Result<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  Problems problems;
  if (sources.file_text) ApplyFile(sources, config, problems);
  ApplyEnvironment(sources, config, problems);
  ApplyFlags(sources, config, problems);
  if (config.smtp.enabled && config.smtp.from.empty()) {
    problems.Add("smtp.from",
                 "smtp.from is empty: e-mail delivery (smtp.enabled = true) needs the sender "
                 "address, e.g. licenses@example.com");
  }
  if (problems.HasAny()) return problems.ToError();
  return config;
}

mail::SmtpOptions SmtpOptionsFrom(const SmtpConfig& smtp) {
  mail::SmtpOptions options;
  options.host = smtp.host;
  options.port = smtp.port;
  options.security = smtp.security;
  options.username = smtp.username;
  options.password = smtp.password;
  options.from = smtp.from;
  options.from_name = smtp.from_name;
  options.timeout = std::chrono::seconds(smtp.timeout_seconds);
  return options;
}

std::string FormatConfig(const Config& config) {
  std::string out;
  std::string_view section;
  for (const auto& spec : Keys()) {
    if (spec.section != section) {
      if (!out.empty()) out += '\n';
      section = spec.section;
      out += fmt::format("[{}]\n", section);
    }
    auto origin = config.origins.find(FullName(spec));
    out += fmt::format("{} = {}  # {}\n", spec.key, spec.show(config),
                       origin == config.origins.end() ? "default" : origin->second);
  }
  return out;
}

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    auto authority_begin = scheme_end + 3;
    auto authority_end = out.find_first_of("/?#", authority_begin);
    if (authority_end == std::string::npos) authority_end = out.size();
    auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at > authority_begin) {
      auto colon = out.find(':', authority_begin);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // libpq also takes the password as a query parameter.
  for (std::size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&') continue;
    auto value_begin = pos + 9;
    auto value_end = out.find('&', value_begin);
    if (value_end == std::string::npos) value_end = out.size();
    out.replace(value_begin, value_end - value_begin, "***");
  }
  return out;
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> out;
  for (const auto& spec : Keys()) out.push_back(FullName(spec));
  return out;
}

std::string_view LogLevelName(LogLevel level) {
  for (auto [name, l] : kLogLevels) {
    if (l == level) return name;
  }
  return "info";
}

std::string_view LogFormatName(LogFormat format) {
  for (auto [name, f] : kLogFormats) {
    if (f == format) return name;
  }
  return "json";
}

}  // namespace seatwise::app
