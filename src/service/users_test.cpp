#include "service/users.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MembershipStatus;

class UsersTest : public AuthzTest {
 protected:
  UserService users() { return UserService(deps(), *identity_); }

  int OutboxTo(const std::string& email) {
    int n = 0;
    for (const auto& m : Outbox()) n += m.recipient == email && m.template_name == "invitation";
    return n;
  }

  std::vector<core::AuditEntry> EntriesOf(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }

  std::string FirstSubscriptionOf(const core::Contract& contract) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); }));
    return subs.at(0).id;
  }

  core::Result<core::Assignment> Assign(const std::string& sub, const std::string& user_id) {
    return db_->Transact<core::Assignment>(store::TxMode::kWrite,
                                           [&](store::Tx& tx) -> core::Result<core::Assignment> {
                                             core::Assignment a;
                                             a.subscription_id = sub;
                                             a.user_id = user_id;
                                             a.assigned_at = clock_.Now();
                                             return repos_.assignments->AssignSeat(tx, a);
                                           });
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
          tx,
          core::Membership{team_.id, users_[who].id, core::TeamRole::kUser,
                           MembershipStatus::kActive, std::nullopt, now, now, std::nullopt, now});
    });
    ASSERT_TRUE(added.ok()) << added.error().message;
  }

  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
};

TEST_P(UsersTest, InvitesANewPersonAsPendingWithAnInvitationEmail) {
  auto member = users().InviteUser(As("pa"), team_.id, {" Zoe ", "Ng", "Zoe@New.example"});
  ASSERT_TRUE(member.ok()) << member.error().message;
  EXPECT_EQ(member->membership.status, MembershipStatus::kInvited);
  EXPECT_EQ(member->user.status, core::UserStatus::kInvited);
  EXPECT_EQ(member->user.first_name, "Zoe");
  EXPECT_EQ(OutboxTo("Zoe@New.example"), 1);
  auto entries = EntriesOf("user.invite");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome, core::AuditOutcome::kAllowed);
}

TEST_P(UsersTest, InvitingSomeoneOfAnotherTeamAddsTheSameIdentity) {
  auto member = users().InviteUser(As("sa"), team_.id, {"O", "Ther", "OTHER@example.test"});
  ASSERT_TRUE(member.ok()) << member.error().message;
  EXPECT_EQ(member->user.id, Id("other"));
  EXPECT_EQ(member->membership.status, MembershipStatus::kInvited);
  EXPECT_EQ(MembershipOf(team2_.id, "other").status, MembershipStatus::kActive);
}

// DOMAIN.md rule 15: the inviter learns nothing they did not type. "other" has an account
// (in team2) with names of its own; the answer and the list show the typed ones.
TEST_P(UsersTest, InvitingAnExistingAccountShowsOnlyWhatWasTyped) {
  auto renamed = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(core::User other, repos_.users->Get(tx, Id("other")));
    other.first_name = "Rosalind";
    other.last_name = "Quist";
    return repos_.users->Update(tx, other);
  });
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  auto member = users().InviteUser(As("pa"), team_.id, {"Typed", "Name", "OTHER@example.test"});
  ASSERT_TRUE(member.ok()) << member.error().message;
  EXPECT_EQ(member->user.first_name, "Typed");
  EXPECT_EQ(member->user.last_name, "Name");
  EXPECT_EQ(member->user.status, core::UserStatus::kInvited);
  EXPECT_FALSE(member->user.last_sign_in_at.has_value());
  EXPECT_FALSE(member->user.totp_enrolled);
  EXPECT_FALSE(member->user.password_hash.has_value());
  auto fresh = users().InviteUser(As("pa"), team_.id, {"Typed", "Name", "fresh@new.example"});
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_EQ(fresh->user.status, member->user.status);
  EXPECT_EQ(fresh->user.first_name, member->user.first_name);

  UserQuery query;
  query.status = MembershipStatus::kInvited;
  auto listed = users().ListUsers(As("pa"), team_.id, query);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  int shown = 0;
  for (const auto& m : listed->items) {
    if (m.user.id != Id("other") && m.user.id != fresh->user.id) continue;
    ++shown;
    EXPECT_EQ(m.user.first_name, "Typed") << m.user.email;
    EXPECT_EQ(m.user.last_name, "Name") << m.user.email;
    EXPECT_EQ(m.user.status, core::UserStatus::kInvited) << m.user.email;
  }
  EXPECT_EQ(shown, 2);
  // The account's own names do not find the pending member; the typed ones do.
  for (const char* name : {"Rosalind", "Quist"}) {
    query.search = name;
    auto searched = users().ListUsers(As("pa"), team_.id, query);
    ASSERT_TRUE(searched.ok());
    for (const auto& m : searched->items) EXPECT_NE(m.user.id, Id("other")) << name;
  }
  query.search = "typed";
  auto typed = users().ListUsers(As("pa"), team_.id, query);
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->items.size(), 2u);
  // The audit entry the team's admins read tells nothing either.
  for (const auto& entry : EntriesOf("user.invite")) {
    EXPECT_EQ(entry.detail.find("existing"), std::string::npos) << entry.detail;
  }
}

