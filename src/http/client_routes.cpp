// What the desktop software calls with a signed-in user: register its device, activate a
// product (a signed entitlement token), refresh the token, deactivate; and the public keys
// that verify those tokens.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/auth.hpp"
#include "service/entitlements.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kFieldMax = 200;
constexpr std::size_t kTokenMax = 8192;

boost::json::object DeviceJson(const service::RegisteredDevice& registered) {
  const core::Device& d = registered.device;
  return boost::json::object{{"device_id", d.id},
                             {"team_id", d.team_id},
                             {"fingerprint", d.fingerprint_hash},
                             {"asset_name", d.asset_name},
                             {"os", d.os},
                             {"app_version", d.app_version},
                             {"registered_at", FormatTime(d.registered_at)},
                             {"last_check_in_at", OptionalTime(d.last_check_in_at)},
                             {"created", registered.created}};
}

boost::json::object EntitlementJson(const service::Entitlement& e) {
  boost::json::array revoked;
  for (const auto& device : e.revoked_elsewhere) revoked.push_back(boost::json::value(device));
  return boost::json::object{{"token", e.token},
                             {"activation_id", e.activation.id},
                             {"product_id", e.activation.product_id},
                             {"product_code", e.product_code},
                             {"subscription_id", e.activation.subscription_id},
                             {"device_id", e.activation.device_id},
                             {"reauth_at", FormatTime(e.activation.expires_at)},
                             {"warn_from", FormatTime(e.warn_from)},
                             {"grace_until", FormatTime(e.activation.offline_grace_until)},
                             {"revoked_elsewhere", std::move(revoked)}};
}

boost::json::object ActivationJson(const core::Activation& a) {
  return boost::json::object{
      {"activation_id", a.id},
      {"product_id", a.product_id},
      {"subscription_id", a.subscription_id},
      {"device_id", a.device_id},
      {"status", core::EnumName(a.status)},
      {"revoked_reason", a.revoked_reason ? boost::json::value(core::EnumName(*a.revoked_reason))
                                          : boost::json::value(nullptr)},
      {"revoked_at", OptionalTime(a.revoked_at)}};
}

// The computer behind "Authorization: Bearer swm_…"; device credentials are checked here,
// not by the Authenticator, which knows only user credentials.
core::Result<core::Device> DeviceOf(service::EntitlementService& entitlements,
                                    const Request& request) {
  auto header = request.Header("Authorization");
  std::optional<std::string> token;
  if (header) token = BearerCredential(*header);
  if (!token) {
    return core::MakeError(core::ErrorCode::kUnauthenticated,
                           "send the device credential as \"Authorization: Bearer swm_…\"");
  }
  return entitlements.AuthenticateDevice(*token);
}

boost::json::object SerialEntitlementJson(const service::SerialEntitlement& s) {
  const service::Entitlement& e = s.entitlement;
  boost::json::object out{{"token", e.token},
                          {"activation_id", e.activation.id},
                          {"product_id", e.activation.product_id},
                          {"product_code", e.product_code},
                          {"subscription_id", e.activation.subscription_id},
                          {"device_id", e.activation.device_id},
                          {"reauth_at", FormatTime(e.activation.expires_at)},
                          {"warn_from", FormatTime(e.warn_from)},
                          {"grace_until", FormatTime(e.activation.offline_grace_until)}};
  if (!s.device_credential.empty()) out["device_credential"] = s.device_credential;
  return out;
}

// The token (or activation id) a sign-in refresh names.
core::Result<service::RefreshRequest> RefreshRequestOf(const Request& request) {
  auto body = BodyFields::FromJson(request);
  if (!body.ok()) return body.error();
  service::RefreshRequest refresh;
  refresh.token = body->OptionalString("token", kTokenMax).value_or("");
  refresh.activation_id = body->OptionalString("activation_id", kFieldMax).value_or("");
  SW_RETURN_IF_ERROR(body->Finish());
  return refresh;
}

}  // namespace

