#include "service/tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "crypto/tokens.hpp"
#include "service/audit.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;
using Status = core::DeviceAuthorizationStatus;

constexpr std::string_view kUserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";
constexpr std::size_t kUserCodeLetters = 8;
constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxClientIdLength = 100;
constexpr std::size_t kMaxScopeLength = 200;
constexpr std::size_t kDisplayPrefixLength = 8;  // "swp_" and four characters
constexpr auto kTouchEvery = std::chrono::minutes(1);
constexpr int kSlowDownStep = 5;

constexpr std::string_view kApiTokenInvalid =
    "the API token is expired or revoked — create a new one";
constexpr std::string_view kAccessTokenInvalid =
    "the access token is expired or revoked — refresh it or sign in on the device again";

// Characters, not bytes, of a UTF-8 string.
std::size_t Utf8Length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

bool PrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

core::Error Invalid(std::string field, std::string message) {
  core::Error e = MakeError(ErrorCode::kInvalidArgument, message);
  e.fields.push_back({std::move(field), std::move(message)});
  return e;
}

// Tokens are created and devices approved by a person at the portal, never by a credential
// that was itself derived from one.
Result<void> RequireSession(const Principal& principal, std::string_view what) {
  if (!principal.authenticated() || principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  if (principal.method != AuthMethod::kSession) {
    return MakeError(ErrorCode::kPermissionDenied,
                     std::string(what) + " needs a signed-in portal session; a token cannot do it");
  }
  return core::Ok();
}

// API tokens may be minted from a portal session, or by a personal API token (the CLI's
// `token create`); desktop OAuth access tokens never mint them.
Result<void> RequireSessionOrApiToken(const Principal& principal, std::string_view what) {
  if (principal.method == AuthMethod::kApiToken && !principal.user_id.empty()) {
    return core::Ok();
  }
  if (principal.authenticated() && principal.method != AuthMethod::kSession) {
    return MakeError(ErrorCode::kPermissionDenied,
                     std::string(what) + " needs a portal session or a personal API token");
  }
  return RequireSession(principal, what);
}

bool CanAuthenticate(const core::User& user) {
  return user.status == core::UserStatus::kActive && !user.erased;
}

std::string NewUserCode(core::Random& random) {
  std::string code;
  while (code.size() < kUserCodeLetters) {
    std::array<std::uint8_t, 16> bytes{};
    random.Fill(bytes);
    for (std::uint8_t b : bytes) {
      // 240 is the largest multiple of 20 below 256: no letter is more likely than another.
      if (b >= 240 || code.size() == kUserCodeLetters) continue;
      code += kUserCodeAlphabet[b % kUserCodeAlphabet.size()];
    }
  }
  return code.substr(0, 4) + "-" + code.substr(4);
}

ApiTokenSummary Summarise(const core::ApiToken& token, core::TimePoint now) {
  ApiTokenSummary s;
  s.id = token.id;
  s.name = token.name;
  s.display_prefix = token.display_prefix;
  s.created_at = token.created_at;
  s.expires_at = token.expires_at;
  s.last_used_at = token.last_used_at;
  s.expired = token.expires_at && *token.expires_at <= now;
  return s;
}

OAuthError OAuth(std::string error, std::string description, int status = 400) {
  return OAuthError{std::move(error), std::move(description), status};
}

Caller AnonymousCaller(const RequestMeta& meta) { return Caller{Principal{}, meta}; }

AuditRecord Record(std::string action, std::string target_type, std::string target_id = "") {
  AuditRecord r;
  r.action = std::move(action);
  r.target_type = std::move(target_type);
  r.target_id = std::move(target_id);
  return r;
}

}  // namespace

