#include "service/webhooks.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "core/roles.hpp"
#include "crypto/secret_box.hpp"
#include "crypto/tokens.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kUrlMax = 2048;

bool KnownEvent(std::string_view event) {
  return std::find(kWebhookEvents.begin(), kWebhookEvents.end(), event) != kWebhookEvents.end();
}

// Admins of the team only. A refusal names who manages webhooks; a caller unrelated to the
// customer still gets "not found".
Result<Authorization> AuthorizeWebhooks(store::Tx& tx, const Deps& deps, const Caller& caller,
                                        const std::string& team_id) {
  auto authz = Authorize(tx, deps, caller.principal, core::Capability::kManageSecondaryAdmins,
                         {team_id, {}, {}});
  if (!authz.ok() && authz.error().code == ErrorCode::kPermissionDenied &&
      !authz.error().conceal_existence) {
    core::Error error = authz.error();
    error.message =
        "webhooks are managed only by the team's Primary Admin and Secondary Admins; ask one of "
        "them";
    return error;
  }
  return authz;
}

Result<core::WebhookEndpoint> EndpointOfTeam(store::Tx& tx, const Deps& deps,
                                             const std::string& team_id,
                                             const std::string& endpoint_id) {
  auto endpoint = deps.repos.webhooks->GetEndpoint(tx, endpoint_id);
  if (!endpoint.ok() || endpoint->team_id != team_id) {
    if (endpoint.ok() || endpoint.error().code == ErrorCode::kNotFound) {
      return core::MakeError(ErrorCode::kNotFound,
                             "webhook endpoint " + endpoint_id + " not found in this team");
    }
    return endpoint.error();
  }
  return endpoint;
}

std::string EndpointJson(const core::WebhookEndpoint& e) {
  JsonWriter w;
  w.BeginObject().Key("url").String(e.url).Key("events").BeginArray();
  for (const auto& event : e.events) w.String(event);
  w.EndArray().Key("enabled").Bool(e.active).EndObject();
  return w.str();
}

std::vector<core::FieldError> Validate(const WebhookEndpointInput& input, bool creating,
                                       bool allow_loopback_http) {
  std::vector<core::FieldError> errors;
  if (input.url) {
    if (auto problem = WebhookUrlProblem(*input.url, allow_loopback_http); !problem.empty()) {
      errors.push_back({"url", problem});
    }
  } else if (creating) {
    errors.push_back({"url", "is required"});
  }
  if (input.events) {
    if (input.events->empty()) {
      errors.push_back({"events", "must name at least one event"});
    }
    for (const auto& event : *input.events) {
      if (!KnownEvent(event)) {
        std::string known;
        for (auto name : kWebhookEvents) {
          if (!known.empty()) known += ", ";
          known += name;
        }
        errors.push_back({"events", "\"" + event + "\" is not an event; use " + known});
        break;
      }
    }
  } else if (creating) {
    errors.push_back({"events", "is required"});
  }
  return errors;
}

core::Error InvalidInput(std::vector<core::FieldError> errors) {
  core::Error error =
      core::MakeError(ErrorCode::kInvalidArgument, "the webhook endpoint is invalid");
  error.fields = std::move(errors);
  return error;
}

std::vector<std::string> Deduplicated(std::vector<std::string> events) {
  std::vector<std::string> out;
  for (auto& event : events) {
    if (std::find(out.begin(), out.end(), event) == out.end()) out.push_back(std::move(event));
  }
  return out;
}

AuditRecord RecordFor(std::string action, const std::string& team_id, std::string target_id) {
  AuditRecord record;
  record.action = std::move(action);
  record.target_type = "webhook_endpoint";
  record.target_id = std::move(target_id);
  record.team_id = team_id;
  return record;
}

// A webhook URL taken apart, and whether its form is allowed.
struct ParsedUrl {
  std::string problem;      // empty when allowed
  bool not_public = false;  // the problem is where the host leads
  core::UrlHost host;
};

constexpr std::string_view kNotPublic = "must reach a public address";
constexpr std::string_view kBadHost = "must name a valid host: a DNS name or an IP address";