TEST_P(UsersTest, NamesWithMarkupOrLineBreaksAreRefused) {
  for (const char* name : {"<b>Zoe</b>", "Zo\r\nBcc: x@evil.example", "Zoe>"}) {
    auto r = users().InviteUser(As("pa"), team_.id, {name, "Ng", "zoe@new.example"});
    ASSERT_FALSE(r.ok()) << name;
    ASSERT_FALSE(r.error().fields.empty()) << name;
    EXPECT_EQ(r.error().fields[0].field, "first_name");
  }
}

TEST_P(UsersTest, InvitingAMemberAgainIsRefused) {
  auto again = users().InviteUser(As("pa"), team_.id, {"U", "Ser", "User@example.test"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message, "user@example.test is already a member of this team");
}

TEST_P(UsersTest, InvalidPeopleAreRefusedWithFieldErrors) {
  for (const char* email : {"no-at.example", "a@b", "a b@x.example", "a@@x.example", ""}) {
    auto r = users().InviteUser(As("pa"), team_.id, {"A", "B", email});
    ASSERT_FALSE(r.ok()) << email;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    ASSERT_FALSE(r.error().fields.empty());
    EXPECT_EQ(r.error().fields[0].field, "email");
  }
  auto long_email =
      users().InviteUser(As("pa"), team_.id, {"A", "B", std::string(250, 'a') + "@x.example"});
  EXPECT_FALSE(long_email.ok());
  auto bad_name = users().InviteUser(As("pa"), team_.id, {"A\x01", "", "ok@x.example"});
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.error().fields.size(), 2u);
  auto too_long =
      users().InviteUser(As("pa"), team_.id, {std::string(101, 'a'), "B", "ok@x.example"});
  EXPECT_FALSE(too_long.ok());
}

TEST_P(UsersTest, NonAdminsAreRefusedAndTheAttemptIsAudited) {
  for (const char* who : {"user", "cm", "outsider", "reseller"}) {
    auto r = users().InviteUser(As(who), team_.id, {"A", "B", "x@x.example"});
    ASSERT_FALSE(r.ok()) << who;
    EXPECT_TRUE(r.error().code == ErrorCode::kPermissionDenied ||
                r.error().code == ErrorCode::kNotFound)
        << who << ": " << r.error().message;
  }
  int denied = 0;
  for (const auto& e : EntriesOf("user.invite")) denied += e.outcome == core::AuditOutcome::kDenied;
  EXPECT_GE(denied, 2);
  EXPECT_FALSE(users().ListUsers(As("user"), team_.id, {}).ok());
  EXPECT_FALSE(users().ImportUsers(As("user"), team_.id, "first_name,last_name,email\n").ok());
  EXPECT_TRUE(users().InviteUser(As("operator"), team_.id, {"A", "B", "x@x.example"}).ok());
}

