#include "store/user_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

class UserRepositoryTest : public RepositoryTest {};

TEST_P(UserRepositoryTest, RoundTripsAUser) {
  core::User u;
  u.email = "Ann.Smith@Example.com";
  u.first_name = "Ann";
  u.last_name = "Smith";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  u.totp_secret = "sealed";
  u.totp_enrolled = true;
  u.password_changed_at = Now();
  u.created_at = u.updated_at = Now();
  auto created = Must(Write([&](Tx& tx) { return repos_.users->Create(tx, u); }));
  EXPECT_TRUE(created.id.starts_with("usr_"));

  auto got = Must(Read([&](Tx& tx) { return repos_.users->Get(tx, created.id); }));
  EXPECT_EQ(got.email, "Ann.Smith@Example.com");
  EXPECT_EQ(got.status, core::UserStatus::kInvited);
  EXPECT_EQ(got.password_hash, u.password_hash);
  EXPECT_TRUE(got.totp_enrolled);
  EXPECT_EQ(got.password_changed_at, u.password_changed_at);
  EXPECT_FALSE(got.last_sign_in_at.has_value());

  auto by_email =
      Must(Read([&](Tx& tx) { return repos_.users->FindByEmail(tx, "ann.smith@EXAMPLE.com"); }));
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(by_email->id, created.id);

  got.status = core::UserStatus::kActive;
  got.last_sign_in_at = Now();
  Must(Write([&](Tx& tx) { return repos_.users->Update(tx, got); }));
  auto updated = Must(Read([&](Tx& tx) { return repos_.users->Get(tx, created.id); }));
  EXPECT_EQ(updated.status, core::UserStatus::kActive);
  EXPECT_EQ(updated.last_sign_in_at, got.last_sign_in_at);
}

TEST_P(UserRepositoryTest, ListsTheOperatorsWhoMaySignIn) {
  auto staff = NewUser("ops@publisher.example");
  staff.is_operator = true;
  Must(Write([&](Tx& tx) { return repos_.users->Update(tx, staff); }));
  auto former = NewUser("former@publisher.example");
  former.is_operator = true;
  former.status = core::UserStatus::kRemoved;
  Must(Write([&](Tx& tx) { return repos_.users->Update(tx, former); }));
  NewUser("customer@acme.example");
  auto operators = Must(Read([&](Tx& tx) { return repos_.users->ListOperators(tx); }));
  ASSERT_EQ(operators.size(), 1u);
  EXPECT_EQ(operators[0].id, staff.id);
  EXPECT_TRUE(operators[0].is_operator);
}

TEST_P(UserRepositoryTest, MissingUserIsNotFound) {
  auto got = Read([&](Tx& tx) { return repos_.users->Get(tx, "usr_missing"); });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  auto none = Must(Read([&](Tx& tx) { return repos_.users->FindByEmail(tx, "x@y.example"); }));
  EXPECT_FALSE(none.has_value());
}

TEST_P(UserRepositoryTest, ClaimsEachTotpStepOnceAndNeverAnEarlierOne) {
  auto user = NewUser("totp@example.com");
  auto claim = [&](std::int64_t step) {
    return Must(Write([&](Tx& tx) { return repos_.users->ClaimTotpStep(tx, user.id, step); }));
  };
  EXPECT_TRUE(claim(100));
  EXPECT_FALSE(claim(100));
  EXPECT_FALSE(claim(99));
  EXPECT_TRUE(claim(101));
}

TEST_P(UserRepositoryTest, RefusesADuplicateEmailInAnyCase) {
  NewUser("bob@example.com");
  core::User dup;
  dup.email = "BOB@Example.COM";
  dup.created_at = dup.updated_at = Now();
  auto created = Write([&](Tx& tx) { return repos_.users->Create(tx, dup); });
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(created.error().message.find("users_email_lower"), std::string::npos)
      << created.error().message;
}

