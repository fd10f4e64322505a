#include "service/leases.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/jws.hpp"
#include "service/authz_test_fixture.hpp"
#include "store/seat_race.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

class LeaseServiceTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    auto built = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      const auto now = clock_.Now();
      core::Product structa{"", "STR", "Structa", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(structa_, repos_.catalog->CreateProduct(tx, structa));
      core::Subscription s;
      s.contract_id = c1_.id;
      s.product_id = structa_.id;
      s.seats = 3;
      s.access = core::Access::kMultiUser;
      s.activation = core::ActivationMethod::kSerialNumber;
      s.serial_number = "700-10000000";
      s.product_key = "001K1";
      s.lease_ttl_seconds = 600;
      s.max_borrow_days = 30;
      s.created_at = s.updated_at = now;
      SW_ASSIGN_OR_RETURN(pool_, repos_.contracts->CreateSubscription(tx, s));
      return core::Ok();
    });
    ASSERT_TRUE(built.ok()) << built.error().message;
    EntitlementOptions options;
    options.sealing_key.fill(7);
    signer_ = std::make_unique<EntitlementService>(deps(), options);
  }

  LeaseService leases() { return LeaseService(deps(), *signer_); }

  core::Device Device(const std::string& name, const core::Team& team) {
    return Must(db_->Transact<core::Device>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Device d;
      d.team_id = team.id;
      d.fingerprint_hash = "fp-" + name;
      d.asset_name = name;
      d.os = "Linux";
      d.app_version = "1.0";
      d.registered_at = d.updated_at = clock_.Now();
      return repos_.devices->Register(tx, d);
    }));
  }

  CheckoutRequest Request(const core::Device& device, const std::string& product = "STR") {
    return CheckoutRequest{product, device.id, "jdoe", device.asset_name, std::nullopt};
  }

  std::vector<core::LeaseDenial> Denials() {
    return Must(Read<std::vector<core::LeaseDenial>>([&](store::Tx& tx) {
      return repos_.leases->ListDenials(tx, pool_.id, clock_.Now() - days(1),
                                        clock_.Now() + days(1));
    }));
  }

  int Held() {
    return Must(Read<int>(
        [&](store::Tx& tx) { return repos_.leases->CountHeld(tx, pool_.id, clock_.Now()); }));
  }

  UsageEventInput Event(const std::string& id, const std::string& kind) {
    UsageEventInput e;
    e.id = id;
    e.kind = kind;
    e.product = "STR";
    e.at = clock_.Now() - minutes(1);
    return e;
  }

  core::Product structa_;
  core::Subscription pool_;

  std::unique_ptr<EntitlementService> signer_;
};

TEST_P(LeaseServiceTest, CheckoutHeartbeatAndReleaseHoldThenFreeASeat) {
  auto device = Device("ws-1", team_);
  auto grant = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_TRUE(grant->lease.id.starts_with("lse_"));
  EXPECT_EQ(grant->lease.subscription_id, pool_.id);
  EXPECT_EQ(grant->lease.expires_at, clock_.Now() + seconds(600));
  EXPECT_EQ(grant->heartbeat_every_seconds, 200);
  EXPECT_EQ(Held(), 1);

  clock_.Advance(minutes(5));
  auto beat = leases().Heartbeat(As("user"), grant->lease.id);
  ASSERT_TRUE(beat.ok()) << beat.error().message;
  EXPECT_EQ(beat->expires_at, clock_.Now() + seconds(600));

  ASSERT_TRUE(leases().Release(As("user"), grant->lease.id).ok());
  EXPECT_EQ(Held(), 0);
  // Releasing again changes nothing and is not an error.
  EXPECT_TRUE(leases().Release(As("user"), grant->lease.id).ok());
  auto late = leases().Heartbeat(As("user"), grant->lease.id);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
  EXPECT_NE(late.error().message.find("check out again"), std::string::npos);

  store::AuditFilter filter;
  filter.action = "lease.checkout";
  EXPECT_EQ(AuditEntries(filter).size(), 1u);
  filter.action = "lease.release";
  EXPECT_EQ(AuditEntries(filter).size(), 1u);
}

