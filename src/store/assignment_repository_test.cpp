#include "store/assignment_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"
#include "store/seat_race.hpp"

namespace seatwise::store {
namespace {

class AssignmentRepositoryTest : public RepositoryTest {
 protected:
  core::Result<core::Assignment> Assign(const core::Subscription& sub, const core::User& user) {
    core::Assignment a;
    a.subscription_id = sub.id;
    a.user_id = user.id;
    a.assigned_at = Now();
    return Write([&](Tx& tx) { return repos_.assignments->AssignSeat(tx, a); });
  }
};

TEST_P(AssignmentRepositoryTest, AssignsUntilSeatsAreFull) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 2);
  auto ann = NewUser("ann@acme.example");
  auto bob = NewUser("bob@acme.example");
  auto first = Must(Assign(sub, c.admin));
  EXPECT_TRUE(first.id.starts_with("asg_"));
  Must(Assign(sub, ann));
  auto full = Assign(sub, bob);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(full.error().message.find("all 2 seats"), std::string::npos);

  // The PA unassigns the default seat; it can go to someone else at once.
  auto ended = Must(Write([&](Tx& tx) {
    return repos_.assignments->Unassign(tx, sub.id, c.admin.id, c.admin.id, Now());
  }));
  EXPECT_EQ(ended.id, first.id);
  EXPECT_TRUE(ended.unassigned_at.has_value());
  Must(Assign(sub, bob));
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.assignments->CountActive(tx, sub.id); })), 2);
}

TEST_P(AssignmentRepositoryTest, OneSeatPerUserPerSubscription) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 5);
  Must(Assign(sub, c.admin));
  auto again = Assign(sub, c.admin);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  // The partial unique index holds even for a write that skips the repository's check.
  auto raw = Write([&](Tx& tx) -> core::Result<std::int64_t> {
    return tx.Exec(
        "INSERT INTO assignments (id, subscription_id, user_id, assigned_at) VALUES (?, ?, ?, 0)",
        {std::string("asg_raw"), sub.id, c.admin.id});
  });
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(AssignmentRepositoryTest, UnassignWithoutASeatIsNotFound) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 1);
  auto result = Write([&](Tx& tx) {
    return repos_.assignments->Unassign(tx, sub.id, c.admin.id, std::nullopt, Now());
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
}

TEST_P(AssignmentRepositoryTest, UnknownSubscriptionIsNotFound) {
  auto c = NewCustomer();
  core::Assignment a;
  a.subscription_id = "sub_missing";
  a.user_id = c.admin.id;
  a.assigned_at = Now();
  auto result = Write([&](Tx& tx) { return repos_.assignments->AssignSeat(tx, a); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
}

TEST_P(AssignmentRepositoryTest, ALeaverFreesEverySeatOfTheTeam) {
  auto c = NewCustomer();
  auto other = NewCustomer("b");
  auto s1 = NewSubscription(c, 1);
  auto s2 = NewSubscription(c, 1);
  auto elsewhere = NewSubscription(other, 1);
  auto leaver = NewUser("leaver@acme.example");
  Must(Assign(s1, leaver));
  Must(Assign(s2, leaver));
  Must(Assign(elsewhere, leaver));
  auto freed = Must(Write([&](Tx& tx) {
    return repos_.assignments->UnassignAllInTeam(tx, leaver.id, c.team.id, c.admin.id, Now());
  }));
  std::sort(freed.begin(), freed.end());
  auto expected = std::vector<std::string>{s1.id, s2.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(freed, expected);
  auto remaining =
      Must(Read([&](Tx& tx) { return repos_.assignments->ListActiveByUser(tx, leaver.id); }));
  ASSERT_EQ(remaining.size(), 1u);
  EXPECT_EQ(remaining[0].subscription_id, elsewhere.id);
  auto counts =
      Must(Read([&](Tx& tx) { return repos_.assignments->CountSeatsInTeam(tx, c.team.id); }));
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].assigned, 0);
  EXPECT_EQ(counts[0].seats, 1);
}

TEST_P(AssignmentRepositoryTest, FindsTheSeatGrantingAProductThroughACollection) {
  auto c = NewCustomer();
  core::Subscription s;
  s.contract_id = c.contract.id;
  s.collection_id = c.collection.id;
  s.seats = 1;
  s.created_at = s.updated_at = Now();
  s = Must(Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); }));
  Must(Assign(s, c.admin));
  auto found = Must(Read([&](Tx& tx) {
    return repos_.assignments->FindActiveGrantingProduct(tx, c.admin.id, c.revit.id);
  }));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subscription_id, s.id);
  auto other_user = NewUser("nobody@acme.example");
  auto none = Must(Read([&](Tx& tx) {
    return repos_.assignments->FindActiveGrantingProduct(tx, other_user.id, c.revit.id);
  }));
  EXPECT_TRUE(none.empty());
}

TEST_P(AssignmentRepositoryTest, ListsHoldersWithACursor) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 10);
  for (int i = 0; i < 5; ++i) Must(Assign(sub, NewUser("u" + std::to_string(i) + "@a.example")));
  std::vector<std::string> seen;
  PageRequest page{"", 2};
  do {
    auto p = Must(Read(
        [&](Tx& tx) { return repos_.assignments->ListActiveBySubscription(tx, sub.id, page); }));
    for (const auto& a : p.items) seen.push_back(a.user_id);
    page.after = p.next_after;
  } while (!page.after.empty());
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_P(AssignmentRepositoryTest, ConcurrentAssignsNeverExceedTheSeats) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 10);
  std::vector<core::User> users;
  for (int i = 0; i < 64; ++i) users.push_back(NewUser("racer" + std::to_string(i) + "@a.example"));
  auto tally = RunRace(64, [&](int i) -> core::Result<void> {
    SW_RETURN_IF_ERROR(Assign(sub, users[static_cast<std::size_t>(i)]));
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 10);
  EXPECT_EQ(tally.seat_limit, 54);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.assignments->CountActive(tx, sub.id); })), 10);
}

SW_INSTANTIATE_BACKENDS(AssignmentRepositoryTest);

}  // namespace
}  // namespace seatwise::store
