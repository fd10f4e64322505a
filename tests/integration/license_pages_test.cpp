// The seed articles' rules of who holds a license and where it is managed, over real HTTP on
// both backends:
// - "the contract manager is assigned as the end user by default" (serial number) and "The
//   primary admin is assigned by default" (sign in);
// - "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
//   license … 'classic user management' … 'serial number'";
// - Software Coordinators "manage users and installs" of their own contract.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::HasSubstr;

std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }

class LicensePagesHttpTest : public DemoServerTest {
 protected:
  // Globex, a new customer of Northwind CAD whose Contract Manager zed@globex.example is also
  // its Primary Admin, with an order of a sign-in, a serial-number and a network product.
  struct Globex {
    std::string team;
    std::string contract;
    std::string zed;
    std::map<std::string, std::string> subscription;  // product code → subscription id
  };

  Globex OrderForGlobex() {
    Globex out;
    const Credential& rafael = server_->Person("rafael@northwind-cad.example");
    const std::string account_body = boost::json::serialize(boost::json::object{
        {"company", boost::json::object{{"name", "Globex Ltd"},
                                        {"address_line1", "1 Harbour Road"},
                                        {"city", "Leeds"},
                                        {"postal_code", "LS1 4AP"},
                                        {"country", "GB"}}},
        {"contract_manager",
         boost::json::object{
             {"email", "zed@globex.example"}, {"first_name", "Zed"}, {"last_name", "Zhou"}}}});
    HttpReply created = server_->Call("POST", "/api/v1/accounts", rafael, account_body);
    EXPECT_EQ(created.status, 201) << created.Describe();
    if (created.status != 201) return out;
    const boost::json::value account = created.Json();
    out.team = Str(account.at("team").at("id"));
    out.zed = Str(account.at("contract_manager").at("id"));
    auto line = [](const char* code, int seats, const char* access, const char* activation) {
      return boost::json::object{{"product_code", code},
                                 {"seats", seats},
                                 {"access", access},
                                 {"activation", activation},
                                 {"model", "term"}};
    };
    const std::string order = boost::json::serialize(boost::json::object{
        {"term_months", 12},
        {"subscriptions", boost::json::array{line("DRL", 3, "single_user", "sign_in"),
                                             line("FRM", 2, "single_user", "serial_number"),
                                             line("MOT", 5, "multi_user", "serial_number")}}});
    HttpReply placed =
        server_->Call("POST", "/api/v1/accounts/" + Str(account.at("account").at("id")) + "/orders",
                      rafael, order);
    EXPECT_EQ(placed.status, 201) << placed.Describe();
    if (placed.status != 201) return out;
    const boost::json::value contract = placed.Json();
    out.contract = Str(contract.at("id"));
    for (const auto& sub : contract.at("subscriptions").as_array()) {
      out.subscription[Str(sub.at("code"))] = Str(sub.at("id"));
    }
    return out;
  }

  // Who the classic user management of `contract` shows ticked for `subscription`.
  std::vector<std::string> Ticked(const Credential& who, const std::string& contract,
                                  const std::string& subscription) {
    std::vector<std::string> out;
    HttpReply users = server_->Call("GET", "/api/v1/contracts/" + contract + "/users", who);
    EXPECT_EQ(users.status, 200) << users.Describe();
    if (users.status != 200) return out;
    const boost::json::value json = users.Json();
    for (const auto& u : json.at("items").as_array()) {
      for (const auto& id : u.at("subscription_ids").as_array()) {
        if (Str(id) == subscription) out.push_back(Str(u.at("email")));
      }
    }
    return out;
  }

  HttpReply SetAccess(const Credential& who, const std::string& contract, const std::string& user,
                      boost::json::array ids) {
    return server_->Call(
        "PUT", "/api/v1/contracts/" + contract + "/users/" + user + "/access", who,
        boost::json::serialize(boost::json::object{{"subscription_ids", std::move(ids)}}));
  }
};