TEST_P(LeaseServiceTest, ADeviceCheckingOutAgainGetsItsOwnLeaseBack) {
  auto device = Device("ws-1", team_);
  auto first = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(first.ok()) << first.error().message;
  clock_.Advance(minutes(3));
  auto again = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->lease.id, first->lease.id);
  EXPECT_EQ(again->lease.expires_at, clock_.Now() + seconds(600));
  EXPECT_EQ(Held(), 1);
}

TEST_P(LeaseServiceTest, AFullPoolIsRefusedWithTheOldestExpiryAndADenialRow) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        leases().Checkout(As("user"), Request(Device("ws-" + std::to_string(i), team_))).ok());
    clock_.Advance(minutes(1));
  }
  auto refused = leases().Checkout(As("user"), Request(Device("ws-late", team_)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(refused.error().message.find("all 3 network seats of Structa are in use"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("3 of 3 held"), std::string::npos);
  // The first lease was taken 3 minutes ago with a 10-minute lease.
  EXPECT_NE(refused.error().message.find("(in 7 minutes)"), std::string::npos)
      << refused.error().message;
  auto denials = Denials();
  ASSERT_EQ(denials.size(), 1u);
  EXPECT_EQ(denials[0].in_use, 3);
  EXPECT_EQ(denials[0].host, "ws-late");
}

TEST_P(LeaseServiceTest, AnExpiredLeaseFreesItsSeatForTheNextDevice) {
  auto a = leases().Checkout(As("user"), Request(Device("ws-a", team_)));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-b", team_))).ok());
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-c", team_))).ok());
  auto d = Device("ws-d", team_);
  EXPECT_EQ(leases().Checkout(As("user"), Request(d)).error().code, ErrorCode::kSeatLimitReached);

  // b and c keep heartbeating; a stops.
  clock_.Advance(minutes(8));
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-b", team_))).ok());
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-c", team_))).ok());
  clock_.Advance(minutes(3));
  auto reused = leases().Checkout(As("user"), Request(d));
  ASSERT_TRUE(reused.ok()) << reused.error().message;
  EXPECT_EQ(Held(), 3);
  auto expired = leases().Heartbeat(As("user"), a->lease.id);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kConflict);
  EXPECT_NE(expired.error().message.find("the lease expired at"), std::string::npos)
      << expired.error().message;
}

TEST_P(LeaseServiceTest, ReapingMarksExpiredLeasesReleased) {
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-a", team_))).ok());
  ASSERT_TRUE(leases().Checkout(As("user"), Request(Device("ws-b", team_))).ok());
  EXPECT_EQ(*leases().ReapExpired(), 0);
  clock_.Advance(minutes(11));
  EXPECT_EQ(*leases().ReapExpired(), 2);
  EXPECT_EQ(*leases().ReapExpired(), 0);
}

TEST_P(LeaseServiceTest, CheckoutReapsInPassingAtMostOnceAMinute) {
  LeaseService service = leases();
  auto released_at = [&](const std::string& id) {
    return Must(Read<core::Lease>([&](store::Tx& tx) { return repos_.leases->Get(tx, id); }))
        .released_at;
  };
  auto a = service.Checkout(As("user"), Request(Device("ws-a", team_)));  // reaps at 0:00
  ASSERT_TRUE(a.ok());
  clock_.Advance(minutes(9) + seconds(30));
  ASSERT_TRUE(service.Checkout(As("user"), Request(Device("ws-b", team_))).ok());  // reaps
  clock_.Advance(seconds(40));
  // a expired at 10:00, but the last reap was 40 seconds ago: none in passing.
  ASSERT_TRUE(service.Checkout(As("user"), Request(Device("ws-c", team_))).ok());
  EXPECT_FALSE(released_at(a->lease.id).has_value());
  clock_.Advance(seconds(30));
  // Over a minute since the last reap: this checkout reaps a first.
  ASSERT_TRUE(service.Checkout(As("user"), Request(Device("ws-d", team_))).ok());
  EXPECT_EQ(released_at(a->lease.id), a->lease.expires_at);
}

TEST_P(LeaseServiceTest, ABorrowedLeaseIsHeldWithoutHeartbeatsUntilReturnedEarly) {
  auto device = Device("ws-1", team_);
  auto grant = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(grant.ok());
  auto too_long = leases().Borrow(As("user"), grant->lease.id, 31);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(too_long.error().fields.size(), 1u);
  EXPECT_EQ(too_long.error().fields[0].field, "days");

  auto borrowed = leases().Borrow(As("user"), grant->lease.id, 7);
  ASSERT_TRUE(borrowed.ok()) << borrowed.error().message;
  EXPECT_EQ(borrowed->lease.borrowed_until, clock_.Now() + days(7));
  clock_.Advance(days(3));
  EXPECT_EQ(*leases().ReapExpired(), 0);
  EXPECT_EQ(Held(), 1);
  // Early return frees the seat at once.
  ASSERT_TRUE(leases().Release(As("user"), grant->lease.id).ok());
  EXPECT_EQ(Held(), 0);
  store::AuditFilter filter;
  filter.action = "lease.borrow";
  EXPECT_EQ(AuditEntries(filter).size(), 1u);
}

TEST_P(LeaseServiceTest, ABorrowAnswersASignedOfflineLeaseThatEndsWithTheBorrow) {
  auto device = Device("ws-1", team_);
  auto grant = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(grant.ok());
  clock_.Advance(minutes(5));
  auto borrowed = leases().Borrow(As("user"), grant->lease.id, 7);
  ASSERT_TRUE(borrowed.ok()) << borrowed.error().message;
  const auto until = clock_.Now() + days(7);
  auto verified = signer_->VerifyToken(borrowed->token);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  auto claims = Must(crypto::FlatJsonMembers(verified->payload_json));
  auto unix = [](core::TimePoint t) {
    return std::to_string(std::chrono::duration_cast<seconds>(t.time_since_epoch()).count());
  };
  EXPECT_EQ(claims["kind"], "borrow");
  EXPECT_EQ(claims["jti"], grant->lease.id);
  EXPECT_EQ(claims["product_code"], "STR");
  EXPECT_EQ(claims["device"], device.id);
  EXPECT_EQ(claims["fingerprint"], "fp-ws-1");
  EXPECT_EQ(claims["reauth_at"], unix(until));
  EXPECT_EQ(claims["grace_until"], unix(until));
  EXPECT_EQ(claims["warn_from"], unix(until - days(3)));
  EXPECT_EQ(borrowed->warn_from, until - days(3));

  // A borrow shorter than the warning period warns from the checkout on.
  auto other = leases().Checkout(As("user"), Request(Device("ws-2", team_)));
  ASSERT_TRUE(other.ok());
  clock_.Advance(minutes(1));
  auto short_borrow = leases().Borrow(As("user"), other->lease.id, 2);
  ASSERT_TRUE(short_borrow.ok()) << short_borrow.error().message;
  EXPECT_EQ(short_borrow->warn_from, other->lease.checked_out_at);
  auto short_claims =
      Must(crypto::FlatJsonMembers(Must(signer_->VerifyToken(short_borrow->token)).payload_json));
  EXPECT_EQ(short_claims["warn_from"], unix(other->lease.checked_out_at));
  EXPECT_EQ(short_claims["grace_until"], unix(clock_.Now() + days(2)));
}

TEST_P(LeaseServiceTest, ABorrowRunsOutOnItsOwn) {
  auto grant = leases().Checkout(As("user"), Request(Device("ws-1", team_)));
  ASSERT_TRUE(grant.ok());
  ASSERT_TRUE(leases().Borrow(As("user"), grant->lease.id, 2).ok());
  clock_.Advance(days(2) + minutes(1));
  EXPECT_EQ(Held(), 0);
  EXPECT_EQ(*leases().ReapExpired(), 1);
}

TEST_P(LeaseServiceTest, OnlyTheTeamOfTheDeviceMayUseItsLeases) {
  auto device = Device("ws-1", team_);
  // A member of another team may not use the device.
  auto stranger = leases().Checkout(As("other"), Request(device));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(stranger.error().conceal_existence);

  auto grant = leases().Checkout(As("user"), Request(device));
  ASSERT_TRUE(grant.ok());
  auto foreign = leases().Release(As("outsider"), grant->lease.id);
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().conceal_existence);
  EXPECT_EQ(Held(), 1);
  // A teammate may release it (the computer is the team's).
  EXPECT_TRUE(leases().Release(As("pa"), grant->lease.id).ok());
  EXPECT_EQ(Held(), 0);
}

