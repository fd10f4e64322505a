#include "service/roles.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "service/authz_test_fixture.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::TeamRole;

class RolesTest : public AuthzTest {
 protected:
  // Entries of one action, newest first.
  std::vector<core::AuditEntry> EntriesOf(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }

  int CountWith(const std::vector<core::AuditEntry>& entries, core::AuditOutcome outcome,
                const std::string& actor) {
    int n = 0;
    for (const auto& e : entries) n += e.outcome == outcome && e.actor_id == Id(actor);
    return n;
  }

  std::vector<store::TeamMember> PrimaryAdmins(const std::string& team_id) {
    store::MemberFilter filter;
    filter.role = TeamRole::kPrimaryAdmin;
    return Must(Read<store::Page<store::TeamMember>>([&](store::Tx& tx) {
             return repos_.users->ListTeamMembers(tx, team_id, filter, {"", 100});
           }))
        .items;
  }

  void AddMember(const std::string& who) {
    auto added = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      core::User u;
      u.email = who + "@example.test";
      u.first_name = who;
      u.status = core::UserStatus::kActive;
      u.created_at = u.updated_at = clock_.Now();
      SW_ASSIGN_OR_RETURN(users_[who], repos_.users->Create(tx, u));
      const auto now = clock_.Now();
      return repos_.users->AddMembership(
          tx, core::Membership{team_.id, users_[who].id, TeamRole::kUser,
                               core::MembershipStatus::kActive, std::nullopt, now, now,
                               std::nullopt, now});
    });
    ASSERT_TRUE(added.ok()) << added.error().message;
  }

  RoleService roles() { return RoleService(deps()); }
};

TEST_P(RolesTest, PrimaryAndSecondaryAdminsAppointAndRemoveSecondaryAdmins) {
  auto appointed = roles().AppointSecondaryAdmin(As("pa"), team_.id, Id("user"));
  ASSERT_TRUE(appointed.ok()) << appointed.error().message;
  EXPECT_EQ(appointed->role, TeamRole::kSecondaryAdmin);
  EXPECT_EQ(MembershipOf(team_.id, "user").role, TeamRole::kSecondaryAdmin);

  auto by_sa = roles().AppointSecondaryAdmin(As("sa"), team_.id, Id("cm"));
  ASSERT_TRUE(by_sa.ok()) << by_sa.error().message;

  auto removed = roles().RemoveSecondaryAdmin(As("sa"), team_.id, Id("user"));
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(MembershipOf(team_.id, "user").role, TeamRole::kUser);

  auto entries = EntriesOf("secondary_admin.appoint");
  ASSERT_EQ(entries.size(), 2U);
  const auto& first = entries.back();
  EXPECT_EQ(first.outcome, core::AuditOutcome::kAllowed);
  EXPECT_EQ(first.actor_id, Id("pa"));
  EXPECT_EQ(first.actor_role, "primary_admin");
  EXPECT_EQ(first.target_id, Id("user"));
  EXPECT_EQ(first.team_id, team_.id);
  EXPECT_EQ(first.account_id, account_a_.id);
  EXPECT_EQ(first.ip, "192.0.2.7");
  ASSERT_TRUE(first.before_json && first.after_json);
  // PostgreSQL stores JSON normalised, so look for the values rather than exact text.
  EXPECT_EQ(first.before_json->find("secondary_admin"), std::string::npos);
  EXPECT_NE(first.after_json->find("secondary_admin"), std::string::npos);
  EXPECT_EQ(entries.front().actor_role, "secondary_admin");
  ASSERT_EQ(EntriesOf("secondary_admin.remove").size(), 1U);

  auto mail = Outbox();
  ASSERT_EQ(mail.size(), 3U);
  int to_user = 0;
  for (const auto& m : mail) {
    EXPECT_EQ(m.template_name, "role_change");
    EXPECT_TRUE(m.event_key.starts_with("role:" + team_.id + ":"));
    EXPECT_FALSE(m.body_text.empty());
    if (m.recipient == "user@example.test") {
      ++to_user;
      EXPECT_NE(m.subject.find("Secondary Admin"), std::string::npos);
    }
  }
  EXPECT_EQ(to_user, 2);
}