std::optional<std::string> NormaliseUserCode(std::string_view input) {
  std::string letters;
  for (char c : input) {
    if (c == '-' || std::isspace(static_cast<unsigned char>(c))) continue;
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kUserCodeAlphabet.find(upper) == std::string_view::npos) return std::nullopt;
    letters += upper;
  }
  if (letters.size() != kUserCodeLetters) return std::nullopt;
  return letters.substr(0, 4) + "-" + letters.substr(4);
}

TokenService::TokenService(Deps& deps, TokenOptions options)
    : deps_(deps), options_(std::move(options)) {}

// --- Personal API tokens ---------------------------------------------------------------

Result<CreatedApiToken> TokenService::CreateApiToken(const Caller& caller, std::string_view name,
                                                     int expires_in_days) {
  const std::string clean_name = Trim(name);
  if (clean_name.empty() || Utf8Length(clean_name) > kMaxNameLength || HasControl(clean_name)) {
    return Invalid("name", "give the token a name of 1 to 100 characters");
  }
  if (expires_in_days < 1 || expires_in_days > options_.max_api_token_days) {
    return Invalid("expires_in_days", "a token expires after 1 to " +
                                          std::to_string(options_.max_api_token_days) + " days");
  }
  AuditRecord record = Record("api_token.create", "api_token");
  if (auto allowed = RequireSessionOrApiToken(caller.principal, "creating an API token");
      !allowed.ok()) {
    if (allowed.error().code == ErrorCode::kPermissionDenied) {
      AuditDenied(deps_, caller, record, allowed.error());
    }
    return allowed.error();
  }
  return deps_.db.Transact<CreatedApiToken>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<CreatedApiToken> {
        const auto now = deps_.clock.Now();
        const std::string& user_id = caller.principal.user_id;
        SW_ASSIGN_OR_RETURN(auto existing, deps_.repos.auth->ListApiTokens(tx, user_id));
        int live = 0;
        for (const auto& token : existing) {
          if (token.revoked_at) continue;
          const bool expired = token.expires_at && *token.expires_at <= now;
          if (token.name == clean_name) {
            if (!expired) {
              return MakeError(ErrorCode::kAlreadyExists,
                               "you already have an API token named \"" + clean_name +
                                   "\" — choose another name or revoke that token");
            }
            // An expired token keeps its name only until a new one wants it.
            SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeApiToken(tx, user_id, token.id, now));
            continue;
          }
          if (!expired) ++live;
        }
        if (live >= options_.max_api_tokens_per_user) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "you have " + std::to_string(live) +
                               " live API tokens, the most allowed — revoke one first");
        }
        CreatedApiToken created;
        created.token = crypto::NewToken(deps_.random, crypto::token_prefix::kPersonalApi);
        core::ApiToken token;
        token.user_id = user_id;
        token.name = clean_name;
        token.token_hash = crypto::HashToken(created.token);
        token.display_prefix = created.token.substr(0, kDisplayPrefixLength);
        token.created_at = now;
        token.expires_at = now + std::chrono::days(expires_in_days);
        if (caller.principal.method == AuthMethod::kApiToken) {
          // A token never outlives the token that minted it, so a leaked one cannot be
          // extended by minting successors.
          for (const auto& minter : existing) {
            if (minter.id == caller.principal.credential_id && minter.expires_at &&
                *minter.expires_at < *token.expires_at) {
              token.expires_at = minter.expires_at;
            }
          }
        }
        SW_ASSIGN_OR_RETURN(token, deps_.repos.auth->CreateApiToken(tx, std::move(token)));
        created.info = Summarise(token, now);

        AuditRecord done = record;
        done.target_id = token.id;
        JsonWriter after;
        after.BeginObject()
            .Key("name")
            .String(token.name)
            .Key("display_prefix")
            .String(token.display_prefix)
            .Key("expires_at")
            .Time(*token.expires_at)
            .EndObject();
        done.after_json = after.str();
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return created;
      });
}