TEST_P(LeaseServiceTest, ASingleUserProductIsNotCheckedOut) {
  // P1001 is a sign-in subscription of contract C1.
  auto refused = leases().Checkout(As("user"), Request(Device("ws-1", team_), "P1001"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("activate it by signing in"), std::string::npos)
      << refused.error().message;
}

TEST_P(LeaseServiceTest, AnExpiredContractIsNamedWithItsContractManager) {
  clock_.Advance(days(366));
  auto refused = leases().Checkout(As("user"), Request(Device("ws-1", team_)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("expired on"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("Contract Manager (cm@example.test)"), std::string::npos)
      << refused.error().message;
}

TEST_P(LeaseServiceTest, TwoHundredConcurrentCheckoutsTakeExactlyTheTenSeats) {
  Must(db_->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
    pool_.seats = 10;
    SW_RETURN_IF_ERROR(repos_.contracts->UpdateSubscription(tx, pool_));
    return true;
  }));
  std::vector<core::Device> devices;
  for (int i = 0; i < 200; ++i) devices.push_back(Device("race-" + std::to_string(i), team_));
  LeaseService service = leases();
  const Caller caller = As("user");
  auto tally = store::RunRace(200, [&](int i) -> core::Result<void> {
    auto grant = service.Checkout(caller, Request(devices[static_cast<std::size_t>(i)]));
    if (!grant.ok()) return grant.error();
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 10);
  EXPECT_EQ(tally.seat_limit, 190);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Held(), 10);
  EXPECT_EQ(Denials().size(), 190u);
}

TEST_P(LeaseServiceTest, UsageUploadsAreIdempotentAndRejectBadEventsOneByOne) {
  auto device = Device("ws-1", team_);
  UsageUpload upload;
  upload.device_id = device.id;
  upload.events.push_back(Event("e1", "start"));
  auto stop = Event("e2", "stop");
  stop.duration_seconds = 3600;
  upload.events.push_back(stop);
  auto future = Event("e3", "start");
  future.at = clock_.Now() + minutes(6);
  upload.events.push_back(future);
  auto old = Event("e4", "start");
  old.at = clock_.Now() - days(61);
  upload.events.push_back(old);
  auto no_credits = Event("e5", "credit");
  upload.events.push_back(no_credits);
  auto unknown = Event("e6", "start");
  unknown.product = "NOPE";
  upload.events.push_back(unknown);
  auto bad_kind = Event("e7", "pause");
  upload.events.push_back(bad_kind);
  auto credit = Event("e8", "credit");
  credit.product.reset();
  credit.credits = 5;
  upload.events.push_back(credit);

  auto first = leases().RecordUsage(As("user"), upload);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->accepted, 4);
  EXPECT_EQ(first->duplicates, 0);
  ASSERT_EQ(first->rejected.size(), 4u);
  EXPECT_EQ(first->rejected[0].index, 4);
  EXPECT_EQ(first->rejected[0].id, "e5");
  EXPECT_EQ(first->rejected[1].id, "e6");
  EXPECT_EQ(first->rejected[2].id, "e7");
  // A credit event names the service whose credits it consumes.
  EXPECT_EQ(first->rejected[3].id, "e8");
  EXPECT_NE(first->rejected[3].message.find("service is required"), std::string::npos);
  // Times too far from the server's clock are kept, the events placed at their receipt.
  EXPECT_EQ(first->clamped, (std::vector<std::string>{"e3", "e4"}));
  EXPECT_TRUE(first->stops_without_start.empty());

  auto again = leases().RecordUsage(As("user"), upload);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0);
  EXPECT_EQ(again->duplicates, 4);
  EXPECT_TRUE(again->clamped.empty());
  auto stored = Must(Read<std::vector<core::UsageEvent>>(
      [&](store::Tx& tx) { return repos_.usage->ListEventsAfter(tx, 0, 100); }));
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[0].product_id, structa_.id);
  EXPECT_EQ(stored[0].user_id, Id("user"));
  EXPECT_EQ(stored[1].duration_seconds, 3600);
  EXPECT_EQ(stored[1].start_event_id, stored[0].id);
  EXPECT_EQ(stored[2].at, clock_.Now());
  EXPECT_EQ(stored[2].client_at, clock_.Now() + minutes(6));
  EXPECT_EQ(stored[3].at, clock_.Now());
  EXPECT_EQ(stored[3].client_at, clock_.Now() - days(61));
}

