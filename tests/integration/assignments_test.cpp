// Seat assignment over real HTTP on both backends: the team's products, assignment by product
// and by user, a full pool naming who holds its seats, classic serial access by the Software
// Coordinator, a plain user refused, and 64 concurrent assignments filling exactly 10 seats.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class AssignmentsHttpTest : public DemoServerTest {
 protected:
  static std::string DesignTeam(DemoServer& server, const Credential& who) {
    HttpReply me = server.Call("GET", "/api/v1/me", who);
    EXPECT_EQ(me.status, 200) << me.Describe();
    if (me.status != 200) return "";
    const boost::json::value json = me.Json();
    for (const auto& m : json.at("memberships").as_array()) {
      if (m.at("team_name") == "Contoso Design") return std::string(m.at("team_id").as_string());
    }
    return "";
  }

  static std::string UserId(DemoServer& server, const std::string& who) {
    const Credential& person = server.Person(DemoEmail(who));
    HttpReply me = server.Call("GET", "/api/v1/me", person);
    EXPECT_EQ(me.status, 200) << me.Describe();
    if (me.status != 200) return "";
    return std::string(me.Json().at("user").at("id").as_string());
  }

  // The team's products by item code, as `who` sees them.
  static std::map<std::string, boost::json::object> Products(DemoServer& server,
                                                             const std::string& team,
                                                             const Credential& who) {
    std::map<std::string, boost::json::object> out;
    HttpReply listed = server.Call("GET", "/api/v1/teams/" + team + "/products", who);
    EXPECT_EQ(listed.status, 200) << listed.Describe();
    if (listed.status != 200) return out;
    const boost::json::value json = listed.Json();
    for (const auto& item : json.at("items").as_array()) {
      out[std::string(item.at("item").at("code").as_string())] = item.as_object();
    }
    return out;
  }

  static std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }
};

TEST_P(AssignmentsHttpTest, AdminAssignsByProductAndByUserAndAFullPoolNamesItsHolder) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = DesignTeam(*server_, ann);
  ASSERT_FALSE(team.empty());
  auto products = Products(*server_, team, ann);
  for (const char* code : {"DRL", "AEC", "RND", "FRM", "STR", "CIV"}) {
    ASSERT_TRUE(products.count(code)) << code;
  }
  EXPECT_EQ(products["AEC"].at("kind"), "collection");
  EXPECT_EQ(products["RND"].at("kind"), "service");
  EXPECT_FALSE(products["AEC"].at("products").as_array().empty());
  EXPECT_EQ(products["AEC"].at("seats").as_int64(), 3);
  EXPECT_EQ(products["AEC"].at("assigned").as_int64(), 2);
  EXPECT_TRUE(products["FRM"].at("serial_number").is_string());

  // By product: the cloud service to Bob.
  const std::string rnd = Str(products["RND"].at("subscription_id"));
  const std::string bob = UserId(*server_, "bob");
  HttpReply assigned =
      server_->Call("POST", "/api/v1/teams/" + team + "/subscriptions/" + rnd + "/assignments", ann,
                    boost::json::serialize(boost::json::object{{"user_id", bob}}));
  ASSERT_EQ(assigned.status, 201) << assigned.Describe();
  EXPECT_EQ(Str(assigned.Json().at("user_id")), bob);
  HttpReply holders =
      server_->Call("GET", "/api/v1/teams/" + team + "/subscriptions/" + rnd + "/assignments", ann);
  ASSERT_EQ(holders.status, 200) << holders.Describe();
  bool ann_is_pa = false;
  const boost::json::value holder_list = holders.Json();
  for (const auto& h : holder_list.at("items").as_array()) {
    if (Str(h.at("email")) == DemoEmail("ann")) ann_is_pa = h.at("primary_admin").as_bool();
  }
  EXPECT_TRUE(ann_is_pa);

  // By user: the collection's last seat to Gia.
  const std::string aec = Str(products["AEC"].at("subscription_id"));
  const std::string gia = UserId(*server_, "gia");
  HttpReply by_user = server_->Call(
      "POST", "/api/v1/teams/" + team + "/users/" + gia + "/products", ann,
      boost::json::serialize(boost::json::object{{"subscription_ids", boost::json::array{aec}}}));
  ASSERT_EQ(by_user.status, 200) << by_user.Describe();
  EXPECT_EQ(by_user.Json().at("assigned").as_array().size(), 1u);

  // The collection is full now; the answer names the Primary Admin holding a seat.
  const std::string hal = UserId(*server_, "hal");
  HttpReply full =
      server_->Call("POST", "/api/v1/teams/" + team + "/subscriptions/" + aec + "/assignments", ann,
                    boost::json::serialize(boost::json::object{{"user_id", hal}}));
  ASSERT_EQ(full.status, 409) << full.Describe();
  EXPECT_THAT(full.Header("Content-Type"), ::testing::HasSubstr("application/problem+json"));
  const std::string detail = Str(full.Json().at("detail"));
  EXPECT_THAT(detail, ::testing::HasSubstr("Primary Admin"));
  EXPECT_THAT(detail, ::testing::HasSubstr(DemoEmail("ann")));

  // Network seats are not assigned.
  const std::string str = Str(products["STR"].at("subscription_id"));
  HttpReply network =
      server_->Call("POST", "/api/v1/teams/" + team + "/subscriptions/" + str + "/assignments", ann,
                    boost::json::serialize(boost::json::object{{"user_id", hal}}));
  EXPECT_EQ(network.status, 409) << network.Describe();

  // Gia sees the collection among her own products.
  const Credential& gia_session = server_->Person(DemoEmail("gia"));
  HttpReply mine =
      server_->Call("GET", "/api/v1/teams/" + team + "/users/" + gia + "/products", gia_session);
  ASSERT_EQ(mine.status, 200) << mine.Describe();
  bool has_aec = false;
  const boost::json::value mine_json = mine.Json();
  for (const auto& item : mine_json.at("items").as_array()) {
    has_aec = has_aec || Str(item.at("subscription_id")) == aec;
  }
  EXPECT_TRUE(has_aec);
  EXPECT_FALSE(mine.Json().as_object().contains("assignable"));
}

