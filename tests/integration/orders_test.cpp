// Accounts and orders over real HTTP on both backends: a reseller creates a customer and
// orders for it, renews the contract and previews its switch to sign-in; another reseller
// and a plain user are refused.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class OrdersHttpTest : public DemoServerTest {
 protected:
  static std::string AccountBody(const std::string& company, const std::string& cm_email) {
    return boost::json::serialize(boost::json::object{
        {"company", boost::json::object{{"name", company},
                                        {"address_line1", "1 Harbour Road"},
                                        {"city", "Leeds"},
                                        {"postal_code", "LS1 4AP"},
                                        {"country", "GB"}}},
        {"contract_manager",
         boost::json::object{{"email", cm_email}, {"first_name", "Zed"}, {"last_name", "Zhou"}}}});
  }

  static void ExpectProblem(const HttpReply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.Describe();
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json") << reply.Describe();
  }
};

TEST_P(OrdersHttpTest, AResellerCreatesACustomerOrdersRenewsAndPreviewsTheSwitchToSignIn) {
  const Credential& rafael = server_->Person("rafael@northwind-cad.example");
  HttpReply created = server_->Call("POST", "/api/v1/accounts", rafael,
                                    AccountBody("Globex Ltd", "zed@globex.example"));
  ASSERT_EQ(created.status, 201) << created.Describe();
  const boost::json::value account = created.Json();
  const std::string account_id(account.at("account").at("id").as_string());
  EXPECT_FALSE(account.at("account").at("reseller_id").is_null());
  EXPECT_EQ(account.at("team").at("name"), "Globex Ltd");
  EXPECT_EQ(account.at("contract_manager").at("email"), "zed@globex.example");
  EXPECT_EQ(account.at("contract_manager").at("role"), "primary_admin");
  EXPECT_EQ(account.at("contract_manager").at("membership_status"), "invited");

  const std::string order = boost::json::serialize(boost::json::object{
      {"term_months", 12},
      {"credits", 250},
      {"subscriptions", boost::json::array{boost::json::object{{"product_code", "DRL"},
                                                               {"seats", 3},
                                                               {"access", "single_user"},
                                                               {"activation", "sign_in"},
                                                               {"model", "term"}},
                                           boost::json::object{{"product_code", "FRM"},
                                                               {"seats", 2},
                                                               {"access", "single_user"},
                                                               {"activation", "serial_number"},
                                                               {"model", "term"}},
                                           boost::json::object{{"product_code", "MOT"},
                                                               {"seats", 5},
                                                               {"access", "multi_user"},
                                                               {"activation", "serial_number"},
                                                               {"model", "term"}},
                                           boost::json::object{{"service_code", "RND"},
                                                               {"seats", 1},
                                                               {"access", "single_user"},
                                                               {"activation", "sign_in"},
                                                               {"model", "term"}}}}});
  HttpReply placed =
      server_->Call("POST", "/api/v1/accounts/" + account_id + "/orders", rafael, order);
  ASSERT_EQ(placed.status, 201) << placed.Describe();
  const boost::json::value contract = placed.Json();
  const std::string contract_id(contract.at("id").as_string());
  EXPECT_FALSE(contract.at("order_id").as_string().empty());
  EXPECT_EQ(contract.at("credit_balance").as_int64(), 250);
  const auto& subs = contract.at("subscriptions").as_array();
  ASSERT_EQ(subs.size(), 4u);
  const std::regex serial("[0-9]{3}-[0-9]{8}");
  EXPECT_TRUE(subs[0].at("serial_number").is_null());
  for (std::size_t i : {1u, 2u}) {
    ASSERT_TRUE(subs[i].at("serial_number").is_string()) << i;
    EXPECT_TRUE(std::regex_match(std::string(subs[i].at("serial_number").as_string()), serial));
    EXPECT_TRUE(std::regex_match(std::string(subs[i].at("product_key").as_string()),
                                 std::regex("[0-9]{3}[A-Z][0-9]")));
  }
  EXPECT_EQ(subs[3].at("kind"), "service");
  EXPECT_EQ(contract.at("software_coordinator_id"), contract.at("contract_manager_id"));

  // The Contract Manager accepts the invitation and finds the new team as its Primary Admin.
  const std::string token = InvitationTokenFor(*server_, "zed@globex.example");
  ASSERT_FALSE(token.empty());
  HttpReply accepted = server_->Call("POST", "/api/v1/invitations/" + token + "/accept", {},
                                     R"({"password":"globex-harbour-kites-and-tea-7"})");
  ASSERT_EQ(accepted.status, 201) << accepted.Describe();
  Credential zed;
  zed.session = CookieFrom(accepted, "sw_session");
  zed.csrf = CookieFrom(accepted, "sw_csrf");
  HttpReply me = server_->Call("GET", "/api/v1/me", zed);
  ASSERT_EQ(me.status, 200) << me.Describe();
  bool sees_team = false;
  const boost::json::value me_json = me.Json();
  for (const auto& m : me_json.at("memberships").as_array()) {
    sees_team = sees_team ||
                (m.at("team_id") == account.at("team").at("id") && m.at("role") == "primary_admin");
  }
  EXPECT_TRUE(sees_team) << me.body;

  HttpReply details = server_->Call("GET", "/api/v1/accounts/" + account_id, rafael);
  ASSERT_EQ(details.status, 200) << details.Describe();
  const boost::json::value detail_json = details.Json();
  EXPECT_EQ(detail_json.at("teams").as_array().size(), 1u);
  ASSERT_EQ(detail_json.at("contracts").as_array().size(), 1u);
  EXPECT_EQ(detail_json.at("contracts").as_array()[0].at("id").as_string(), contract_id);

  HttpReply listed = server_->Call("GET", "/api/v1/accounts?limit=100", rafael);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  bool listed_globex = false;
  const boost::json::value listing = listed.Json();
  for (const auto& a : listing.at("items").as_array()) {
    listed_globex = listed_globex || a.at("id").as_string() == account_id;
  }
  EXPECT_TRUE(listed_globex);

  HttpReply renewed = server_->Call("POST", "/api/v1/contracts/" + contract_id + "/renew", rafael,
                                    R"({"term_months": 24})");
  ASSERT_EQ(renewed.status, 200) << renewed.Describe();
  EXPECT_EQ(renewed.Json().at("term_months").as_int64(), 24);
  EXPECT_GT(std::string(renewed.Json().at("ends_at").as_string()),
            std::string(contract.at("ends_at").as_string()));

  const std::string migrate = "/api/v1/contracts/" + contract_id + "/migrate-to-sign-in";
  for (int round = 0; round < 2; ++round) {  // a dry run changes nothing: twice the same
    HttpReply preview = server_->Call("POST", migrate + "?dry_run=true", rafael);
    ASSERT_EQ(preview.status, 200) << preview.Describe();
    const boost::json::value plan = preview.Json();
    EXPECT_EQ(plan.at("dry_run"), true);
    const auto& migrated = plan.at("migrated").as_array();
    ASSERT_EQ(migrated.size(), 1u);
    EXPECT_EQ(migrated[0].at("subscription_id"), subs[1].at("id"));
    EXPECT_EQ(migrated[0].at("serial_number"), subs[1].at("serial_number"));
    EXPECT_EQ(plan.at("skipped").as_array().size(), 3u);
  }

  HttpReply network = server_->Call(
      "POST", migrate, rafael,
      boost::json::serialize(boost::json::object{
          {"dry_run", true}, {"subscription_ids", boost::json::array{subs[2].at("id")}}}));
  ExpectProblem(network, 409);
}