// "Devices and Users are accessible by Software Coordinators and Contract Admins": a
// Software Coordinator adds the people of their contract, one at a time and by CSV, but still
// does not list, remove or manage the team's people as a whole.
TEST_P(UsersTest, ASoftwareCoordinatorAddsPeopleOneAtATimeAndByCsv) {
  auto one = users().InviteUser(As("sc"), team_.id, {"Sam", "Serial", "sam@new.example"});
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->membership.status, MembershipStatus::kInvited);
  auto many = users().ImportUsers(As("sc"), team_.id,
                                  "first_name,last_name,email\nTia,Two,tia@new.example\n"
                                  "Uma,Three,uma@new.example\n");
  ASSERT_TRUE(many.ok()) << many.error().message;
  EXPECT_EQ(many->summary.invited, 2);
  auto list = users().ListUsers(As("sc"), team_.id, {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, ErrorCode::kPermissionDenied);
  auto remove = users().RemoveUser(As("sc"), team_.id, one->user.id);
  ASSERT_FALSE(remove.ok());
  EXPECT_EQ(remove.error().code, ErrorCode::kPermissionDenied);
  // Someone who coordinates no contract of the team adds no one.
  auto other = users().InviteUser(As("other"), team_.id, {"V", "W", "vw@new.example"});
  EXPECT_FALSE(other.ok());
}

TEST_P(UsersTest, ImportAnswersEveryRowAndKeepsTheGoodOnes) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "Email,First_Name,Last_Name\r\n"
      "amy@new.example,Amy,\"Lo, Jr.\"\r\n"
      "not-an-email,Bad,Row\r\n"
      "other@example.test,O,Ther\r\n"
      "user@example.test,U,Ser\r\n"
      "AMY@new.example,Amy,Again\r\n"
      ",No,Mail\r\n"
      "\r\n"
      "ben@new.example,Ben,\"O\"\"Neil\"\r\n";
  auto result = users().ImportUsers(As("pa"), team_.id, csv);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->rows.size(), 7u);
  std::vector<std::string> outcomes;
  for (const auto& row : result->rows) outcomes.emplace_back(InviteOutcomeName(row.outcome));
  // other@example.test already has an account: the answer must not tell (DOMAIN.md rule 15).
  EXPECT_EQ(outcomes,
            (std::vector<std::string>{"invited", "invalid_email", "invited", "already_member",
                                      "duplicate_in_file", "missing_field", "invited"}));
  EXPECT_EQ(result->rows[2].message, result->rows[0].message);
  EXPECT_EQ(result->rows[4].message, "the same e-mail as row 1");
  EXPECT_EQ(result->summary.invited, 3);
  EXPECT_EQ(result->summary.already_member, 1);
  EXPECT_EQ(result->summary.invalid, 3);
  EXPECT_EQ(OutboxTo("amy@new.example"), 1);
  EXPECT_EQ(EntriesOf("user.import").size(), 1u);
  // One entry per person invited, written as their chunk commits.
  EXPECT_EQ(EntriesOf("user.invite").size(), 3u);

  const auto outbox_before = Outbox().size();
  auto again = users().ImportUsers(As("pa"), team_.id, csv);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->summary.invited, 0);
  EXPECT_EQ(again->summary.already_member, 4);
  EXPECT_EQ(Outbox().size(), outbox_before);
}

TEST_P(UsersTest, ImportSpanningSeveralChunksInvitesEveryone) {
  std::string csv = "first_name,last_name,email\n";
  const int n = kImportChunkRows + 7;
  for (int i = 0; i < n; ++i) csv += "P,Q,p" + std::to_string(i) + "@bulk.example\n";
  auto result = users().ImportUsers(As("pa"), team_.id, csv);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->summary.invited, n);
  EXPECT_EQ(EntriesOf("user.import").size(), 1u);
}

