// The seed articles' stories replayed end to end over real HTTP, on both backends:
//  - an order arrives → the Contract Manager accepts the invitation and signs in → sees the
//    default seat on themselves → bulk-invites users from a CSV → assigns by product → the
//    next person is refused with a message naming the Primary Admin who holds the seat →
//    the CM unassigns their own seat → the person gets it and an e-mail;
//  - a serial contract is migrated to sign-in: the Primary Admin is told, the seat sits
//    with them, network and perpetual licenses stay as they are.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::HasSubstr;

class StoriesTest : public DemoServerTest {
 protected:
  // The subscription row of `code` in the team's product list.
  boost::json::object Product(const Credential& who, const std::string& team,
                              const std::string& code) {
    HttpReply products = server_->Call("GET", "/api/v1/teams/" + team + "/products", who);
    EXPECT_EQ(products.status, 200) << products.Describe();
    if (products.status != 200) return {};
    const boost::json::value json = products.Json();
    for (const auto& item : json.at("items").as_array()) {
      if (item.at("item").at("code") == boost::json::value(code)) return item.as_object();
    }
    ADD_FAILURE() << "no " << code << " in " << products.body;
    return {};
  }
};

TEST_P(StoriesTest, FromTheOrderToTheFirstAssignedUser) {
  const std::string tag(store::BackendName(GetParam()));
  const Credential& reseller = server_->Person(DemoEmail("rafael"));
  const std::string cm_email = "tara." + tag + "@tailspin.example";

  // The reseller sets up the customer and places the order.
  HttpReply account =
      server_->Call("POST", "/api/v1/accounts", reseller,
                    boost::json::serialize(boost::json::object{
                        {"company",
                         {{"name", "Tailspin Toys " + tag},
                          {"address_line1", "4 Harbour Road"},
                          {"city", "Bristol"},
                          {"postal_code", "BS1 4RW"},
                          {"country", "GB"}}},
                        {"contract_manager",
                         {{"email", cm_email}, {"first_name", "Tara"}, {"last_name", "Lind"}}}}));
  ASSERT_EQ(account.status, 201) << account.Describe();
  const std::string account_id(account.Json().at("account").at("id").as_string());
  const std::string team(account.Json().at("team").at("id").as_string());

  HttpReply order =
      server_->Call("POST", "/api/v1/accounts/" + account_id + "/orders", reseller,
                    boost::json::serialize(boost::json::object{{"term_months", 12},
                                                               {"subscriptions",
                                                                {{{"product_code", "DRL"},
                                                                  {"seats", 3},
                                                                  {"access", "single_user"},
                                                                  {"activation", "sign_in"},
                                                                  {"model", "term"}}}}}));
  ASSERT_EQ(order.status, 201) << order.Describe();

  // The Contract Manager hears about it, and is invited to the new team as Primary Admin.
  auto mails = QueuedMails(*server_, cm_email);
  ASSERT_NE(FindMail(mails, "order_processed"), nullptr) << "no order-processed e-mail";
  ASSERT_NE(FindMail(mails, "get_started"), nullptr) << "no get-started e-mail";
  ASSERT_NE(FindMail(mails, "invitation"), nullptr) << "no invitation e-mail";
  const std::string token = InvitationTokenFor(*server_, cm_email);
  ASSERT_FALSE(token.empty());

  HttpReply accepted = server_->Call("POST", "/api/v1/invitations/" + token + "/accept", {},
                                     R"({"password":"harbour-lights-and-kites-42"})");
  ASSERT_EQ(accepted.status, 201) << accepted.Describe();
  Credential cm;
  cm.session = CookieFrom(accepted, "sw_session");
  cm.csrf = CookieFrom(accepted, "sw_csrf");
  HttpReply me = server_->Call("GET", "/api/v1/me", cm);
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_THAT(me.body, HasSubstr("primary_admin"));

  // The new sign-in seats start with the Primary Admin.
  boost::json::object drl = Product(cm, team, "DRL");
  ASSERT_FALSE(drl.empty());
  EXPECT_EQ(drl.at("seats").as_int64(), 3);
  EXPECT_EQ(drl.at("assigned").as_int64(), 1);
  const std::string sub(drl.at("subscription_id").as_string());

  // Bulk invitation from a CSV file.
  const std::string csv =
      "first_name,last_name,email\r\n"
      "Uma,One,uma." +
      tag +
      "@tailspin.example\r\n"
      "Vic,Two,vic." +
      tag +
      "@tailspin.example\r\n"
      "Wes,Three,wes." +
      tag + "@tailspin.example\r\n";
  Headers csv_headers = cm.HeadersFor();
  csv_headers.emplace_back("Content-Type", "text/csv");
  HttpReply imported =
      Send(server_->port(), "POST", "/api/v1/teams/" + team + "/users/import", csv_headers, csv);
  ASSERT_EQ(imported.status, 200) << imported.Describe();
  EXPECT_EQ(imported.Json().at("summary").at("invited").as_int64(), 3);
  std::map<std::string, std::string> ids;  // e-mail → user id
  const boost::json::value import_json = imported.Json();
  for (const auto& row : import_json.at("rows").as_array()) {
    ids[std::string(row.at("email").as_string())] = std::string(row.at("user_id").as_string());
  }

  // By product: two of the three get the two free seats.
  const std::string assignments =
      "/api/v1/teams/" + team + "/subscriptions/" + sub + "/assignments";
  HttpReply bulk = server_->Call(
      "POST", assignments, cm,
      boost::json::serialize(boost::json::object{{"user_ids",
                                                  {ids.at("uma." + tag + "@tailspin.example"),
                                                   ids.at("vic." + tag + "@tailspin.example")}}}));
  ASSERT_EQ(bulk.status, 200) << bulk.Describe();

  // The third is refused, and the answer says the Primary Admin holds a seat.
  const std::string wes = ids.at("wes." + tag + "@tailspin.example");
  const std::string wes_body = boost::json::serialize(boost::json::object{{"user_id", wes}});
  HttpReply full = server_->Call("POST", assignments, cm, wes_body);
  ASSERT_EQ(full.status, 409) << full.Describe();
  EXPECT_THAT(full.Header("Content-Type"), ::testing::StartsWith("application/problem+json"));
  const std::string detail(full.Json().at("detail").as_string());
  EXPECT_THAT(detail, HasSubstr("Primary Admin"));
  EXPECT_THAT(detail, HasSubstr(cm_email));

  // The Contract Manager gives up their own seat; now it goes through.
  HttpReply released = server_->Call(
      "DELETE", assignments + "/" + std::string(me.Json().at("user").at("id").as_string()), cm);
  ASSERT_EQ(released.status, 200) << released.Describe();
  HttpReply assigned = server_->Call("POST", assignments, cm, wes_body);
  ASSERT_EQ(assigned.status, 201) << assigned.Describe();
  EXPECT_EQ(Product(cm, team, "DRL").at("assigned").as_int64(), 3);

  // Wes is told, with a sign-in link.
  const auto wes_mails = QueuedMails(*server_, "wes." + tag + "@tailspin.example");
  const core::OutboxMessage* told = FindMail(wes_mails, "assignment");
  ASSERT_NE(told, nullptr) << "no assignment e-mail";
  EXPECT_THAT(told->body_text, HasSubstr("/sign-in"));

  // Only the CM sees Billing & Orders; the new contract is there.
  HttpReply contracts = server_->Call("GET", "/api/v1/contracts", cm);
  ASSERT_EQ(contracts.status, 200) << contracts.Describe();
  EXPECT_EQ(contracts.Json().at("items").as_array().size(), 1U) << contracts.body;
}