TEST_P(LicensePagesHttpTest, ANewSerialSubscriptionSitsWithTheContractManagerUntilUnticked) {
  const Globex globex = OrderForGlobex();
  ASSERT_FALSE(globex.contract.empty());
  const Credential& op = server_->Person("operator@seatwise.example");
  const std::string frm = globex.subscription.at("FRM");
  const std::string drl = globex.subscription.at("DRL");

  // "the contract manager is assigned as the end user by default": ticked in classic user
  // management; "The primary admin is assigned by default": holding the sign-in seat.
  EXPECT_EQ(Ticked(op, globex.contract, frm), std::vector<std::string>{"zed@globex.example"});
  HttpReply holders = server_->Call(
      "GET", "/api/v1/teams/" + globex.team + "/subscriptions/" + drl + "/assignments", op);
  ASSERT_EQ(holders.status, 200) << holders.Describe();
  EXPECT_THAT(holders.body, HasSubstr("zed@globex.example"));
  EXPECT_TRUE(Ticked(op, globex.contract, globex.subscription.at("MOT")).empty());

  // Two people join; the serial's second seat goes to one, and the next is refused naming the
  // Contract Manager's default seat as the one to free.
  std::map<std::string, std::string> ids;
  for (const char* who : {"amy", "ben"}) {
    HttpReply invited = server_->Call("POST", "/api/v1/teams/" + globex.team + "/users", op,
                                      boost::json::serialize(boost::json::object{
                                          {"first_name", who},
                                          {"last_name", "Globex"},
                                          {"email", std::string(who) + "@globex.example"}}));
    ASSERT_EQ(invited.status, 201) << invited.Describe();
    ids[who] = Str(invited.Json().at("id"));
  }
  ASSERT_EQ(SetAccess(op, globex.contract, ids["amy"], {frm}).status, 200);
  HttpReply full = SetAccess(op, globex.contract, ids["ben"], {frm});
  EXPECT_EQ(full.status, 409) << full.Describe();
  EXPECT_THAT(full.body, HasSubstr("held by the Primary Admin and Contract Manager "
                                   "zed@globex.example — unassign it first"));
  ASSERT_EQ(SetAccess(op, globex.contract, globex.zed, {}).status, 200);
  EXPECT_EQ(SetAccess(op, globex.contract, ids["ben"], {frm}).status, 200);
  auto ticked = Ticked(op, globex.contract, frm);
  std::sort(ticked.begin(), ticked.end());
  EXPECT_EQ(ticked, (std::vector<std::string>{"amy@globex.example", "ben@globex.example"}));
}

TEST_P(LicensePagesHttpTest, EachPageAndRouteTakesOnlyItsKindOfLicense) {
  const Globex globex = OrderForGlobex();
  ASSERT_FALSE(globex.contract.empty());
  const Credential& op = server_->Person("operator@seatwise.example");
  const std::string frm = globex.subscription.at("FRM");
  const std::string mot = globex.subscription.at("MOT");
  const std::string drl = globex.subscription.at("DRL");

  // By product and By user refuse the serial product, pointing to classic user management.
  for (const HttpReply& refused :
       {server_->Call("POST",
                      "/api/v1/teams/" + globex.team + "/subscriptions/" + frm + "/assignments", op,
                      R"({"user_id":")" + globex.zed + R"("})"),
        server_->Call("POST", "/api/v1/teams/" + globex.team + "/users/" + globex.zed + "/products",
                      op, R"({"subscription_ids":[")" + frm + R"("]})"),
        server_->Call(
            "DELETE",
            "/api/v1/teams/" + globex.team + "/subscriptions/" + frm + "/assignments/" + globex.zed,
            op)}) {
    EXPECT_EQ(refused.status, 409) << refused.Describe();
    EXPECT_EQ(refused.Header("content-type"), "application/problem+json");
    EXPECT_THAT(refused.body, HasSubstr("is a serial-number license: give or remove access to it "
                                        "in classic user management"));
  }
  HttpReply offered = server_->Call(
      "GET", "/api/v1/teams/" + globex.team + "/users/" + globex.zed + "/products", op);
  ASSERT_EQ(offered.status, 200) << offered.Describe();
  const boost::json::value offer = offered.Json();
  for (const auto& p : offer.at("assignable").as_array()) {
    EXPECT_EQ(p.at("activation"), "sign_in") << boost::json::serialize(p);
  }

  // Classic user management refuses the network product (shared) and the sign-in one.
  HttpReply shared = SetAccess(op, globex.contract, globex.zed, {frm, mot});
  EXPECT_EQ(shared.status, 400) << shared.Describe();
  EXPECT_THAT(shared.body, HasSubstr("is a network (multi-user) license: it is shared, not "
                                     "assigned to people"));
  HttpReply sign_in = SetAccess(op, globex.contract, globex.zed, {drl});
  EXPECT_EQ(sign_in.status, 400) << sign_in.Describe();
  EXPECT_THAT(sign_in.body, HasSubstr("is a sign-in license: assign it by user or by product"));
  // Nothing changed: the Contract Manager still holds the serial product.
  EXPECT_EQ(Ticked(op, globex.contract, frm), std::vector<std::string>{"zed@globex.example"});
}