// Issue 15, point 10: "A session recorded with `seatwise-client usage start` / `usage stop`
// shows its real length in the seat-usage report (today 0.00 h): durations come from
// start/stop pairs (and from an explicit duration when one is sent); a stop without a start,
// overlapping sessions and client clock skew are handled and tested."
class UsageSessionTest : public LeaseServiceTest {
 protected:
  UsageEventInput At(const std::string& id, const std::string& kind, core::TimePoint at) {
    UsageEventInput e = Event(id, kind);
    e.at = at;
    return e;
  }

  UsageReceipt Upload(const core::Device& device, std::vector<UsageEventInput> events) {
    auto receipt = leases().RecordUsage(As("user"), UsageUpload{device.id, std::move(events)});
    EXPECT_TRUE(receipt.ok()) << receipt.error().message;
    return receipt.ok() ? *receipt : UsageReceipt{};
  }

  // The stored event with this client id.
  core::UsageEvent Stored(const std::string& client_id) {
    auto stored = Must(Read<std::vector<core::UsageEvent>>(
        [&](store::Tx& tx) { return repos_.usage->ListEventsAfter(tx, 0, 1000); }));
    for (const auto& e : stored) {
      if (e.client_event_id == client_id) return e;
    }
    ADD_FAILURE() << "no event " << client_id;
    return {};
  }
};