TEST_P(UserRepositoryTest, RefusesAnInvalidStatusOrEmail) {
  auto bad_email = Write([&](Tx& tx) -> core::Result<std::int64_t> {
    return tx.Exec(
        "INSERT INTO users (id, email, created_at, updated_at) VALUES ('u1', 'nope', 0, 0)");
  });
  ASSERT_FALSE(bad_email.ok());
  EXPECT_EQ(bad_email.error().code, ErrorCode::kInvalidArgument);
  auto bad_status = Write([&](Tx& tx) -> core::Result<std::int64_t> {
    return tx.Exec(
        "INSERT INTO users (id, email, status, created_at, updated_at)"
        " VALUES ('u1', 'a@b.c', 'sleeping', 0, 0)");
  });
  ASSERT_FALSE(bad_status.ok());
  EXPECT_EQ(bad_status.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(UserRepositoryTest, AllowsOnlyOnePrimaryAdminPerTeam) {
  auto c = NewCustomer();
  auto second = NewUser("second@acme.example");
  core::Membership m{c.team.id,
                     second.id,
                     core::TeamRole::kPrimaryAdmin,
                     core::MembershipStatus::kActive,
                     std::nullopt,
                     Now(),
                     Now(),
                     std::nullopt,
                     Now()};
  auto added = Write([&](Tx& tx) { return repos_.users->AddMembership(tx, m); });
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, ErrorCode::kAlreadyExists);

  // Handing over: the old PA steps down first, in the same transaction.
  Must(Write([&](Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(auto old_pa, repos_.users->GetMembership(tx, c.team.id, c.admin.id));
    old_pa->role = core::TeamRole::kSecondaryAdmin;
    SW_RETURN_IF_ERROR(repos_.users->UpdateMembership(tx, *old_pa));
    return repos_.users->AddMembership(tx, m);
  }));
  auto pa = Must(Read([&](Tx& tx) { return repos_.users->FindPrimaryAdmin(tx, c.team.id); }));
  ASSERT_TRUE(pa.has_value());
  EXPECT_EQ(pa->user.id, second.id);
}

TEST_P(UserRepositoryTest, AUserIsMemberOfATeamOnce) {
  auto c = NewCustomer();
  auto added = Write([&](Tx& tx) {
    return repos_.users->AddMembership(
        tx, core::Membership{c.team.id, c.admin.id, core::TeamRole::kUser,
                             core::MembershipStatus::kActive, std::nullopt, Now(), Now(),
                             std::nullopt, Now()});
  });
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(UserRepositoryTest, ListsTeamMembersWithFiltersAndCursor) {
  auto c = NewCustomer();
  std::vector<std::string> ids{c.admin.id};
  for (int i = 0; i < 7; ++i) {
    auto u = NewUser("user" + std::to_string(i) + "@acme.example", i % 2 ? "Zoe" : "Max");
    AddMember(c.team, u, core::TeamRole::kUser);
    ids.push_back(u.id);
  }
  std::sort(ids.begin(), ids.end());

  std::vector<std::string> seen;
  PageRequest page{"", 3};
  int pages = 0;
  do {
    auto result =
        Must(Read([&](Tx& tx) { return repos_.users->ListTeamMembers(tx, c.team.id, {}, page); }));
    for (const auto& m : result.items) seen.push_back(m.user.id);
    page.after = result.next_after;
    ++pages;
  } while (!page.after.empty());
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);

  MemberFilter zoe;
  zoe.search = "zO";
  auto zoes = Must(Read([&](Tx& tx) {
    return repos_.users->ListTeamMembers(tx, c.team.id, zoe, {"", 50});
  }));
  EXPECT_EQ(zoes.items.size(), 3u);

  MemberFilter admins;
  admins.role = core::TeamRole::kPrimaryAdmin;
  auto pas = Must(Read([&](Tx& tx) {
    return repos_.users->ListTeamMembers(tx, c.team.id, admins, {"", 50});
  }));
  ASSERT_EQ(pas.items.size(), 1u);
  EXPECT_EQ(pas.items[0].user.id, c.admin.id);

  MemberFilter literal;
  literal.search = "%";  // a wildcard in the search is taken literally
  auto none = Must(Read([&](Tx& tx) {
    return repos_.users->ListTeamMembers(tx, c.team.id, literal, {"", 50});
  }));
  EXPECT_TRUE(none.items.empty());
}

TEST_P(UserRepositoryTest, RemovedMembersAreHiddenUnlessAsked) {
  auto c = NewCustomer();
  auto leaver = NewUser("leaver@acme.example");
  AddMember(c.team, leaver, core::TeamRole::kUser);
  clock_.Advance(std::chrono::hours(1));
  Must(Write([&](Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(auto m, repos_.users->GetMembership(tx, c.team.id, leaver.id));
    m->status = core::MembershipStatus::kRemoved;
    m->removed_at = Now();
    m->updated_at = Now();
    return repos_.users->UpdateMembership(tx, *m);
  }));
  auto active = Must(Read([&](Tx& tx) {
    return repos_.users->ListTeamMembers(tx, c.team.id, {}, {"", 50});
  }));
  EXPECT_EQ(active.items.size(), 1u);
  MemberFilter all;
  all.include_removed = true;
  auto everyone = Must(Read([&](Tx& tx) {
    return repos_.users->ListTeamMembers(tx, c.team.id, all, {"", 50});
  }));
  EXPECT_EQ(everyone.items.size(), 2u);
  auto changed = Must(Read([&](Tx& tx) {
    return repos_.users->ListMembersChangedBetween(tx, c.team.id, Now() - std::chrono::minutes(1),
                                                   Now() + std::chrono::minutes(1));
  }));
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].user.id, leaver.id);
}