TEST_P(UsersTest, ImportRefusesMoreThanTheRowLimitAndMalformedFiles) {
  std::string csv = "first_name,last_name,email\n";
  csv.reserve(csv.size() + 30u * (kMaxImportRows + 1));
  for (int i = 0; i <= kMaxImportRows; ++i) csv += "a,b,x" + std::to_string(i) + "@x.example\n";
  auto big = users().ImportUsers(As("pa"), team_.id, csv);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(big.error().message,
            "the file has more than 25,000 rows; the limit is 25,000 — split it");
  auto malformed =
      users().ImportUsers(As("pa"), team_.id, "first_name,last_name,email\na,b,\"c@x.example\n");
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.error().message.find("line 2"), std::string::npos);
  EXPECT_TRUE(EntriesOf("user.import").empty());
}

TEST_P(UsersTest, ListFiltersAndPages) {
  ASSERT_TRUE(users().InviteUser(As("pa"), team_.id, {"Zed", "Q", "zed@new.example"}).ok());
  UserQuery pending;
  pending.status = MembershipStatus::kInvited;
  auto invited = Must(users().ListUsers(As("sa"), team_.id, pending));
  EXPECT_EQ(invited.items.size(), 2u);  // newbie and zed
  UserQuery search;
  search.search = "ZED";
  auto found = Must(users().ListUsers(As("pa"), team_.id, search));
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].user.email, "zed@new.example");
  EXPECT_FALSE(found.items[0].user.password_hash.has_value());
  UserQuery admins;
  admins.role = core::TeamRole::kSecondaryAdmin;
  EXPECT_EQ(Must(users().ListUsers(As("pa"), team_.id, admins)).items.size(), 1u);

  UserQuery paged;
  paged.limit = 2;
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = Must(users().ListUsers(As("pa"), team_.id, paged));
    for (const auto& m : page.items) seen.insert(m.user.id);
    ++pages;
    if (page.next_after.empty()) break;
    paged.after = page.next_after;
  }
  EXPECT_EQ(seen.size(), 7u);  // pa, sa, cm, sc, user, newbie, zed
  EXPECT_EQ(pages, 4);
}

TEST_P(UsersTest, ResendsOnlyPendingInvitations) {
  auto resent = users().ResendInvitation(As("pa"), team_.id, Id("newbie"));
  ASSERT_TRUE(resent.ok()) << resent.error().message;
  EXPECT_EQ(OutboxTo("newbie@example.test"), 1);
  auto active = users().ResendInvitation(As("pa"), team_.id, Id("user"));
  ASSERT_FALSE(active.ok());
  EXPECT_EQ(active.error().code, ErrorCode::kConflict);
}

TEST_P(UsersTest, RemovingALeaverFreesTheirSeatAtOnce) {
  const std::string sub = FirstSubscriptionOf(c1_);
  for (int i = 0; i < 4; ++i) {
    AddMember("filler" + std::to_string(i));
    ASSERT_TRUE(Assign(sub, Id("filler" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(Assign(sub, Id("user")).ok());
  auto full = Assign(sub, Id("sa"));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);

  auto removal = users().RemoveUser(As("sa"), team_.id, Id("user"));
  ASSERT_TRUE(removal.ok()) << removal.error().message;
  EXPECT_EQ(removal->seats_freed, 1);
  EXPECT_TRUE(removal->signed_out);
  EXPECT_EQ(MembershipOf(team_.id, "user").status, MembershipStatus::kRemoved);
  EXPECT_TRUE(Assign(sub, Id("sa")).ok());

  auto entries = EntriesOf("user.remove");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].detail.find("1 seats freed"), std::string::npos) << entries[0].detail;

  auto twice = users().RemoveUser(As("sa"), team_.id, Id("user"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  // A leaver can be invited back.
  auto back = users().InviteUser(As("pa"), team_.id, {"U", "Ser", "user@example.test"});
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->membership.status, MembershipStatus::kInvited);
}

TEST_P(UsersTest, ThePrimaryAdminCannotBeRemoved) {
  auto r = users().RemoveUser(As("sa"), team_.id, Id("pa"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(MembershipOf(team_.id, "pa").status, MembershipStatus::kActive);
}

INSTANTIATE_TEST_SUITE_P(Backends, UsersTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
