// Tenancy over real HTTP on both backends (DOMAIN.md rule 15): a person's account is one
// identity across the instance, but a team admin's power reaches only that person's
// membership of the admin's own team. The chain that broke it — invite someone else's
// person into your own team, then act on their account as that team's admin — is tried for
// every identity-level route, by an admin of another customer, by reseller staff and by a
// plain user, against the operator, reseller staff and another customer's people.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

struct IdentityRoute {
  std::string method;
  std::string suffix;  // after /api/v1/teams/{team}/users/{user}
};

const std::vector<IdentityRoute>& IdentityRoutes() {
  static const std::vector<IdentityRoute> routes = {
      {"DELETE", "/personal-data"},
      {"DELETE", "/mfa"},
      {"POST", "/sign-out"},
      {"DELETE", "/api-tokens"},
  };
  return routes;
}

class TenancyHttpTest : public DemoServerTest {
 protected:
  std::string UserPath(const std::string& team, const std::string& user) {
    return "/api/v1/teams/" + team + "/users/" + user;
  }

  HttpReply Invite(const Credential& who, const std::string& team, const std::string& email,
                   const std::string& first = "Typed", const std::string& last = "Name") {
    return server_->Call("POST", "/api/v1/teams/" + team + "/users", who,
                         boost::json::serialize(boost::json::object{
                             {"first_name", first}, {"last_name", last}, {"email", email}}));
  }

  // A personal API token of `who`, as a bearer credential.
  Credential ApiToken(const Credential& who) {
    HttpReply created = server_->Call("POST", "/api/v1/me/tokens", who, R"({"name":"tenancy"})");
    EXPECT_EQ(created.status, 201) << created.Describe();
    Credential bearer;
    bearer.bearer = std::string(created.Json().at("token").as_string());
    return bearer;
  }

  // The person's account is untouched: their session and API token still answer, and
  // their name and e-mail are what they were.
  void ExpectAccountIntact(const std::string& who, const Credential& token) {
    const Credential& session = server_->Person(DemoEmail(who));
    HttpReply me = server_->Call("GET", "/api/v1/me", session);
    ASSERT_EQ(me.status, 200) << who << ": " << me.Describe();
    EXPECT_EQ(me.Json().at("user").at("email").as_string(), DemoEmail(who));
    EXPECT_NE(me.Json().at("user").at("first_name"), "");
    EXPECT_EQ(server_->Call("GET", "/api/v1/me", token).status, 200) << who;
  }
};

// The exact chain of the report: Litware's Primary Admin invites the operator, reseller staff
// and another customer's Primary Admin into her own team, then tries every act on their
// accounts and finally removes them. Each act is refused; removal takes only her membership.
TEST_P(TenancyHttpTest, InviteThenActIsRefusedForEveryIdentityRoute) {
  const Credential& pat = server_->Person(DemoEmail("pat"));
  const std::string litware = TeamId(pat, "Litware");
  ASSERT_FALSE(litware.empty());
  for (std::string target : {"operator", "rafael", "ann"}) {
    SCOPED_TRACE(target);
    const Credential token = ApiToken(server_->Person(DemoEmail(target)));
    HttpReply invited = Invite(pat, litware, DemoEmail(target));
    ASSERT_EQ(invited.status, 201) << invited.Describe();
    const std::string id(invited.Json().at("id").as_string());

    for (const auto& route : IdentityRoutes()) {
      SCOPED_TRACE(route.method + " " + route.suffix);
      HttpReply refused = server_->Call(route.method, UserPath(litware, id) + route.suffix, pat);
      EXPECT_EQ(refused.status, 403) << refused.Describe();
      EXPECT_EQ(refused.Header("Content-Type"), "application/problem+json");
    }
    ExpectAccountIntact(target, token);

    HttpReply removed = server_->Call("DELETE", UserPath(litware, id), pat);
    ASSERT_EQ(removed.status, 200) << removed.Describe();
    EXPECT_EQ(removed.Json().at("signed_out"), false);
    ExpectAccountIntact(target, token);
  }
}