Result<std::vector<ApiTokenSummary>> TokenService::ListApiTokens(const Caller& caller) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  return deps_.db.Transact<std::vector<ApiTokenSummary>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<ApiTokenSummary>> {
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(auto tokens,
                            deps_.repos.auth->ListApiTokens(tx, caller.principal.user_id));
        std::vector<ApiTokenSummary> out;
        for (const auto& token : tokens) {
          if (!token.revoked_at) out.push_back(Summarise(token, now));
        }
        return out;
      });
}

Result<void> TokenService::RevokeApiToken(const Caller& caller, const std::string& token_id) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  const AuditRecord record = Record("api_token.revoke", "api_token", token_id);
  auto revoked = RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> Result<bool> {
    auto done =
        deps_.repos.auth->RevokeApiToken(tx, caller.principal.user_id, token_id, deps_.clock.Now());
    if (!done.ok()) {
      if (done.error().code != ErrorCode::kNotFound) return done.error();
      // Someone else's token is refused exactly like a token that does not exist.
      core::Error denied = MakeError(ErrorCode::kPermissionDenied, "no such API token of yours");
      denied.conceal_existence = true;
      return denied;
    }
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
    return true;
  });
  if (!revoked.ok()) return std::move(revoked).error();
  return core::Ok();
}

// --- Bearer authentication -------------------------------------------------------------

Result<Principal> TokenService::AuthenticateBearer(std::string_view token,
                                                   const RequestMeta& meta) {
  (void)meta;
  const bool is_api = token.starts_with(crypto::token_prefix::kPersonalApi);
  const bool is_access = token.starts_with(crypto::token_prefix::kOAuthAccess);
  if (!is_api && !is_access) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "the bearer token is not a Seatwise API or access token");
  }
  const std::string_view refusal = is_api ? kApiTokenInvalid : kAccessTokenInvalid;
  const std::string hash = crypto::HashToken(token);
  struct Found {
    Principal principal;
    bool touch = false;
  };
  auto found = deps_.db.Transact<Found>(store::TxMode::kRead, [&](store::Tx& tx) -> Result<Found> {
    const auto now = deps_.clock.Now();
    Found f;
    std::string user_id;
    if (is_api) {
      SW_ASSIGN_OR_RETURN(auto api, deps_.repos.auth->FindLiveApiToken(tx, hash, now));
      if (!api) return MakeError(ErrorCode::kUnauthenticated, std::string(refusal));
      f.principal.method = AuthMethod::kApiToken;
      f.principal.credential_id = api->id;
      f.touch = !api->last_used_at || now - *api->last_used_at >= kTouchEvery;
      user_id = api->user_id;
    } else {
      SW_ASSIGN_OR_RETURN(auto access, deps_.repos.auth->FindLiveAccessToken(tx, hash, now));
      if (!access) return MakeError(ErrorCode::kUnauthenticated, std::string(refusal));
      f.principal.method = AuthMethod::kAccessToken;
      f.principal.credential_id = access->family_id;
      user_id = access->user_id;
    }
    SW_ASSIGN_OR_RETURN(auto user, deps_.repos.users->Get(tx, user_id));
    if (!CanAuthenticate(user)) return MakeError(ErrorCode::kUnauthenticated, std::string(refusal));
    f.principal.user_id = user.id;
    f.principal.is_operator = user.is_operator;
    f.principal.reseller_id = user.reseller_id;
    return f;
  });
  if (!found.ok()) return std::move(found).error();
  if (found->touch) {
    // Best effort: a failed last-used stamp must not refuse a valid token.
    auto touched = deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return deps_.repos.auth->TouchApiToken(tx, found->principal.credential_id, deps_.clock.Now());
    });
    (void)touched;
  }
  return std::move(found->principal);
}

// --- Device authorization grant --------------------------------------------------------