TEST_P(UsageSessionTest, AStopCountsTheTimeSinceItsStartSentInOneUploadOrTwo) {
  auto device = Device("ws-1", team_);
  const auto now = clock_.Now();
  Upload(device, {At("s1", "start", now - minutes(90))});
  auto receipt =
      Upload(device, {At("p1", "stop", now - minutes(30)), At("s2", "start", now - minutes(20)),
                      At("p2", "stop", now - minutes(5))});
  EXPECT_EQ(receipt.accepted, 3);
  EXPECT_TRUE(receipt.stops_without_start.empty());
  EXPECT_EQ(Stored("p1").duration_seconds, 60 * 60);
  EXPECT_EQ(Stored("p1").start_event_id, Stored("s1").id);
  EXPECT_EQ(Stored("p2").duration_seconds, 15 * 60);
  EXPECT_EQ(Stored("p2").start_event_id, Stored("s2").id);
}

TEST_P(UsageSessionTest, AStopWithoutAStartIsKeptAtZeroSecondsAndReported) {
  auto device = Device("ws-1", team_);
  auto receipt = Upload(device, {At("lonely", "stop", clock_.Now() - minutes(3))});
  EXPECT_EQ(receipt.accepted, 1);
  EXPECT_EQ(receipt.stops_without_start, std::vector<std::string>{"lonely"});
  EXPECT_EQ(Stored("lonely").duration_seconds, 0);
  // A second stop does not reuse a start another stop closed.
  Upload(device,
         {At("s", "start", clock_.Now() - minutes(2)), At("p", "stop", clock_.Now() - minutes(1))});
  auto again = Upload(device, {At("p-again", "stop", clock_.Now())});
  EXPECT_EQ(again.stops_without_start, std::vector<std::string>{"p-again"});
  EXPECT_EQ(Stored("p").duration_seconds, 60);
  // An explicit duration counts without a start.
  auto measured = At("measured", "stop", clock_.Now() - std::chrono::days(1));
  measured.duration_seconds = 600;
  auto counted = Upload(Device("ws-9", team_), {measured});
  EXPECT_TRUE(counted.stops_without_start.empty());
  EXPECT_EQ(Stored("measured").duration_seconds, 600);
}

