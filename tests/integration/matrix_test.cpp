// Every permission-carrying route of the identity API against every kind of caller, over
// real HTTP, on both backends: the status class each caller gets follows DOMAIN.md's
// permission matrix, refusals to strangers of the customer conceal existence (404), and
// every refusal leaves an audit entry with outcome "denied".

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

// Callers, in the column order of the table below.
constexpr std::array<std::string_view, 11> kCallers = {
    "anonymous", "operator", "rafael", "rosa", "lea", "ann", "bob", "dev", "eve", "nia", "pat"};

// One route and what each caller gets: '2' 2xx, '1' 401, '3' 403, '4' 404, '-' not tried
// (destructive; covered by its own test). Placeholders in braces are ids of demo objects.
struct Row {
  std::string_view name;
  std::string_view method;
  std::string_view path;
  std::string_view body;
  //                      anon op raf ros lea ann bob dev eve nia pat
  std::string_view expected;
  // How to undo a successful call: method, path and body run by the operator.
  std::string_view undo_method = "";
  std::string_view undo_path = "";
  std::string_view undo_body = "";
  std::string_view undo_as = "operator";
};

// clang-format off
const Row kRows[] = {
    {"team audit", "GET", "/api/v1/teams/{design}/audit", "",
                                              "12343223334"},
    {"all audit", "GET", "/api/v1/audit", "", "12333333333"},
    {"appoint SA", "PUT", "/api/v1/teams/{design}/secondary-admins/{gia}", "",
                                              "13343223334",
     "DELETE", "/api/v1/teams/{design}/secondary-admins/{gia}", "", "ann"},
    {"remove SA", "DELETE", "/api/v1/teams/{design}/secondary-admins/{cho}", "",
                                              "13343223334",
     "PUT", "/api/v1/teams/{design}/secondary-admins/{cho}", "", "ann"},
    {"hand over PA (Design, CM ann)", "PUT", "/api/v1/teams/{design}/primary-admin",
     R"({"user_id":"{bob}"})",                "12243233334",
     "PUT", "/api/v1/teams/{design}/primary-admin", R"({"user_id":"{ann}"})"},
    {"hand over PA (Plant, CM lea)", "PUT", "/api/v1/teams/{plant}/primary-admin",
     R"({"user_id":"{max}"})",                "12242333334",
     "PUT", "/api/v1/teams/{plant}/primary-admin", R"({"user_id":"{kim}"})"},
    {"change CM (Design contract)", "PUT", "/api/v1/contracts/{signin}/contract-manager",
     R"({"user_id":"{bob}"})",                "12243233334",
     "PUT", "/api/v1/contracts/{signin}/contract-manager", R"({"user_id":"{ann}"})"},
    {"change CM (Plant contract)", "PUT", "/api/v1/contracts/{plant_contract}/contract-manager",
     R"({"user_id":"{kim}"})",                "12242333334",
     "PUT", "/api/v1/contracts/{plant_contract}/contract-manager", R"({"user_id":"{lea}"})"},
    {"change SC", "PUT", "/api/v1/contracts/{serial}/software-coordinator",
     R"({"user_id":"{eve}"})",                "12243233334",
     "PUT", "/api/v1/contracts/{serial}/software-coordinator", R"({"user_id":"{dev}"})"},
    {"admin MFA reset", "DELETE", "/api/v1/teams/{design}/users/{gia}/mfa", "",
                                              "12343223334"},
    {"admin sign-out everywhere", "POST", "/api/v1/teams/{design}/users/{gia}/sign-out", "",
                                              "12343223334"},
    {"admin API tokens revoke", "DELETE", "/api/v1/teams/{design}/users/{gia}/api-tokens", "",
                                              "12343223334"},
    {"admin erasure", "DELETE", "/api/v1/teams/{design}/users/{gia}/personal-data", "",
                                              "1-343--3334"},
    // Teams: create, rename, merge, split — operators and the account's reseller only. The
    // moves are dry runs here; the real ones have their own test (teams_test.cpp).
    {"create team", "POST", "/api/v1/accounts/{contoso}/teams",
     R"({"name":"Matrix","primary_admin_id":"{ann}"})",
                                              "1--43333334"},
    {"team contents", "GET", "/api/v1/teams/{design}/contents", "",
                                              "12243333334"},
    {"rename team", "PATCH", "/api/v1/teams/{design}", R"({"name":"Contoso Design"})",
                                              "12243333334"},
    {"move dry run", "POST", "/api/v1/teams/{design}/moves",
     R"({"to_team":"{plant}","contracts":["{signin}"],"dry_run":true})",
                                              "12243333334"},
    {"merge dry run", "POST", "/api/v1/teams/{plant}/moves",
     R"({"to_team":"{design}","all":true,"dry_run":true})",
                                              "12243333334"},
    {"me", "GET", "/api/v1/me", "",           "12222222222"},
    {"me export", "GET", "/api/v1/me/export", "",
                                              "12222222222"},
    {"me contracts", "GET", "/api/v1/me/contracts", "",
                                              "12222222222"},
    {"decline company change (none such)", "POST",
     "/api/v1/contracts/{signin}/company-change-requests/ord_none/decline",
     R"({"reason":"matrix"})",                "1--43333334"},
    {"tokens list", "GET", "/api/v1/me/tokens", "",
                                              "12222222222"},
    {"tokens create", "POST", "/api/v1/me/tokens", R"({"name":"matrix"})",
                                              "12222222222"},
};
// clang-format on

