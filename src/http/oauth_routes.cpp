// OAuth 2.0 for desktop clients: the device authorization grant (RFC 8628) with refresh
// tokens (RFC 6749), and the page where a signed-in person approves a device.

#include <boost/json/object.hpp>

#include "core/html.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/tokens.hpp"

namespace seatwise::http {
namespace {

constexpr std::string_view kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

// RFC 6749 §5.2 error body; token endpoint answers are never cached.
Response OAuthErrorResponse(std::string_view error, std::string_view description, int status) {
  Response response = JsonResponse(
      boost::json::object{{"error", error}, {"error_description", description}}, status);
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Pragma", "no-cache");
  return response;
}

// A service failure in the OAuth error shape.
Response OAuthFailure(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kUnsupportedMediaType:
      return OAuthErrorResponse("invalid_request", error.message, 400);
    case core::ErrorCode::kRateLimited:
      return OAuthErrorResponse("slow_down", error.message, 400);
    case core::ErrorCode::kUnavailable:
      return OAuthErrorResponse("temporarily_unavailable", "try again shortly", 503);
    default:
      return OAuthErrorResponse("server_error", "the server could not answer", 500);
  }
}

Response TokenJson(const service::TokenResponse& token) {
  boost::json::object body{{"access_token", token.access_token},
                           {"token_type", token.token_type},
                           {"expires_in", token.expires_in},
                           {"refresh_token", token.refresh_token}};
  if (!token.scope.empty()) body["scope"] = token.scope;
  Response response = JsonResponse(body);
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Pragma", "no-cache");
  return response;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Response HtmlPage(std::string_view title, const std::string& content) {
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      core::EscapeHtml(title) + "</title></head><body><main><h1>" + core::EscapeHtml(title) +
      "</h1>\n" + content + "</main></body></html>\n";
  Response response = TextResponse(std::move(html), "text/html; charset=utf-8");
  response.SetHeader("Content-Security-Policy",
                     "default-src 'none'; form-action 'self'; frame-ancestors 'none'; "
                     "base-uri 'none'");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

// Approve and deny forms for `user_code`, carrying the CSRF token as a field.
std::string DecisionForms(const std::string& user_code, const std::string& csrf) {
  std::string hidden = "<input type=\"hidden\" name=\"user_code\" value=\"" +
                       core::EscapeHtml(user_code) +
                       "\"><input type=\"hidden\" name=\"csrf_token\" " + "value=\"" +
                       core::EscapeHtml(csrf) + "\">";
  return "<form method=\"post\" action=\"/api/v1/oauth/device/approve\">" + hidden +
         "<button type=\"submit\">Approve</button></form>\n"
         "<form method=\"post\" action=\"/api/v1/oauth/device/deny\">" +
         hidden + "<button type=\"submit\">Deny</button></form>\n";
}

// The device page: a signed-in person enters or confirms the code shown by the desktop
// application; anyone else is sent to sign in first.
Response DevicePage(const Request& request, const ApiServices& services) {
  const std::string code_param = request.Query("user_code").value_or("");
  const std::string status = request.Query("status").value_or("");
  auto caller = services.auth.Resolve(request);
  const bool signed_in = caller.ok() && caller->principal.authenticated() &&
                         caller->principal.method == service::AuthMethod::kSession;
  if (!signed_in) {
    std::string next = "/device";
    if (!code_param.empty()) next += "?user_code=" + UrlEncode(code_param);
    std::string link = services.public_url + "/sign-in?next=" + UrlEncode(next);
    return HtmlPage("Connect a device",
                    "<p>Sign in to approve the application that showed you a code.</p>"
                    "<p><a href=\"" +
                        core::EscapeHtml(link) + "\">Sign in</a></p>\n");
  }
  if (status == "approved") {
    return HtmlPage("Device approved",
                    "<p>The application is now signed in. You can close this page.</p>\n");
  }
  if (status == "denied") {
    return HtmlPage("Device denied", "<p>The application was not given access.</p>\n");
  }
  std::string csrf;
  if (auto cookies = request.Header("Cookie")) {
    csrf = CookieValue(*cookies, kCsrfCookie).value_or("");
  }
  if (!code_param.empty()) {
    auto pending = services.tokens.DescribeDevice(*caller, code_param);
    if (pending.ok()) {
      std::string content =
          "<p>An application asks to use Seatwise as you.</p><dl>"
          "<dt>Code</dt><dd>" +
          core::EscapeHtml(pending->user_code) + "</dd><dt>Application</dt><dd>" +
          core::EscapeHtml(pending->client_id) + "</dd>";
      if (!pending->scope.empty()) {
        content += "<dt>Access</dt><dd>" + core::EscapeHtml(pending->scope) + "</dd>";
      }
      content += "</dl>\n<p>Approve only if the code matches the one on your screen.</p>\n";
      return HtmlPage("Connect a device", content + DecisionForms(pending->user_code, csrf));
    }
    std::string problem = "<p>" + core::EscapeHtml(pending.error().message) + "</p>\n";
    Response response = HtmlPage("Connect a device", problem);
    response.status = ProblemFor(pending.error().code).status;
    if (pending.error().retry_after_seconds > 0) {
      response.SetHeader("Retry-After", std::to_string(pending.error().retry_after_seconds));
    }
    return response;
  }
  return HtmlPage("Connect a device",
                  "<form method=\"get\" action=\"/device\"><label>Code shown by the application "
                  "<input name=\"user_code\" autocomplete=\"off\" required maxlength=\"16\">"
                  "</label> <button type=\"submit\">Continue</button></form>\n");
}

// Approve or deny: JSON from the portal, or a form post from the device page (answered
// with a redirect back to it).
Handler Decision(const ApiServices& services, bool approve) {
  service::TokenService* tokens = &services.tokens;
  return services.auth.Authenticated([tokens, approve](const Request& request,
                                                       const service::Caller& caller) {
    auto body = BodyFields::FromJsonOrForm(request);
    if (!body.ok()) return ErrorResponse(request, body.error());
    std::string code = body->RequiredString("user_code", 32);
    if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
    auto done = approve ? tokens->ApproveDevice(caller, code) : tokens->DenyDevice(caller, code);
    if (!done.ok()) return ErrorResponse(request, done.error());
    Response response;
    if (IsFormRequest(request)) {
      response.status = 303;
      response.SetHeader("Location", approve ? "/device?status=approved" : "/device?status=denied");
    } else {
      response.status = 204;
    }
    return response;
  });
}

}  // namespace

void RegisterOAuthRoutes(Router& router, const ApiServices& services) {
  service::TokenService* tokens = &services.tokens;
  const Authenticator* auth = &services.auth;
  const ApiServices* api = &services;  // outlives the router, as the services do

  router.Add(Method::kPost, "/api/v1/oauth/device_authorization", "oauth_device_authorization",
             auth->Anonymous([tokens](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJsonOrForm(request);
               if (!body.ok()) return OAuthFailure(body.error());
               std::string client_id = body->RequiredString("client_id", 100);
               std::string scope = body->OptionalString("scope", 256).value_or("");
               if (auto ok = body->Finish(); !ok.ok()) return OAuthFailure(ok.error());
               auto started = tokens->StartDeviceAuthorization(caller, client_id, scope);
               if (!started.ok()) {
                 // Too many started from this address: 429 with Retry-After, as specified.
                 if (started.error().code == core::ErrorCode::kRateLimited) {
                   return ErrorResponse(request, started.error());
                 }
                 return OAuthFailure(started.error());
               }
               Response response = JsonResponse(boost::json::object{
                   {"device_code", started->device_code},
                   {"user_code", started->user_code},
                   {"verification_uri", started->verification_uri},
                   {"verification_uri_complete", started->verification_uri_complete},
                   {"expires_in", started->expires_in},
                   {"interval", started->interval},
               });
               response.SetHeader("Cache-Control", "no-store");
               return response;
             }),
             RouteOptions{.body_limit = 8 * 1024});

  router.Add(
      Method::kPost, "/api/v1/oauth/token", "oauth_token",
      auth->Anonymous([tokens](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJsonOrForm(request);
        if (!body.ok()) return OAuthFailure(body.error());
        std::string grant_type = body->RequiredString("grant_type", 100);
        std::string client_id = body->RequiredString("client_id", 100);
        std::optional<std::string> device_code = body->OptionalString("device_code", 256);
        std::optional<std::string> refresh_token = body->OptionalString("refresh_token", 256);
        if (auto ok = body->Finish(); !ok.ok()) return OAuthFailure(ok.error());
        core::Result<service::TokenOutcome> outcome =
            core::MakeError(core::ErrorCode::kInternal, "no grant");
        if (grant_type == kDeviceCodeGrant) {
          if (!device_code)
            return OAuthErrorResponse("invalid_request", "device_code is required", 400);
          outcome = tokens->PollDeviceToken(*device_code, client_id, caller.meta);
        } else if (grant_type == "refresh_token") {
          if (!refresh_token) {
            return OAuthErrorResponse("invalid_request", "refresh_token is required", 400);
          }
          outcome = tokens->RefreshAccessToken(*refresh_token, client_id, caller.meta);
        } else {
          return OAuthErrorResponse(
              "unsupported_grant_type",
              "grant_type must be " + std::string(kDeviceCodeGrant) + " or refresh_token", 400);
        }
        if (!outcome.ok()) return OAuthFailure(outcome.error());
        if (const auto* error = std::get_if<service::OAuthError>(&*outcome)) {
          return OAuthErrorResponse(error->error, error->description, error->http_status);
        }
        return TokenJson(std::get<service::TokenResponse>(*outcome));
      }),
      RouteOptions{.body_limit = 8 * 1024, .offload = true});

  router.Add(Method::kGet, "/device", "device_page",
             [api](const Request& request) { return DevicePage(request, *api); });

  router.Add(Method::kPost, "/api/v1/oauth/device/approve", "oauth_device_approve",
             Decision(services, true), RouteOptions{.body_limit = 8 * 1024});
  router.Add(Method::kPost, "/api/v1/oauth/device/deny", "oauth_device_deny",
             Decision(services, false), RouteOptions{.body_limit = 8 * 1024});
}

}  // namespace seatwise::http
