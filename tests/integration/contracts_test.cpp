// Billing & Orders over real HTTP on both backends: the Contract Manager lists and opens her
// contract, buys cloud credits, reads the renewal review and asks for a company change; a
// Secondary Admin is refused with a problem document.

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

constexpr const char* kDesignContract = "110001234567";

class ContractsHttpTest : public DemoServerTest {
 protected:
  // The id of the Design term contract, as ann's listing shows it.
  std::string DesignContract(const Credential& ann) {
    HttpReply listed = server_->Call("GET", "/api/v1/contracts", ann);
    EXPECT_EQ(listed.status, 200) << listed.Describe();
    if (listed.status != 200) return "";
    const boost::json::value listing = listed.Json();
    for (const auto& item : listing.at("items").as_array()) {
      if (item.at("number") == kDesignContract) return std::string(item.at("id").as_string());
    }
    return "";
  }
};

TEST_P(ContractsHttpTest, TheContractManagerListsAndOpensHerContract) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  HttpReply listed = server_->Call("GET", "/api/v1/contracts?status=active&limit=50", ann);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  const boost::json::value listing = listed.Json();
  ASSERT_FALSE(listing.at("items").as_array().empty());
  const std::string id = DesignContract(ann);
  ASSERT_FALSE(id.empty()) << listed.Describe();
  for (const auto& item : listing.at("items").as_array()) {
    EXPECT_EQ(item.at("company_name"), "Contoso Engineering Ltd");
    EXPECT_TRUE(item.at("days_to_expiry").is_int64());
    EXPECT_TRUE(item.at("subscription_ref").is_string());
  }

  HttpReply opened = server_->Call("GET", "/api/v1/contracts/" + id, ann);
  ASSERT_EQ(opened.status, 200) << opened.Describe();
  const boost::json::value details = opened.Json();
  EXPECT_EQ(details.at("number"), kDesignContract);
  EXPECT_EQ(details.at("company").at("city"), "Bristol");
  EXPECT_EQ(std::string(details.at("contract_manager").at("email").as_string()), DemoEmail("ann"));
  EXPECT_EQ(details.at("team").at("name"), "Contoso Design");
  ASSERT_FALSE(details.at("products").as_array().empty());
  EXPECT_TRUE(details.at("products").as_array()[0].at("expires_at").is_string());

  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts?limit=0", ann).status, 400);
  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts?status=maybe", ann).status, 400);
}

TEST_P(ContractsHttpTest, ASecondaryAdminIsRefusedWithAProblem) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string id = DesignContract(ann);
  ASSERT_FALSE(id.empty());
  const Credential& bob = server_->Person(DemoEmail("bob"));
  HttpReply refused = server_->Call("GET", "/api/v1/contracts/" + id, bob);
  EXPECT_EQ(refused.status, 403) << refused.Describe();
  EXPECT_THAT(refused.Header("content-type"), ::testing::HasSubstr("application/problem+json"));
  EXPECT_THAT(std::string(refused.Json().at("detail").as_string()),
              ::testing::HasSubstr("Contract Manager"));
  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts", bob).status, 403);
  const Credential& eve = server_->Person(DemoEmail("eve"));
  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts/" + id + "/credits", eve).status, 403);
}

TEST_P(ContractsHttpTest, TheContractManagerBuysCreditsAndSeesTheBalance) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string id = DesignContract(ann);
  ASSERT_FALSE(id.empty());
  const std::string target = "/api/v1/contracts/" + id + "/credits";
  HttpReply before = server_->Call("GET", target, ann);
  ASSERT_EQ(before.status, 200) << before.Describe();
  const std::int64_t balance = before.Json().at("balance").as_int64();

  HttpReply bought =
      server_->Call("POST", target, ann, R"({"amount": 250, "note": "quarterly top-up"})");
  ASSERT_EQ(bought.status, 201) << bought.Describe();
  EXPECT_EQ(bought.Json().at("reason"), "purchase");
  EXPECT_EQ(bought.Json().at("balance_after").as_int64(), balance + 250);

  HttpReply after = server_->Call("GET", target, ann);
  ASSERT_EQ(after.status, 200) << after.Describe();
  EXPECT_EQ(after.Json().at("balance").as_int64(), balance + 250);
  EXPECT_FALSE(after.Json().at("items").as_array().empty());

  EXPECT_EQ(server_->Call("POST", target, ann, R"({"amount": 0})").status, 400);
  EXPECT_EQ(server_->Call("POST", target, ann, R"({"amount": -5, "reason": "adjustment"})").status,
            403);
}

TEST_P(ContractsHttpTest, RenewalReviewAndCompanyChangeRequestAnswer) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string id = DesignContract(ann);
  ASSERT_FALSE(id.empty());
  HttpReply review = server_->Call("GET", "/api/v1/contracts/" + id + "/renewal-review", ann);
  ASSERT_EQ(review.status, 200) << review.Describe();
  const boost::json::value body = review.Json();
  ASSERT_FALSE(body.at("subscriptions").as_array().empty());
  EXPECT_TRUE(body.at("added").is_array());
  EXPECT_TRUE(body.at("removed").is_array());
  for (const auto& sub : body.at("subscriptions").as_array()) {
    EXPECT_EQ(sub.at("unassigned").as_int64(),
              sub.at("seats").as_int64() - sub.at("assigned").as_int64());
  }

  const std::string target = "/api/v1/contracts/" + id + "/company-change-requests";
  HttpReply requested = server_->Call(
      "POST", target, ann, R"({"name": "Contoso Engineering Group Ltd", "country": "gb"})");
  ASSERT_EQ(requested.status, 202) << requested.Describe();
  EXPECT_EQ(requested.Json().at("kind"), "change");
  EXPECT_EQ(requested.Json().at("details").at("requested").at("country"), "GB");
  EXPECT_EQ(server_->Call("POST", target, ann, R"({"country": "Britain"})").status, 400);
  HttpReply listed = server_->Call("GET", target, ann);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  EXPECT_FALSE(listed.Json().at("items").as_array().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ContractsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
