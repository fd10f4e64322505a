// The signed-in person: profile, data export and erasure, TOTP, and admin MFA reset and
// erasure of a team member.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/gdpr.hpp"
#include "service/identity.hpp"

namespace seatwise::http {
namespace {

Response NoContent() {
  Response response;
  response.status = 204;
  return response;
}

boost::json::array Codes(const std::vector<std::string>& codes) {
  boost::json::array out;
  for (const auto& code : codes) out.emplace_back(code);
  return out;
}

Response RecoveryCodes(const std::vector<std::string>& codes) {
  Response response = JsonResponse(boost::json::object{{"recovery_codes", Codes(codes)}});
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

std::string_view ContractRoleName(service::ContractRole role) {
  return role == service::ContractRole::kContractManager ? "contract_manager"
                                                         : "software_coordinator";
}

// The one-string code field of the TOTP endpoints.
core::Result<std::string> CodeFrom(const Request& request, std::string_view field) {
  SW_ASSIGN_OR_RETURN(BodyFields body, BodyFields::FromJson(request));
  std::string code = body.RequiredString(field, 64);
  SW_RETURN_IF_ERROR(body.Finish());
  return code;
}

}  // namespace

void RegisterMeRoutes(Router& router, const ApiServices& services) {
  service::IdentityService* identity = &services.identity;
  service::GdprService* gdpr = &services.gdpr;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/me", "me_get",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto me = identity->Me(caller);
               if (!me.ok()) return ErrorResponse(request, me.error());
               boost::json::array memberships;
               for (const auto& m : me->memberships) {
                 memberships.push_back(boost::json::object{
                     {"team_id", m.team_id},
                     {"team_name", m.team_name},
                     {"account_id", m.account_id},
                     {"role", core::EnumName(m.role)},
                     {"status", core::EnumName(m.status)},
                 });
               }
               boost::json::array contracts;
               for (const auto& c : me->contracts) {
                 contracts.push_back(boost::json::object{
                     {"contract_id", c.contract_id},
                     {"number", c.number},
                     {"team_id", c.team_id},
                     {"role", ContractRoleName(c.role)},
                 });
               }
               return JsonResponse(boost::json::object{
                   {"user", UserJson(me->user)},
                   {"memberships", std::move(memberships)},
                   {"contracts", std::move(contracts)},
               });
             }));

  router.Add(Method::kPatch, "/api/v1/me", "me_update",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               auto first_name = body->OptionalString("first_name", 400);
               auto last_name = body->OptionalString("last_name", 400);
               if (auto done = body->Finish(); !done.ok())
                 return ErrorResponse(request, done.error());
               auto user =
                   identity->UpdateMyName(caller, std::move(first_name), std::move(last_name));
               if (!user.ok()) return ErrorResponse(request, user.error());
               return JsonResponse(boost::json::object{{"user", UserJson(*user)}});
             }));

  router.Add(Method::kGet, "/api/v1/me/export", "me_export",
             auth->Authenticated([gdpr](const Request& request, const service::Caller& caller) {
               auto document = gdpr->ExportMyData(caller);
               if (!document.ok()) return ErrorResponse(request, document.error());
               Response response = TextResponse(std::move(*document), "application/json");
               response.SetHeader("Content-Disposition",
                                  "attachment; filename=\"seatwise-export.json\"");
               response.SetHeader("Cache-Control", "no-store");
               return response;
             }),
             // Everything stored about a person: off the I/O threads.
             RouteOptions{.offload = true});

  router.Add(
      Method::kDelete, "/api/v1/me", "me_erase",
      auth->Authenticated([gdpr, auth](const Request& request, const service::Caller& caller) {
        auto erased = gdpr->EraseUser(caller, std::nullopt, caller.principal.user_id);
        if (!erased.ok()) return ErrorResponse(request, erased.error());
        Response response = NoContent();
        AddCookies(response, ClearedSessionCookies(auth->options().secure_cookies));
        return response;
      }));

  // The team in the path names where the admin acts: the person must have accepted a
  // membership of it, and every relation they have must lie in its customer account.
  router.Add(Method::kDelete, "/api/v1/teams/{team}/users/{user}/personal-data", "team_user_erase",
             auth->Authenticated([gdpr](const Request& request, const service::Caller& caller) {
               auto erased = gdpr->EraseUser(caller, std::string(request.PathParam("team")),
                                             std::string(request.PathParam("user")));
               if (!erased.ok()) return ErrorResponse(request, erased.error());
               return NoContent();
             }));

  // Pending invitations are listed by GET /me (memberships with status "invited").
  router.Add(Method::kPost, "/api/v1/me/invitations/{team}/accept", "me_invitation_accept",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto done = identity->AnswerMyInvitation(
                   caller, std::string(request.PathParam("team")), true);
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }));

  router.Add(Method::kPost, "/api/v1/me/invitations/{team}/decline", "me_invitation_decline",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto done = identity->AnswerMyInvitation(
                   caller, std::string(request.PathParam("team")), false);
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }));

  router.Add(Method::kPost, "/api/v1/invitations/{token}/decline", "invitation_decline",
             auth->Anonymous([identity](const Request& request, const service::Caller& caller) {
               auto done = identity->DeclineInvitation(caller, request.PathParam("token"));
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }));

  // Acts on a person's account through a team: AuthorizeIdentityAct decides.
  router.Add(Method::kPost, "/api/v1/teams/{team}/users/{user}/sign-out", "team_user_sign_out",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto count = identity->ActOnIdentity(caller, std::string(request.PathParam("team")),
                                                    std::string(request.PathParam("user")),
                                                    service::IdentityAct::kSignOutEverywhere);
               if (!count.ok()) return ErrorResponse(request, count.error());
               return JsonResponse(boost::json::object{{"sessions_ended", *count}});
             }));

  router.Add(Method::kDelete, "/api/v1/teams/{team}/users/{user}/api-tokens",
             "team_user_api_tokens_revoke",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto count = identity->ActOnIdentity(caller, std::string(request.PathParam("team")),
                                                    std::string(request.PathParam("user")),
                                                    service::IdentityAct::kRevokeApiTokens);
               if (!count.ok()) return ErrorResponse(request, count.error());
               return JsonResponse(boost::json::object{{"tokens_revoked", *count}});
             }));

  router.Add(Method::kPost, "/api/v1/me/mfa/totp", "me_totp_begin",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto enrollment = identity->BeginTotpEnrollment(caller);
               if (!enrollment.ok()) return ErrorResponse(request, enrollment.error());
               Response response =
                   JsonResponse(boost::json::object{{"secret", enrollment->secret_base32},
                                                    {"otpauth_uri", enrollment->otpauth_uri}},
                                201);
               response.SetHeader("Cache-Control", "no-store");
               return response;
             }));

  router.Add(Method::kPost, "/api/v1/me/mfa/totp/confirm", "me_totp_confirm",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto code = CodeFrom(request, "code");
               if (!code.ok()) return ErrorResponse(request, code.error());
               auto codes = identity->ConfirmTotpEnrollment(caller, *code);
               if (!codes.ok()) return ErrorResponse(request, codes.error());
               return RecoveryCodes(*codes);
             }));

  router.Add(Method::kDelete, "/api/v1/me/mfa/totp", "me_totp_disable",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto password = CodeFrom(request, "password");
               if (!password.ok()) return ErrorResponse(request, password.error());
               auto done = identity->DisableTotp(caller, *password);
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }),
             RouteOptions{.offload = true});

  router.Add(Method::kPost, "/api/v1/me/mfa/recovery-codes", "me_recovery_codes",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto code = CodeFrom(request, "code");
               if (!code.ok()) return ErrorResponse(request, code.error());
               auto codes = identity->RegenerateRecoveryCodes(caller, *code);
               if (!codes.ok()) return ErrorResponse(request, codes.error());
               return RecoveryCodes(*codes);
             }));

  router.Add(Method::kDelete, "/api/v1/teams/{team}/users/{user}/mfa", "team_user_mfa_reset",
             auth->Authenticated([identity](const Request& request, const service::Caller& caller) {
               auto done = identity->AdminResetMfa(caller, std::string(request.PathParam("team")),
                                                   std::string(request.PathParam("user")));
               if (!done.ok()) return ErrorResponse(request, done.error());
               return NoContent();
             }));
}

}  // namespace seatwise::http
