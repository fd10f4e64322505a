// Who holds a role: Secondary Admins, the Primary Admin hand-over, a contract's Contract
// Manager and Software Coordinator. The service decides who may.

#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/roles.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kIdMax = 64;

}  // namespace

void RegisterRoleRoutes(Router& router, const ApiServices& services) {
  service::RoleService* roles = &services.roles;
  const Authenticator* auth = &services.auth;

  router.Add(
      Method::kPut, "/api/v1/teams/{team}/secondary-admins/{user}", "team_secondary_admin_appoint",
      auth->Authenticated([roles](const Request& request, const service::Caller& caller) {
        auto membership = roles->AppointSecondaryAdmin(
            caller, std::string(request.PathParam("team")), std::string(request.PathParam("user")));
        if (!membership.ok()) return ErrorResponse(request, membership.error());
        return JsonResponse(MembershipJson(*membership));
      }));

  router.Add(Method::kDelete, "/api/v1/teams/{team}/secondary-admins/{user}",
             "team_secondary_admin_remove",
             auth->Authenticated([roles](const Request& request, const service::Caller& caller) {
               auto membership =
                   roles->RemoveSecondaryAdmin(caller, std::string(request.PathParam("team")),
                                               std::string(request.PathParam("user")));
               if (!membership.ok()) return ErrorResponse(request, membership.error());
               return JsonResponse(MembershipJson(*membership));
             }));

  router.Add(Method::kPut, "/api/v1/teams/{team}/primary-admin", "team_primary_admin_hand_over",
             auth->Authenticated([roles](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string user_id = body->RequiredString("user_id", kIdMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto membership = roles->HandOverPrimaryAdmin(
                   caller, std::string(request.PathParam("team")), user_id);
               if (!membership.ok()) return ErrorResponse(request, membership.error());
               return JsonResponse(MembershipJson(*membership));
             }));

  router.Add(Method::kPut, "/api/v1/contracts/{contract}/contract-manager",
             "contract_manager_change",
             auth->Authenticated([roles](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string user_id = body->RequiredString("user_id", kIdMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto contract = roles->ChangeContractManager(
                   caller, std::string(request.PathParam("contract")), user_id);
               if (!contract.ok()) return ErrorResponse(request, contract.error());
               return JsonResponse(ContractJson(*contract));
             }));

  // `{"user_id": null}` removes the Software Coordinator; the field must be sent either way.
  router.Add(Method::kPut, "/api/v1/contracts/{contract}/software-coordinator",
             "contract_software_coordinator_change",
             auth->Authenticated([roles](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::optional<std::string> user_id;
               if (!body->IsNull("user_id")) user_id = body->RequiredString("user_id", kIdMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto contract = roles->ChangeSoftwareCoordinator(
                   caller, std::string(request.PathParam("contract")), user_id);
               if (!contract.ok()) return ErrorResponse(request, contract.error());
               return JsonResponse(ContractJson(*contract));
             }));
}

}  // namespace seatwise::http