// "must reach a public address; 2130706433 means 127.0.0.1, a loopback address".
std::string NotPublicLiteral(std::string_view written, const core::UrlHost& host) {
  const core::AddressKind kind = core::ClassifyAddress(host.address);
  const std::string_view kind_name = core::AddressKindName(kind);
  std::string shown = host.address.ToString();
  if (host.address.family == core::IpAddress::Family::kV6) shown = "[" + shown + "]";
  const bool vowel =
      kind == core::AddressKind::kUnspecified || kind_name.find_first_of("aeio") == 0;
  std::string out = std::string(kNotPublic) + "; ";
  out += written == shown ? shown + " is " : std::string(written) + " means " + shown + ", ";
  out += (vowel ? "an " : "a ") + std::string(kind_name) + " address";
  return out;
}

// The scheme, user info, host and port of `url`, each checked. Host names are not looked
// up here.
ParsedUrl ParseWebhookUrl(std::string_view url, bool allow_loopback_http) {
  ParsedUrl out;
  const auto fail = [&out](std::string problem, bool not_public = false) {
    out.problem = std::move(problem);
    out.not_public = not_public;
    return out;
  };
  if (url.size() > kUrlMax) return fail("must be at most 2,048 characters");
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return fail("must not contain spaces or control characters");
  }
  bool https = false;
  std::string_view rest;
  if (url.starts_with("https://")) {
    https = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return fail("must be an https:// URL");
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.starts_with(':')) return fail("must name a host");
  if (authority.find('@') != std::string_view::npos) {
    return fail("must not contain a user name or password");
  }
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(std::string(kBadHost));
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail(std::string(kBadHost));
      port = after.substr(1);
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (port) {
    const bool digits =
        !port->empty() && port->size() <= 5 &&
        std::all_of(port->begin(), port->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(*port)) < 1 || std::stoi(std::string(*port)) > 65535) {
      return fail("must have a port number from 1 to 65535");
    }
  }
  out.host = core::InterpretUrlHost(host);
  bool loopback_allowed = false;
  switch (out.host.form) {
    case core::UrlHost::Form::kInvalid:
      return fail(std::string(kBadHost));
    case core::UrlHost::Form::kName:
      if (out.host.name == "localhost" || out.host.name.ends_with(".localhost")) {
        return fail(std::string(kNotPublic) + "; localhost is this server", true);
      }
      break;
    case core::UrlHost::Form::kAddress:
      // The test switch admits these two spellings only.
      loopback_allowed = allow_loopback_http && (host == "127.0.0.1" || host == "[::1]");
      if (loopback_allowed) break;
      if (core::ClassifyAddress(out.host.address) != core::AddressKind::kPublic) {
        std::string written(host);
        for (char& c : written) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return fail(NotPublicLiteral(written, out.host), true);
      }
      if (out.host.zone_id) return fail("must not carry an IPv6 zone id");
      if (!out.host.canonical) {
        return fail("must write an IPv4 address as four decimal numbers (a.b.c.d)");
      }
      break;
  }
  if (!https && !loopback_allowed) {
    return fail(allow_loopback_http ? "must be an https:// URL (http:// only to 127.0.0.1 or [::1])"
                                    : "must be an https:// URL");
  }
  return out;
}

// What the addresses `url`'s host name has now say against it, as a field message; empty when
// nothing does or the name does not resolve now (each delivery looks it up again). Only for a
// caller who may manage the team's webhooks, so nobody else makes the server look names up.
std::string ResolvedUrlProblem(const Deps& deps, const WebhookOptions& options,
                               const Caller& caller, const std::string& team_id,
                               const std::string& url) {
  if (options.resolver == nullptr) return "";
  auto allowed = deps.db.Transact<Authorization>(store::TxMode::kRead, [&](store::Tx& tx) {
    return AuthorizeWebhooks(tx, deps, caller, team_id);
  });
  if (!allowed.ok()) return "";  // the audited transaction refuses the caller
  auto target = CheckWebhookTarget(url, options.allow_loopback_http, *options.resolver);
  if (!target.ok() && target.error().code == ErrorCode::kPermissionDenied) {
    return target.error().message;
  }
  return "";
}

