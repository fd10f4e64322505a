// Network (floating) seats as the desktop software takes them: checkout, heartbeat,
// release, borrow; and the usage events it uploads. The service decides who may.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <limits>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/leases.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kIdMax = 64;
constexpr std::size_t kProductMax = 64;
// 1000 events of a few hundred bytes each, with room to spare.
constexpr std::size_t kUsageBodyLimit = 4u << 20;

core::Error Invalid(std::string message, std::vector<core::FieldError> fields) {
  core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument, std::move(message));
  error.fields = std::move(fields);
  return error;
}

// A string member of a usage event: nullopt when absent or null; `problem` when not a string.
std::optional<std::string> EventString(const boost::json::object& event, std::string_view key,
                                       std::string& problem) {
  const auto* value = event.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    if (problem.empty()) problem = std::string(key) + " must be a string";
    return std::nullopt;
  }
  return std::string(value->as_string());
}

// An integer member of a usage event: nullopt when absent or null; `problem` when not one.
std::optional<std::int64_t> EventInt(const boost::json::object& event, std::string_view key,
                                     std::string& problem) {
  const auto* value = event.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() &&
      value->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  if (problem.empty()) problem = std::string(key) + " must be a whole number";
  return std::nullopt;
}

service::UsageEventInput ReadEvent(const boost::json::value& value) {
  service::UsageEventInput in;
  if (!value.is_object()) {
    in.problem = "an event must be a JSON object";
    return in;
  }
  const auto& event = value.as_object();
  std::string problem;
  in.id = EventString(event, "id", problem).value_or("");
  in.kind = EventString(event, "kind", problem).value_or("");
  in.product = EventString(event, "product", problem);
  in.service = EventString(event, "service", problem);
  in.subscription_id = EventString(event, "subscription_id", problem);
  if (auto at = EventString(event, "at", problem)) {
    in.at = ParseTime(*at);
    if (!in.at && problem.empty()) problem = "at must be an RFC 3339 date-time";
  }
  in.duration_seconds = EventInt(event, "duration_seconds", problem);
  in.credits = EventInt(event, "credits", problem);
  in.problem = std::move(problem);
  return in;
}

core::Result<service::UsageUpload> ParseUpload(const Request& request) {
  SW_ASSIGN_OR_RETURN(boost::json::value body, ParseJsonBody(request));
  if (!body.is_object()) return Invalid("the request body must be a JSON object", {});
  const auto& object = body.as_object();
  service::UsageUpload upload;
  std::vector<core::FieldError> errors;
  const auto* device = object.if_contains("device_id");
  if (!device || !device->is_string() || device->as_string().empty()) {
    errors.push_back({"device_id", "is required"});
  } else if (device->as_string().size() > kIdMax) {
    errors.push_back({"device_id", "must be at most 64 characters"});
  } else {
    upload.device_id = std::string(device->as_string());
  }
  const auto* events = object.if_contains("events");
  if (!events || !events->is_array()) {
    errors.push_back({"events", "must be an array of events"});
  } else if (events->as_array().size() > service::kMaxUsageEvents) {
    errors.push_back({"events", "must hold at most 1000 events; send the rest in another upload"});
  } else {
    for (const auto& event : events->as_array()) upload.events.push_back(ReadEvent(event));
  }
  if (!errors.empty()) return Invalid("the usage upload is invalid", std::move(errors));
  return upload;
}

boost::json::object GrantJson(const service::LeaseGrant& grant) {
  return boost::json::object{{"lease_id", grant.lease.id},
                             {"expires_at", FormatTime(grant.lease.expires_at)},
                             {"heartbeat_every_seconds", grant.heartbeat_every_seconds},
                             {"subscription_id", grant.lease.subscription_id},
                             {"borrowed_until", OptionalTime(grant.lease.borrowed_until)}};
}

}  // namespace