TEST_P(AssignmentsHttpTest, SoftwareCoordinatorSeesOnlyTheSerialContractAndSetsClassicAccess) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = DesignTeam(*server_, ann);
  ASSERT_FALSE(team.empty());
  auto all = Products(*server_, team, ann);
  ASSERT_TRUE(all.count("FRM") && all.count("STR"));
  const std::string serial_contract = Str(all["FRM"].at("contract").at("id"));
  const std::string network_contract = Str(all["STR"].at("contract").at("id"));
  const std::string frm = Str(all["FRM"].at("subscription_id"));

  const Credential& dev = server_->Person(DemoEmail("dev"));
  auto visible = Products(*server_, team, dev);
  ASSERT_FALSE(visible.empty());
  for (const auto& [code, item] : visible) {
    EXPECT_EQ(item.at("contract").at("number"), "110001234568") << code;
  }

  const std::string ivy = UserId(*server_, "ivy");
  const std::string access = "/api/v1/contracts/" + serial_contract + "/users/" + ivy + "/access";
  HttpReply set = server_->Call(
      "PUT", access, dev,
      boost::json::serialize(boost::json::object{{"subscription_ids", boost::json::array{frm}}}));
  ASSERT_EQ(set.status, 200) << set.Describe();
  EXPECT_EQ(set.Json().at("added").as_array().size(), 1u);

  HttpReply users = server_->Call("GET", "/api/v1/contracts/" + serial_contract + "/users", dev);
  ASSERT_EQ(users.status, 200) << users.Describe();
  bool ivy_has_frm = false;
  const boost::json::value user_list = users.Json();
  for (const auto& u : user_list.at("items").as_array()) {
    if (Str(u.at("id")) != ivy) continue;
    for (const auto& id : u.at("subscription_ids").as_array()) ivy_has_frm |= Str(id) == frm;
  }
  EXPECT_TRUE(ivy_has_frm);

  HttpReply cleared = server_->Call(
      "PUT", access, dev,
      boost::json::serialize(boost::json::object{{"subscription_ids", boost::json::array{}}}));
  ASSERT_EQ(cleared.status, 200) << cleared.Describe();
  EXPECT_EQ(cleared.Json().at("removed").as_array().size(), 1u);

  HttpReply wrong = server_->Call(
      "PUT", access, dev,
      boost::json::serialize(boost::json::object{
          {"subscription_ids", boost::json::array{all["DRL"].at("subscription_id")}}}));
  EXPECT_EQ(wrong.status, 400) << wrong.Describe();

  EXPECT_EQ(server_->Call("GET", "/api/v1/contracts/" + network_contract + "/users", dev).status,
            403);
  EXPECT_EQ(server_
                ->Call("PUT", "/api/v1/contracts/" + network_contract + "/users/" + ivy + "/access",
                       dev, R"({"subscription_ids":[]})")
                .status,
            403);
}