std::string Fill(std::string_view text, const std::map<std::string, std::string>& ids) {
  std::string out(text);
  for (const auto& [key, value] : ids) {
    const std::string needle = "{" + key + "}";
    for (auto at = out.find(needle); at != std::string::npos; at = out.find(needle)) {
      out.replace(at, needle.size(), value);
    }
  }
  return out;
}

char StatusClass(int status) {
  if (status >= 200 && status < 300) return '2';
  if (status == 401) return '1';
  if (status == 403) return '3';
  if (status == 404) return '4';
  return '?';
}

// One demo server per backend, with everyone signed in once and the ids the table needs.
struct World {
  explicit World(store::Backend backend) : server(backend) {}

  DemoServer server;
  std::map<std::string, std::string> ids;  // "design", "ann", ...

  const Credential& As(std::string_view who) {
    static const Credential kAnonymous;
    if (who == "anonymous") return kAnonymous;
    return server.Person(DemoEmail(std::string(who)));
  }
};

class RouteRoleMatrixTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  static std::map<store::Backend, std::unique_ptr<World>>& Worlds() {
    static std::map<store::Backend, std::unique_ptr<World>> worlds;
    return worlds;
  }
  static void TearDownTestSuite() { Worlds().clear(); }

  void SetUp() override {
    auto& slot = Worlds()[GetParam()];
    if (!slot) {
      slot = std::make_unique<World>(GetParam());
      if (slot->server.started()) Discover(*slot);
    }
    world_ = slot.get();
    ASSERT_TRUE(world_->server.started()) << world_->server.Stderr();
    ASSERT_EQ(world_->ids.count("litware"), 1U) << "demo ids were not found";
  }

  // Ids of the demo teams, contracts and people, from each person's GET /me.
  static void Discover(World& world) {
    for (std::string who : {"operator", "rafael", "rosa", "ann", "bob", "cho", "dev", "eve", "gia",
                            "kim", "lea", "max", "nia", "pat"}) {
      HttpReply me = world.server.Call("GET", "/api/v1/me", world.As(who));
      ASSERT_EQ(me.status, 200) << who << ": " << me.Describe();
      auto json = me.Json();
      world.ids[who] = std::string(json.at("user").at("id").as_string());
      for (const auto& m : json.at("memberships").as_array()) {
        std::string team(m.at("team_name").as_string());
        std::string id(m.at("team_id").as_string());
        if (team == "Contoso Design") {
          world.ids["design"] = id;
          world.ids["contoso"] = std::string(m.at("account_id").as_string());
        }
        if (team == "Contoso Plant") world.ids["plant"] = id;
        if (team == "Litware") world.ids["litware"] = id;
      }
      for (const auto& c : json.at("contracts").as_array()) {
        std::string number(c.at("number").as_string());
        std::string id(c.at("contract_id").as_string());
        if (number == "110001234567") world.ids["signin"] = id;
        if (number == "110001234568") world.ids["serial"] = id;
        if (number == "110001234570") world.ids["plant_contract"] = id;
        if (number == "110001234571") world.ids["litware_contract"] = id;
      }
    }
  }

  // The audit entry the operator sees for `request_id`, or null.
  boost::json::value AuditEntryFor(const std::string& actor_id, const std::string& request_id) {
    HttpReply list = world_->server.Call("GET", "/api/v1/audit?limit=1000&actor=" + actor_id,
                                         world_->As("operator"));
    EXPECT_EQ(list.status, 200) << list.Describe();
    auto json = list.Json();
    if (!json.is_object()) return nullptr;
    for (const auto& entry : json.at("items").as_array()) {
      if (entry.at("request_id").as_string() == request_id) return entry;
    }
    return nullptr;
  }

  World* world_ = nullptr;
};

