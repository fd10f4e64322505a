// Teams: create, rename, merge, split. The seed: "If you want your “teams” merged into a single
// team, or to split a single team into multiple teams, this can be done by creating a ticket
// with Autodesk asking them to do it" — here operators and the customer's reseller do it.

#include "service/teams.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "service/assignments.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MembershipStatus;
using core::TeamRole;

class TeamsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    c1_sub_ = Subscriptions(c1_.id).at(0).id;
    c2_sub_ = Subscriptions(c2_.id).at(0).id;
  }

  TeamService teams() { return TeamService(*deps_, "https://seatwise.example"); }

  std::vector<core::Subscription> Subscriptions(const std::string& contract_id) {
    return Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract_id); }));
  }

  void Seat(const std::string& subscription_id, const std::string& who) {
    auto done = db_->Transact<core::Assignment>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Assignment a;
      a.subscription_id = subscription_id;
      a.user_id = Id(who);
      a.assigned_at = clock_.Now();
      return repos_.assignments->AssignSeat(tx, a);
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::string Device(const std::string& team_id, const std::string& fingerprint) {
    return Must(db_->Transact<core::Device>(store::TxMode::kWrite,
                                            [&](store::Tx& tx) {
                                              core::Device d;
                                              d.team_id = team_id;
                                              d.fingerprint_hash = fingerprint;
                                              d.asset_name = "PC-" + fingerprint;
                                              d.registered_at = d.updated_at = clock_.Now();
                                              return repos_.devices->Register(tx, d);
                                            }))
        .id;
  }

  std::optional<core::Membership> Membership(const std::string& team_id, const std::string& who) {
    return Must(Read<std::optional<core::Membership>>(
        [&](store::Tx& tx) { return repos_.users->GetMembership(tx, team_id, Id(who)); }));
  }

  std::vector<std::string> PrimaryAdmins(const std::string& team_id) {
    store::MemberFilter filter;
    filter.role = TeamRole::kPrimaryAdmin;
    auto page = Must(Read<store::Page<store::TeamMember>>([&](store::Tx& tx) {
      return repos_.users->ListTeamMembers(tx, team_id, filter, {"", 100});
    }));
    std::vector<std::string> out;
    for (const auto& m : page.items) out.push_back(m.user.id);
    return out;
  }

  bool Holds(const std::string& subscription_id, const std::string& who) {
    return Must(Read<std::optional<core::Assignment>>([&](store::Tx& tx) {
             return repos_.assignments->FindActive(tx, subscription_id, Id(who));
           }))
        .has_value();
  }

  std::vector<std::string> Recipients() {
    std::vector<std::string> out;
    for (const auto& m : Outbox()) {
      EXPECT_EQ(m.template_name, "team_move");
      out.push_back(m.recipient);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<core::AuditEntry> Entries(const std::string& action,
                                        std::optional<core::AuditOutcome> outcome = {}) {
    store::AuditFilter filter;
    filter.action = action;
    filter.outcome = outcome;
    return AuditEntries(filter);
  }

  std::unique_ptr<Deps> deps_;
  std::string c1_sub_, c2_sub_;
};

// "If you want your “teams” merged into a single team": the dry run says exactly what the
// merge then does.
TEST_P(TeamsTest, MergeDoesExactlyWhatItsDryRunShowed) {
  Seat(c1_sub_, "user");
  Seat(c1_sub_, "cm");
  const std::string pc = Device(team_.id, "fp-1");

  MoveRequest request;
  request.to_team_id = team2_.id;
  request.all = true;
  request.dry_run = true;
  auto preview = teams().Move(As("operator"), team_.id, request);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_TRUE(preview->dry_run);
  EXPECT_TRUE(preview->merge);
  ASSERT_EQ(preview->people.size(), 6U);  // pa, sa, cm, sc, user and the invited newbie
  ASSERT_EQ(preview->contracts.size(), 2U);
  ASSERT_EQ(preview->devices.size(), 1U);
  EXPECT_EQ(preview->devices[0].id, pc);
  EXPECT_EQ(preview->devices[0].reason, "all");
  for (const auto& c : preview->contracts) {
    EXPECT_EQ(c.assignments, c.id == c1_.id ? 2 : 0) << c.number;
  }
  for (const auto& p : preview->people) {
    if (p.user_id == Id("pa")) {
      EXPECT_EQ(p.role_before, TeamRole::kPrimaryAdmin);
      EXPECT_EQ(p.role_after, TeamRole::kSecondaryAdmin);
    }
    if (p.user_id == Id("newbie")) {
      EXPECT_EQ(p.status, MembershipStatus::kInvited);
    }
  }
  EXPECT_TRUE(std::any_of(preview->notes.begin(), preview->notes.end(), [&](const auto& n) {
    return n.kind == "primary_admin_demoted" && n.user_id == Id("pa");
  }));
  EXPECT_EQ(preview->to_primary_admin_id, Id("other"));
  EXPECT_FALSE(preview->from_primary_admin_id.has_value());
  // Nothing written by the dry run.
  EXPECT_EQ(ContractNamed(c1_.id).team_id, team_.id);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_TRUE(Entries("team.merge").empty());

  request.dry_run = false;
  auto merged = teams().Move(As("operator"), team_.id, request);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  ASSERT_EQ(merged->people.size(), preview->people.size());
  for (std::size_t i = 0; i < merged->people.size(); ++i) {
    EXPECT_EQ(merged->people[i].user_id, preview->people[i].user_id);
    EXPECT_EQ(merged->people[i].role_after, preview->people[i].role_after);
    auto m =
        Membership(team2_.id, merged->people[i].email.substr(0, merged->people[i].email.find('@')));
    ASSERT_TRUE(m.has_value()) << merged->people[i].email;
    EXPECT_EQ(m->role, preview->people[i].role_after);
    EXPECT_EQ(m->status, preview->people[i].status);
  }
  EXPECT_EQ(merged->devices.size(), preview->devices.size());
  EXPECT_EQ(ContractNamed(c1_.id).team_id, team2_.id);
  EXPECT_EQ(ContractNamed(c2_.id).team_id, team2_.id);
  EXPECT_TRUE(Holds(c1_sub_, "user"));
  EXPECT_TRUE(Holds(c1_sub_, "cm"));
  EXPECT_EQ(
      Must(Read<core::Device>([&](store::Tx& tx) { return repos_.devices->Get(tx, pc); })).team_id,
      team2_.id);
  // The merged team is gone; the target keeps its one Primary Admin.
  auto gone =
      Read<core::Team>([&](store::Tx& tx) { return repos_.accounts->GetTeam(tx, team_.id); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(PrimaryAdmins(team2_.id), std::vector<std::string>{Id("other")});

  // Audited on both teams, with before and after.
  auto entries = Entries("team.merge");
  ASSERT_EQ(entries.size(), 2U);
  std::set<std::string> teams_audited;
  for (const auto& e : entries) {
    teams_audited.insert(e.team_id.value_or(""));
    EXPECT_EQ(e.actor_role, "operator");
    ASSERT_TRUE(e.before_json && e.after_json);
    EXPECT_NE(e.before_json->find("Design"), std::string::npos);
    EXPECT_NE(e.after_json->find(c1_.id), std::string::npos);
  }
  EXPECT_EQ(teams_audited, (std::set<std::string>{team_.id, team2_.id}));
  // The admins of both teams are told: pa and sa of Design, other of Plant.
  EXPECT_EQ(Recipients(),
            (std::vector<std::string>{"other@example.test", "pa@example.test", "sa@example.test"}));
}

// "or to split a single team into multiple teams": a new team with the chosen people and
// contracts; holders who stay become members so their seats stay valid.
TEST_P(TeamsTest, SplitCreatesTheTeamAndKeepsEveryAssignmentValid) {
  Seat(c1_sub_, "user");
  Seat(c1_sub_, "cm");
  Seat(c2_sub_, "user");  // on a contract that stays: ended when user leaves
  const std::string pc = Device(team_.id, "fp-2");
  // The device only uses the moving contract: it goes along.
  ASSERT_TRUE(db_->Transact(store::TxMode::kWrite,
                            [&](store::Tx& tx) -> core::Result<void> {
                              core::Activation a;
                              a.kind = core::ActivationKind::kSignIn;
                              a.user_id = Id("user");
                              a.subscription_id = c1_sub_;
                              a.product_id = Subscriptions(c1_.id).at(0).product_id.value_or("");
                              a.device_id = pc;
                              a.issued_at = clock_.Now();
                              a.expires_at = a.offline_grace_until =
                                  clock_.Now() + std::chrono::hours(24);
                              SW_RETURN_IF_ERROR(repos_.activations->ActivateSignIn(tx, a));
                              return core::Ok();
                            })
                  .ok());

  MoveRequest request;
  request.new_team_name = "Studio";
  request.new_team_primary_admin_id = Id("sa");
  request.people = {Id("sa"), Id("user")};
  request.contracts = {c1_.id};
  request.dry_run = true;
  auto preview = teams().Move(As("reseller"), team_.id, request);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_TRUE(preview->to_created);
  ASSERT_EQ(preview->devices.size(), 1U);
  EXPECT_EQ(preview->devices[0].reason, "contracts");
  auto note = [&](const TeamMove& m, const std::string& kind, const std::string& who) {
    return std::any_of(m.notes.begin(), m.notes.end(),
                       [&](const auto& n) { return n.kind == kind && n.user_id == Id(who); });
  };
  EXPECT_TRUE(note(*preview, "joins_target", "cm"));
  EXPECT_TRUE(note(*preview, "seats_ended", "user"));

  request.dry_run = false;
  auto split = teams().Move(As("reseller"), team_.id, request);
  ASSERT_TRUE(split.ok()) << split.error().message;
  const std::string studio = split->to.id;
  ASSERT_FALSE(studio.empty());
  EXPECT_EQ(split->to.account_id, account_a_.id);
  EXPECT_EQ(PrimaryAdmins(studio), std::vector<std::string>{Id("sa")});
  EXPECT_EQ(PrimaryAdmins(team_.id), std::vector<std::string>{Id("pa")});
  EXPECT_EQ(Membership(studio, "user")->role, TeamRole::kUser);
  EXPECT_EQ(Membership(team_.id, "user")->status, MembershipStatus::kRemoved);
  EXPECT_EQ(Membership(team_.id, "sa")->status, MembershipStatus::kRemoved);
  // cm stays in Design and joins Studio, keeping the seat.
  EXPECT_EQ(Membership(team_.id, "cm")->status, MembershipStatus::kActive);
  EXPECT_EQ(Membership(studio, "cm")->role, TeamRole::kUser);
  EXPECT_TRUE(Holds(c1_sub_, "cm"));
  EXPECT_TRUE(Holds(c1_sub_, "user"));
  EXPECT_FALSE(Holds(c2_sub_, "user"));
  EXPECT_EQ(ContractNamed(c1_.id).team_id, studio);
  EXPECT_EQ(ContractNamed(c2_.id).team_id, team_.id);
  EXPECT_EQ(
      Must(Read<core::Device>([&](store::Tx& tx) { return repos_.devices->Get(tx, pc); })).team_id,
      studio);
  auto entries = Entries("team.split");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].actor_role, "reseller");
  // Admins of Design (pa, sa) and of Studio (sa) are told, each once.
  EXPECT_EQ(Recipients(), (std::vector<std::string>{"pa@example.test", "sa@example.test"}));
}

// One Primary Admin per team always: a split that takes it must name who stays in charge.
TEST_P(TeamsTest, APrimaryAdminWhoLeavesMustBeReplaced) {
  MoveRequest request;
  request.to_team_id = team2_.id;
  request.people = {Id("pa")};
  auto refused = teams().Move(As("operator"), team_.id, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("source_primary_admin"), std::string::npos);

  request.source_primary_admin_id = Id("user");
  request.people = {Id("pa"), Id("user")};
  auto moving = teams().Move(As("operator"), team_.id, request);
  ASSERT_FALSE(moving.ok());
  EXPECT_EQ(moving.error().code, ErrorCode::kInvalidArgument);

  request.people = {Id("pa")};
  auto moved = teams().Move(As("operator"), team_.id, request);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(PrimaryAdmins(team_.id), std::vector<std::string>{Id("user")});
  EXPECT_EQ(PrimaryAdmins(team2_.id), std::vector<std::string>{Id("other")});
  EXPECT_EQ(Membership(team2_.id, "pa")->role, TeamRole::kSecondaryAdmin);

  // A new team needs its Primary Admin named among the people moving.
  MoveRequest split;
  split.new_team_name = "Lab";
  split.people = {Id("sc")};
  auto unnamed = teams().Move(As("operator"), team_.id, split);
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(unnamed.error().fields.empty());
  EXPECT_EQ(unnamed.error().fields[0].field, "new_team_primary_admin");
}

TEST_P(TeamsTest, MovesStayInsideOneAccountAndOnlyForOperatorsAndTheReseller) {
  MoveRequest request;
  request.to_team_id = team_b_.id;
  request.contracts = {c1_.id};
  auto across = teams().Move(As("operator"), team_.id, request);
  ASSERT_FALSE(across.ok());
  EXPECT_EQ(across.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(across.error().message.find("one account"), std::string::npos);
  // North's staff may not even learn that South's team exists.
  auto probe = teams().Move(As("reseller"), team_.id, request);
  ASSERT_FALSE(probe.ok());
  EXPECT_EQ(probe.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(probe.error().conceal_existence);

  request.to_team_id = team2_.id;
  auto other = teams().Move(As("other_reseller"), team_.id, request);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.error().conceal_existence);
  for (const char* who : {"pa", "sa", "cm", "user"}) {
    auto denied = teams().Move(As(who), team_.id, request);
    ASSERT_FALSE(denied.ok()) << who;
    EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied) << who;
  }
  EXPECT_EQ(ContractNamed(c1_.id).team_id, team_.id);
  EXPECT_FALSE(Entries("team.split", core::AuditOutcome::kDenied).empty());

  // A contract of another team is named back, field by field.
  request.contracts = {cb_.id};
  auto foreign = teams().Move(As("operator"), team_.id, request);
  ASSERT_FALSE(foreign.ok());
  ASSERT_EQ(foreign.error().fields.size(), 1U);
  EXPECT_EQ(foreign.error().fields[0].field, "contracts[0]");
}

TEST_P(TeamsTest, DeviceRegisteredInBothTeamsBlocksTheMerge) {
  Device(team_.id, "same");
  Device(team2_.id, "same");
  MoveRequest request;
  request.to_team_id = team2_.id;
  request.all = true;
  request.dry_run = true;
  auto refused = teams().Move(As("operator"), team_.id, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("PC-same"), std::string::npos);
}

TEST_P(TeamsTest, CreateAndRenameAreAudited) {
  auto created = teams().CreateTeam(As("reseller"), account_a_.id, {"  Site B ", Id("user")});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->name, "Site B");
  EXPECT_EQ(PrimaryAdmins(created->id), std::vector<std::string>{Id("user")});
  EXPECT_EQ(Entries("team.create").size(), 1U);

  auto outsider = teams().CreateTeam(As("operator"), account_a_.id, {"X", Id("outsider")});
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().code, ErrorCode::kInvalidArgument);
  auto foreign = teams().CreateTeam(As("other_reseller"), account_a_.id, {"X", Id("user")});
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().conceal_existence);

  auto renamed = teams().RenameTeam(As("operator"), created->id, "Site C");
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "Site C");
  auto entries = Entries("team.rename");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_NE(entries[0].before_json.value_or("").find("Site B"), std::string::npos);
  EXPECT_NE(entries[0].after_json.value_or("").find("Site C"), std::string::npos);
  auto blank = teams().RenameTeam(As("operator"), created->id, "  ");
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().code, ErrorCode::kInvalidArgument);
  auto by_pa = teams().RenameTeam(As("pa"), team_.id, "Mine");
  ASSERT_FALSE(by_pa.ok());
  EXPECT_EQ(by_pa.error().code, ErrorCode::kPermissionDenied);
}

