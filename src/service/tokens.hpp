#pragma once
// Credentials for machines: personal API tokens for automation, and for desktop clients the
// OAuth 2.0 Device Authorization Grant (RFC 8628) with opaque access tokens and rotating
// refresh tokens. Every secret is handed out once and stored only as its hash.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "service/rate_limit.hpp"
#include "store/database.hpp"

namespace seatwise::service {

struct TokenOptions {
  std::chrono::seconds access_token_ttl{std::chrono::hours(1)};
  std::chrono::seconds refresh_token_ttl{std::chrono::hours(24 * 30)};
  std::chrono::seconds device_code_ttl{std::chrono::minutes(10)};
  int poll_interval_seconds = 5;  // RFC 8628 minimum polling interval; slow_down adds 5
  // Where the user approves a device; the user code is appended as ?user_code=WDJB-MJHT.
  std::string verification_uri = "http://127.0.0.1:8080/device";
  int max_api_tokens_per_user = 50;  // live (not revoked, not expired) tokens
  int max_api_token_days = 365;
  // Per client address: device authorizations started, and token endpoint calls (device
  // polls and refreshes). An office behind one address polls from many desktops, hence the
  // generous token limit.
  RateLimit device_authorizations_per_ip{30, std::chrono::minutes(1)};
  RateLimit token_requests_per_ip{600, std::chrono::minutes(1)};
  // Wrong user codes typed to approve or deny a device (or look one up): per client
  // address, per signed-in person, and for the whole instance, so no pending code can be
  // found by guessing however many addresses and accounts the guesser has.
  RateLimit wrong_user_codes_per_ip{10, std::chrono::minutes(1)};
  RateLimit wrong_user_codes_per_user{10, std::chrono::minutes(1)};
  RateLimit wrong_user_codes_per_instance{1000, std::chrono::minutes(10)};
};

// An API token as its owner sees it in a list: never the secret, nor its hash.
struct ApiTokenSummary {
  std::string id;
  std::string name;
  std::string display_prefix;  // the first characters of the token, to recognise it
  core::TimePoint created_at{};
  std::optional<core::TimePoint> expires_at;
  std::optional<core::TimePoint> last_used_at;
  bool expired = false;  // past expires_at at the time of listing
};

// A freshly created API token: `token` is the clear secret, shown this once.
struct CreatedApiToken {
  std::string token;
  ApiTokenSummary info;
};

// An RFC 6749 §5.2 / RFC 8628 §3.5 error the HTTP layer answers as
// {"error": error, "error_description": description} with `http_status`.
struct OAuthError {
  std::string error;        // "authorization_pending", "slow_down", "access_denied",
                            // "expired_token", "invalid_grant", "invalid_client", ...
  std::string description;  // a sentence for people; never a secret
  int http_status = 400;
};

// RFC 6749 §5.1 successful token response.
struct TokenResponse {
  std::string access_token;
  std::string token_type = "Bearer";
  std::int64_t expires_in = 0;  // seconds
  std::string refresh_token;
  std::string scope;
};

// The outcome of the token endpoint: tokens, or a protocol error for the client. Storage
// failures are the surrounding Result's error instead.
using TokenOutcome = std::variant<TokenResponse, OAuthError>;
using DeviceTokenOutcome = TokenOutcome;

// RFC 8628 §3.2 device authorization response.
struct DeviceAuthorizationStart {
  std::string device_code;  // clear secret for the device; stored hashed
  std::string user_code;    // "WDJB-MJHT": 8 letters of BCDFGHJKLMNPQRSTVWXZ with a dash
  std::string verification_uri;
  std::string verification_uri_complete;
  std::int64_t expires_in = 0;  // seconds
  int interval = 5;             // seconds between polls
};

// What the approval page shows before the user approves (client and scope asked for).
struct PendingDevice {
  std::string user_code;
  std::string client_id;
  std::string scope;
  core::TimePoint expires_at{};
};

class TokenService {
 public:
  TokenService(Deps& deps, TokenOptions options = {});

