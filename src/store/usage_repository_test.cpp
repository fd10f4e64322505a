#include "store/usage_repository.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using std::chrono::days;
using std::chrono::hours;

class UsageRepositoryTest : public RepositoryTest {
 protected:
  core::UsageEvent Event(const std::string& client_id, core::UsageKind kind,
                         const core::Device& device, const core::User& user,
                         const core::Subscription& sub, const std::string& product,
                         core::TimePoint at, std::int64_t seconds = 0) {
    core::UsageEvent e;
    e.client_event_id = client_id;
    e.kind = kind;
    e.device_id = device.id;
    e.user_id = user.id;
    e.subscription_id = sub.id;
    e.product_id = product;
    e.at = at;
    e.received_at = Now();
    e.duration_seconds = seconds;
    return e;
  }
};

TEST_P(UsageRepositoryTest, EventsAreIdempotentPerDevice) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 3);
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  std::vector<core::UsageEvent> batch{
      Event("e1", core::UsageKind::kStart, d1, c.admin, sub, c.autocad.id, Now()),
      Event("e2", core::UsageKind::kStop, d1, c.admin, sub, c.autocad.id, Now(), 60)};
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, batch); })), 2);
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, batch); })), 0);
  // The same client id from another device is another event.
  std::vector<core::UsageEvent> other{
      Event("e1", core::UsageKind::kStart, d2, c.admin, sub, c.autocad.id, Now())};
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, other); })), 1);
  auto events = Must(Read([&](Tx& tx) { return repos_.usage->ListEventsAfter(tx, 0, 10); }));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_LT(events[0].seq, events[1].seq);
  EXPECT_EQ(events[1].duration_seconds, 60);
}

TEST_P(UsageRepositoryTest, RollsUpDailyAndResumesFromTheCursor) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 3);
  auto d = NewDevice(c.team, "1");
  auto bob = NewUser("bob@acme.example");
  const auto day0 = core::FromUnixMillis((core::ToUnixMillis(Now()) / 86'400'000) * 86'400'000);
  std::vector<core::UsageEvent> batch{
      Event("a", core::UsageKind::kStart, d, c.admin, sub, c.autocad.id, day0 + hours(9)),
      Event("b", core::UsageKind::kStop, d, c.admin, sub, c.autocad.id, day0 + hours(10), 3600),
      Event("c", core::UsageKind::kStart, d, c.admin, sub, c.autocad.id, day0 + hours(13)),
      Event("d", core::UsageKind::kStart, d, bob, sub, c.autocad.id, day0 + days(1) + hours(8))};
  Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, batch); }));

  auto cursor = Must(Write([&](Tx& tx) { return repos_.usage->RollUp(tx, 0, 2); }));
  cursor = Must(Write([&](Tx& tx) { return repos_.usage->RollUp(tx, cursor, 100); }));
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.usage->RollUp(tx, cursor, 100); })), cursor);

  UsageDailyQuery q;
  q.team_id = c.team.id;
  q.from = day0;
  q.to = day0 + days(2);
  auto rows = Must(Read([&](Tx& tx) { return repos_.usage->ListDaily(tx, q); }));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].day, day0);
  EXPECT_EQ(rows[0].user_id, c.admin.id);
  EXPECT_EQ(rows[0].sessions, 2);
  EXPECT_EQ(rows[0].seconds, 3600);
  EXPECT_EQ(rows[1].day, day0 + days(1));
  EXPECT_EQ(rows[1].user_id, bob.id);
  q.user_id = bob.id;
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.usage->ListDaily(tx, q); })).size(), 1u);
}

TEST_P(UsageRepositoryTest, SummarizesTheRollupPerSubscriptionProductAndUserOverTheDays) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 3);
  auto d = NewDevice(c.team, "1");
  auto bob = NewUser("bob@acme.example");
  const auto day0 = core::FromUnixMillis((core::ToUnixMillis(Now()) / 86'400'000) * 86'400'000);
  std::vector<core::UsageEvent> batch{
      // admin, autocad: day 0 one session of 1 h, day 2 one session of 30 min.
      Event("a", core::UsageKind::kStart, d, c.admin, sub, c.autocad.id, day0 + hours(9)),
      Event("b", core::UsageKind::kStop, d, c.admin, sub, c.autocad.id, day0 + hours(10), 3600),
      Event("c", core::UsageKind::kStart, d, c.admin, sub, c.autocad.id, day0 + days(2)),
      Event("d", core::UsageKind::kStop, d, c.admin, sub, c.autocad.id, day0 + days(2), 1800),
      // bob, revit: day 1 two sessions; day 5 one more, outside the window below.
      Event("e", core::UsageKind::kStart, d, bob, sub, c.revit.id, day0 + days(1)),
      Event("f", core::UsageKind::kStart, d, bob, sub, c.revit.id, day0 + days(1) + hours(3)),
      Event("g", core::UsageKind::kStart, d, bob, sub, c.revit.id, day0 + days(5))};
  Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, batch); }));
  Must(Write([&](Tx& tx) { return repos_.usage->RollUp(tx, 0, 100); }));

  UsageDailyQuery q;
  q.team_id = c.team.id;
  q.from = day0;
  q.to = day0 + days(3);
  auto rows = Must(Read([&](Tx& tx) { return repos_.usage->SummarizeDaily(tx, q); }));
  ASSERT_EQ(rows.size(), 2u);
  const auto& admin = rows[0].user_id == c.admin.id ? rows[0] : rows[1];
  const auto& other = rows[0].user_id == c.admin.id ? rows[1] : rows[0];
  EXPECT_EQ(admin.product_id, c.autocad.id);
  EXPECT_EQ(admin.subscription_id, sub.id);
  EXPECT_EQ(admin.sessions, 2);
  EXPECT_EQ(admin.seconds, 5400);
  EXPECT_EQ(admin.last_day, day0 + days(2));
  EXPECT_EQ(other.user_id, bob.id);
  EXPECT_EQ(other.product_id, c.revit.id);
  EXPECT_EQ(other.sessions, 2);
  EXPECT_EQ(other.last_day, day0 + days(1));
  q.user_id = bob.id;
  q.to = day0 + days(6);
  rows = Must(Read([&](Tx& tx) { return repos_.usage->SummarizeDaily(tx, q); }));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sessions, 3);
  EXPECT_EQ(rows[0].last_day, day0 + days(5));
  q.team_id = "team_nobody";
  EXPECT_TRUE(Must(Read([&](Tx& tx) { return repos_.usage->SummarizeDaily(tx, q); })).empty());
}