TEST_P(RolesTest, NobodyElseTouchesSecondaryAdminsAndEveryRefusalIsAudited) {
  for (const char* who : {"operator", "reseller", "cm", "sc", "user", "other"}) {
    SCOPED_TRACE(who);
    auto got = roles().AppointSecondaryAdmin(As(who), team_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
    EXPECT_FALSE(got.error().conceal_existence);
    auto removal = roles().RemoveSecondaryAdmin(As(who), team_.id, Id("sa"));
    ASSERT_FALSE(removal.ok());
    EXPECT_EQ(removal.error().code, ErrorCode::kPermissionDenied);
  }
  for (const char* who : {"other_reseller", "outsider"}) {
    auto got = roles().AppointSecondaryAdmin(As(who), team_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(got.error().conceal_existence) << who;
  }
  EXPECT_EQ(MembershipOf(team_.id, "user").role, TeamRole::kUser);
  EXPECT_EQ(MembershipOf(team_.id, "sa").role, TeamRole::kSecondaryAdmin);

  auto entries = EntriesOf("secondary_admin.appoint");
  for (const char* who :
       {"operator", "reseller", "cm", "sc", "user", "other", "other_reseller", "outsider"}) {
    EXPECT_EQ(CountWith(entries, core::AuditOutcome::kDenied, who), 1) << who;
  }
  EXPECT_EQ(CountWith(entries, core::AuditOutcome::kAllowed, "reseller"), 0);
  for (const auto& e : entries) {
    EXPECT_FALSE(e.before_json.has_value());
    EXPECT_FALSE(e.detail.empty());
  }
  EXPECT_TRUE(Outbox().empty());

  auto anonymous = roles().AppointSecondaryAdmin(As("anonymous"), team_.id, Id("user"));
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(RolesTest, AppointingAnAdminOrANonMemberIsRefusedWithoutAnyChange) {
  auto pa = roles().AppointSecondaryAdmin(As("sa"), team_.id, Id("pa"));
  ASSERT_FALSE(pa.ok());
  EXPECT_EQ(pa.error().code, ErrorCode::kConflict);
  EXPECT_NE(pa.error().message.find("Primary Admin"), std::string::npos);

  auto twice = roles().AppointSecondaryAdmin(As("pa"), team_.id, Id("sa"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);

  auto invited = roles().AppointSecondaryAdmin(As("pa"), team_.id, Id("newbie"));
  ASSERT_FALSE(invited.ok());
  EXPECT_EQ(invited.error().code, ErrorCode::kFailedPrecondition);

  auto stranger = roles().AppointSecondaryAdmin(As("pa"), team_.id, Id("other"));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kFailedPrecondition);

  auto not_sa = roles().RemoveSecondaryAdmin(As("pa"), team_.id, Id("user"));
  ASSERT_FALSE(not_sa.ok());
  EXPECT_EQ(not_sa.error().code, ErrorCode::kConflict);

  auto remove_pa = roles().RemoveSecondaryAdmin(As("sa"), team_.id, Id("pa"));
  ASSERT_FALSE(remove_pa.ok());
  EXPECT_EQ(remove_pa.error().code, ErrorCode::kConflict);

  EXPECT_TRUE(AuditEntries().empty());
  EXPECT_TRUE(Outbox().empty());
}

TEST_P(RolesTest, HandingOverKeepsExactlyOnePrimaryAdmin) {
  auto first = roles().HandOverPrimaryAdmin(As("cm"), team_.id, Id("user"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->role, TeamRole::kPrimaryAdmin);
  EXPECT_EQ(MembershipOf(team_.id, "pa").role, TeamRole::kSecondaryAdmin);
  ASSERT_EQ(PrimaryAdmins(team_.id).size(), 1U);

  auto second = roles().HandOverPrimaryAdmin(As("reseller"), team_.id, Id("sc"));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(MembershipOf(team_.id, "user").role, TeamRole::kSecondaryAdmin);
  auto admins = PrimaryAdmins(team_.id);
  ASSERT_EQ(admins.size(), 1U);
  EXPECT_EQ(admins[0].user.id, Id("sc"));

  auto entries = EntriesOf("primary_admin.hand_over");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].actor_role, "reseller");
  EXPECT_EQ(entries[1].actor_role, "contract_manager");
  ASSERT_TRUE(entries[1].before_json && entries[1].after_json);
  EXPECT_NE(entries[1].before_json->find(Id("pa")), std::string::npos);
  EXPECT_NE(entries[1].after_json->find(Id("user")), std::string::npos);
  EXPECT_EQ(Outbox().size(), 4U);  // the new and the previous Primary Admin, twice

  auto again = roles().HandOverPrimaryAdmin(As("operator"), team_.id, Id("sc"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto stranger = roles().HandOverPrimaryAdmin(As("operator"), team_.id, Id("other"));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(RolesTest, OnlyOperatorResellerAndContractManagerHandOver) {
  for (const char* who : {"pa", "sa", "sc", "user", "other"}) {
    auto got = roles().HandOverPrimaryAdmin(As(who), team_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(got.error().conceal_existence) << who;
  }
  for (const char* who : {"other_reseller", "outsider"}) {
    auto got = roles().HandOverPrimaryAdmin(As(who), team_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(got.error().conceal_existence) << who;
  }
  EXPECT_EQ(PrimaryAdmins(team_.id)[0].user.id, Id("pa"));
  auto entries = EntriesOf("primary_admin.hand_over");
  EXPECT_EQ(entries.size(), 7U);
  for (const auto& e : entries) EXPECT_EQ(e.outcome, core::AuditOutcome::kDenied);

  auto by_operator = roles().HandOverPrimaryAdmin(As("operator"), team_.id, Id("user"));
  ASSERT_TRUE(by_operator.ok()) << by_operator.error().message;
}

TEST_P(RolesTest, ConcurrentHandOversLeaveExactlyOnePrimaryAdmin) {
  std::vector<std::string> targets = {"sa", "cm", "sc", "user"};
  for (int i = 0; i < 4; ++i) {
    targets.push_back("m" + std::to_string(i));
    AddMember(targets.back());
  }
  std::vector<core::Result<core::Membership>> results(targets.size(), core::Membership{});
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = roles().HandOverPrimaryAdmin(As("operator"), team_.id, Id(targets[i]));
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(results[i].ok()) << targets[i] << ": " << results[i].error().message;
  }
  ASSERT_EQ(PrimaryAdmins(team_.id).size(), 1U);
  int secondary = 0;
  for (const char* who : {"pa", "sa", "cm", "sc", "user", "m0", "m1", "m2", "m3"}) {
    secondary += MembershipOf(team_.id, who).role == TeamRole::kSecondaryAdmin;
  }
  EXPECT_EQ(secondary, 8);
  EXPECT_EQ(EntriesOf("primary_admin.hand_over").size(), targets.size());
}

// An outbox that cannot write: makes a role change fail after its data and audit writes.
class BrokenOutbox final : public store::OutboxRepository {
 public:
  core::Result<bool> Enqueue(store::Tx&, core::OutboxMessage) override { return Broken(); }
  core::Result<core::OutboxMessage> Get(store::Tx&, const std::string&) override {
    return Broken();
  }
  core::Result<std::optional<core::OutboxMessage>> FindByEventKey(store::Tx&,
                                                                  const std::string&) override {
    return Broken();
  }
  core::Result<std::vector<core::OutboxMessage>> ClaimDue(store::Tx&, core::TimePoint, int,
                                                          std::chrono::milliseconds) override {
    return Broken();
  }
  core::Result<void> MarkSent(store::Tx&, const std::string&, core::TimePoint) override {
    return Broken();
  }
  core::Result<void> MarkAttemptFailed(store::Tx&, const std::string&, const std::string&,
                                       std::optional<core::TimePoint>) override {
    return Broken();
  }
  core::Result<bool> Requeue(store::Tx&, const std::string&, core::TimePoint,
                             core::TimePoint) override {
    return Broken();
  }
  core::Result<std::vector<core::OutboxMessage>> ListPendingEmails(store::Tx&,
                                                                   const std::string&) override {
    return Broken();
  }
  core::Result<store::Page<core::OutboxMessage>> List(store::Tx&, std::optional<core::OutboxStatus>,
                                                      const store::PageRequest&) override {
    return Broken();
  }

 private:
  static core::Error Broken() { return core::MakeError(ErrorCode::kInternal, "outbox broken"); }
};

TEST_P(RolesTest, AFailingChangeLeavesNeitherTheChangeNorItsAuditEntry) {
  auto working = std::move(repos_.outbox);
  repos_.outbox = std::make_unique<BrokenOutbox>();
  auto handed = roles().HandOverPrimaryAdmin(As("operator"), team_.id, Id("user"));
  auto appointed = roles().AppointSecondaryAdmin(As("pa"), team_.id, Id("user"));
  auto cm = roles().ChangeContractManager(As("operator"), c1_.id, Id("user"));
  repos_.outbox = std::move(working);

  ASSERT_FALSE(handed.ok());
  ASSERT_FALSE(appointed.ok());
  ASSERT_FALSE(cm.ok());
  EXPECT_EQ(handed.error().code, ErrorCode::kInternal);
  EXPECT_EQ(PrimaryAdmins(team_.id)[0].user.id, Id("pa"));
  EXPECT_EQ(MembershipOf(team_.id, "user").role, TeamRole::kUser);
  EXPECT_EQ(ContractNamed(c1_.id).contract_manager_id, Id("cm"));
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_P(RolesTest, ContractManagerIsChangedByOperatorResellerOrTheContractManager) {
  auto handed = roles().ChangeContractManager(As("cm"), c1_.id, Id("pa"));
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  EXPECT_EQ(ContractNamed(c1_.id).contract_manager_id, Id("pa"));

  auto by_reseller = roles().ChangeContractManager(As("reseller"), c1_.id, Id("user"));
  ASSERT_TRUE(by_reseller.ok()) << by_reseller.error().message;
  auto by_operator = roles().ChangeContractManager(As("operator"), c1_.id, Id("cm"));
  ASSERT_TRUE(by_operator.ok()) << by_operator.error().message;

  for (const char* who : {"pa", "sa", "sc", "user", "other"}) {
    auto got = roles().ChangeContractManager(As(who), c1_.id,
                                             Id(who == std::string("user") ? "sa" : "user"));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(got.error().conceal_existence) << who;
  }
  for (const char* who : {"other_reseller", "outsider"}) {
    auto got = roles().ChangeContractManager(As(who), c1_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(got.error().conceal_existence) << who;
  }
  auto outside = roles().ChangeContractManager(As("operator"), c1_.id, Id("other"));
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ContractNamed(c1_.id).contract_manager_id, Id("cm"));

  auto entries = EntriesOf("contract_manager.change");
  int allowed = 0;
  int denied = 0;
  for (const auto& e : entries) {
    allowed += e.outcome == core::AuditOutcome::kAllowed;
    denied += e.outcome == core::AuditOutcome::kDenied;
    EXPECT_EQ(e.target_id, c1_.id);
  }
  EXPECT_EQ(allowed, 3);
  EXPECT_EQ(denied, 7);
  const auto& first = entries.back();
  EXPECT_EQ(first.actor_role, "contract_manager");
  EXPECT_NE(first.before_json->find(Id("cm")), std::string::npos);
  EXPECT_NE(first.after_json->find(Id("pa")), std::string::npos);
}

TEST_P(RolesTest, SoftwareCoordinatorsExistOnlyOnSerialContracts) {
  auto changed = roles().ChangeSoftwareCoordinator(As("cm"), c2_.id, Id("user"));
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(ContractNamed(c2_.id).software_coordinator_id, Id("user"));

  auto by_reseller = roles().ChangeSoftwareCoordinator(As("reseller"), c2_.id, Id("sc"));
  ASSERT_TRUE(by_reseller.ok()) << by_reseller.error().message;
  auto cleared = roles().ChangeSoftwareCoordinator(As("operator"), c2_.id, std::nullopt);
  ASSERT_TRUE(cleared.ok()) << cleared.error().message;
  EXPECT_FALSE(ContractNamed(c2_.id).software_coordinator_id.has_value());

  auto sign_in = roles().ChangeSoftwareCoordinator(As("cm"), c1_.id, Id("user"));
  ASSERT_FALSE(sign_in.ok());
  EXPECT_EQ(sign_in.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(sign_in.error().message.find("serial"), std::string::npos);

  for (const char* who : {"pa", "sa", "sc", "user"}) {
    auto got = roles().ChangeSoftwareCoordinator(As(who), c2_.id, Id("user"));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied) << who;
  }
  auto hidden = roles().ChangeSoftwareCoordinator(As("other_reseller"), c2_.id, Id("user"));
  ASSERT_FALSE(hidden.ok());
  EXPECT_TRUE(hidden.error().conceal_existence);
  EXPECT_FALSE(ContractNamed(c2_.id).software_coordinator_id.has_value());
}

TEST_P(RolesTest, ThePrimaryAdminCannotBeRemovedWithoutAHandOver) {
  auto check = [&](const std::string& who) {
    return db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) {
      return EnsureNotPrimaryAdmin(tx, deps(), team_.id, Id(who));
    });
  };
  auto pa = check("pa");
  ASSERT_FALSE(pa.ok());
  EXPECT_EQ(pa.error().code, ErrorCode::kConflict);
  EXPECT_NE(pa.error().message.find("hand over the Primary Admin role first"), std::string::npos);
  EXPECT_TRUE(check("sa").ok());
  EXPECT_TRUE(check("other").ok());

  ASSERT_TRUE(roles().HandOverPrimaryAdmin(As("cm"), team_.id, Id("sa")).ok());
  EXPECT_TRUE(check("pa").ok());
  EXPECT_FALSE(check("sa").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, RolesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
