#pragma once
// Who is calling: the portal session cookie (with its CSRF token on state changes) or an
// `Authorization: Bearer` token, resolved through the identity and token services; plus
// the small parsers this needs (cookies, bearer credentials, form bodies).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/client_address.hpp"
#include "http/router.hpp"
#include "service/context.hpp"

namespace seatwise::service {
class IdempotencyService;
}

namespace seatwise::service {
class EntitlementService;
class IdentityService;
class TokenService;
}  // namespace seatwise::service

namespace seatwise::http {

inline constexpr std::string_view kSessionCookie = "sw_session";
// Not HttpOnly: the portal and the device page echo it as the CSRF token (double submit);
// the service still checks it against the session's stored hash.
inline constexpr std::string_view kCsrfCookie = "sw_csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in a Cookie header ("a=1; sw_session=sws_x"); nullopt when
// absent. Values are returned as sent (no decoding), surrounding quotes removed.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// The credential of an Authorization header when its scheme is Bearer (case-insensitive);
// nullopt for another scheme or an empty or malformed credential.
std::optional<std::string> BearerCredential(std::string_view authorization);

// Decodes an application/x-www-form-urlencoded body ('+' is a space). kInvalidArgument for
// a malformed percent escape.
core::Result<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// True when the request body is a form (application/x-www-form-urlencoded).
bool IsFormRequest(const Request& request);

// Set-Cookie values for a new session and its CSRF token, and for clearing both.
std::vector<std::string> SessionCookies(std::string_view session_token, std::string_view csrf_token,
                                        bool secure);
std::vector<std::string> ClearedSessionCookies(bool secure);
// Adds Set-Cookie headers (one each) to `response`.
void AddCookies(Response& response, const std::vector<std::string>& cookies);

// How credentials are checked; built from the services, replaceable in tests.
struct CredentialCheck {
  // (session token, CSRF token, state changing, meta) → principal.
  std::function<core::Result<service::Principal>(std::string_view, std::string_view, bool,
                                                 const service::RequestMeta&)>
      session;
  // (bearer token, meta) → principal.
  std::function<core::Result<service::Principal>(std::string_view, const service::RequestMeta&)>
      bearer;
  // (device credential "swm_…", meta) → principal of kind kDevice; unset: refused.
  std::function<core::Result<service::Principal>(std::string_view, const service::RequestMeta&)>
      device;
};

CredentialCheck CredentialCheckFor(service::IdentityService& identity,
                                   service::TokenService& tokens,
                                   service::EntitlementService& entitlements);

struct AuthOptions {
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For entries are believed
  bool secure_cookies = false;     // the public URL is https
};

// A handler that receives the resolved caller.
using CallerHandler = std::function<Response(const Request&, const service::Caller&)>;

// A handler for a request whose sign-in is missing or ended: the anonymous caller and the
// response the request would otherwise get.
using LapsedHandler =
    std::function<Response(const Request&, const service::Caller&, Response refusal)>;

// Resolves callers and wraps handlers with the matching policy.
class Authenticator {
 public:
  // With `idempotency`, a POST that carries an Idempotency-Key header is run at most once
  // per caller and key (service/idempotency.hpp): a repeat gets the first 2xx JSON answer
  // again, marked Idempotent-Replayed: true.
  Authenticator(CredentialCheck check, AuthOptions options,
                service::IdempotencyService* idempotency = nullptr)
      : check_(std::move(check)), options_(options), idempotency_(idempotency) {}

  // Address, request id and user agent of the request.
  service::RequestMeta Meta(const Request& request) const;

  // The caller behind the request's credentials: a bearer token when an Authorization
  // header is sent, else the session cookie, else anonymous. kUnauthenticated for invalid
  // credentials; kPermissionDenied for a missing or wrong CSRF token on a state change.
  // A device credential ("swm_…") is accepted only with `accept_device`.
  core::Result<service::Caller> Resolve(const Request& request, bool accept_device = false) const;

  // The problem response for a failed Resolve (401 with WWW-Authenticate, or 403).
  Response Refuse(const Request& request, const core::Error& error) const;

  // The handler runs only for authenticated callers; others get 401/403.
  Handler Authenticated(CallerHandler handler) const;
  // Authenticated, and also a computer presenting its own device credential (the client
  // licence routes: network leases and usage); the handler tells the two apart by
  // principal.method.
  Handler UserOrDevice(CallerHandler handler) const;
  // The handler runs for anonymous callers too; bad credentials are still refused.
  Handler Optional(CallerHandler handler) const;
  // The handler runs as anonymous whatever credentials come with the request (sign-in,
  // invitation accept, password reset, OAuth endpoints).
  Handler Anonymous(CallerHandler handler) const;
  // `signed_in` runs for authenticated callers, as Authenticated does. A request with no
  // sign-in, or one that has ended (revoked, expired), goes to `lapsed` as anonymous with
  // the refusal it would have got: a route that proves itself by other means (a signed
  // entitlement token) answers what it may and otherwise returns `refusal`.
  Handler SignedInOrLapsed(CallerHandler signed_in, LapsedHandler lapsed) const;

  const AuthOptions& options() const { return options_; }

 private:
  // Runs `handler`, honouring an Idempotency-Key when the request carries one.
  Response RunOnce(const Request& request, const service::Caller& caller,
                   const CallerHandler& handler) const;

  CredentialCheck check_;
  AuthOptions options_;
  service::IdempotencyService* idempotency_ = nullptr;
};

}  // namespace seatwise::http
