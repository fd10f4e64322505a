// Wiring of the API routes and of credential checks to the services.

#include "http/api.hpp"
#include "http/auth.hpp"
#include "service/entitlements.hpp"
#include "service/identity.hpp"
#include "service/tokens.hpp"

namespace seatwise::http {

void RegisterApiRoutes(Router& router, const ApiServices& services) {
  RegisterAuthRoutes(router, services);
  RegisterMeRoutes(router, services);
  RegisterTokenRoutes(router, services);
  RegisterOAuthRoutes(router, services);
  RegisterRoleRoutes(router, services);
  RegisterAuditRoutes(router, services);
  RegisterCatalogRoutes(router, services);
  RegisterUserRoutes(router, services);
  RegisterOrderRoutes(router, services);
  RegisterTeamRoutes(router, services);
  RegisterResellerRoutes(router, services);
  RegisterContractRoutes(router, services);
  RegisterAssignmentRoutes(router, services);
  RegisterClientRoutes(router, services);
  RegisterLeaseRoutes(router, services);
  RegisterDeviceRoutes(router, services);
  RegisterReportRoutes(router, services);
  RegisterWebhookRoutes(router, services);
  RegisterDownloadRoutes(router, services);
}

CredentialCheck CredentialCheckFor(service::IdentityService& identity,
                                   service::TokenService& tokens,
                                   service::EntitlementService& entitlements) {
  CredentialCheck check;
  check.session = [&identity](std::string_view session, std::string_view csrf, bool state_changing,
                              const service::RequestMeta& meta) {
    return identity.AuthenticateSession(session, csrf, state_changing, meta);
  };
  check.bearer = [&tokens](std::string_view token, const service::RequestMeta& meta) {
    return tokens.AuthenticateBearer(token, meta);
  };
  check.device = [&entitlements](std::string_view token,
                                 const service::RequestMeta&) -> core::Result<service::Principal> {
    SW_ASSIGN_OR_RETURN(core::Device device, entitlements.AuthenticateDevice(std::string(token)));
    service::Principal principal;
    principal.method = service::AuthMethod::kDevice;
    principal.device_id = device.id;
    principal.credential_id = device.id;
    return principal;
  };
  return check;
}

}  // namespace seatwise::http