TEST_P(AssignmentsHttpTest, AUserIsRefusedAssignmentButSeesTheirOwnProducts) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = DesignTeam(*server_, ann);
  ASSERT_FALSE(team.empty());
  auto all = Products(*server_, team, ann);
  ASSERT_TRUE(all.count("RND"));
  const std::string rnd = Str(all["RND"].at("subscription_id"));
  const std::string eve = UserId(*server_, "eve");
  const Credential& eve_session = server_->Person(DemoEmail("eve"));

  HttpReply refused =
      server_->Call("POST", "/api/v1/teams/" + team + "/subscriptions/" + rnd + "/assignments",
                    eve_session, boost::json::serialize(boost::json::object{{"user_id", eve}}));
  EXPECT_EQ(refused.status, 403) << refused.Describe();
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + team + "/products", eve_session).status, 403);

  HttpReply mine =
      server_->Call("GET", "/api/v1/teams/" + team + "/users/" + eve + "/products", eve_session);
  ASSERT_EQ(mine.status, 200) << mine.Describe();
  bool has_drl = false;
  const boost::json::value mine_json = mine.Json();
  for (const auto& item : mine_json.at("items").as_array()) {
    has_drl = has_drl || item.at("item").at("code") == "DRL";
  }
  EXPECT_TRUE(has_drl);
  const std::string ann_id = UserId(*server_, "ann");
  EXPECT_EQ(
      server_->Call("GET", "/api/v1/teams/" + team + "/users/" + ann_id + "/products", eve_session)
          .status,
      403);
}

// On a server of its own: the race empties and fills the demo's DRL pool.
TEST_P(AssignmentsHttpTest, SixtyFourConcurrentAssignmentsFillExactlyTenSeats) {
  DemoServer server(GetParam());
  ASSERT_TRUE(server.started()) << server.Stderr();
  const Credential& ann = server.Person(DemoEmail("ann"));
  const std::string team = DesignTeam(server, ann);
  ASSERT_FALSE(team.empty());

  constexpr int kPeople = 64;
  std::string csv = "email,first_name,last_name\n";
  for (int i = 0; i < kPeople; ++i) {
    csv += "racer" + std::to_string(i) + "@race.example,Racer," + std::to_string(i) + "\n";
  }
  Headers headers = ann.HeadersFor();
  headers.emplace_back("Content-Type", "text/csv");
  HttpReply imported =
      Send(server.port(), "POST", "/api/v1/teams/" + team + "/users/import", headers, csv);
  ASSERT_EQ(imported.status, 200) << imported.Describe();
  std::vector<std::string> racers;
  const boost::json::value import_json = imported.Json();
  for (const auto& row : import_json.at("rows").as_array()) {
    racers.push_back(Str(row.at("user_id")));
  }
  ASSERT_EQ(racers.size(), static_cast<std::size_t>(kPeople));

  auto products = Products(server, team, ann);
  ASSERT_TRUE(products.count("DRL"));
  const std::string drl = Str(products["DRL"].at("subscription_id"));
  const std::string base = "/api/v1/teams/" + team + "/subscriptions/" + drl + "/assignments";
  HttpReply holders = server.Call("GET", base, ann);
  ASSERT_EQ(holders.status, 200) << holders.Describe();
  const boost::json::value holder_json = holders.Json();
  const auto& items = holder_json.at("items").as_array();
  ASSERT_EQ(items.size(), 4u);
  for (const auto& h : items) {
    HttpReply ended = server.Call("DELETE", base + "/" + Str(h.at("user_id")), ann);
    ASSERT_EQ(ended.status, 200) << ended.Describe();
  }

  std::mutex mutex;
  std::map<int, int> statuses;
  std::vector<std::thread> threads;
  for (int i = 0; i < kPeople; ++i) {
    threads.emplace_back([&, i] {
      HttpReply reply = server.Call(
          "POST", base, ann, boost::json::serialize(boost::json::object{{"user_id", racers[i]}}));
      std::lock_guard lock(mutex);
      ++statuses[reply.status];
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(statuses[201], 10);
  EXPECT_EQ(statuses[409], 54);
  EXPECT_EQ(statuses.size(), 2u);

  auto after = Products(server, team, ann);
  EXPECT_EQ(after["DRL"].at("assigned").as_int64(), 10);
  EXPECT_EQ(after["DRL"].at("available").as_int64(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
