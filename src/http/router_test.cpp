#include "http/router.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace seatwise::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Handler Named(std::string text) {
  return [text](const Request&) { return TextResponse(text, "text/plain"); };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Method::kGet, "/api/v1/teams/{team}/users/{user}", "team_user_get", Named("user"));
    router_.Add(Method::kDelete, "/api/v1/teams/{team}/users/{user}", "team_user_delete",
                Named("delete"));
    router_.Add(Method::kGet, "/api/v1/teams/{team}", "team_get", Named("team"));
    router_.Add(Method::kGet, "/api/v1/teams/mine", "team_mine", Named("mine"));
    router_.Add(Method::kPost, "/api/v1/teams", "team_create", Named("create"),
                RouteOptions{.body_limit = 4096});
    router_.Add(Method::kGet, "/", "root", Named("root"));
  }

  Router router_;
};

TEST_F(RouterTest, MatchesTemplateAndDecodesParams) {
  RouteMatch match = router_.Match(Method::kGet, "/api/v1/teams/t%20one/users/usr_1");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "team_user_get");
  EXPECT_THAT(match.path_params, ElementsAre(Pair("team", "t one"), Pair("user", "usr_1")));
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  RouteMatch match = router_.Match(Method::kGet, "/api/v1/teams/mine");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "team_mine");
  EXPECT_TRUE(match.path_params.empty());
  EXPECT_EQ(router_.Match(Method::kGet, "/api/v1/teams/other").route->name, "team_get");
}

TEST_F(RouterTest, MatchesRootAndKeepsPerRouteBodyLimit) {
  EXPECT_EQ(router_.Match(Method::kGet, "/").route->name, "root");
  RouteMatch create = router_.Match(Method::kPost, "/api/v1/teams");
  ASSERT_EQ(create.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(create.route->options.body_limit, 4096u);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router_.Match(Method::kGet, "/api/v1/nothing").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match(Method::kGet, "/api/v1/teams/t1/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match(Method::kGet, "/api/v1/teams//users/u").kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match(Method::kGet, "relative").kind, RouteMatch::Kind::kNotFound);
}

TEST_F(RouterTest, KnownPathWithWrongMethodListsAllowedMethods) {
  RouteMatch match = router_.Match(Method::kPut, "/api/v1/teams/t1/users/u1");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_THAT(match.allowed, ElementsAre(Method::kGet, Method::kHead, Method::kDelete));
}

TEST_F(RouterTest, UnknownVerbOnKnownPathIsMethodNotAllowed) {
  RouteMatch match = router_.Match(std::nullopt, "/api/v1/teams");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_THAT(match.allowed, ElementsAre(Method::kPost));
}

TEST_F(RouterTest, HeadIsServedByTheGetRoute) {
  RouteMatch match = router_.Match(Method::kHead, "/api/v1/teams/t1");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "team_get");
}

TEST_F(RouterTest, RejectsDuplicateAndMalformedTemplates) {
  EXPECT_THROW(router_.Add(Method::kGet, "/api/v1/teams/{team}", "again", Named("x")),
               std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "no-slash", "bad", Named("x")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/a/b{c}", "bad", Named("x")), std::invalid_argument);
}

TEST_F(RouterTest, ListsRoutesInRegistrationOrder) {
  ASSERT_EQ(router_.routes().size(), 6u);
  EXPECT_EQ(router_.routes()[0].path_template, "/api/v1/teams/{team}/users/{user}");
  EXPECT_EQ(router_.routes()[4].method, Method::kPost);
  EXPECT_EQ(router_.routes()[5].index, 5u);
}

TEST(RequestTest, ExposesQueryHeadersAndPath) {
  Request request;
  ASSERT_TRUE(request.SetTarget("/api/v1/teams?cursor=a%2Bb&limit=10&flag"));
  request.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(request.path(), "/api/v1/teams");
  EXPECT_EQ(request.Query("cursor"), "a+b");
  EXPECT_EQ(request.Query("limit"), "10");
  EXPECT_EQ(request.Query("missing"), std::nullopt);
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("Accept"), std::nullopt);
  EXPECT_FALSE(request.SetTarget("http://elsewhere/x"));
}

TEST(JsonBodyTest, ParsesJsonWithCharsetParameter) {
  Request request;
  request.headers = {{"content-type", "Application/JSON; charset=utf-8"}};
  request.body = R"({"name":"Ops","seats":3})";
  auto value = ParseJsonBody(request);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->at("seats").as_int64(), 3);
}

TEST(JsonBodyTest, WrongOrMissingContentTypeIsUnsupported) {
  Request request;
  request.body = "{}";
  EXPECT_EQ(ParseJsonBody(request).error().code, core::ErrorCode::kUnsupportedMediaType);
  request.headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(ParseJsonBody(request).error().code, core::ErrorCode::kUnsupportedMediaType);
}

TEST(JsonBodyTest, MalformedJsonNamesThePosition) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = "{\n  \"a\": tru }";
  auto value = ParseJsonBody(request);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(value.error().message, HasSubstr("line 2, column"));

  request.body = R"({"a":1} trailing)";
  EXPECT_EQ(ParseJsonBody(request).error().code, core::ErrorCode::kInvalidArgument);
  request.body = R"({"a":)";
  EXPECT_EQ(ParseJsonBody(request).error().code, core::ErrorCode::kInvalidArgument);
  request.body = "";
  EXPECT_EQ(ParseJsonBody(request).error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace seatwise::http