  // --- Personal API tokens -------------------------------------------------------------

  // Creates a token named `name` (1-100 characters, unique among the caller's live tokens:
  // kAlreadyExists) expiring in `expires_in_days` (1..max_api_token_days). Only a person
  // signed in with a session may create tokens; a token cannot mint tokens
  // (kPermissionDenied). Audited as api_token.create.
  core::Result<CreatedApiToken> CreateApiToken(const Caller& caller, std::string_view name,
                                               int expires_in_days);
  // The caller's tokens that are not revoked (expired ones are listed, marked expired).
  core::Result<std::vector<ApiTokenSummary>> ListApiTokens(const Caller& caller);
  // Revokes one of the caller's own tokens; another user's token id answers as not found
  // (concealed, audited as denied). Audited as api_token.revoke.
  core::Result<void> RevokeApiToken(const Caller& caller, const std::string& token_id);

  // --- Bearer authentication -----------------------------------------------------------

  // Resolves an `Authorization: Bearer` credential: a personal API token (swp_...) or an
  // OAuth access token (swa_...). kUnauthenticated when unknown, expired or revoked, or when
  // the user is removed or erased. Records the API token's last use at most once a minute.
  core::Result<Principal> AuthenticateBearer(std::string_view token, const RequestMeta& meta);

  // --- OAuth 2.0 Device Authorization Grant (RFC 8628) ----------------------------------

  // POST /oauth/device_authorization: a new pending request. `client_id` must be 1-100
  // printable characters (kInvalidArgument otherwise).
  core::Result<DeviceAuthorizationStart> StartDeviceAuthorization(const Caller& caller,
                                                                  std::string_view client_id,
                                                                  std::string_view scope);
  // The pending request behind a user code, for the approval page (kNotFound when none,
  // kFailedPrecondition when expired). The code is case-insensitive and the dash optional.
  core::Result<PendingDevice> DescribeDevice(const Caller& caller, std::string_view user_code);
  // The signed-in person (session) approves or denies the request. kNotFound for an unknown
  // code, kFailedPrecondition when it expired. Audited as device.approve / device.deny.
  core::Result<void> ApproveDevice(const Caller& caller, std::string_view user_code);
  core::Result<void> DenyDevice(const Caller& caller, std::string_view user_code);

  // POST /oauth/token, grant_type=urn:ietf:params:oauth:grant-type:device_code. Answers
  // authorization_pending, slow_down (polled faster than the interval; the interval grows
  // by 5 s), access_denied, expired_token, or tokens once approved; a device code is
  // exchanged once (invalid_grant afterwards).
  core::Result<TokenOutcome> PollDeviceToken(std::string_view device_code,
                                             std::string_view client_id,
                                             const RequestMeta& meta = {});

  // --- Refresh tokens ------------------------------------------------------------------

  // POST /oauth/token, grant_type=refresh_token: rotates the refresh token and issues a new
  // access token. A replayed (already rotated) token revokes the whole family and its access
  // tokens and answers invalid_grant; so do unknown, expired or revoked tokens and a
  // client_id that differs from the one the grant was issued to.
  core::Result<TokenOutcome> RefreshAccessToken(std::string_view refresh_token,
                                                std::string_view client_id,
                                                const RequestMeta& meta = {});

  // Revokes every refresh and access token of the user inside the caller's transaction
  // (password change, user removal, erasure). Returns how many refresh tokens were live.
  static core::Result<int> RevokeUserTokens(store::Tx& tx, const Deps& deps,
                                            const std::string& user_id);
  core::Result<int> RevokeUserTokens(store::Tx& tx, const std::string& user_id) const;

  const TokenOptions& options() const { return options_; }

 private:
  Deps& deps_;
  TokenOptions options_;
};

// "wdjbmjht", "WDJB-MJHT", " wdjb-mjht " → "WDJB-MJHT"; nullopt unless 8 letters of the
// user-code alphabet remain.
std::optional<std::string> NormaliseUserCode(std::string_view input);

}  // namespace seatwise::service
