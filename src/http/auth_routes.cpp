// Sign-in, sign-out, password change and reset, invitation acceptance.

#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/identity.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kPasswordMax = 1024;
constexpr std::size_t kEmailMax = 320;

// The body of a successful sign-in; the session itself travels only in the cookie.
Response SignedIn(const service::SignInResult& result, bool secure_cookies) {
  Response response = JsonResponse(boost::json::object{
      {"user", UserJson(result.user)},
      {"csrf_token", result.csrf_token},
      {"expires_at", FormatTime(result.expires_at)},
      {"mfa_required", result.mfa_required},
  });
  response.SetHeader("Cache-Control", "no-store");
  AddCookies(response, SessionCookies(result.session_token, result.csrf_token, secure_cookies));
  return response;
}

Response NoContent() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

void RegisterAuthRoutes(Router& router, const ApiServices& services) {
  service::IdentityService* identity = &services.identity;
  const Authenticator* auth = &services.auth;
  const RouteOptions slow{.body_limit = 16 * 1024, .offload = true};

  router.Add(
      Method::kPost, "/api/v1/auth/sign-in", "auth_sign_in",
      auth->Anonymous([identity, auth](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::SignInRequest sign_in;
        sign_in.email = body->RequiredString("email", kEmailMax);
        sign_in.password = body->RequiredString("password", kPasswordMax);
        sign_in.totp_code = body->OptionalString("totp_code", 16);
        sign_in.recovery_code = body->OptionalString("recovery_code", 64);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto result = identity->SignIn(caller, sign_in);
        if (!result.ok()) return auth->Refuse(request, result.error());
        return SignedIn(*result, auth->options().secure_cookies);
      }),
      slow);

  // Signing out always clears the cookies; a live session must prove it is the portal
  // (CSRF) so that another site cannot sign people out.
  router.Add(Method::kPost, "/api/v1/auth/sign-out", "auth_sign_out",
             [identity, auth](const Request& request) {
               auto caller = auth->Resolve(request);
               if (!caller.ok() && caller.error().code != core::ErrorCode::kUnauthenticated) {
                 return auth->Refuse(request, caller.error());
               }
               if (caller.ok() && caller->principal.authenticated()) {
                 if (auto done = identity->SignOut(*caller); !done.ok()) {
                   return ErrorResponse(request, done.error());
                 }
               }
               Response response = NoContent();
               AddCookies(response, ClearedSessionCookies(auth->options().secure_cookies));
               return response;
             });

  router.Add(Method::kPost, "/api/v1/auth/password", "auth_password_change",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string current = body->RequiredString("current_password", kPasswordMax);
               std::string replacement = body->RequiredString("new_password", kPasswordMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto done = identity->ChangePassword(caller, current, replacement);
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }),
             slow);

  router.Add(Method::kPost, "/api/v1/auth/password-reset", "auth_password_reset_request",
             auth->Anonymous([identity](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string email = body->RequiredString("email", kEmailMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto done = identity->RequestPasswordReset(caller, email);
               if (!done.ok()) return ErrorResponse(request, done.error());
               // The same answer whether or not the address is known.
               return JsonResponse(boost::json::object{{"status", "accepted"}}, 202);
             }),
             slow);

  router.Add(Method::kPost, "/api/v1/auth/password-reset/{token}", "auth_password_reset_complete",
             auth->Anonymous([identity](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string password = body->RequiredString("password", kPasswordMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto done = identity->ResetPassword(caller, request.PathParam("token"), password);
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }),
             slow);

  router.Add(
      Method::kPost, "/api/v1/invitations/{token}/accept", "invitation_accept",
      auth->Anonymous([identity, auth](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::AcceptRequest accept;
        accept.password = body->RequiredString("password", kPasswordMax);
        accept.first_name = body->OptionalString("first_name", 100);
        accept.last_name = body->OptionalString("last_name", 100);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto result = identity->AcceptInvitation(caller, request.PathParam("token"), accept);
        if (!result.ok()) return ErrorResponse(request, result.error());
        Response response = SignedIn(*result, auth->options().secure_cookies);
        response.status = 201;
        return response;
      }),
      slow);
}

}  // namespace seatwise::http
