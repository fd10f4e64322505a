#include "service/audit_query.hpp"

#include <gtest/gtest.h>

#include <set>

#include "service/authz_test_fixture.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

class AuditQueryTest : public AuthzTest {
 protected:
  // Appends an entry `minutes` after the start of the test clock.
  void Entry(const std::string& team_id, const std::string& actor, const std::string& action,
             const std::string& target_type, const std::string& target_id, int minutes) {
    core::AuditEntry e;
    e.at = clock_.Now() + std::chrono::minutes(minutes);
    e.actor_id = Id(actor);
    e.actor_role = "primary_admin";
    e.action = action;
    e.target_type = target_type;
    e.target_id = target_id;
    e.team_id = team_id;
    e.ip = "198.51.100.1";
    auto appended = db_->Transact<core::AuditEntry>(
        store::TxMode::kWrite, [&](store::Tx& tx) { return repos_.audit->Append(tx, e); });
    ASSERT_TRUE(appended.ok()) << appended.error().message;
  }

  void Seed() {
    Entry(team_.id, "pa", "secondary_admin.appoint", "user", Id("sa"), 1);
    Entry(team_.id, "sa", "assignment.create", "user", Id("user"), 2);
    Entry(team_.id, "pa", "assignment.create", "user", Id("cm"), 3);
    Entry(team_.id, "sa", "device.rename", "device", "dev_1", 4);
    Entry(team_.id, "pa", "assignment.delete", "user", Id("user"), 5);
    Entry(team_b_.id, "outsider", "assignment.create", "user", Id("outsider"), 6);
  }

  AuditQueryService service() { return AuditQueryService(deps()); }
};

TEST_P(AuditQueryTest, TeamAdminsAndOperatorsReadTheTeamLog) {
  Seed();
  for (const char* who : {"pa", "sa", "operator"}) {
    auto page = service().ListTeamAudit(As(who), team_.id, {});
    ASSERT_TRUE(page.ok()) << who << ": " << page.error().message;
    EXPECT_EQ(page->items.size(), 5U) << who;
    for (const auto& e : page->items) EXPECT_EQ(e.team_id, team_.id);
  }
}

TEST_P(AuditQueryTest, EveryoneElseIsRefusedAndTheRefusalIsAudited) {
  Seed();
  for (const char* who : {"cm", "sc", "user", "reseller", "other"}) {
    auto page = service().ListTeamAudit(As(who), team_.id, {});
    ASSERT_FALSE(page.ok()) << who;
    EXPECT_EQ(page.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(page.error().conceal_existence) << who;
  }
  for (const char* who : {"outsider", "other_reseller"}) {
    auto page = service().ListTeamAudit(As(who), team_.id, {});
    ASSERT_FALSE(page.ok());
    EXPECT_TRUE(page.error().conceal_existence) << who;
  }
  auto anonymous = service().ListTeamAudit(As("anonymous"), team_.id, {});
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kUnauthenticated);

  AuditQuery denied;
  denied.action = "audit.list";
  auto page = service().ListTeamAudit(As("pa"), team_.id, denied);
  ASSERT_TRUE(page.ok()) << page.error().message;
  std::set<std::string> actors;
  for (const auto& e : page->items) {
    EXPECT_EQ(e.outcome, core::AuditOutcome::kDenied);
    actors.insert(*e.actor_id);
  }
  EXPECT_EQ(actors.size(), 7U);
  EXPECT_EQ(page->items.size(), 7U);
}

TEST_P(AuditQueryTest, FiltersByActorActionTargetAndTime) {
  Seed();
  AuditQuery by_actor;
  by_actor.actor_id = Id("sa");
  auto got = Must(service().ListTeamAudit(As("pa"), team_.id, by_actor));
  ASSERT_EQ(got.items.size(), 2U);
  EXPECT_EQ(got.items[0].action, "device.rename");  // newest first

  AuditQuery by_action;
  by_action.action = "assignment.create";
  EXPECT_EQ(Must(service().ListTeamAudit(As("pa"), team_.id, by_action)).items.size(), 2U);

  AuditQuery by_target;
  by_target.target_type = "user";
  by_target.target_id = Id("user");
  EXPECT_EQ(Must(service().ListTeamAudit(As("pa"), team_.id, by_target)).items.size(), 2U);

  AuditQuery by_time;
  by_time.from = clock_.Now() + std::chrono::minutes(2);
  by_time.to = clock_.Now() + std::chrono::minutes(4);
  auto window = Must(service().ListTeamAudit(As("pa"), team_.id, by_time));
  ASSERT_EQ(window.items.size(), 2U);
  EXPECT_EQ(window.items[0].target_id, Id("cm"));
  EXPECT_EQ(window.items[1].target_id, Id("user"));
}