// Accepting an invitation does not change that: a person with relations in two customers is
// out of reach of either customer's admins, and the refusal says who can act instead.
TEST_P(TenancyHttpTest, AnAcceptedMembershipStillGivesNoPowerOverAnotherCustomersPerson) {
  const Credential& pat = server_->Person(DemoEmail("pat"));
  const std::string litware = TeamId(pat, "Litware");
  const Credential& dev = server_->Person(DemoEmail("dev"));
  const Credential token = ApiToken(dev);
  HttpReply invited = Invite(pat, litware, DemoEmail("dev"));
  ASSERT_EQ(invited.status, 201) << invited.Describe();
  const std::string id(invited.Json().at("id").as_string());

  HttpReply accepted = server_->Call("POST", "/api/v1/me/invitations/" + litware + "/accept", dev);
  ASSERT_EQ(accepted.status, 204) << accepted.Describe();
  HttpReply listed = server_->Call("GET", "/api/v1/teams/" + litware + "/users?search=dev@", pat);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  ASSERT_EQ(listed.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.Json().at("items").at(0).at("membership_status"), "active");

  for (const auto& route : IdentityRoutes()) {
    SCOPED_TRACE(route.method + " " + route.suffix);
    HttpReply refused = server_->Call(route.method, UserPath(litware, id) + route.suffix, pat);
    EXPECT_EQ(refused.status, 403) << refused.Describe();
    const std::string detail(refused.Json().at("detail").as_string());
    EXPECT_THAT(detail, ::testing::HasSubstr("only they"));
    EXPECT_THAT(detail, ::testing::HasSubstr("operator"));
  }
  ExpectAccountIntact("dev", token);
  HttpReply removed = server_->Call("DELETE", UserPath(litware, id), pat);
  ASSERT_EQ(removed.status, 200) << removed.Describe();
  EXPECT_EQ(removed.Json().at("signed_out"), false);
  ExpectAccountIntact("dev", token);
}

// Reseller staff and plain users have no power over people at all, whatever team they name.
TEST_P(TenancyHttpTest, ResellerStaffAndPlainUsersReachNoIdentityRoute) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string design = TeamId(ann);
  const std::string hal = UserId(server_->Person(DemoEmail("hal")));
  const Credential token = ApiToken(server_->Person(DemoEmail("hal")));
  for (std::string attacker : {"rafael", "rosa", "eve"}) {
    const Credential& who = server_->Person(DemoEmail(attacker));
    EXPECT_NE(Invite(who, design, "someone@elsewhere.example").status, 201) << attacker;
    for (const auto& route : IdentityRoutes()) {
      SCOPED_TRACE(attacker + ": " + route.method + " " + route.suffix);
      HttpReply refused = server_->Call(route.method, UserPath(design, hal) + route.suffix, who);
      EXPECT_THAT(refused.status, ::testing::AnyOf(403, 404)) << refused.Describe();
    }
  }
  ExpectAccountIntact("hal", token);
}

// The answer to an invitation is the same whether the address had an account or not, and
// until the person accepts the team sees only what its admin typed.
TEST_P(TenancyHttpTest, TheInviterLearnsNothingTheyDidNotType) {
  const Credential& pat = server_->Person(DemoEmail("pat"));
  const std::string litware = TeamId(pat, "Litware");
  HttpReply fresh = Invite(pat, litware, "nobody-yet@example.org", "Typed", "Name");
  HttpReply known = Invite(pat, litware, DemoEmail("operator"), "Typed", "Name");
  ASSERT_EQ(fresh.status, 201) << fresh.Describe();
  ASSERT_EQ(known.status, 201) << known.Describe();
  boost::json::object a = fresh.Json().as_object();
  boost::json::object b = known.Json().as_object();
  for (auto* o : {&a, &b}) {
    EXPECT_FALSE(o->contains("is_operator"));
    EXPECT_FALSE(o->contains("reseller_id"));
    o->erase("id");
    o->erase("email");
    o->erase("invited_at");  // when this team invited them: the team's own history
  }
  EXPECT_EQ(boost::json::serialize(a), boost::json::serialize(b));
  EXPECT_EQ(b.at("first_name"), "Typed");
  EXPECT_EQ(b.at("status"), "invited");
  EXPECT_EQ(b.at("last_sign_in_at"), nullptr);

  // Searching the pending list by the account's real name finds nothing.
  HttpReply me = server_->Call("GET", "/api/v1/me", server_->Person(DemoEmail("operator")));
  const std::string real_first(me.Json().at("user").at("first_name").as_string());
  HttpReply search = server_->Call(
      "GET", "/api/v1/teams/" + litware + "/users?status=invited&search=" + real_first, pat);
  ASSERT_EQ(search.status, 200) << search.Describe();
  const boost::json::value search_json = search.Json();
  for (const auto& item : search_json.at("items").as_array()) {
    EXPECT_NE(item.at("email").as_string(), DemoEmail("operator")) << real_first;
  }

  // The person is told who invited them and to which team.
  const auto mails = QueuedMails(*server_, DemoEmail("operator"));
  const auto* mail = FindMail(mails, "invitation");
  ASSERT_NE(mail, nullptr);
  EXPECT_THAT(mail->body_text, ::testing::HasSubstr("Litware"));
  EXPECT_THAT(mail->body_text, ::testing::HasSubstr("Pat"));
}

