#include "http/auth.hpp"

#include <algorithm>

#include "http/problem.hpp"
#include "service/idempotency.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kMaxUserAgent = 256;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 1 < text.size() ? HexDigit(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsStateChanging(Method method) {
  return method == Method::kPost || method == Method::kPut || method == Method::kPatch ||
         method == Method::kDelete;
}

std::string CookieAttributes(bool secure) { return secure ? "; Path=/; Secure" : "; Path=/"; }

}  // namespace

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    std::size_t semi = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> BearerCredential(std::string_view authorization) {
  authorization = Trim(authorization);
  std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!EqualsIgnoreCase(authorization.substr(0, space), "Bearer")) return std::nullopt;
  std::string_view credential = Trim(authorization.substr(space + 1));
  if (credential.empty() || credential.find_first_of(" \t,") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(credential);
}

core::Result<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    auto key = FormDecode(pair.substr(0, eq));
    auto value =
        FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "the form body has a malformed percent escape");
    }
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

bool IsFormRequest(const Request& request) {
  auto content_type = request.Header("Content-Type");
  if (!content_type) return false;
  std::string_view media = Trim(content_type->substr(0, content_type->find(';')));
  return EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

std::vector<std::string> SessionCookies(std::string_view session_token, std::string_view csrf_token,
                                        bool secure) {
  return {std::string(kSessionCookie) + "=" + std::string(session_token) +
              CookieAttributes(secure) + "; HttpOnly; SameSite=Lax",
          std::string(kCsrfCookie) + "=" + std::string(csrf_token) + CookieAttributes(secure) +
              "; SameSite=Strict"};
}

std::vector<std::string> ClearedSessionCookies(bool secure) {
  const std::string expired = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  return {
      std::string(kSessionCookie) + "=" + CookieAttributes(secure) + expired +
          "; HttpOnly; SameSite=Lax",
      std::string(kCsrfCookie) + "=" + CookieAttributes(secure) + expired + "; SameSite=Strict"};
}

void AddCookies(Response& response, const std::vector<std::string>& cookies) {
  for (const auto& cookie : cookies) response.headers.emplace_back("Set-Cookie", cookie);
}

service::RequestMeta Authenticator::Meta(const Request& request) const {
  service::RequestMeta meta;
  meta.ip = ClientAddress(request, options_.trusted_proxies);
  meta.request_id = request.request_id;
  meta.user_agent = std::string(request.Header("User-Agent").value_or("").substr(0, kMaxUserAgent));
  return meta;
}

core::Result<service::Caller> Authenticator::Resolve(const Request& request,
                                                     bool accept_device) const {
  service::Caller caller;
  caller.meta = Meta(request);
  if (auto authorization = request.Header("Authorization")) {
    auto token = BearerCredential(*authorization);
    if (!token) {
      return core::MakeError(core::ErrorCode::kUnauthenticated,
                             "the Authorization header must be \"Bearer <token>\"");
    }
    if (token->starts_with("swm_")) {
      if (!accept_device || !check_.device) {
        return core::MakeError(core::ErrorCode::kUnauthenticated,
                               "a device credential (swm_…) is accepted only by the network "
                               "lease, usage and serial activation routes; sign in or send an "
                               "API token here");
      }
      SW_ASSIGN_OR_RETURN(caller.principal, check_.device(*token, caller.meta));
      return caller;
    }
    if (!token->starts_with("swp_") && !token->starts_with("swa_")) {
      return core::MakeError(core::ErrorCode::kUnauthenticated,
                             "the bearer token is not an API or access token");
    }
    SW_ASSIGN_OR_RETURN(caller.principal, check_.bearer(*token, caller.meta));
    return caller;
  }
  std::optional<std::string> session;
  if (auto cookies = request.Header("Cookie")) session = CookieValue(*cookies, kSessionCookie);
  if (!session || session->empty()) return caller;  // anonymous
  std::string csrf(request.Header(kCsrfHeader).value_or(""));
  if (csrf.empty() && IsFormRequest(request)) {
    // A plain HTML form (the device page) cannot set headers: it posts the token as a field.
    if (auto fields = ParseForm(request.body); fields.ok()) {
      for (const auto& [key, value] : *fields) {
        if (key == "csrf_token") csrf = value;
      }
    }
  }
  SW_ASSIGN_OR_RETURN(caller.principal,
                      check_.session(*session, csrf, IsStateChanging(request.method), caller.meta));
  return caller;
}

Response Authenticator::Refuse(const Request& request, const core::Error& error) const {
  ProblemOptions options;
  if (error.retry_after_seconds > 0) {
    options.retry_after = std::chrono::seconds(error.retry_after_seconds);
  }
  Response response = Problem(request, error, options);
  if (response.status == 401) {
    bool bearer_attempt = request.Header("Authorization").has_value();
    response.SetHeader("WWW-Authenticate", bearer_attempt
                                               ? R"(Bearer realm="seatwise", error="invalid_token")"
                                               : R"(Bearer realm="seatwise")");
  }
  return response;
}

Response Authenticator::RunOnce(const Request& request, const service::Caller& caller,
                                const CallerHandler& handler) const {
  const auto key = request.Header("Idempotency-Key");
  if (idempotency_ == nullptr || request.method != Method::kPost || !key) {
    return handler(request, caller);
  }
  using Outcome = service::IdempotencyClaim::Outcome;
  // Keys are the caller's own: a person's, or a computer's when it proved itself.
  const std::string owner = caller.principal.user_id.empty()
                                ? "device:" + caller.principal.device_id
                                : caller.principal.user_id;
  const std::string what = "POST " + request.target + "\n" + request.body;
  auto claim = idempotency_->Claim(owner, *key, what);
  if (!claim.ok()) return Problem(request, claim.error(), {});
  switch (claim->outcome) {
    case Outcome::kReplay: {
      Response replay = claim->body.empty()
                            ? TextResponse("", "", claim->status)
                            : TextResponse(claim->body, "application/json", claim->status);
      replay.SetHeader("Idempotent-Replayed", "true");
      return replay;
    }
    case Outcome::kInProgress:
      return Problem(request,
                     core::MakeError(core::ErrorCode::kConflict,
                                     "the first request with this Idempotency-Key has not "
                                     "finished yet; retry in a moment to get its answer"),
                     {});
    case Outcome::kMismatch:
      return Problem(request,
                     core::MakeError(core::ErrorCode::kConflict,
                                     "this Idempotency-Key was already used for a different "
                                     "request; send a new key with each new request"),
                     {});
    case Outcome::kRun:
      break;
  }
  Response response;
  try {
    response = handler(request, caller);
  } catch (...) {
    (void)idempotency_->Release(owner, *key);
    throw;
  }
  // Only a successful JSON (or empty) answer is kept; anything else gives the key back so a
  // corrected retry runs. If keeping fails, the key is given back too: a repeat then runs
  // again rather than waiting on a claim nobody completes.
  const bool keep =
      response.status >= 200 && response.status < 300 &&
      (response.body.empty() || response.content_type.starts_with("application/json"));
  if (!keep || !idempotency_->Complete(owner, *key, response.status, response.body).ok()) {
    (void)idempotency_->Release(owner, *key);
  }
  return response;
}

Handler Authenticator::Authenticated(CallerHandler handler) const {
  return [this, handler = std::move(handler)](const Request& request) {
    auto caller = Resolve(request);
    if (!caller.ok()) return Refuse(request, caller.error());
    if (!caller->principal.authenticated()) {
      return Refuse(request,
                    core::MakeError(core::ErrorCode::kUnauthenticated,
                                    "sign in, or send an API token as Authorization: Bearer"));
    }
    return RunOnce(request, *caller, handler);
  };
}

Handler Authenticator::UserOrDevice(CallerHandler handler) const {
  return [this, handler = std::move(handler)](const Request& request) {
    auto caller = Resolve(request, true);
    if (!caller.ok()) return Refuse(request, caller.error());
    if (!caller->principal.authenticated()) {
      return Refuse(request, core::MakeError(core::ErrorCode::kUnauthenticated,
                                             "sign in, or send this computer's device "
                                             "credential as Authorization: Bearer swm_…"));
    }
    return RunOnce(request, *caller, handler);
  };
}

Handler Authenticator::Optional(CallerHandler handler) const {
  return [this, handler = std::move(handler)](const Request& request) {
    auto caller = Resolve(request);
    if (!caller.ok()) return Refuse(request, caller.error());
    return handler(request, *caller);
  };
}

Handler Authenticator::SignedInOrLapsed(CallerHandler signed_in, LapsedHandler lapsed) const {
  return
      [this, signed_in = std::move(signed_in), lapsed = std::move(lapsed)](const Request& request) {
        auto caller = Resolve(request);
        if (caller.ok() && caller->principal.authenticated()) {
          return RunOnce(request, *caller, signed_in);
        }
        service::Caller anonymous;
        anonymous.meta = Meta(request);
        const core::Error error =
            caller.ok() ? core::MakeError(core::ErrorCode::kUnauthenticated,
                                          "sign in, or send an API token as Authorization: Bearer")
                        : caller.error();
        if (error.code != core::ErrorCode::kUnauthenticated) return Refuse(request, error);
        return lapsed(request, anonymous, Refuse(request, error));
      };
}

Handler Authenticator::Anonymous(CallerHandler handler) const {
  return [this, handler = std::move(handler)](const Request& request) {
    service::Caller caller;
    caller.meta = Meta(request);
    return handler(request, caller);
  };
}

}  // namespace seatwise::http