void RegisterLeaseRoutes(Router& router, const ApiServices& services) {
  service::LeaseService* leases = &services.leases;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kPost, "/api/v1/client/leases", "client_lease_checkout",
             auth->UserOrDevice([leases](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               service::CheckoutRequest checkout;
               checkout.product = body->RequiredString("product", kProductMax);
               checkout.device_id = body->RequiredString("device_id", kIdMax);
               checkout.user_name = body->RequiredString("user_name", 4 * 100);
               checkout.host = body->RequiredString("host", 4 * 255);
               checkout.subscription_id = body->OptionalString("subscription_id", kIdMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto grant = leases->Checkout(caller, checkout);
               if (!grant.ok()) return ErrorResponse(request, grant.error());
               return JsonResponse(GrantJson(*grant), 201);
             }));

  router.Add(Method::kPut, "/api/v1/client/leases/{lease}", "client_lease_heartbeat",
             auth->UserOrDevice([leases](const Request& request, const service::Caller& caller) {
               auto lease = leases->Heartbeat(caller, std::string(request.PathParam("lease")));
               if (!lease.ok()) return ErrorResponse(request, lease.error());
               return JsonResponse(
                   boost::json::object{{"expires_at", FormatTime(lease->expires_at)},
                                       {"borrowed_until", OptionalTime(lease->borrowed_until)}});
             }));

  router.Add(Method::kDelete, "/api/v1/client/leases/{lease}", "client_lease_release",
             auth->UserOrDevice([leases](const Request& request, const service::Caller& caller) {
               auto done = leases->Release(caller, std::string(request.PathParam("lease")));
               if (!done.ok()) return ErrorResponse(request, done.error());
               Response response;
               response.status = 204;
               return response;
             }));

  router.Add(
      Method::kPost, "/api/v1/client/leases/{lease}/borrow", "client_lease_borrow",
      auth->UserOrDevice([leases](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        auto days = body->OptionalInt("days", 1, 3650);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        if (!days) {
          return ErrorResponse(
              request, Invalid("the borrow request has invalid fields",
                               {{"days", "is required: how many days to borrow the seat for"}}));
        }
        auto borrowed = leases->Borrow(caller, std::string(request.PathParam("lease")), *days);
        if (!borrowed.ok()) return ErrorResponse(request, borrowed.error());
        const core::Lease& lease = borrowed->lease;
        return JsonResponse(
            boost::json::object{{"lease_id", lease.id},
                                {"expires_at", FormatTime(lease.expires_at)},
                                {"borrowed_until", OptionalTime(lease.borrowed_until)},
                                {"warn_from", FormatTime(borrowed->warn_from)},
                                {"token", borrowed->token}});
      }));

  router.Add(Method::kPost, "/api/v1/client/usage", "client_usage_upload",
             auth->UserOrDevice([leases](const Request& request, const service::Caller& caller) {
               auto upload = ParseUpload(request);
               if (!upload.ok()) return ErrorResponse(request, upload.error());
               auto receipt = leases->RecordUsage(caller, *upload);
               if (!receipt.ok()) return ErrorResponse(request, receipt.error());
               boost::json::array rejected;
               for (const auto& r : receipt->rejected) {
                 rejected.push_back(
                     boost::json::object{{"index", r.index}, {"id", r.id}, {"message", r.message}});
               }
               boost::json::array unpaired;
               for (const auto& id : receipt->stops_without_start) unpaired.emplace_back(id);
               boost::json::array clamped;
               for (const auto& id : receipt->clamped) clamped.emplace_back(id);
               return JsonResponse(boost::json::object{{"accepted", receipt->accepted},
                                                       {"duplicates", receipt->duplicates},
                                                       {"rejected", std::move(rejected)},
                                                       {"stops_without_start", std::move(unpaired)},
                                                       {"clamped", std::move(clamped)}});
             }),
             RouteOptions{.body_limit = kUsageBodyLimit});
}

}  // namespace seatwise::http