// A pending invitation is answered by the person: declined in the portal or from the link.
TEST_P(TenancyHttpTest, InvitationsAreDeclinedInThePortalOrFromTheLink) {
  const Credential& pat = server_->Person(DemoEmail("pat"));
  const std::string litware = TeamId(pat, "Litware");
  const Credential& gia = server_->Person(DemoEmail("gia"));
  ASSERT_EQ(Invite(pat, litware, DemoEmail("gia")).status, 201);
  HttpReply me = server_->Call("GET", "/api/v1/me", gia);
  bool pending = false;
  const boost::json::value me_json = me.Json();
  for (const auto& m : me_json.at("memberships").as_array()) {
    pending = pending || (m.at("team_id").as_string() == litware && m.at("status") == "invited");
  }
  EXPECT_TRUE(pending) << me.Describe();
  HttpReply declined = server_->Call("POST", "/api/v1/me/invitations/" + litware + "/decline", gia);
  ASSERT_EQ(declined.status, 204) << declined.Describe();
  EXPECT_EQ(server_->Call("POST", "/api/v1/me/invitations/" + litware + "/accept", gia).status,
            404);
  me = server_->Call("GET", "/api/v1/me", gia);
  const boost::json::value after_json = me.Json();
  for (const auto& m : after_json.at("memberships").as_array()) {
    EXPECT_NE(m.at("team_id").as_string(), litware);
  }

  ASSERT_EQ(Invite(pat, litware, DemoEmail("max")).status, 201);
  const std::string token = InvitationTokenFor(*server_, DemoEmail("max"));
  ASSERT_FALSE(token.empty());
  HttpReply by_link =
      server_->Call("POST", "/api/v1/invitations/" + token + "/decline", Credential{});
  EXPECT_EQ(by_link.status, 204) << by_link.Describe();
  EXPECT_EQ(server_->Call("POST", "/api/v1/invitations/" + token + "/decline", Credential{}).status,
            409);
}

// A leaver with nothing left loses every way in, their personal API token included.
TEST_P(TenancyHttpTest, ALeaverWithNoRelationLeftLosesSessionsAndApiTokens) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string design = TeamId(ann);
  HttpReply invited = Invite(ann, design, "leo@contoso.example", "Leo", "Ward");
  ASSERT_EQ(invited.status, 201) << invited.Describe();
  const std::string id(invited.Json().at("id").as_string());
  const std::string token = InvitationTokenFor(*server_, "leo@contoso.example");
  HttpReply accepted = server_->Call("POST", "/api/v1/invitations/" + token + "/accept",
                                     Credential{}, R"({"password":"leo-has-a-long-password-1"})");
  ASSERT_EQ(accepted.status, 201) << accepted.Describe();
  auto leo = server_->SignIn("leo@contoso.example", "leo-has-a-long-password-1");
  ASSERT_TRUE(leo.has_value());
  const Credential api = ApiToken(*leo);
  ASSERT_EQ(server_->Call("GET", "/api/v1/me", api).status, 200);

  HttpReply removed = server_->Call("DELETE", UserPath(design, id), ann);
  ASSERT_EQ(removed.status, 200) << removed.Describe();
  EXPECT_EQ(removed.Json().at("signed_out"), true);
  EXPECT_EQ(server_->Call("GET", "/api/v1/me", api).status, 401);
  EXPECT_EQ(server_->Call("GET", "/api/v1/me", *leo).status, 401);
}

// A member cannot take over another member's computer credential by sending its
// fingerprint: the holder keeps it; a team admin may enrol the computer again.
TEST_P(TenancyHttpTest, AMemberCannotTakeOverAnotherMembersComputerCredential) {
  const std::string fingerprint(64, 'f');
  auto enroll = [&](const Credential& who) {
    return server_->Call(
        "POST", "/api/v1/client/devices", who,
        boost::json::serialize(boost::json::object{
            {"fingerprint", fingerprint}, {"asset_name", "cad-ws-7"}, {"issue_credential", true}}));
  };
  HttpReply mine = enroll(server_->Person(DemoEmail("eve")));
  ASSERT_EQ(mine.status, 201) << mine.Describe();
  Credential machine;
  machine.bearer = std::string(mine.Json().at("device_credential").as_string());

  HttpReply taken = enroll(server_->Person(DemoEmail("ivy")));
  EXPECT_EQ(taken.status, 409) << taken.Describe();
  // eve's credential still opens the client routes (the usage route answers, not 401).
  HttpReply still = server_->Call("POST", "/api/v1/client/usage", machine, R"({"events": []})");
  EXPECT_NE(still.status, 401) << still.Describe();
  // eve herself may have it re-issued, and so may a team admin.
  EXPECT_EQ(enroll(server_->Person(DemoEmail("eve"))).status / 100, 2);
  EXPECT_EQ(enroll(server_->Person(DemoEmail("ann"))).status / 100, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, TenancyHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