// The body a delivery posts: the event's envelope around its data.
std::string Envelope(const std::string& event_key, std::string_view event,
                     const std::string& team_id, core::TimePoint at,
                     const std::string& payload_json) {
  return "{\"id\":" + JsonQuote(event_key) + ",\"type\":" + JsonQuote(event) +
         ",\"created_at\":" + JsonQuote(FormatTime(at)) + ",\"team_id\":" + JsonQuote(team_id) +
         ",\"data\":" + (payload_json.empty() ? std::string("{}") : payload_json) + "}";
}

}  // namespace

std::string WebhookUrlProblem(std::string_view url, bool allow_loopback_http) {
  return ParseWebhookUrl(url, allow_loopback_http).problem;
}

Result<WebhookTarget> CheckWebhookTarget(std::string_view url, bool allow_loopback_http,
                                         HostResolver& resolver) {
  ParsedUrl parsed = ParseWebhookUrl(url, allow_loopback_http);
  if (!parsed.problem.empty()) {
    return core::MakeError(
        parsed.not_public ? ErrorCode::kPermissionDenied : ErrorCode::kInvalidArgument,
        parsed.problem);
  }
  WebhookTarget target;
  if (parsed.host.form == core::UrlHost::Form::kAddress) {
    target.host = parsed.host.address.ToString();
    target.addresses.push_back(parsed.host.address);
    return target;
  }
  target.host = parsed.host.name;
  auto addresses = resolver.Resolve(target.host);
  if (!addresses.ok() || addresses->empty()) {
    return core::MakeError(ErrorCode::kUnavailable,
                           "the host name " + target.host + " could not be resolved");
  }
  // Every address, not only the one a connection would try first.
  for (const auto& address : *addresses) {
    if (core::ClassifyAddress(address) != core::AddressKind::kPublic) {
      return core::MakeError(
          ErrorCode::kPermissionDenied,
          std::string(kNotPublic) + "; this host name resolves to an address that is not public");
    }
  }
  target.addresses = std::move(addresses).value();
  return target;
}

std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body) {
  const std::string prefix = std::to_string(unix_seconds) + ".";
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(prefix.data()),
                                prefix.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v1=";
  for (unsigned char b : mac) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0F];
  }
  return out;
}

Result<int> EnqueueWebhookEvent(store::Tx& tx, const Deps& deps, const std::string& team_id,
                                std::string_view event, const std::string& payload_json,
                                std::string event_key) {
  SW_ASSIGN_OR_RETURN(auto endpoints,
                      deps.repos.webhooks->ListSubscribed(tx, team_id, std::string(event)));
  if (endpoints.empty()) return 0;
  const auto now = deps.clock.Now();
  if (event_key.empty()) event_key = core::NewId(deps.random, "evt");
  const std::string body = Envelope(event_key, event, team_id, now, payload_json);
  int queued = 0;
  for (const auto& endpoint : endpoints) {
    core::WebhookDelivery delivery;
    delivery.endpoint_id = endpoint.id;
    delivery.event_key = event_key;
    delivery.event_type = std::string(event);
    delivery.payload_json = body;
    delivery.next_attempt_at = now;
    delivery.created_at = now;
    SW_ASSIGN_OR_RETURN(bool fresh, deps.repos.webhooks->EnqueueDelivery(tx, delivery));
    if (fresh) ++queued;
  }
  return queued;
}