void RegisterClientRoutes(Router& router, const ApiServices& services) {
  service::EntitlementService* entitlements = &services.entitlements;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/.well-known/jwks.json", "jwks",
             auth->Anonymous([entitlements](const Request& request, const service::Caller&) {
               auto jwks = entitlements->JwksJson();
               if (!jwks.ok()) return ErrorResponse(request, jwks.error());
               Response response = TextResponse(std::move(*jwks), "application/json");
               response.SetHeader("Cache-Control", "public, max-age=300");
               return response;
             }));

  router.Add(
      Method::kPost, "/api/v1/client/devices", "client_device_register",
      auth->Authenticated([entitlements](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::DeviceRegistration registration;
        registration.team_id = body->OptionalString("team_id", kFieldMax);
        registration.fingerprint = body->RequiredString("fingerprint", kFieldMax);
        registration.asset_name = body->RequiredString("asset_name", kFieldMax);
        registration.os = body->OptionalString("os", kFieldMax).value_or("");
        registration.app_version = body->OptionalString("app_version", kFieldMax).value_or("");
        registration.issue_credential = body->OptionalBool("issue_credential").value_or(false);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto device = entitlements->RegisterDevice(caller, registration);
        if (!device.ok()) return ErrorResponse(request, device.error());
        boost::json::object out = DeviceJson(*device);
        if (!device->device_credential.empty()) {
          out["device_credential"] = device->device_credential;
        }
        return JsonResponse(out, device->created ? 201 : 200);
      }));

  router.Add(
      Method::kPost, "/api/v1/client/activations", "client_activation_create",
      auth->Authenticated([entitlements](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::ActivationRequest activation;
        activation.product = body->RequiredString("product", kFieldMax);
        activation.device_id = body->RequiredString("device_id", kFieldMax);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto granted = entitlements->Activate(caller, activation);
        if (!granted.ok()) return ErrorResponse(request, granted.error());
        return JsonResponse(EntitlementJson(*granted), 201);
      }));

  // A computer whose person's sign-in has ended (they left, their sessions were revoked) can
  // still present its signed token: when the licence no longer holds, the answer says so and
  // why, and the product stops at once instead of running out its offline grace.
  router.Add(Method::kPost, "/api/v1/client/activations/refresh", "client_activation_refresh",
             auth->SignedInOrLapsed(
                 [entitlements](const Request& request, const service::Caller& caller) {
                   auto refresh = RefreshRequestOf(request);
                   if (!refresh.ok()) return ErrorResponse(request, refresh.error());
                   auto renewed = entitlements->Refresh(caller, *refresh);
                   if (!renewed.ok()) return ErrorResponse(request, renewed.error());
                   return JsonResponse(EntitlementJson(*renewed));
                 },
                 [entitlements](const Request& request, const service::Caller& anonymous,
                                Response refusal) {
                   auto refresh = RefreshRequestOf(request);
                   if (!refresh.ok()) return refusal;
                   auto revoked = entitlements->RevocationWithoutSignIn(anonymous, *refresh);
                   if (!revoked.ok()) return ErrorResponse(request, revoked.error());
                   if (*revoked) return ErrorResponse(request, **revoked);
                   return refusal;
                 }));

  router.Add(
      Method::kDelete, "/api/v1/client/activations/{activation}", "client_activation_delete",
      auth->Authenticated([entitlements](const Request& request, const service::Caller& caller) {
        auto done = entitlements->Deactivate(caller, std::string(request.PathParam("activation")));
        if (!done.ok()) return ErrorResponse(request, done.error());
        return JsonResponse(ActivationJson(*done));
      }));

  router.Add(Method::kPost, "/api/v1/client/serial-activations", "client_serial_activation_create",
             auth->Anonymous([entitlements](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               service::SerialActivationRequest activation;
               activation.serial_number = body->RequiredString("serial_number", kFieldMax);
               activation.product_key = body->RequiredString("product_key", kFieldMax);
               activation.product = body->RequiredString("product", kFieldMax);
               activation.fingerprint = body->RequiredString("fingerprint", kFieldMax);
               activation.asset_name = body->RequiredString("asset_name", kFieldMax);
               activation.os = body->OptionalString("os", kFieldMax).value_or("");
               activation.app_version = body->OptionalString("app_version", kFieldMax).value_or("");
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto granted = entitlements->ActivateSerial(caller, activation);
               if (!granted.ok()) return ErrorResponse(request, granted.error());
               return JsonResponse(SerialEntitlementJson(*granted), 201);
             }));

  router.Add(Method::kPost, "/api/v1/client/serial-activations/refresh",
             "client_serial_activation_refresh",
             auth->Anonymous([entitlements](const Request& request, const service::Caller& caller) {
               auto device = DeviceOf(*entitlements, request);
               if (!device.ok()) return ErrorResponse(request, device.error());
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string activation_id = body->RequiredString("activation_id", kFieldMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto renewed = entitlements->RefreshSerial(caller, *device, activation_id);
               if (!renewed.ok()) return ErrorResponse(request, renewed.error());
               return JsonResponse(SerialEntitlementJson({std::move(*renewed), ""}));
             }));

  router.Add(Method::kDelete, "/api/v1/client/serial-activations/{activation}",
             "client_serial_activation_delete",
             auth->Anonymous([entitlements](const Request& request, const service::Caller& caller) {
               auto device = DeviceOf(*entitlements, request);
               if (!device.ok()) return ErrorResponse(request, device.error());
               auto done = entitlements->DeactivateSerial(
                   caller, *device, std::string(request.PathParam("activation")));
               if (!done.ok()) return ErrorResponse(request, done.error());
               Response response;
               response.status = 204;
               return response;
             }));
}

}  // namespace seatwise::http
