// Webhook endpoints of a team: register, list, read, change, delete, rotate the signing
// secret, send a test ping, and list the deliveries with their last status. The service
// decides who may (the team's Primary and Secondary Admins).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/webhooks.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kUrlBytes = 4096;  // the service allows 2,048 characters

// Registering or changing a URL looks its host name up (a DNS answer may take seconds), so
// those handlers run on the slow pool, never on an io thread.
const RouteOptions kLooksUpNames{.offload = true};

boost::json::object EndpointJson(const core::WebhookEndpoint& e) {
  boost::json::array events;
  for (const auto& event : e.events) events.push_back(boost::json::value(event));
  return boost::json::object{
      {"id", e.id},
      {"team_id", e.team_id},
      {"url", e.url},
      {"events", std::move(events)},
      {"enabled", e.active},
      {"created_by", e.created_by ? boost::json::value(*e.created_by) : nullptr},
      {"created_at", FormatTime(e.created_at)},
      {"updated_at", FormatTime(e.updated_at)}};
}

boost::json::object WithSecret(const service::WebhookWithSecret& created) {
  boost::json::object out = EndpointJson(created.endpoint);
  out["secret"] = created.secret;
  return out;
}

boost::json::object DeliveryJson(const core::WebhookDelivery& d) {
  const bool pending = d.status == core::DeliveryStatus::kPending;
  return boost::json::object{
      {"id", d.id},
      {"event_id", d.event_key},
      {"event", d.event_type},
      {"status", core::EnumName(d.status)},
      {"attempts", d.attempts},
      {"next_attempt_at", pending ? boost::json::value(FormatTime(d.next_attempt_at)) : nullptr},
      {"last_status_code", d.last_status_code ? boost::json::value(*d.last_status_code) : nullptr},
      {"last_error", d.last_error},
      {"created_at", FormatTime(d.created_at)},
      {"delivered_at", OptionalTime(d.delivered_at)}};
}

// url, events (an array of strings) and enabled, each optional here; the service says which
// are required.
core::Result<service::WebhookEndpointInput> ParseInput(const Request& request) {
  SW_ASSIGN_OR_RETURN(BodyFields body, BodyFields::FromJson(request));
  service::WebhookEndpointInput input;
  input.url = body.OptionalString("url", kUrlBytes);
  input.enabled = body.OptionalBool("enabled");
  std::vector<core::FieldError> errors;
  SW_ASSIGN_OR_RETURN(const boost::json::object json, JsonObjectBody(request));
  if (const auto* events = json.if_contains("events")) {
    if (!events->is_array()) {
      errors.push_back({"events", "must be an array of event names"});
    } else {
      std::vector<std::string> names;
      for (const auto& item : events->as_array()) {
        if (!item.is_string() || item.as_string().size() > 64) {
          errors.push_back({"events", "must be an array of event names"});
          break;
        }
        names.emplace_back(item.as_string());
      }
      input.events = std::move(names);
    }
  }
  if (auto finished = body.Finish(); !finished.ok()) {
    core::Error error = finished.error();
    error.fields.insert(error.fields.end(), errors.begin(), errors.end());
    return error;
  }
  if (!errors.empty()) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidArgument, "the webhook endpoint is invalid");
    error.fields = std::move(errors);
    return error;
  }
  return input;
}

}  // namespace

void RegisterWebhookRoutes(Router& router, const ApiServices& services) {
  service::WebhookService* webhooks = &services.webhooks;
  const Authenticator* auth = &services.auth;
  const std::string base = "/api/v1/teams/{team}/webhooks";

  router.Add(Method::kGet, base, "team_webhook_list",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto endpoints =
                   webhooks->ListEndpoints(caller, std::string(request.PathParam("team")));
               if (!endpoints.ok()) return ErrorResponse(request, endpoints.error());
               boost::json::array items;
               for (const auto& e : *endpoints) items.push_back(EndpointJson(e));
               return JsonResponse(boost::json::object{{"items", std::move(items)}});
             }));

  router.Add(Method::kPost, base, "team_webhook_create",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto input = ParseInput(request);
               if (!input.ok()) return ErrorResponse(request, input.error());
               auto created =
                   webhooks->CreateEndpoint(caller, std::string(request.PathParam("team")), *input);
               if (!created.ok()) return ErrorResponse(request, created.error());
               return JsonResponse(WithSecret(*created), 201);
             }),
             kLooksUpNames);

  router.Add(Method::kGet, base + "/{webhook}", "team_webhook_get",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto endpoint = webhooks->GetEndpoint(caller, std::string(request.PathParam("team")),
                                                     std::string(request.PathParam("webhook")));
               if (!endpoint.ok()) return ErrorResponse(request, endpoint.error());
               return JsonResponse(EndpointJson(*endpoint));
             }));

  router.Add(Method::kPatch, base + "/{webhook}", "team_webhook_update",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto input = ParseInput(request);
               if (!input.ok()) return ErrorResponse(request, input.error());
               auto endpoint =
                   webhooks->UpdateEndpoint(caller, std::string(request.PathParam("team")),
                                            std::string(request.PathParam("webhook")), *input);
               if (!endpoint.ok()) return ErrorResponse(request, endpoint.error());
               return JsonResponse(EndpointJson(*endpoint));
             }),
             kLooksUpNames);

  router.Add(Method::kDelete, base + "/{webhook}", "team_webhook_delete",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto deleted =
                   webhooks->DeleteEndpoint(caller, std::string(request.PathParam("team")),
                                            std::string(request.PathParam("webhook")));
               if (!deleted.ok()) return ErrorResponse(request, deleted.error());
               Response response;
               response.status = 204;
               return response;
             }));

  router.Add(Method::kPost, base + "/{webhook}/rotate-secret", "team_webhook_rotate_secret",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto rotated = webhooks->RotateSecret(caller, std::string(request.PathParam("team")),
                                                     std::string(request.PathParam("webhook")));
               if (!rotated.ok()) return ErrorResponse(request, rotated.error());
               return JsonResponse(WithSecret(*rotated));
             }));

  router.Add(Method::kPost, base + "/{webhook}/ping", "team_webhook_ping",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               auto delivery = webhooks->Ping(caller, std::string(request.PathParam("team")),
                                              std::string(request.PathParam("webhook")));
               if (!delivery.ok()) return ErrorResponse(request, delivery.error());
               return JsonResponse(DeliveryJson(*delivery), 202);
             }));

  router.Add(Method::kGet, base + "/{webhook}/deliveries", "team_webhook_deliveries",
             auth->Authenticated([webhooks](const Request& request, const service::Caller& caller) {
               std::vector<core::FieldError> errors;
               store::PageRequest page{"", 50};
               ReadPage(request, page.after, page.limit, errors);
               if (!errors.empty()) {
                 core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                                     "the page parameters are invalid");
                 error.fields = std::move(errors);
                 return ErrorResponse(request, error);
               }
               auto deliveries =
                   webhooks->ListDeliveries(caller, std::string(request.PathParam("team")),
                                            std::string(request.PathParam("webhook")), page);
               if (!deliveries.ok()) return ErrorResponse(request, deliveries.error());
               boost::json::array items;
               for (const auto& d : deliveries->items) items.push_back(DeliveryJson(d));
               return JsonResponse(PageJson(std::move(items), deliveries->next_after));
             }));
}

}  // namespace seatwise::http