TEST_P(UserRepositoryTest, ErasureAnonymisesAndIsIdempotent) {
  auto u = NewUser("private@example.com", "Priya");
  Must(Write([&](Tx& tx) { return repos_.users->Erase(tx, u.id, Now()); }));
  Must(Write([&](Tx& tx) { return repos_.users->Erase(tx, u.id, Now()); }));
  auto erased = Must(Read([&](Tx& tx) { return repos_.users->Get(tx, u.id); }));
  EXPECT_TRUE(erased.erased);
  EXPECT_EQ(erased.first_name, "");
  EXPECT_EQ(erased.email.find("private"), std::string::npos);
  EXPECT_EQ(erased.status, core::UserStatus::kRemoved);
  EXPECT_FALSE(erased.password_hash.has_value());
  // The address is free again for a new identity.
  NewUser("private@example.com");
}

TEST_P(UserRepositoryTest, ListsAResellersStaffByEmailWithoutRemovedOrErasedPeople) {
  Customer c = NewCustomer();
  Customer other = NewCustomer("b");
  auto staff = [&](const std::string& email, const std::string& reseller_id) {
    auto u = NewUser(email);
    u.reseller_id = reseller_id;
    Must(Write([&](Tx& tx) { return repos_.users->Update(tx, u); }));
    return u;
  };
  staff("zed@reseller.example", c.reseller.id);
  staff("Amy@reseller.example", c.reseller.id);
  auto leaver = staff("left@reseller.example", c.reseller.id);
  leaver.status = core::UserStatus::kRemoved;
  Must(Write([&](Tx& tx) { return repos_.users->Update(tx, leaver); }));
  auto erased = staff("gone@reseller.example", c.reseller.id);
  Must(Write([&](Tx& tx) { return repos_.users->Erase(tx, erased.id, Now()); }));
  staff("else@other.example", other.reseller.id);
  NewUser("nobody@example.com");

  auto listed =
      Must(Read([&](Tx& tx) { return repos_.users->ListResellerStaff(tx, c.reseller.id); }));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].email, "Amy@reseller.example");
  EXPECT_EQ(listed[1].email, "zed@reseller.example");
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.users->CountResellerStaff(tx, c.reseller.id); })),
            2);
}

SW_INSTANTIATE_BACKENDS(UserRepositoryTest);

}  // namespace
}  // namespace seatwise::store