// "Devices and Users are accessible by Software Coordinators and Contract Admins" and the
// Software Coordinator "manages users and installs of that contract": Dev adds people one at a
// time and by CSV, ticks their access to his contract's serial product and sees the devices —
// never the contract itself, billing, or the team's people as a whole.
TEST_P(LicensePagesHttpTest, TheSoftwareCoordinatorAddsPeopleAndGivesThemHisContractsProducts) {
  const Credential& dev = server_->Person(DemoEmail("dev"));
  const std::string team = TeamId(dev);
  ASSERT_FALSE(team.empty());
  HttpReply invited =
      server_->Call("POST", "/api/v1/teams/" + team + "/users", dev,
                    R"({"first_name":"Sol","last_name":"Serrano","email":"sol@contoso.example"})");
  ASSERT_EQ(invited.status, 201) << invited.Describe();
  const std::string sol = Str(invited.Json().at("id"));
  Headers headers = dev.HeadersFor();
  headers.emplace_back("Content-Type", "text/csv");
  HttpReply imported = Send(server_->port(), "POST", "/api/v1/teams/" + team + "/users/import",
                            headers, "first_name,last_name,email\nTao,Tran,tao@contoso.example\n");
  ASSERT_EQ(imported.status, 200) << imported.Describe();
  EXPECT_EQ(imported.Json().at("summary").at("invited").as_int64(), 1);

  HttpReply products = server_->Call("GET", "/api/v1/teams/" + team + "/products", dev);
  ASSERT_EQ(products.status, 200) << products.Describe();
  std::string contract;
  std::string frm;
  const boost::json::value listing = products.Json();
  for (const auto& p : listing.at("items").as_array()) {
    if (p.at("item").at("code") == "FRM") {
      contract = Str(p.at("contract").at("id"));
      frm = Str(p.at("subscription_id"));
    }
  }
  ASSERT_FALSE(frm.empty());
  ASSERT_EQ(SetAccess(dev, contract, sol, {frm}).status, 200);
  EXPECT_THAT(Ticked(dev, contract, frm), ::testing::Contains("sol@contoso.example"));
  ASSERT_EQ(SetAccess(dev, contract, sol, {}).status, 200);

  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + team + "/devices", dev).status, 200);
  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts/" + contract, dev).status, 403);
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + team + "/users", dev).status, 403);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/teams/" + team + "/users/" + sol, dev).status, 403);
  // A plain user still adds no one.
  EXPECT_EQ(
      server_
          ->Call("POST", "/api/v1/teams/" + team + "/users", server_->Person(DemoEmail("eve")),
                 R"({"first_name":"X","last_name":"Y","email":"xy@contoso.example"})")
          .status,
      403);
}

INSTANTIATE_TEST_SUITE_P(Backends, LicensePagesHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