// The start is looked for among recent events only (kLongestSession), so a stop's read stays
// bounded however long the computer's history: a stop further than that from its start counts
// as one without a start.
TEST_P(UsageSessionTest, AStartOlderThanTheLongestSessionIsNotPairedWithAStop) {
  auto device = Device("ws-1", team_);
  Upload(device, {At("ancient", "start", clock_.Now() - std::chrono::days(40))});
  clock_.Advance(std::chrono::days(33));
  auto receipt = Upload(device, {At("late", "stop", clock_.Now())});
  EXPECT_EQ(receipt.stops_without_start, std::vector<std::string>{"late"});
  EXPECT_EQ(Stored("late").duration_seconds, 0);
  // Within the bound, the same kind of pair is measured.
  Upload(device, {At("recent", "start", clock_.Now() - std::chrono::days(30))});
  auto paired = Upload(device, {At("on-time", "stop", clock_.Now())});
  EXPECT_TRUE(paired.stops_without_start.empty());
  EXPECT_EQ(Stored("on-time").duration_seconds, 30 * 24 * 3600);
}

TEST_P(UsageSessionTest, OverlappingSessionsOfOnePersonAndProductAreNotCountedTwice) {
  auto desk = Device("ws-1", team_);
  auto laptop = Device("ws-2", team_);
  const auto now = clock_.Now();
  Upload(desk,
         {At("d-start", "start", now - minutes(120)), At("d-stop", "stop", now - minutes(60))});
  // 09:30-10:30 against 09:00-10:00: only the last half hour is new.
  Upload(laptop,
         {At("l-start", "start", now - minutes(90)), At("l-stop", "stop", now - minutes(30))});
  EXPECT_EQ(Stored("d-stop").duration_seconds, 60 * 60);
  EXPECT_EQ(Stored("l-stop").duration_seconds, 30 * 60);
  // Wholly inside what is counted: nothing more.
  Upload(laptop,
         {At("i-start", "start", now - minutes(100)), At("i-stop", "stop", now - minutes(70))});
  EXPECT_EQ(Stored("i-stop").duration_seconds, 0);
}