TEST_P(AuditQueryTest, FiltersByOutcomeToShowRefusedAttempts) {
  Seed();
  core::AuditEntry refused;
  refused.at = clock_.Now() + std::chrono::minutes(7);
  refused.actor_id = Id("user");
  refused.actor_role = "user";
  refused.action = "assignment.create";
  refused.target_type = "user";
  refused.target_id = Id("user");
  refused.team_id = team_.id;
  refused.outcome = core::AuditOutcome::kDenied;
  ASSERT_TRUE(db_->Transact<core::AuditEntry>(
                     store::TxMode::kWrite,
                     [&](store::Tx& tx) { return repos_.audit->Append(tx, refused); })
                  .ok());

  AuditQuery denied;
  denied.outcome = core::AuditOutcome::kDenied;
  auto got = Must(service().ListTeamAudit(As("pa"), team_.id, denied));
  ASSERT_EQ(got.items.size(), 1U);
  EXPECT_EQ(got.items[0].actor_id, Id("user"));

  AuditQuery allowed;
  allowed.outcome = core::AuditOutcome::kAllowed;
  allowed.action = "assignment.create";
  EXPECT_EQ(Must(service().ListTeamAudit(As("pa"), team_.id, allowed)).items.size(), 2U);
}

TEST_P(AuditQueryTest, PagesWithACursorWithoutGapsOrRepeats) {
  Seed();
  AuditQuery query;
  query.limit = 2;
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = Must(service().ListTeamAudit(As("sa"), team_.id, query));
    ++pages;
    EXPECT_LE(page.items.size(), 2U);
    for (const auto& e : page.items) seen.push_back(e.id);
    if (page.next_after.empty()) break;
    query.after = page.next_after;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5U);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5U);
}

TEST_P(AuditQueryTest, OnlyOperatorsReadTheWholeInstance) {
  Seed();
  auto all = service().ListAllAudit(As("operator"), {});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->items.size(), 6U);

  for (const char* who : {"pa", "sa", "cm", "reseller", "user", "outsider"}) {
    auto page = service().ListAllAudit(As(who), {});
    ASSERT_FALSE(page.ok()) << who;
    EXPECT_EQ(page.error().code, ErrorCode::kPermissionDenied) << who;
  }
  AuditQuery denied;
  denied.action = "audit.list";
  EXPECT_EQ(Must(service().ListAllAudit(As("operator"), denied)).items.size(), 6U);
}

TEST(AuditCsvTest, QuotesFieldsAndNeutralisesFormulas) {
  core::AuditEntry e;
  e.id = "aud_1";
  e.at = core::FromUnixMillis(1'767'225'600'123);
  e.actor_id = "usr_1";
  e.actor_role = "primary_admin";
  e.action = "user.rename";
  e.target_type = "user";
  e.target_id = "=HYPERLINK(\"http://evil\")";
  e.ip = "192.0.2.1";
  e.request_id = "-1+2";
  e.detail = "renamed to \"Smith, Ann\"\r\nsecond line";
  e.before_json = "{\"name\":\"a\"}";
  e.after_json = "@SUM(A1)";
  core::AuditEntry tab = e;
  tab.id = "aud_2";
  tab.target_id = "\tcmd";
  tab.request_id = "+plain";
  tab.detail = "plain";
  tab.before_json.reset();
  tab.after_json.reset();

  const std::string csv = AuditCsv({e, tab});
  const std::string header =
      "id,at,actor_id,actor_role,action,target_type,target_id,team_id,account_id,ip,request_id,"
      "outcome,detail,before,after\r\n";
  ASSERT_TRUE(csv.starts_with(header));
  const std::string row1 =
      "aud_1,2026-01-01T00:00:00.123Z,usr_1,primary_admin,user.rename,user,"
      "\"'=HYPERLINK(\"\"http://evil\"\")\",,,192.0.2.1,'-1+2,allowed,"
      "\"renamed to \"\"Smith, Ann\"\"\r\nsecond line\",\"{\"\"name\"\":\"\"a\"\"}\",'@SUM(A1)\r\n";
  const std::string row2 =
      "aud_2,2026-01-01T00:00:00.123Z,usr_1,primary_admin,user.rename,user,'\tcmd,,,192.0.2.1,"
      "'+plain,allowed,plain,,\r\n";
  EXPECT_EQ(csv, header + row1 + row2);
  EXPECT_EQ(AuditCsv({}), header);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditQueryTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