TEST_P(RouteRoleMatrixTest, EveryRouteAndCallerGetsWhatTheMatrixSays) {
  int serial = 0;
  for (const Row& row : kRows) {
    ASSERT_EQ(row.expected.size(), kCallers.size()) << row.name;
    for (std::size_t i = 0; i < kCallers.size(); ++i) {
      const char expected = row.expected[i];
      if (expected == '-') continue;
      const std::string caller(kCallers[i]);
      SCOPED_TRACE(std::string(row.name) + " as " + caller);
      const std::string request_id = "matrix-" + std::to_string(++serial);
      HttpReply reply = world_->server.Call(std::string(row.method), Fill(row.path, world_->ids),
                                            world_->As(caller), Fill(row.body, world_->ids),
                                            {{"X-Request-Id", request_id}});
      EXPECT_EQ(StatusClass(reply.status), expected)
          << row.method << " " << Fill(row.path, world_->ids) << " → " << reply.Describe();

      if (StatusClass(reply.status) == '2' && !row.undo_method.empty()) {
        HttpReply undone =
            world_->server.Call(std::string(row.undo_method), Fill(row.undo_path, world_->ids),
                                world_->As(row.undo_as), Fill(row.undo_body, world_->ids));
        ASSERT_EQ(StatusClass(undone.status), '2') << "undo: " << undone.Describe();
      }
      if (reply.status == 403 || reply.status == 404) {
        EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
        auto entry = AuditEntryFor(world_->ids.at(caller), request_id);
        ASSERT_TRUE(entry.is_object()) << "no audit entry for the refusal " << request_id;
        EXPECT_EQ(entry.at("outcome").as_string(), "denied") << boost::json::serialize(entry);
      }
    }
  }
}

TEST_P(RouteRoleMatrixTest, AdminsMayEraseATeamMemberAndTheErasureIsRepeatable) {
  // ivy takes no part in the matrix; erasure is idempotent, so each admin may repeat it.
  HttpReply me = world_->server.Call("GET", "/api/v1/me", world_->As("ivy"));
  ASSERT_EQ(me.status, 200) << me.Describe();
  const std::string ivy(me.Json().at("user").at("id").as_string());
  const std::string path =
      "/api/v1/teams/" + world_->ids.at("design") + "/users/" + ivy + "/personal-data";
  for (std::string who : {"ann", "bob", "operator"}) {
    HttpReply erased = world_->server.Call("DELETE", path, world_->As(who));
    EXPECT_EQ(erased.status, 204) << who << ": " << erased.Describe();
  }
  // Her session is gone with her personal data.
  EXPECT_EQ(world_->server.Call("GET", "/api/v1/me", world_->As("ivy")).status, 401);
  // The Primary Admin cannot be erased before handing the role over.
  HttpReply pa = world_->server.Call("DELETE",
                                     "/api/v1/teams/" + world_->ids.at("design") + "/users/" +
                                         world_->ids.at("ann") + "/personal-data",
                                     world_->As("operator"));
  EXPECT_EQ(pa.status, 409) << pa.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, RouteRoleMatrixTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