Result<DeviceAuthorizationStart> TokenService::StartDeviceAuthorization(const Caller& caller,
                                                                        std::string_view client_id,
                                                                        std::string_view scope) {
  SW_RETURN_IF_ERROR(ConsumeRateLimit(deps_, "device_auth:ip:" + caller.meta.ip,
                                      options_.device_authorizations_per_ip,
                                      "too many device sign-ins started from your network"));
  if (client_id.empty() || client_id.size() > kMaxClientIdLength || !PrintableAscii(client_id)) {
    return Invalid("client_id", "client_id must be 1 to 100 printable ASCII characters");
  }
  if (scope.size() > kMaxScopeLength || HasControl(scope)) {
    return Invalid("scope", "scope must be at most 200 characters");
  }
  // A pending user code is unique; on the rare clash draw another in a fresh transaction.
  constexpr int kAttempts = 5;
  for (int attempt = 0;; ++attempt) {
    DeviceAuthorizationStart start;
    start.device_code = crypto::NewToken(deps_.random, crypto::token_prefix::kDeviceCode);
    start.user_code = NewUserCode(deps_.random);
    auto created = deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
      const auto now = deps_.clock.Now();
      core::DeviceAuthorization d;
      d.device_code_hash = crypto::HashToken(start.device_code);
      d.user_code = start.user_code;
      d.client_id = std::string(client_id);
      d.scope = std::string(scope);
      d.interval_seconds = options_.poll_interval_seconds;
      d.created_at = now;
      d.expires_at = now + options_.device_code_ttl;
      SW_RETURN_IF_ERROR(deps_.repos.auth->CreateDeviceAuthorization(tx, std::move(d)));
      return core::Ok();
    });
    if (!created.ok()) {
      if (created.error().code == ErrorCode::kAlreadyExists && attempt + 1 < kAttempts) continue;
      return std::move(created).error();
    }
    start.verification_uri = options_.verification_uri;
    start.verification_uri_complete = options_.verification_uri + "?user_code=" + start.user_code;
    start.expires_in = options_.device_code_ttl.count();
    start.interval = options_.poll_interval_seconds;
    return start;
  }
}

namespace {

// The pending request behind `user_code`, refused when unknown or expired.
Result<core::DeviceAuthorization> PendingRequest(store::Tx& tx, const Deps& deps,
                                                 std::string_view user_code) {
  auto code = NormaliseUserCode(user_code);
  if (!code) {
    return Invalid("user_code", "enter the 8-letter code the device shows, like WDJB-MJHT");
  }
  SW_ASSIGN_OR_RETURN(auto pending, deps.repos.auth->FindPendingByUserCode(tx, *code));
  if (!pending) {
    return MakeError(ErrorCode::kNotFound,
                     "no device is waiting for that code — check the code the device shows");
  }
  if (pending->expires_at <= deps.clock.Now()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "that code has expired — start the sign-in on the device again");
  }
  return std::move(*pending);
}

// The counters of wrong user codes that `caller` adds to: its address, its person, and
// the instance; each with its limit and what the refusal says.
struct CodeGuessCounter {
  std::string bucket;
  const RateLimit* limit;
  std::string_view what;
};

std::vector<CodeGuessCounter> CodeGuessCounters(const TokenOptions& options, const Caller& caller) {
  return {{"device_code_wrong:ip:" + caller.meta.ip, &options.wrong_user_codes_per_ip,
           "too many wrong device codes from your network"},
          {"device_code_wrong:user:" + caller.principal.user_id, &options.wrong_user_codes_per_user,
           "too many wrong device codes from your account"},
          {"device_code_wrong:instance", &options.wrong_user_codes_per_instance,
           "too many wrong device codes on this server"}};
}

// kRateLimited while any counter of `caller` is full: then no code is looked up at all.
Result<void> CheckCodeGuesses(const Deps& deps, const TokenOptions& options, const Caller& caller) {
  const auto now = deps.clock.Now();
  return deps.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> Result<void> {
    for (const auto& counter : CodeGuessCounters(options, caller)) {
      SW_ASSIGN_OR_RETURN(auto window, deps.repos.auth->PeekRateLimit(tx, counter.bucket, now));
      if (window.hits >= counter.limit->max_hits) {
        return RateLimited(window.ends_at, now, counter.what);
      }
    }
    return core::Ok();
  });
}

