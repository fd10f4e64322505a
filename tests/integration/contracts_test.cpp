// Billing & Orders over real HTTP on both backends: the Contract Manager lists and opens her
// contract, buys cloud credits, reads the renewal review and asks for a company change; a
// Secondary Admin is refused with a problem document.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

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

// "All users will be able to see their personal cloud credit usage, and any contracts that
// they were granted use of."
TEST_P(ContractsHttpTest, APlainUserSeesTheContractsSheWasGrantedUseOfAndNothingMore) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  HttpReply mine = server_->Call("GET", "/api/v1/me/contracts", eve);
  ASSERT_EQ(mine.status, 200) << mine.Describe();
  const boost::json::value body = mine.Json();
  std::map<std::string, std::vector<std::string>> uses;  // number -> code:via
  for (const auto& item : body.at("items").as_array()) {
    const auto& c = item.as_object();
    for (const char* hidden : {"company", "company_name", "credit_balance", "orders",
                               "contract_manager", "subscription_ref", "account_id"}) {
      EXPECT_FALSE(c.contains(hidden)) << hidden;
    }
    EXPECT_TRUE(c.at("ends_at").is_string());
    EXPECT_TRUE(c.at("status").is_string());
    auto& list = uses[std::string(c.at("number").as_string())];
    for (const auto& u : c.at("uses").as_array()) {
      EXPECT_FALSE(u.as_object().contains("seats"));
      list.push_back(std::string(u.at("code").as_string()) + ":" +
                     std::string(u.at("via").as_string()));
    }
  }
  // Her sign-in seat of DRL and the team's network STR; not the serial or Plant contracts.
  EXPECT_THAT(uses[kDesignContract], ::testing::Contains("DRL:seat"));
  EXPECT_THAT(uses["110001234569"], ::testing::Contains("STR:network"));
  EXPECT_EQ(uses.count("110001234570"), 0u);
  EXPECT_EQ(uses.count("110001234571"), 0u);
  // Still no Billing & Orders for her.
  const Credential& ann = server_->Person(DemoEmail("ann"));
  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts/" + DesignContract(ann), eve).status, 403);
  EXPECT_EQ(server_->Call("GET", "/api/v1/me/contracts", Credential{}).status, 401);
}

// "Company information follows the contract": the reseller applies the change, every current
// contract shows it, the requester sees the status and gets an e-mail.
TEST_P(ContractsHttpTest, AnAppliedCompanyChangeFollowsTheContractsAndTheRequesterSeesIt) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& rafael = server_->Person("rafael@northwind-cad.example");
  const Credential& rosa = server_->Person("rosa@fabrikam-resellers.example");
  const std::string id = DesignContract(ann);
  ASSERT_FALSE(id.empty());
  const std::string target = "/api/v1/contracts/" + id + "/company-change-requests";
  auto request = [&](const std::string& body) {
    HttpReply made = server_->Call("POST", target, ann, body);
    EXPECT_EQ(made.status, 202) << made.Describe();
    return made.status == 202 ? std::string(made.Json().at("id").as_string()) : std::string();
  };
  const std::string order = request(R"({"address_line2": "Unit 9"})");
  ASSERT_FALSE(order.empty());

  // The requester's side does not decide; another reseller does not even see it.
  EXPECT_EQ(server_->Call("POST", target + "/" + order + "/apply", ann).status, 403);
  EXPECT_EQ(server_->Call("POST", target + "/" + order + "/apply", rosa).status, 404);
  HttpReply no_reason = server_->Call("POST", target + "/" + order + "/decline", rafael, "{}");
  EXPECT_EQ(no_reason.status, 400) << no_reason.Describe();
  EXPECT_NE(no_reason.body.find("reason"), std::string::npos);

  HttpReply applied = server_->Call("POST", target + "/" + order + "/apply", rafael);
  ASSERT_EQ(applied.status, 200) << applied.Describe();
  EXPECT_EQ(applied.Json().at("status"), "applied");
  EXPECT_EQ(server_->Call("POST", target + "/" + order + "/apply", rafael).status, 409);

  // Every current contract of the account shows it, in the list and the details.
  HttpReply listed = server_->Call("GET", "/api/v1/contracts?limit=50", ann);
  ASSERT_EQ(listed.status, 200);
  int current = 0;
  const boost::json::value listing = listed.Json();
  for (const auto& item : listing.at("items").as_array()) {
    const std::string status(item.at("status").as_string());
    if (status == "expired" || status == "cancelled") continue;
    HttpReply opened =
        server_->Call("GET", "/api/v1/contracts/" + std::string(item.at("id").as_string()), ann);
    ASSERT_EQ(opened.status, 200);
    EXPECT_EQ(opened.Json().at("company").at("address_line2"), "Unit 9");
    ++current;
  }
  EXPECT_GE(current, 3);

  // The requester sees the status, who decided and when.
  HttpReply mine = server_->Call("GET", target, ann);
  ASSERT_EQ(mine.status, 200);
  bool seen = false;
  const boost::json::value requests = mine.Json();
  for (const auto& item : requests.at("items").as_array()) {
    if (item.at("id") != order.c_str()) continue;
    seen = true;
    EXPECT_EQ(item.at("status"), "applied");
    EXPECT_EQ(item.at("decided_by").at("email"), "rafael@northwind-cad.example");
    EXPECT_TRUE(item.at("decided_at").is_string());
  }
  EXPECT_TRUE(seen);
  EXPECT_NE(FindMail(QueuedMails(*server_, DemoEmail("ann")), "company_change_decided"), nullptr);

  // A declined one changes nothing and carries its reason; then the demo is put back.
  const std::string other = request(R"({"address_line2": "Unit 10"})");
  HttpReply declined = server_->Call("POST", target + "/" + other + "/decline", rafael,
                                     R"({"reason": "Unit 10 is not on the lease."})");
  ASSERT_EQ(declined.status, 200) << declined.Describe();
  EXPECT_EQ(declined.Json().at("status"), "declined");
  EXPECT_EQ(declined.Json().at("reason"), "Unit 10 is not on the lease.");
  HttpReply opened = server_->Call("GET", "/api/v1/contracts/" + id, ann);
  EXPECT_EQ(opened.Json().at("company").at("address_line2"), "Unit 9");
  const std::string back = request(R"({"address_line2": "Unit 4"})");
  EXPECT_EQ(server_->Call("POST", target + "/" + back + "/apply", rafael).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContractsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