// A move and an assignment at once: whichever commits first, every live seat of the moved
// contract is held by a member of the team the contract ends up in.
TEST_P(TeamsTest, AMoveRacingAnAssignmentEndsConsistent) {
  IdentityService identity(*deps_, IdentityOptions{});
  AssignmentService assignments(*deps_, identity, "https://seatwise.example");
  const core::Team* teams_by_turn[2] = {&team_, &team2_};
  for (int round = 0; round < 6; ++round) {
    const core::Team& from = *teams_by_turn[round % 2];
    const core::Team& to = *teams_by_turn[(round + 1) % 2];
    const std::string who = "racer" + std::to_string(round);
    ASSERT_TRUE(db_->Transact(store::TxMode::kWrite,
                              [&](store::Tx& tx) -> core::Result<void> {
                                core::User u;
                                u.email = who + "@example.test";
                                u.status = core::UserStatus::kActive;
                                u.created_at = u.updated_at = clock_.Now();
                                SW_ASSIGN_OR_RETURN(users_[who], repos_.users->Create(tx, u));
                                const auto now = clock_.Now();
                                return repos_.users->AddMembership(
                                    tx, core::Membership{from.id, Id(who), TeamRole::kUser,
                                                         MembershipStatus::kActive, std::nullopt,
                                                         now, now, std::nullopt, now});
                              })
                    .ok());
    MoveRequest request;
    request.to_team_id = to.id;
    request.contracts = {c1_.id};
    auto assigning = std::async(std::launch::async, [&] {
      return assignments.Assign(As("operator"), from.id, c1_sub_, Id(who));
    });
    auto moving = std::async(std::launch::async,
                             [&] { return teams().Move(As("operator"), from.id, request); });
    auto assigned = assigning.get();
    auto moved = moving.get();
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    if (!assigned.ok()) {
      EXPECT_TRUE(assigned.error().code == ErrorCode::kConflict ||
                  assigned.error().code == ErrorCode::kNotFound)
          << assigned.error().message;
    }
    // Every holder of the moved contract's seats is a member of its team now.
    ASSERT_EQ(ContractNamed(c1_.id).team_id, to.id);
    auto holders = Must(Read<store::Page<core::Assignment>>([&](store::Tx& tx) {
      return repos_.assignments->ListActiveBySubscription(tx, c1_sub_, {"", 100});
    }));
    for (const auto& a : holders.items) {
      auto m = Must(Read<std::optional<core::Membership>>(
          [&](store::Tx& tx) { return repos_.users->GetMembership(tx, to.id, a.user_id); }));
      ASSERT_TRUE(m.has_value()) << a.user_id;
      EXPECT_NE(m->status, MembershipStatus::kRemoved);
    }
    EXPECT_EQ(Holds(c1_sub_, who), assigned.ok());
    if (assigned.ok()) {  // the pool has 5 seats: free this one for the next round
      ASSERT_TRUE(db_->Transact<core::Assignment>(store::TxMode::kWrite,
                                                  [&](store::Tx& tx) {
                                                    return repos_.assignments->Unassign(
                                                        tx, c1_sub_, Id(who), std::nullopt,
                                                        clock_.Now());
                                                  })
                      .ok());
    }
  }
}

TEST_P(TeamsTest, ContentsListWhatCanMoveToOperatorsAndTheResellerOnly) {
  Seat(c1_sub_, "user");
  Device(team_.id, "fp-3");
  auto contents = teams().Contents(As("reseller"), team_.id);
  ASSERT_TRUE(contents.ok()) << contents.error().message;
  EXPECT_EQ(contents->members.size(), 6U);
  ASSERT_EQ(contents->contracts.size(), 2U);
  for (const auto& c : contents->contracts) {
    EXPECT_EQ(c.assignments, c.id == c1_.id ? 1 : 0);
    EXPECT_EQ(c.subscriptions, 1);
  }
  EXPECT_EQ(contents->devices.size(), 1U);
  auto by_pa = teams().Contents(As("pa"), team_.id);
  ASSERT_FALSE(by_pa.ok());
  EXPECT_EQ(by_pa.error().code, ErrorCode::kPermissionDenied);
  auto foreign = teams().Contents(As("other_reseller"), team_.id);
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().conceal_existence);
}

INSTANTIATE_TEST_SUITE_P(Backends, TeamsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