// Counts `result` against the caller's counters when it says no device waits for the code.
template <typename T>
Result<T> CountCodeGuess(const Deps& deps, const TokenOptions& options, const Caller& caller,
                         Result<T> result) {
  if (result.ok() || result.error().code != ErrorCode::kNotFound) return result;
  const auto now = deps.clock.Now();
  auto counted = deps.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    for (const auto& counter : CodeGuessCounters(options, caller)) {
      SW_RETURN_IF_ERROR(
          deps.repos.auth->HitRateLimit(tx, counter.bucket, counter.limit->window, now));
    }
    return core::Ok();
  });
  if (!counted.ok()) return counted.error();
  return result;
}

}  // namespace

Result<PendingDevice> TokenService::DescribeDevice(const Caller& caller,
                                                   std::string_view user_code) {
  SW_RETURN_IF_ERROR(RequireSession(caller.principal, "approving a device"));
  SW_RETURN_IF_ERROR(CheckCodeGuesses(deps_, options_, caller));
  return CountCodeGuess(deps_, options_, caller,
                        deps_.db.Transact<PendingDevice>(
                            store::TxMode::kRead, [&](store::Tx& tx) -> Result<PendingDevice> {
                              SW_ASSIGN_OR_RETURN(auto pending,
                                                  PendingRequest(tx, deps_, user_code));
                              return PendingDevice{pending.user_code, pending.client_id,
                                                   pending.scope, pending.expires_at};
                            }));
}

namespace {

Result<void> AnswerDevice(const Deps& deps, const TokenOptions& options, const Caller& caller,
                          std::string_view user_code, bool approve) {
  AuditRecord record = Record(approve ? "device.approve" : "device.deny", "device_authorization");
  if (auto allowed = RequireSession(caller.principal, "approving a device"); !allowed.ok()) {
    if (allowed.error().code == ErrorCode::kPermissionDenied) {
      AuditDenied(deps, caller, record, allowed.error());
    }
    return allowed.error();
  }
  if (auto allowed = CheckCodeGuesses(deps, options, caller); !allowed.ok()) {
    AuditDenied(deps, caller, record, allowed.error());
    return allowed.error();
  }
  auto answered = deps.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(auto pending, PendingRequest(tx, deps, user_code));
    SW_ASSIGN_OR_RETURN(auto user, deps.repos.users->Get(tx, caller.principal.user_id));
    if (!CanAuthenticate(user)) return MakeError(ErrorCode::kUnauthenticated, "sign in first");
    SW_ASSIGN_OR_RETURN(
        bool moved,
        deps.repos.auth->TransitionDeviceAuthorization(
            tx, pending.id, Status::kPending, approve ? Status::kApproved : Status::kDenied,
            approve ? std::optional<std::string>(user.id) : std::nullopt));
    if (!moved) {
      return MakeError(ErrorCode::kConflict, "that device request was already answered");
    }
    AuditRecord done = record;
    done.target_id = pending.id;
    done.detail = "client " + pending.client_id;
    return Audit(tx, deps, caller, done);
  });
  return CountCodeGuess(deps, options, caller, std::move(answered));
}

}  // namespace

Result<void> TokenService::ApproveDevice(const Caller& caller, std::string_view user_code) {
  return AnswerDevice(deps_, options_, caller, user_code, true);
}

Result<void> TokenService::DenyDevice(const Caller& caller, std::string_view user_code) {
  return AnswerDevice(deps_, options_, caller, user_code, false);
}

