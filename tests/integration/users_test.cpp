// Team user management over real HTTP on both backends: a CSV import answered row by row,
// the imported people listed as pending, and a plain user refused.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class UsersHttpTest : public DemoServerTest {
 protected:
};

TEST_P(UsersHttpTest, AdminImportsACsvAndSeesThePeoplePendingWhileAUserIsRefused) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  const std::string csv =
      "\xEF\xBB\xBF"
      "email,first_name,last_name\r\n"
      "ivy@import.example,Ivy,\"Ng, PE\"\r\n"
      "jon@import.example,Jon,Ode\r\n"
      "not an e-mail,Bad,Row\r\n"
      "kim@import.example,Kim,\"Lee\"\r\n";
  const std::string target = "/api/v1/teams/" + team + "/users/import";
  Headers headers = ann.HeadersFor();
  headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
  HttpReply imported = Send(server_->port(), "POST", target, headers, csv);
  ASSERT_EQ(imported.status, 200) << imported.Describe();
  const boost::json::value result = imported.Json();
  EXPECT_EQ(result.at("summary").at("invited").as_int64(), 3);
  EXPECT_EQ(result.at("summary").at("invalid").as_int64(), 1);
  const auto& rows = result.at("rows").as_array();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2].at("result"), "invalid_email");
  EXPECT_EQ(rows[2].at("row").as_int64(), 3);

  // The same file as JSON changes nothing.
  HttpReply again =
      server_->Call("POST", target, ann, boost::json::serialize(boost::json::object{{"csv", csv}}));
  ASSERT_EQ(again.status, 200) << again.Describe();
  EXPECT_EQ(again.Json().at("summary").at("already_member").as_int64(), 3);

  HttpReply listed = server_->Call(
      "GET", "/api/v1/teams/" + team + "/users?status=invited&search=import.example", ann);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  const boost::json::value listing = listed.Json();
  const auto& items = listing.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  for (const auto& item : items) {
    EXPECT_EQ(item.at("pending"), true);
    EXPECT_EQ(item.at("membership_status"), "invited");
  }

  const Credential& eve = server_->Person(DemoEmail("eve"));
  Headers eve_headers = eve.HeadersFor();
  eve_headers.emplace_back("Content-Type", "text/csv");
  EXPECT_EQ(Send(server_->port(), "POST", target, eve_headers, csv).status, 403);
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + team + "/users", eve).status, 403);
}

TEST_P(UsersHttpTest, PeopleRenameThemselvesAndBadNamesAreNamedFieldByField) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  HttpReply renamed =
      server_->Call("PATCH", "/api/v1/me", eve, R"({"first_name":"  Evelyn ","last_name":"Ng"})");
  ASSERT_EQ(renamed.status, 200) << renamed.Describe();
  EXPECT_EQ(renamed.Json().at("user").at("first_name"), "Evelyn");
  HttpReply me = server_->Call("GET", "/api/v1/me", eve);
  EXPECT_EQ(me.Json().at("user").at("last_name"), "Ng");

  HttpReply bad = server_->Call("PATCH", "/api/v1/me", eve, R"({"first_name":"","last_name":7})");
  ASSERT_EQ(bad.status, 400) << bad.Describe();
  EXPECT_NE(bad.Header("content-type").find("application/problem+json"), std::string::npos);
  EXPECT_NE(bad.body.find("last_name"), std::string::npos) << bad.body;
  EXPECT_EQ(server_->Call("GET", "/api/v1/me", eve).Json().at("user").at("first_name"), "Evelyn");
  // Put the demo name back.
  EXPECT_EQ(server_->Call("PATCH", "/api/v1/me", eve, R"({"first_name":"Eve","last_name":"Evans"})")
                .status,
            200);
}

TEST_P(UsersHttpTest, TheAuditLogListsRefusedAttemptsOnItsOwn) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(ann);
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + team + "/users", eve).status, 403);
  HttpReply denied =
      server_->Call("GET", "/api/v1/teams/" + team + "/audit?outcome=denied&limit=200", ann);
  ASSERT_EQ(denied.status, 200) << denied.Describe();
  const boost::json::value listing = denied.Json();
  const auto& items = listing.at("items").as_array();
  ASSERT_FALSE(items.empty());
  for (const auto& entry : items) EXPECT_EQ(entry.at("outcome"), "denied");
  HttpReply bad = server_->Call("GET", "/api/v1/teams/" + team + "/audit?outcome=maybe", ann);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("allowed or denied"), std::string::npos) << bad.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, UsersHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
