// Teams: create, rename, merge, split over real HTTP on both backends. The seed: "If you want
// your “teams” merged into a single team, or to split a single team into multiple teams, this
// can be done by creating a ticket with Autodesk asking them to do it" — here the publisher's
// operators and the customer's reseller do it in the console and the API.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class TeamsHttpTest : public DemoServerTest {
 protected:
  const Credential& As(const std::string& who) { return server_->Person(DemoEmail(who)); }

  HttpReply Move(const std::string& who, const std::string& team, const boost::json::object& body) {
    return server_->Call("POST", "/api/v1/teams/" + team + "/moves", As(who),
                         boost::json::serialize(body));
  }

  // User ids of the team's members with `role`, as the operator sees them.
  std::set<std::string> WithRole(const std::string& team, const std::string& role) {
    HttpReply list =
        server_->Call("GET", "/api/v1/teams/" + team + "/users?role=" + role, As("operator"));
    EXPECT_EQ(list.status, 200) << list.Describe();
    std::set<std::string> out;
    if (list.status != 200) return out;
    const boost::json::value json = list.Json();
    for (const auto& m : json.at("items").as_array()) {
      out.insert(std::string(m.at("id").as_string()));
    }
    return out;
  }

  std::string ContractTeam(const std::string& contract) {
    HttpReply got = server_->Call("GET", "/api/v1/contracts/" + contract, As("operator"));
    EXPECT_EQ(got.status, 200) << got.Describe();
    if (got.status != 200) return "";
    return std::string(got.Json().at("team").at("id").as_string());
  }

  int MailsOf(const std::string& who, const std::string& template_name) {
    int n = 0;
    for (const auto& m : QueuedMails(*server_, DemoEmail(who)))
      n += m.template_name == template_name;
    return n;
  }

  // What a move answer says moved, without the fields only a real move fills in.
  static boost::json::object Moved(boost::json::value reply) {
    boost::json::object out;
    for (const char* key : {"people", "contracts", "devices", "notes", "merge", "webhooks_moved",
                            "from_primary_admin_id", "to_primary_admin_id", "notified"}) {
      out[key] = reply.at(key);
    }
    return out;
  }
};