namespace {

// Issues an access token and a refresh token. With `rotate_from` the refresh token replaces
// that one in its family; otherwise it starts a new family. kConflict when `rotate_from` was
// already rotated or revoked.
Result<TokenResponse> IssueTokens(store::Tx& tx, const Deps& deps, const TokenOptions& options,
                                  const std::string& user_id, const std::string& client_id,
                                  const std::string& scope,
                                  const std::optional<std::string>& rotate_from) {
  const auto now = deps.clock.Now();
  TokenResponse response;
  response.refresh_token = crypto::NewToken(deps.random, crypto::token_prefix::kOAuthRefresh);
  core::RefreshToken refresh;
  refresh.token_hash = crypto::HashToken(response.refresh_token);
  refresh.user_id = user_id;
  refresh.client_id = client_id;
  refresh.created_at = now;
  refresh.expires_at = now + options.refresh_token_ttl;
  if (rotate_from) {
    SW_ASSIGN_OR_RETURN(
        refresh, deps.repos.auth->RotateRefreshToken(tx, *rotate_from, std::move(refresh), now));
  } else {
    SW_ASSIGN_OR_RETURN(refresh, deps.repos.auth->CreateRefreshToken(tx, std::move(refresh)));
  }
  response.access_token = crypto::NewToken(deps.random, crypto::token_prefix::kOAuthAccess);
  core::AccessToken access;
  access.token_hash = crypto::HashToken(response.access_token);
  access.user_id = user_id;
  access.family_id = refresh.family_id;
  access.client_id = client_id;
  access.scope = scope;
  access.created_at = now;
  access.expires_at = now + options.access_token_ttl;
  SW_RETURN_IF_ERROR(deps.repos.auth->CreateAccessToken(tx, std::move(access)));
  response.expires_in = options.access_token_ttl.count();
  response.scope = scope;
  return response;
}

}  // namespace

Result<TokenOutcome> TokenService::PollDeviceToken(std::string_view device_code,
                                                   std::string_view client_id,
                                                   const RequestMeta& meta) {
  SW_RETURN_IF_ERROR(ConsumeRateLimit(deps_, "token:ip:" + meta.ip, options_.token_requests_per_ip,
                                      "too many token requests from your network"));
  const std::string hash = crypto::HashToken(device_code);
  return deps_.db.Transact<TokenOutcome>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<TokenOutcome> {
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(auto found,
                            deps_.repos.auth->FindDeviceAuthorizationByCodeHash(tx, hash));
        if (!found) return TokenOutcome(OAuth("invalid_grant", "unknown device code"));
        const core::DeviceAuthorization& d = *found;
        if (d.client_id != client_id) {
          return TokenOutcome(
              OAuth("invalid_grant", "the device code was issued to another client"));
        }
        if (d.status == Status::kConsumed) {
          return TokenOutcome(OAuth("invalid_grant", "the device code was already exchanged"));
        }
        if (d.status == Status::kDenied) {
          return TokenOutcome(OAuth("access_denied", "the user denied the request"));
        }
        if (d.status == Status::kExpired || d.expires_at <= now) {
          if (d.status != Status::kExpired) {
            SW_RETURN_IF_ERROR(deps_.repos.auth->TransitionDeviceAuthorization(
                tx, d.id, d.status, Status::kExpired, std::nullopt));
          }
          return TokenOutcome(
              OAuth("expired_token", "the device code expired — start the sign-in again"));
        }
        if (d.status == Status::kPending) {
          const bool too_fast = d.last_polled_at &&
                                now - *d.last_polled_at < std::chrono::seconds(d.interval_seconds);
          const int interval = too_fast ? d.interval_seconds + kSlowDownStep : d.interval_seconds;
          SW_RETURN_IF_ERROR(deps_.repos.auth->RecordDevicePoll(tx, d.id, now, interval));
          if (too_fast) {
            return TokenOutcome(
                OAuth("slow_down", "poll every " + std::to_string(interval) + " seconds at most"));
          }
          return TokenOutcome(
              OAuth("authorization_pending", "waiting for the user to approve the request"));
        }
        // Approved: exchange once.
        SW_ASSIGN_OR_RETURN(bool consumed,
                            deps_.repos.auth->TransitionDeviceAuthorization(
                                tx, d.id, Status::kApproved, Status::kConsumed, std::nullopt));
        if (!consumed || !d.user_id) {
          return TokenOutcome(OAuth("invalid_grant", "the device code was already exchanged"));
        }
        SW_ASSIGN_OR_RETURN(auto user, deps_.repos.users->Get(tx, *d.user_id));
        if (!CanAuthenticate(user)) {
          return TokenOutcome(OAuth("access_denied", "the approving user can no longer sign in"));
        }
        SW_ASSIGN_OR_RETURN(auto tokens, IssueTokens(tx, deps_, options_, user.id, d.client_id,
                                                     d.scope, std::nullopt));
        return TokenOutcome(std::move(tokens));
      });
}