TEST_P(UsageSessionTest, AComputerWhoseClockIsOffStillRecordsItsSessionsLength) {
  auto device = Device("ws-1", team_);
  // The computer's clock runs 3 hours ahead; it queues offline and uploads both at once.
  const auto skew = std::chrono::hours(3);
  const auto started = clock_.Now() + skew;
  clock_.Advance(minutes(45));
  auto receipt =
      Upload(device, {At("s", "start", started), At("p", "stop", started + minutes(45))});
  EXPECT_EQ(receipt.clamped, (std::vector<std::string>{"s", "p"}));
  const auto stop = Stored("p");
  EXPECT_EQ(stop.at, clock_.Now());  // placed at the receipt, on the server's clock
  EXPECT_EQ(stop.client_at, started + minutes(45));
  EXPECT_EQ(stop.duration_seconds, 45 * 60);  // measured on the computer's own clock
  EXPECT_EQ(stop.started_at, clock_.Now() - minutes(45));
  // A clock far behind: likewise.
  auto behind = Device("ws-2", team_);
  const auto past = clock_.Now() - std::chrono::days(400);
  Upload(behind, {At("bs", "start", past), At("bp", "stop", past + minutes(10))});
  EXPECT_EQ(Stored("bp").at, clock_.Now());
  EXPECT_EQ(Stored("bp").duration_seconds, 0);  // overlaps the session above entirely
}

INSTANTIATE_TEST_SUITE_P(Backends, UsageSessionTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

TEST_P(LeaseServiceTest, AnEventWithoutASubscriptionIsCountedAgainstTheSeatInUse) {
  auto device = Device("ws-1", team_);
  auto idle = Device("ws-2", team_);
  ASSERT_TRUE(leases().Checkout(As("user"), Request(device)).ok());
  UsageUpload upload{device.id, {Event("held-1", "start")}};
  ASSERT_TRUE(leases().RecordUsage(As("user"), upload).ok());
  // A computer holding no seat of the product: the event is kept without a subscription.
  ASSERT_TRUE(
      leases().RecordUsage(As("user"), UsageUpload{idle.id, {Event("idle-1", "start")}}).ok());
  auto stored = Must(Read<std::vector<core::UsageEvent>>(
      [&](store::Tx& tx) { return repos_.usage->ListEventsAfter(tx, 0, 100); }));
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].subscription_id, pool_.id);
  EXPECT_FALSE(stored[1].subscription_id.has_value());
}

TEST_P(LeaseServiceTest, UsageOfAnotherTeamsDeviceIsRefused) {
  auto device = Device("ws-1", team_);
  UsageUpload upload{device.id, {Event("e1", "start")}};
  auto refused = leases().RecordUsage(As("outsider"), upload);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().conceal_existence);
  upload.events.assign(1001, Event("e", "start"));
  auto too_many = leases().RecordUsage(As("user"), upload);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ErrorCode::kInvalidArgument);
}

// A computer presenting its own credential: no user behind the call.
Caller AsDevice(const core::Device& device) {
  Caller caller;
  caller.principal.method = AuthMethod::kDevice;
  caller.principal.device_id = device.id;
  caller.meta.request_id = "req-device";
  return caller;
}

TEST_P(LeaseServiceTest, AComputerWithItsOwnCredentialUsesItsLeasesAndNoOtherComputers) {
  auto device = Device("ws-1", team_);
  auto other = Device("ws-2", team_);
  auto grant = leases().Checkout(AsDevice(device), Request(device));
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_FALSE(grant->lease.user_id.has_value()) << "no user signed in on the computer";
  EXPECT_EQ(Held(), 1);
  ASSERT_TRUE(leases().Heartbeat(AsDevice(device), grant->lease.id).ok());

  // The credential of one computer neither checks out for nor touches another computer.
  auto foreign = leases().Checkout(AsDevice(device), Request(other));
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().conceal_existence);
  auto release = leases().Release(AsDevice(other), grant->lease.id);
  ASSERT_FALSE(release.ok());
  EXPECT_TRUE(release.error().conceal_existence);
  EXPECT_EQ(Held(), 1);

  ASSERT_TRUE(leases().Release(AsDevice(device), grant->lease.id).ok());
  EXPECT_EQ(Held(), 0);
  store::AuditFilter filter;
  filter.action = "lease.checkout";
  auto entries = Must(Read<store::Page<core::AuditEntry>>(
      [&](store::Tx& tx) { return repos_.audit->List(tx, filter, {}); }));
  ASSERT_FALSE(entries.items.empty());
  EXPECT_EQ(entries.items.front().actor_role, "device");
  EXPECT_FALSE(entries.items.front().actor_id.has_value());
}