TEST_P(UsageRepositoryTest, ListsTheUsersOfProductsOrAServiceInAWindow) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 3);
  auto d = NewDevice(c.team, "1");
  auto bob = NewUser("bob@acme.example");
  auto eve = NewUser("eve@acme.example");
  auto kim = NewUser("kim@acme.example");
  const auto start = Now();
  auto credit = Event("s", core::UsageKind::kCredit, d, kim, sub, c.autocad.id, start + hours(2));
  credit.product_id.reset();
  credit.service_id = c.service.id;
  credit.credits = 3;
  std::vector<core::UsageEvent> batch{
      Event("a", core::UsageKind::kStart, d, c.admin, sub, c.autocad.id, start + hours(1)),
      Event("b", core::UsageKind::kStart, d, bob, sub, c.revit.id, start + hours(1)),
      Event("c", core::UsageKind::kStart, d, eve, sub, c.autocad.id, start + days(3)), credit};
  Must(Write([&](Tx& tx) { return repos_.usage->RecordEvents(tx, batch); }));

  UsageUsersQuery q;
  q.product_ids = {c.autocad.id};
  q.from = start;
  q.to = start + days(1);
  auto users = Must(Read([&](Tx& tx) { return repos_.usage->ListUsersWithUsage(tx, q); }));
  EXPECT_EQ(users, std::vector<std::string>{c.admin.id});
  q.product_ids = {c.autocad.id, c.revit.id};
  users = Must(Read([&](Tx& tx) { return repos_.usage->ListUsersWithUsage(tx, q); }));
  std::vector<std::string> both{c.admin.id, bob.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(users, both);
  q.product_ids.clear();
  q.service_id = c.service.id;
  users = Must(Read([&](Tx& tx) { return repos_.usage->ListUsersWithUsage(tx, q); }));
  EXPECT_EQ(users, std::vector<std::string>{kim.id});
  q.service_id.reset();
  EXPECT_TRUE(Must(Read([&](Tx& tx) { return repos_.usage->ListUsersWithUsage(tx, q); })).empty());
}

TEST_P(UsageRepositoryTest, CreditLedgerKeepsTheBalanceAndRefusesOverdraft) {
  auto c = NewCustomer();
  core::CreditEntry purchase;
  purchase.contract_id = c.contract.id;
  purchase.amount = 100;
  purchase.reason = core::CreditReason::kPurchase;
  purchase.actor_id = c.admin.id;
  purchase.at = Now();
  purchase = Must(Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, purchase, false); }));
  EXPECT_EQ(purchase.balance_after, 100);

  core::CreditEntry use;
  use.contract_id = c.contract.id;
  use.user_id = c.admin.id;
  use.service_id = c.service.id;
  use.usage_event_id = "use_1";
  use.amount = -30;
  use.reason = core::CreditReason::kConsumption;
  clock_.Advance(hours(1));
  use.at = Now();
  auto used = Must(Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, use, false); }));
  EXPECT_EQ(used.balance_after, 70);
  // The same consumption event is recorded once.
  auto replay = Must(Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, use, false); }));
  EXPECT_EQ(replay.id, used.id);

  core::CreditEntry too_much = use;
  too_much.id.clear();
  too_much.usage_event_id = "use_2";
  too_much.amount = -71;
  auto refused = Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, too_much, false); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  auto allowed =
      Must(Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, too_much, true); }));
  EXPECT_EQ(allowed.balance_after, -1);

  auto contract =
      Must(Read([&](Tx& tx) { return repos_.contracts->GetContract(tx, c.contract.id); }));
  EXPECT_EQ(contract.credit_balance, -1);

  CreditQuery by_contract;
  by_contract.contract_id = c.contract.id;
  auto first = Must(Read([&](Tx& tx) {
    return repos_.usage->ListCreditEntries(tx, by_contract, {"", 2});
  }));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].reason, core::CreditReason::kPurchase);
  auto second = Must(Read([&](Tx& tx) {
    return repos_.usage->ListCreditEntries(tx, by_contract, {first.next_after, 2});
  }));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_TRUE(second.next_after.empty());
  CreditQuery by_user;
  by_user.user_id = c.admin.id;
  EXPECT_EQ(Must(Read([&](Tx& tx) {
              return repos_.usage->ListCreditEntries(tx, by_user, {"", 10});
            })).items.size(),
            2u);
}

TEST_P(UsageRepositoryTest, ConsumptionMustBeNegative) {
  auto c = NewCustomer();
  core::CreditEntry wrong;
  wrong.contract_id = c.contract.id;
  wrong.amount = 5;
  wrong.reason = core::CreditReason::kConsumption;
  wrong.at = Now();
  auto refused = Write([&](Tx& tx) { return repos_.usage->AddCreditEntry(tx, wrong, true); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

SW_INSTANTIATE_BACKENDS(UsageRepositoryTest);

}  // namespace
}  // namespace seatwise::store
