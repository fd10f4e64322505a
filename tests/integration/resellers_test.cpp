// Reseller onboarding over real HTTP on both backends: an operator creates a reseller and
// adds its first staff member by e-mail; the person sets a password through the e-mailed
// link, signs in, sees only the reseller's customers and creates one under it. A demo
// reseller's staff may not create resellers and see only their own.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class ResellersHttpTest : public DemoServerTest {};

// The token of the set-password link in an e-mail body, or "".
std::string ResetTokenIn(const std::string& body) {
  const std::string marker = "/reset-password/";
  const auto at = body.find(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  return body.substr(start, body.find_first_of("\n ", start) - start);
}

TEST_P(ResellersHttpTest, OperatorOnboardsAResellerWhoseStaffSellToTheirOwnCustomers) {
  const Credential& op = server_->Person(DemoEmail("operator"));
  HttpReply created =
      server_->Call("POST", "/api/v1/resellers", op,
                    R"({"name":"  Tailspin Partners ","contact_email":"orders@tailspin.example"})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const boost::json::value reseller = created.Json();
  const std::string reseller_id(reseller.at("id").as_string());
  EXPECT_EQ(reseller.at("name"), "Tailspin Partners");
  EXPECT_EQ(reseller.at("customers").as_int64(), 0);

  HttpReply duplicate =
      server_->Call("POST", "/api/v1/resellers", op,
                    R"({"name":"tailspin partners","contact_email":"x@tailspin.example"})");
  EXPECT_EQ(duplicate.status, 409) << duplicate.Describe();
  HttpReply invalid =
      server_->Call("POST", "/api/v1/resellers", op, R"({"name":"","contact_email":"nope"})");
  ASSERT_EQ(invalid.status, 400) << invalid.Describe();
  EXPECT_EQ(invalid.Json().at("errors").as_array().size(), 2u);

  HttpReply added =
      server_->Call("POST", "/api/v1/resellers/" + reseller_id + "/staff", op,
                    R"({"email":"tara@tailspin.example","first_name":"Tara","last_name":"Tell"})");
  ASSERT_EQ(added.status, 201) << added.Describe();
  EXPECT_EQ(added.Json().at("created"), true);
  EXPECT_EQ(added.Json().at("user").at("reseller_id"), reseller_id.c_str());

  const auto mails = QueuedMails(*server_, "tara@tailspin.example");
  ASSERT_EQ(mails.size(), 1u);
  const core::OutboxMessage* mail = FindMail(mails, "reseller_staff_added");
  ASSERT_NE(mail, nullptr);
  EXPECT_NE(mail->body_text.find("/reset-password/swt_"), std::string::npos) << mail->body_text;
  const std::string token = ResetTokenIn(mail->body_text);
  ASSERT_FALSE(token.empty());

  HttpReply reset =
      Send(server_->port(), "POST", "/api/v1/auth/password-reset/" + token,
           {{"Content-Type", "application/json"}}, R"({"password":"tailspin-sells-seats-2026"})");
  ASSERT_LT(reset.status, 300) << reset.Describe();
  auto tara = server_->SignIn("tara@tailspin.example", "tailspin-sells-seats-2026");
  ASSERT_TRUE(tara.has_value());

  HttpReply none = server_->Call("GET", "/api/v1/accounts", *tara);
  ASSERT_EQ(none.status, 200) << none.Describe();
  EXPECT_TRUE(none.Json().at("items").as_array().empty());

  HttpReply account = server_->Call(
      "POST", "/api/v1/accounts", *tara,
      R"({"company":{"name":"Wingtip Toys","address_line1":"1 Runway Rd","city":"Seattle",)"
      R"("postal_code":"98101","country":"US"},)"
      R"("contract_manager":{"email":"wes@wingtip.example","first_name":"Wes","last_name":"Wing"}})");
  ASSERT_EQ(account.status, 201) << account.Describe();
  EXPECT_EQ(account.Json().at("account").at("reseller_id"), reseller_id.c_str());

  HttpReply mine = server_->Call("GET", "/api/v1/accounts", *tara);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.Json().at("items").as_array().size(), 1u);
  HttpReply details = server_->Call("GET", "/api/v1/resellers/" + reseller_id, op);
  ASSERT_EQ(details.status, 200) << details.Describe();
  EXPECT_EQ(details.Json().at("customers").as_int64(), 1);
  EXPECT_EQ(details.Json().at("staff").as_int64(), 1);
  EXPECT_EQ(details.Json().at("recent_customers").at(0).at("name"), "Wingtip Toys");

  // Removed from the staff, the same session no longer reaches the customers.
  const std::string tara_id(added.Json().at("user").at("id").as_string());
  HttpReply removed =
      server_->Call("DELETE", "/api/v1/resellers/" + reseller_id + "/staff/" + tara_id, op);
  ASSERT_EQ(removed.status, 204) << removed.Describe();
  EXPECT_EQ(server_->Call("GET", "/api/v1/accounts", *tara).status, 403);
}

TEST_P(ResellersHttpTest, DemoResellerStaffSeeOnlyTheirResellerAndCannotCreateOne) {
  const Credential& rafael = server_->Person(DemoEmail("rafael"));
  HttpReply create = server_->Call("POST", "/api/v1/resellers", rafael,
                                   R"({"name":"Mine","contact_email":"me@mine.example"})");
  EXPECT_EQ(create.status, 403) << create.Describe();
  HttpReply listed = server_->Call("GET", "/api/v1/resellers", rafael);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  const boost::json::value listing = listed.Json();
  const auto& items = listing.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("name"), "Northwind CAD Solutions");
  EXPECT_GE(items[0].at("customers").as_int64(), 1);

  const Credential& ann = server_->Person(DemoEmail("ann"));
  EXPECT_EQ(server_->Call("GET", "/api/v1/resellers", ann).status, 403);
  HttpReply bad_limit =
      server_->Call("GET", "/api/v1/resellers?limit=201", server_->Person(DemoEmail("operator")));
  EXPECT_EQ(bad_limit.status, 400) << bad_limit.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, ResellersHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
