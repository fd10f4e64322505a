#include "http/openapi.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_random.hpp"
#include "http/api.hpp"
#include "http/auth.hpp"
#include "http/server.hpp"
#include "http/server_testing.hpp"
#include "service/assignments.hpp"
#include "service/audit_query.hpp"
#include "service/catalog.hpp"
#include "service/contracts.hpp"
#include "service/devices.hpp"
#include "service/downloads.hpp"
#include "service/entitlements.hpp"
#include "service/gdpr.hpp"
#include "service/identity.hpp"
#include "service/leases.hpp"
#include "service/orders.hpp"
#include "service/reports.hpp"
#include "service/resellers.hpp"
#include "service/roles.hpp"
#include "service/teams.hpp"
#include "service/tokens.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"
#include "store/repositories.hpp"

namespace seatwise::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kSample = R"(openapi: 3.1.0
info:
  title: x
paths:
  # comment
  /a:
    summary: not an operation
    get:
      responses:
        "200":
          description: ok
    post:
      requestBody:
        content:
          application/json: {}
  "/b/{id}":
    parameters: []
    delete:
      responses: {}
components:
  schemas:
    get:
      type: object
)";

TEST(OpenApiTest, ReadsOperationsFromThePathsSection) {
  EXPECT_THAT(ParseSpecOperations(kSample),
              ElementsAre(SpecOperation{"GET", "/a"}, SpecOperation{"POST", "/a"},
                          SpecOperation{"DELETE", "/b/{id}"}));
}

TEST(OpenApiTest, ReportsDifferencesBothWays) {
  Router router;
  auto ok = [](const Request&) { return Response{}; };
  router.Add(Method::kGet, "/a", "a", ok);
  router.Add(Method::kPut, "/c", "c", ok);
  EXPECT_THAT(
      CompareSpecWithRoutes(kSample, router.routes()),
      UnorderedElementsAre("route PUT /c is not in the spec", "spec operation POST /a has no route",
                           "spec operation DELETE /b/{id} has no route"));
}

// The server's own route table, registered exactly as `seatwise serve` registers it (the
// system routes and RegisterApiRoutes), must match the spec the binary serves.
TEST(OpenApiTest, EmbeddedSpecMatchesTheServersRoutes) {
  testing::FakeDatabase database;
  seatwise::testing::FakeClock clock;
  seatwise::testing::FakeRandom random;
  store::Repositories repos = store::MakeRepositories(random);
  service::Deps deps{database, repos, clock, random};
  service::IdentityService identity(deps, service::IdentityOptions{});
  service::TokenService tokens(deps);
  service::GdprService gdpr(deps);
  service::RoleService roles(deps);
  service::AuditQueryService audit(deps);
  service::CatalogService catalog(deps);
  service::UserService users(deps, identity);
  service::OrderService orders(deps, identity, "http://127.0.0.1:8080");
  service::TeamService teams(deps, "http://127.0.0.1:8080");
  service::ResellerService resellers(deps, "http://127.0.0.1:8080");
  service::ContractService contracts(deps, identity, "http://127.0.0.1:8080");
  service::AssignmentService assignments(deps, identity, "http://127.0.0.1:8080");
  service::EntitlementService entitlements(deps, service::EntitlementOptions{});
  service::LeaseService leases(deps, entitlements);
  service::DeviceService devices(deps);
  service::ReportService reports(deps);
  service::WebhookService webhooks(deps, service::WebhookOptions{});
  service::DownloadService downloads(deps);
  Authenticator authenticator(CredentialCheckFor(identity, tokens, entitlements), AuthOptions{});
  ApiServices api{.identity = identity,
                  .tokens = tokens,
                  .gdpr = gdpr,
                  .roles = roles,
                  .audit = audit,
                  .users = users,
                  .catalog = catalog,
                  .orders = orders,
                  .teams = teams,
                  .resellers = resellers,
                  .contracts = contracts,
                  .assignments = assignments,
                  .entitlements = entitlements,
                  .leases = leases,
                  .devices = devices,
                  .reports = reports,
                  .webhooks = webhooks,
                  .downloads = downloads,
                  .auth = authenticator,
                  .public_url = "http://127.0.0.1:8080"};
  Server server(testing::TestOptions(), ServerDeps{database, clock, {}});
  RegisterApiRoutes(server.router(), api);
  ASSERT_GT(server.router().routes().size(), 30u);
  ASSERT_FALSE(ParseSpecOperations(EmbeddedOpenApiSpec()).empty());
  EXPECT_THAT(CompareSpecWithRoutes(EmbeddedOpenApiSpec(), server.router().routes()), IsEmpty());
}

}  // namespace
}  // namespace seatwise::http