TEST_P(OrdersHttpTest, StrangersAreRefusedWithProblemDetails) {
  const Credential& rafael = server_->Person("rafael@northwind-cad.example");
  HttpReply created = server_->Call("POST", "/api/v1/accounts", rafael,
                                    AccountBody("Initech", "bill@initech.example"));
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string account_id(created.Json().at("account").at("id").as_string());

  const Credential& eve = server_->Person(DemoEmail("eve"));
  ExpectProblem(server_->Call("POST", "/api/v1/accounts", eve,
                              AccountBody("Eve Corp", "eve2@example.example")),
                403);
  ExpectProblem(server_->Call("GET", "/api/v1/accounts", eve), 403);
  ExpectProblem(server_->Call("GET", "/api/v1/accounts/" + account_id, eve), 404);

  const Credential& rosa = server_->Person("rosa@fabrikam-resellers.example");
  ExpectProblem(server_->Call("GET", "/api/v1/accounts/" + account_id, rosa), 404);
  ExpectProblem(server_->Call("POST", "/api/v1/accounts/" + account_id + "/orders", rosa,
                              R"({"subscriptions":[{"product_code":"DRL","seats":1}]})"),
                404);

  HttpReply unknown = server_->Call("POST", "/api/v1/accounts/" + account_id + "/orders", rafael,
                                    R"({"subscriptions":[{"product_code":"NOPE","seats":1}]})");
  ExpectProblem(unknown, 400);
  const boost::json::value problem = unknown.Json();
  ASSERT_TRUE(problem.as_object().contains("errors")) << unknown.Describe();
  EXPECT_EQ(problem.at("errors").as_array()[0].at("field"), "subscriptions[0].product_code");
}

TEST_P(OrdersHttpTest, ABadAccountIsAnsweredWithEveryProblemAtOnce) {
  const Credential& rafael = server_->Person("rafael@northwind-cad.example");
  HttpReply bad = server_->Call(
      "POST", "/api/v1/accounts", rafael,
      R"({"company":{"name":"","country":"Germany"},"contract_manager":{"email":"x"}})");
  ExpectProblem(bad, 400);
  std::set<std::string> fields;
  const boost::json::value problem = bad.Json();
  for (const auto& e : problem.at("errors").as_array()) {
    fields.insert(std::string(e.at("field").as_string()));
  }
  for (const char* field : {"company.name", "company.address_line1", "company.city",
                            "company.postal_code", "company.country", "contract_manager.email",
                            "contract_manager.first_name", "contract_manager.last_name"}) {
    EXPECT_TRUE(fields.contains(field)) << field << " missing in " << bad.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OrdersHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