Result<WebhookWithSecret> WebhookService::CreateEndpoint(const Caller& caller,
                                                         const std::string& team_id,
                                                         const WebhookEndpointInput& input) {
  auto errors = Validate(input, true, options_.allow_loopback_http);
  if (errors.empty()) {
    if (auto problem = ResolvedUrlProblem(deps_, options_, caller, team_id, *input.url);
        !problem.empty()) {
      errors.push_back({"url", std::move(problem)});
    }
  }
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.create", team_id, "");
  return RunAudited<WebhookWithSecret>(
      deps, caller, record, [&](store::Tx& tx) -> Result<WebhookWithSecret> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWebhooks(tx, deps, caller, team_id));
        if (!errors.empty()) return InvalidInput(errors);
        const auto now = deps.clock.Now();
        WebhookWithSecret out;
        out.secret = crypto::NewToken(deps.random, kWebhookSecretPrefix);
        core::WebhookEndpoint endpoint;
        endpoint.team_id = team_id;
        endpoint.url = *input.url;
        endpoint.events = Deduplicated(*input.events);
        endpoint.active = input.enabled.value_or(true);
        endpoint.secret_sealed = crypto::Seal(options_.sealing_key, out.secret, deps.random);
        if (!caller.principal.user_id.empty()) endpoint.created_by = caller.principal.user_id;
        endpoint.created_at = endpoint.updated_at = now;
        SW_ASSIGN_OR_RETURN(out.endpoint, deps.repos.webhooks->CreateEndpoint(tx, endpoint));
        AuditRecord done = record;
        done.target_id = out.endpoint.id;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.after_json = EndpointJson(out.endpoint);
        done.detail = "webhook endpoint " + out.endpoint.url + " registered";
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
        return out;
      });
}

Result<std::vector<core::WebhookEndpoint>> WebhookService::ListEndpoints(
    const Caller& caller, const std::string& team_id) {
  const Deps& deps = deps_;
  AuditRecord record = RecordFor("webhook.list", team_id, team_id);
  record.target_type = "team";
  return ReadAudited<std::vector<core::WebhookEndpoint>>(
      deps, caller, record, [&](store::Tx& tx) -> Result<std::vector<core::WebhookEndpoint>> {
        SW_RETURN_IF_ERROR(deps.repos.accounts->GetTeam(tx, team_id));
        SW_RETURN_IF_ERROR(AuthorizeWebhooks(tx, deps, caller, team_id));
        return deps.repos.webhooks->ListEndpoints(tx, team_id);
      });
}

Result<core::WebhookEndpoint> WebhookService::GetEndpoint(const Caller& caller,
                                                          const std::string& team_id,
                                                          const std::string& endpoint_id) {
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.read", team_id, endpoint_id);
  return ReadAudited<core::WebhookEndpoint>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::WebhookEndpoint> {
        SW_RETURN_IF_ERROR(deps.repos.accounts->GetTeam(tx, team_id));
        SW_RETURN_IF_ERROR(AuthorizeWebhooks(tx, deps, caller, team_id));
        return EndpointOfTeam(tx, deps, team_id, endpoint_id);
      });
}

Result<core::WebhookEndpoint> WebhookService::UpdateEndpoint(const Caller& caller,
                                                             const std::string& team_id,
                                                             const std::string& endpoint_id,
                                                             const WebhookEndpointInput& input) {
  auto errors = Validate(input, false, options_.allow_loopback_http);
  if (errors.empty() && input.url) {
    if (auto problem = ResolvedUrlProblem(deps_, options_, caller, team_id, *input.url);
        !problem.empty()) {
      errors.push_back({"url", std::move(problem)});
    }
  }
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.update", team_id, endpoint_id);
  return RunAudited<core::WebhookEndpoint>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::WebhookEndpoint> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWebhooks(tx, deps, caller, team_id));
        SW_ASSIGN_OR_RETURN(core::WebhookEndpoint endpoint,
                            EndpointOfTeam(tx, deps, team_id, endpoint_id));
        if (!errors.empty()) return InvalidInput(errors);
        if (!input.url && !input.events && !input.enabled) {
          return core::MakeError(ErrorCode::kInvalidArgument,
                                 "nothing to change: send url, events or enabled");
        }
        const std::string before = EndpointJson(endpoint);
        core::WebhookEndpoint changed = endpoint;
        if (input.url) changed.url = *input.url;
        if (input.events) changed.events = Deduplicated(*input.events);
        if (input.enabled) changed.active = *input.enabled;
        const std::string after = EndpointJson(changed);
        if (after == before) return endpoint;
        const auto now = deps.clock.Now();
        SW_RETURN_IF_ERROR(deps.repos.webhooks->UpdateEndpoint(tx, changed, now));
        changed.updated_at = now;
        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.before_json = before;
        done.after_json = after;
        done.detail = "webhook endpoint " + changed.url + " updated";
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
        return changed;
      });
}