// --- Refresh tokens --------------------------------------------------------------------

Result<TokenOutcome> TokenService::RefreshAccessToken(std::string_view refresh_token,
                                                      std::string_view client_id,
                                                      const RequestMeta& meta) {
  SW_RETURN_IF_ERROR(ConsumeRateLimit(deps_, "token:ip:" + meta.ip, options_.token_requests_per_ip,
                                      "too many token requests from your network"));
  const std::string hash = crypto::HashToken(refresh_token);
  return deps_.db.Transact<TokenOutcome>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<TokenOutcome> {
        const auto now = deps_.clock.Now();
        const OAuthError invalid =
            OAuth("invalid_grant", "the refresh token is expired or revoked — sign in again");
        SW_ASSIGN_OR_RETURN(auto found, deps_.repos.auth->FindRefreshTokenByHash(tx, hash));
        if (!found || found->revoked_at || found->expires_at <= now ||
            found->client_id != client_id) {
          return TokenOutcome(invalid);
        }
        const core::RefreshToken& old = *found;
        // A rotated token presented again means two parties hold the family: end it.
        auto revoke_family = [&](std::string detail) -> Result<TokenOutcome> {
          SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeRefreshFamily(tx, old.family_id, now));
          Caller caller = AnonymousCaller(meta);
          caller.principal.user_id = old.user_id;
          caller.principal.credential_id = old.family_id;
          AuditRecord record =
              Record("oauth.refresh_family_revoke", "refresh_token_family", old.family_id);
          record.actor_role = "anonymous";
          record.detail = std::move(detail);
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
          return TokenOutcome(invalid);
        };
        if (old.rotated_at) {
          return revoke_family("a rotated refresh token was presented again");
        }
        SW_ASSIGN_OR_RETURN(auto user, deps_.repos.users->Get(tx, old.user_id));
        if (!CanAuthenticate(user)) return revoke_family("the user can no longer sign in");
        SW_ASSIGN_OR_RETURN(auto latest,
                            deps_.repos.auth->FindLatestFamilyAccessToken(tx, old.family_id));
        const std::string scope = latest ? latest->scope : std::string();
        auto tokens = IssueTokens(tx, deps_, options_, old.user_id, old.client_id, scope, old.id);
        if (!tokens.ok()) {
          if (tokens.error().code == ErrorCode::kConflict) {
            return revoke_family("a refresh token was used twice at once");
          }
          return std::move(tokens).error();
        }
        return TokenOutcome(std::move(tokens).value());
      });
}

Result<int> TokenService::RevokeUserTokens(store::Tx& tx, const Deps& deps,
                                           const std::string& user_id) {
  return deps.repos.auth->RevokeUserRefreshTokens(tx, user_id, deps.clock.Now());
}

Result<int> TokenService::RevokeUserTokens(store::Tx& tx, const std::string& user_id) const {
  return RevokeUserTokens(tx, deps_, user_id);
}

}  // namespace seatwise::service
