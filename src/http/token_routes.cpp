// Personal API tokens of the signed-in person: list, create (shown once), revoke.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/tokens.hpp"

namespace seatwise::http {
namespace {

boost::json::object SummaryJson(const service::ApiTokenSummary& token) {
  return boost::json::object{
      {"id", token.id},
      {"name", token.name},
      {"display_prefix", token.display_prefix},
      {"created_at", FormatTime(token.created_at)},
      {"expires_at", OptionalTime(token.expires_at)},
      {"last_used_at", OptionalTime(token.last_used_at)},
      {"expired", token.expired},
  };
}

}  // namespace

void RegisterTokenRoutes(Router& router, const ApiServices& services) {
  service::TokenService* tokens = &services.tokens;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/me/tokens", "me_tokens_list",
             auth->Authenticated([tokens](const Request& request, const service::Caller& caller) {
               auto list = tokens->ListApiTokens(caller);
               if (!list.ok()) return ErrorResponse(request, list.error());
               boost::json::array items;
               for (const auto& token : *list) items.push_back(SummaryJson(token));
               return JsonResponse(boost::json::object{{"items", std::move(items)}});
             }));

  router.Add(Method::kPost, "/api/v1/me/tokens", "me_tokens_create",
             auth->Authenticated([tokens](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string name = body->RequiredString("name", 100);
               int days = body->OptionalInt("expires_in_days", 1, 3650).value_or(90);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto created = tokens->CreateApiToken(caller, name, days);
               if (!created.ok()) return ErrorResponse(request, created.error());
               boost::json::object out = SummaryJson(created->info);
               out["token"] = created->token;
               Response response = JsonResponse(out, 201);
               response.SetHeader("Cache-Control", "no-store");
               response.SetHeader("Location", "/api/v1/me/tokens/" + created->info.id);
               return response;
             }),
             RouteOptions{.body_limit = 16 * 1024, .offload = true});

  router.Add(Method::kDelete, "/api/v1/me/tokens/{id}", "me_tokens_revoke",
             auth->Authenticated([tokens](const Request& request, const service::Caller& caller) {
               auto done = tokens->RevokeApiToken(caller, std::string(request.PathParam("id")));
               if (!done.ok()) return ErrorResponse(request, done.error());
               Response response;
               response.status = 204;
               return response;
             }));
}

}  // namespace seatwise::http