Result<void> WebhookService::DeleteEndpoint(const Caller& caller, const std::string& team_id,
                                            const std::string& endpoint_id) {
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.delete", team_id, endpoint_id);
  return RunAudited<void>(deps, caller, record, [&](store::Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWebhooks(tx, deps, caller, team_id));
    SW_ASSIGN_OR_RETURN(core::WebhookEndpoint endpoint,
                        EndpointOfTeam(tx, deps, team_id, endpoint_id));
    SW_RETURN_IF_ERROR(deps.repos.webhooks->DeleteEndpoint(tx, endpoint.id));
    AuditRecord done = record;
    done.account_id = team.account_id;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = EndpointJson(endpoint);
    done.detail = "webhook endpoint " + endpoint.url + " deleted";
    return Audit(tx, deps, caller, done);
  });
}

Result<WebhookWithSecret> WebhookService::RotateSecret(const Caller& caller,
                                                       const std::string& team_id,
                                                       const std::string& endpoint_id) {
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.rotate_secret", team_id, endpoint_id);
  return RunAudited<WebhookWithSecret>(
      deps, caller, record, [&](store::Tx& tx) -> Result<WebhookWithSecret> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWebhooks(tx, deps, caller, team_id));
        WebhookWithSecret out;
        SW_ASSIGN_OR_RETURN(out.endpoint, EndpointOfTeam(tx, deps, team_id, endpoint_id));
        out.secret = crypto::NewToken(deps.random, kWebhookSecretPrefix);
        out.endpoint.secret_sealed = crypto::Seal(options_.sealing_key, out.secret, deps.random);
        const auto now = deps.clock.Now();
        SW_RETURN_IF_ERROR(deps.repos.webhooks->UpdateEndpoint(tx, out.endpoint, now));
        out.endpoint.updated_at = now;
        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.detail = "signing secret of webhook endpoint " + out.endpoint.url + " replaced";
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
        return out;
      });
}

Result<core::WebhookDelivery> WebhookService::Ping(const Caller& caller, const std::string& team_id,
                                                   const std::string& endpoint_id) {
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.ping", team_id, endpoint_id);
  return RunAudited<core::WebhookDelivery>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::WebhookDelivery> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWebhooks(tx, deps, caller, team_id));
        SW_ASSIGN_OR_RETURN(core::WebhookEndpoint endpoint,
                            EndpointOfTeam(tx, deps, team_id, endpoint_id));
        const auto now = deps.clock.Now();
        core::WebhookDelivery delivery;
        delivery.id = core::NewId(deps.random, core::id_prefix::kWebhookDelivery);
        delivery.endpoint_id = endpoint.id;
        delivery.event_key = core::NewId(deps.random, "evt");
        delivery.event_type = "test.ping";
        delivery.payload_json = Envelope(delivery.event_key, delivery.event_type, team_id, now,
                                         "{\"endpoint_id\":" + JsonQuote(endpoint.id) + "}");
        delivery.next_attempt_at = now;
        delivery.created_at = now;
        SW_RETURN_IF_ERROR(deps.repos.webhooks->EnqueueDelivery(tx, delivery));
        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.detail = "test.ping queued for webhook endpoint " + endpoint.url;
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
        return delivery;
      });
}

Result<store::Page<core::WebhookDelivery>> WebhookService::ListDeliveries(
    const Caller& caller, const std::string& team_id, const std::string& endpoint_id,
    const store::PageRequest& page) {
  const Deps& deps = deps_;
  const AuditRecord record = RecordFor("webhook.deliveries", team_id, endpoint_id);
  return ReadAudited<store::Page<core::WebhookDelivery>>(
      deps, caller, record, [&](store::Tx& tx) -> Result<store::Page<core::WebhookDelivery>> {
        SW_RETURN_IF_ERROR(deps.repos.accounts->GetTeam(tx, team_id));
        SW_RETURN_IF_ERROR(AuthorizeWebhooks(tx, deps, caller, team_id));
        SW_RETURN_IF_ERROR(EndpointOfTeam(tx, deps, team_id, endpoint_id));
        return deps.repos.webhooks->ListDeliveries(tx, endpoint_id, page);
      });
}

}  // namespace seatwise::service