TEST_P(TeamsHttpTest, SplitAndMergeDoWhatTheDryRunShowsAndStayInsideTheAccount) {
  const std::string design = TeamId(As("ann"));
  const std::string plant = TeamId(As("kim"), "Contoso Plant");
  const std::string litware = TeamId(As("pat"), "Litware");
  const std::string ann = UserId(As("ann")), gia = UserId(As("gia")), eve = UserId(As("eve"));
  std::string signin;
  const boost::json::value me = server_->Call("GET", "/api/v1/me", As("ann")).Json();
  for (const auto& c : me.at("contracts").as_array()) {
    if (c.at("number") == boost::json::value("110001234567")) {
      signin = std::string(c.at("contract_id").as_string());
    }
  }
  ASSERT_FALSE(signin.empty());

  // Refusals first: nothing moves.
  boost::json::object across{{"to_team", litware}, {"contracts", boost::json::array{signin}}};
  HttpReply refused = Move("operator", design, across);
  EXPECT_EQ(refused.status, 409) << refused.Describe();
  EXPECT_EQ(refused.Header("Content-Type"), "application/problem+json");
  EXPECT_NE(refused.body.find("one account"), std::string::npos) << refused.body;
  // A reseller of another customer, and this reseller reaching into another customer: 404.
  EXPECT_EQ(Move("rosa", design, {{"to_team", plant}, {"all", true}, {"dry_run", true}}).status,
            404);
  EXPECT_EQ(Move("rafael", design, across).status, 404);
  // Customer roles may not.
  EXPECT_EQ(Move("ann", design, {{"to_team", plant}, {"all", true}, {"dry_run", true}}).status,
            403);
  // One Primary Admin per team: taking Design's away needs a successor.
  HttpReply orphaned =
      Move("operator", design, {{"to_team", plant}, {"people", boost::json::array{ann}}});
  EXPECT_EQ(orphaned.status, 409) << orphaned.Describe();
  EXPECT_NE(orphaned.body.find("source_primary_admin"), std::string::npos);
  EXPECT_EQ(ContractTeam(signin), design);

  // "or to split a single team into multiple teams": the reseller splits Gia and Eve off with
  // the sign-in contract into a new team led by Gia. The dry run says exactly what happens.
  boost::json::object split{{"new_team_name", "Contoso Studio"},
                            {"new_team_primary_admin", gia},
                            {"people", boost::json::array{gia, eve}},
                            {"contracts", boost::json::array{signin}},
                            {"dry_run", true}};
  HttpReply preview = Move("rafael", design, split);
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  auto shown = preview.Json();
  EXPECT_TRUE(shown.at("dry_run").as_bool());
  EXPECT_TRUE(shown.at("to_team").at("id").is_null());
  ASSERT_EQ(shown.at("people").as_array().size(), 2U);
  ASSERT_EQ(shown.at("contracts").as_array().size(), 1U);
  // The holders who stay in Design (Ann, Hal, Ivy) join Studio so their seats stay valid.
  std::set<std::string> joining;
  for (const auto& n : shown.at("notes").as_array()) {
    if (n.at("kind") == boost::json::value("joins_target")) {
      joining.insert(std::string(n.at("user_id").as_string()));
    }
  }
  EXPECT_EQ(joining.size(), 3U);
  EXPECT_TRUE(joining.contains(ann));
  EXPECT_EQ(ContractTeam(signin), design);  // the dry run wrote nothing
  EXPECT_EQ(MailsOf("ann", "team_move"), 0);

  split["dry_run"] = false;
  HttpReply done = Move("rafael", design, split);
  ASSERT_EQ(done.status, 200) << done.Describe();
  auto moved = done.Json();
  EXPECT_EQ(Moved(moved), Moved(shown));
  const std::string studio(moved.at("to_team").at("id").as_string());
  EXPECT_EQ(ContractTeam(signin), studio);
  EXPECT_EQ(WithRole(studio, "primary_admin"), std::set<std::string>{gia});
  EXPECT_EQ(WithRole(design, "primary_admin"), std::set<std::string>{ann});
  EXPECT_TRUE(WithRole(studio, "user").contains(ann));
  // Audited on both teams with before and after.
  for (const auto& team : {design, studio}) {
    HttpReply audit =
        server_->Call("GET", "/api/v1/teams/" + team + "/audit?action=team.split", As("operator"));
    ASSERT_EQ(audit.status, 200) << audit.Describe();
    bool found = false;
    const boost::json::value entries = audit.Json();
    for (const auto& e : entries.at("items").as_array()) {
      // Refused attempts above are there too, as denied entries without a state.
      if (e.at("action") != boost::json::value("team.split") ||
          e.at("outcome") != boost::json::value("allowed")) {
        continue;
      }
      found = true;
      EXPECT_FALSE(e.at("before").is_null());
      EXPECT_FALSE(e.at("after").is_null());
    }
    EXPECT_TRUE(found) << team;
  }
  // The admins of both teams are e-mailed: Design's (Ann, Bob, Cho) and Studio's (Gia).
  for (const char* who : {"ann", "bob", "cho", "gia"})
    EXPECT_EQ(MailsOf(who, "team_move"), 1) << who;
  EXPECT_EQ(MailsOf("eve", "team_move"), 0);

  // "If you want your “teams” merged into a single team": Studio goes back into Design.
  HttpReply merged = Move("operator", studio, {{"to_team", design}, {"all", true}});
  ASSERT_EQ(merged.status, 200) << merged.Describe();
  EXPECT_TRUE(merged.Json().at("merge").as_bool());
  EXPECT_EQ(ContractTeam(signin), design);
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + studio + "/audit", As("operator")).status, 404);
  EXPECT_EQ(WithRole(design, "primary_admin"), std::set<std::string>{ann});
  EXPECT_TRUE(WithRole(design, "secondary_admin").contains(gia));  // Studio's PA, demoted
  EXPECT_EQ(MailsOf("gia", "team_move"), 2);
}

TEST_P(TeamsHttpTest, OperatorsAndTheResellerCreateAndRenameTeams) {
  const std::string design = TeamId(As("ann"));
  const std::string kim = UserId(As("kim"));
  std::string account;
  const boost::json::value me = server_->Call("GET", "/api/v1/me", As("kim")).Json();
  for (const auto& m : me.at("memberships").as_array()) {
    account = std::string(m.at("account_id").as_string());
  }
  const std::string body = boost::json::serialize(
      boost::json::object{{"name", "Contoso Lab"}, {"primary_admin_id", kim}});
  EXPECT_EQ(
      server_->Call("POST", "/api/v1/accounts/" + account + "/teams", As("rosa"), body).status,
      404);
  EXPECT_EQ(server_->Call("POST", "/api/v1/accounts/" + account + "/teams", As("ann"), body).status,
            403);
  HttpReply created =
      server_->Call("POST", "/api/v1/accounts/" + account + "/teams", As("rafael"), body);
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string lab(created.Json().at("id").as_string());
  EXPECT_EQ(WithRole(lab, "primary_admin"), std::set<std::string>{kim});

  HttpReply renamed = server_->Call("PATCH", "/api/v1/teams/" + lab, As("operator"),
                                    R"({"name":"Contoso Research"})");
  ASSERT_EQ(renamed.status, 200) << renamed.Describe();
  EXPECT_EQ(renamed.Json().at("name"), boost::json::value("Contoso Research"));
  HttpReply blank =
      server_->Call("PATCH", "/api/v1/teams/" + design, As("operator"), R"({"name":"   "})");
  EXPECT_EQ(blank.status, 400) << blank.Describe();
  EXPECT_EQ(server_->Call("PATCH", "/api/v1/teams/" + design, As("rosa"), R"({"name":"X"})").status,
            404);
}

INSTANTIATE_TEST_SUITE_P(Backends, TeamsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
