#include "http/openapi.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/server.hpp"
#include "http/server_testing.hpp"

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

// The server's own route table, registered exactly as `seatwise serve` registers it,
// must match the spec the binary serves.
TEST(OpenApiTest, EmbeddedSpecMatchesTheServersRoutes) {
  testing::FakeDatabase database;
  seatwise::testing::FakeClock clock;
  Server server(testing::TestOptions(), ServerDeps{database, clock, {}});
  ASSERT_FALSE(ParseSpecOperations(EmbeddedOpenApiSpec()).empty());
  EXPECT_THAT(CompareSpecWithRoutes(EmbeddedOpenApiSpec(), server.router().routes()), IsEmpty());
}

}  // namespace
}  // namespace seatwise::http
