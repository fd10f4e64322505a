#include "store/lease_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"
#include "store/seat_race.hpp"

namespace seatwise::store {
namespace {

using std::chrono::days;
using std::chrono::minutes;

class LeaseRepositoryTest : public RepositoryTest {
 protected:
  core::Result<LeaseCheckout> Checkout(const core::Subscription& sub, const core::Product& product,
                                       const core::Device& device,
                                       std::optional<core::TimePoint> borrow_until = {}) {
    core::Lease l;
    l.subscription_id = sub.id;
    l.product_id = product.id;
    l.device_id = device.id;
    l.user_name = "jdoe";
    l.host = device.asset_name;
    l.checked_out_at = Now();
    l.expires_at = Now() + minutes(10);
    l.borrowed_until = borrow_until;
    return Write([&](Tx& tx) { return repos_.leases->Checkout(tx, l); });
  }

  core::Subscription NetworkPool(const Customer& c, int seats) {
    return NewSubscription(c, seats, core::Access::kMultiUser,
                           core::ActivationMethod::kSerialNumber,
                           "700-" + std::to_string(seats) + "0000000");
  }
};

TEST_P(LeaseRepositoryTest, GrantsUpToTheSeatsThenRecordsADenial) {
  auto c = NewCustomer();
  auto pool = NetworkPool(c, 2);
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  auto d3 = NewDevice(c.team, "3");
  auto first = Must(Checkout(pool, c.autocad, d1));
  ASSERT_TRUE(first.granted);
  EXPECT_TRUE(first.lease->id.starts_with("lse_"));
  clock_.Advance(minutes(1));
  ASSERT_TRUE(Must(Checkout(pool, c.autocad, d2)).granted);
  auto refused = Must(Checkout(pool, c.autocad, d3));
  EXPECT_FALSE(refused.granted);
  EXPECT_EQ(refused.in_use, 2);
  EXPECT_EQ(refused.seats, 2);
  EXPECT_EQ(refused.oldest_expires_at, first.lease->expires_at);
  ASSERT_TRUE(refused.denial.has_value());

  auto denials = Must(Read([&](Tx& tx) {
    return repos_.leases->ListDenials(tx, pool.id, Now() - days(1), Now() + days(1));
  }));
  ASSERT_EQ(denials.size(), 1u);
  EXPECT_EQ(denials[0].device_id, d3.id);
  EXPECT_EQ(denials[0].in_use, 2);
}

TEST_P(LeaseRepositoryTest, HeartbeatsKeepALeaseAndExpiryFreesTheSeat) {
  auto c = NewCustomer();
  auto pool = NetworkPool(c, 1);
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  auto lease = *Must(Checkout(pool, c.autocad, d1)).lease;
  clock_.Advance(minutes(9));
  auto beat = Must(Write(
      [&](Tx& tx) { return repos_.leases->Heartbeat(tx, lease.id, Now() + minutes(10), Now()); }));
  EXPECT_EQ(beat.expires_at, Now() + minutes(10));
  clock_.Advance(minutes(9));
  EXPECT_FALSE(Must(Checkout(pool, c.autocad, d2)).granted);

  // Heartbeats stop: the seat is free for the next checkout even before reaping.
  clock_.Advance(minutes(2));
  EXPECT_TRUE(Must(Checkout(pool, c.autocad, d2)).granted);
  auto late = Write(
      [&](Tx& tx) { return repos_.leases->Heartbeat(tx, lease.id, Now() + minutes(10), Now()); });
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);

  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.leases->ReapExpired(tx, Now()); })), 1);
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.leases->ReapExpired(tx, Now()); })), 0);
  auto reaped = Must(Read([&](Tx& tx) { return repos_.leases->Get(tx, lease.id); }));
  EXPECT_EQ(reaped.released_at, beat.expires_at);
}

TEST_P(LeaseRepositoryTest, ABorrowedSeatIsHeldUntilReturned) {
  auto c = NewCustomer();
  auto pool = NetworkPool(c, 1);
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  auto borrowed = *Must(Checkout(pool, c.autocad, d1, Now() + days(7))).lease;
  clock_.Advance(days(3));
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.leases->ReapExpired(tx, Now()); })), 0);
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.leases->CountHeld(tx, pool.id, Now()); })), 1);
  EXPECT_FALSE(Must(Checkout(pool, c.autocad, d2)).granted);
  // Early return.
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.leases->Release(tx, borrowed.id, Now()); })));
  EXPECT_FALSE(Must(Write([&](Tx& tx) { return repos_.leases->Release(tx, borrowed.id, Now()); })));
  EXPECT_TRUE(Must(Checkout(pool, c.autocad, d2)).granted);
  auto overlapping = Must(Read([&](Tx& tx) {
    return repos_.leases->ListOverlapping(tx, pool.id, Now() - days(5), Now() + days(1));
  }));
  EXPECT_EQ(overlapping.size(), 2u);
}

TEST_P(LeaseRepositoryTest, BorrowingAHeldLeaseKeepsItPastItsHeartbeatExpiry) {
  auto c = NewCustomer();
  auto pool = NetworkPool(c, 1);
  auto d1 = NewDevice(c.team, "1");
  auto lease = *Must(Checkout(pool, c.autocad, d1)).lease;
  auto borrowed = Must(
      Write([&](Tx& tx) { return repos_.leases->Borrow(tx, lease.id, Now() + days(5), Now()); }));
  EXPECT_EQ(borrowed.borrowed_until, Now() + days(5));
  clock_.Advance(days(4));
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.leases->ReapExpired(tx, Now()); })), 0);
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.leases->CountHeld(tx, pool.id, Now()); })), 1);
  clock_.Advance(days(2));
  auto late =
      Write([&](Tx& tx) { return repos_.leases->Borrow(tx, lease.id, Now() + days(5), Now()); });
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
}

TEST_P(LeaseRepositoryTest, ConcurrentCheckoutsNeverExceedTheSeats) {
  auto c = NewCustomer();
  auto pool = NetworkPool(c, 10);
  std::vector<core::Device> devices;
  for (int i = 0; i < 64; ++i) devices.push_back(NewDevice(c.team, "race" + std::to_string(i)));
  auto tally = RunRace(64, [&](int i) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(auto outcome,
                        Checkout(pool, c.autocad, devices[static_cast<std::size_t>(i)]));
    if (!outcome.granted) return core::MakeError(ErrorCode::kSeatLimitReached, "refused");
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 10);
  EXPECT_EQ(tally.seat_limit, 54);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.leases->CountHeld(tx, pool.id, Now()); })), 10);
  auto denials = Must(Read([&](Tx& tx) {
    return repos_.leases->ListDenials(tx, pool.id, Now() - days(1), Now() + days(1));
  }));
  EXPECT_EQ(denials.size(), 54u);
}

SW_INSTANTIATE_BACKENDS(LeaseRepositoryTest);

}  // namespace
}  // namespace seatwise::store