TEST_P(StoriesTest, ASerialContractMovesToSignInAndTheSeatsWaitWithThePrimaryAdmin) {
  const Credential& reseller = server_->Person(DemoEmail("rafael"));
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  boost::json::object frm = Product(ann, team, "FRM");
  ASSERT_FALSE(frm.empty());
  ASSERT_EQ(frm.at("activation"), "serial_number");
  const std::string contract(frm.at("contract").at("id").as_string());

  // Network and perpetual licenses are never migrated.
  boost::json::object str = Product(ann, team, "STR");
  ASSERT_FALSE(str.empty());
  HttpReply refused =
      server_->Call("POST",
                    "/api/v1/contracts/" + std::string(str.at("contract").at("id").as_string()) +
                        "/migrate-to-sign-in",
                    reseller, "{}");
  EXPECT_EQ(refused.status, 409) << refused.Describe();

  const auto notices_before = QueuedMails(*server_, DemoEmail("ann")).size();
  HttpReply migrated = server_->Call(
      "POST", "/api/v1/contracts/" + contract + "/migrate-to-sign-in", reseller, "{}");
  ASSERT_EQ(migrated.status, 200) << migrated.Describe();
  ASSERT_EQ(migrated.Json().at("migrated").as_array().size(), 1U) << migrated.body;

  frm = Product(ann, team, "FRM");
  EXPECT_EQ(frm.at("activation"), "sign_in");
  EXPECT_EQ(frm.at("assigned").as_int64(), 1);  // the Primary Admin's, until reassigned
  const auto notices = QueuedMails(*server_, DemoEmail("ann"));
  ASSERT_GT(notices.size(), notices_before);
  EXPECT_NE(FindMail(notices, "migration_notice"), nullptr);

  // A second request has nothing left to switch.
  HttpReply again = server_->Call("POST", "/api/v1/contracts/" + contract + "/migrate-to-sign-in",
                                  reseller, "{}");
  EXPECT_EQ(again.status, 409) << again.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoriesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