TEST_P(LeaseServiceTest, CreditEventsAreChargedToTheServiceContractOnceAndRefusedBeyondTheBalance) {
  core::Subscription cloud;
  auto built = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    const auto now = clock_.Now();
    core::Service service{"", "CLD", "Cloud rendering", core::ServiceKind::kCloud, "", now, now};
    SW_ASSIGN_OR_RETURN(service, repos_.catalog->CreateService(tx, service));
    cloud.contract_id = c1_.id;
    cloud.service_id = service.id;
    cloud.seats = 5;
    cloud.created_at = cloud.updated_at = now;
    SW_ASSIGN_OR_RETURN(cloud, repos_.contracts->CreateSubscription(tx, cloud));
    core::Assignment seat;
    seat.subscription_id = cloud.id;
    seat.user_id = Id("user");
    seat.assigned_at = now;
    SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, seat));
    core::CreditEntry bought;
    bought.id = "crd_bought";
    bought.contract_id = c1_.id;
    bought.amount = 10;
    bought.reason = core::CreditReason::kPurchase;
    bought.at = now;
    SW_RETURN_IF_ERROR(repos_.usage->AddCreditEntry(tx, bought, false));
    return core::Ok();
  });
  ASSERT_TRUE(built.ok()) << built.error().message;
  auto balance = [&] {
    return Must(Read<core::Contract>(
                    [&](store::Tx& tx) { return repos_.contracts->GetContract(tx, c1_.id); }))
        .credit_balance;
  };
  auto credit = [&](const std::string& id, std::int64_t amount) {
    UsageEventInput e = Event(id, "credit");
    e.product.reset();
    e.service = "CLD";
    e.credits = amount;
    return e;
  };
  auto device = Device("ws-1", team_);
  UsageUpload upload{device.id, {credit("c1", 4), credit("c2", 3)}};
  auto first = leases().RecordUsage(As("user"), upload);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->accepted, 2);
  EXPECT_TRUE(first->rejected.empty());
  EXPECT_EQ(balance(), 3);

  // The same upload again charges nothing more.
  auto replay = leases().RecordUsage(As("user"), upload);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->duplicates, 2);
  EXPECT_EQ(balance(), 3);

  // More than is left is refused, the event is not stored, and the balance stays.
  auto over = leases().RecordUsage(As("user"), UsageUpload{device.id, {credit("c3", 4)}});
  ASSERT_TRUE(over.ok());
  ASSERT_EQ(over->rejected.size(), 1u);
  EXPECT_EQ(over->accepted, 0);
  EXPECT_NE(over->rejected[0].message.find("credit"), std::string::npos)
      << over->rejected[0].message;
  EXPECT_EQ(balance(), 3);

  // A teammate without a seat of the service, and the computer's own credential, may not.
  auto no_seat = leases().RecordUsage(As("pa"), UsageUpload{device.id, {credit("c4", 1)}});
  ASSERT_TRUE(no_seat.ok());
  ASSERT_EQ(no_seat->rejected.size(), 1u);
  EXPECT_NE(no_seat->rejected[0].message.find("no seat"), std::string::npos);
  auto by_device =
      leases().RecordUsage(AsDevice(device), UsageUpload{device.id, {credit("c5", 1)}});
  ASSERT_TRUE(by_device.ok());
  ASSERT_EQ(by_device->rejected.size(), 1u);
  EXPECT_NE(by_device->rejected[0].message.find("signed-in user"), std::string::npos);
  EXPECT_EQ(balance(), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseServiceTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
