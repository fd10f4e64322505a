#include "store/activation_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"
#include "store/seat_race.hpp"

namespace seatwise::store {
namespace {

using std::chrono::days;
using std::chrono::hours;

class ActivationRepositoryTest : public RepositoryTest {
 protected:
  core::Activation Fresh(const core::Subscription& sub, const std::string& product_id,
                         const core::Device& device, std::optional<std::string> user_id) {
    core::Activation a;
    a.subscription_id = sub.id;
    a.product_id = product_id;
    a.device_id = device.id;
    a.user_id = std::move(user_id);
    a.issued_at = Now();
    a.expires_at = Now() + hours(24);
    a.offline_grace_until = Now() + days(30);
    return a;
  }

  core::Result<core::Activation> Serial(const core::Subscription& sub, const std::string& product,
                                        const core::Device& device) {
    auto a = Fresh(sub, product, device, std::nullopt);
    return Write([&](Tx& tx) { return repos_.activations->ActivateSerial(tx, a); });
  }

  core::Result<SignInActivation> SignIn(const core::Subscription& sub, const std::string& product,
                                        const core::Device& device, const core::User& user) {
    auto a = Fresh(sub, product, device, user.id);
    return Write([&](Tx& tx) { return repos_.activations->ActivateSignIn(tx, a); });
  }
};

TEST_P(ActivationRepositoryTest, SerialActivationsStayWithinSeats) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 2, core::Access::kSingleUser, core::ActivationMethod::kSerialNumber,
                             "400-12345678");
  auto d1 = NewDevice(c.team, "fp1");
  auto d2 = NewDevice(c.team, "fp2");
  auto d3 = NewDevice(c.team, "fp3");
  auto first = Must(Serial(sub, c.autocad.id, d1));
  EXPECT_EQ(first.kind, core::ActivationKind::kSerial);
  EXPECT_FALSE(first.user_id.has_value());
  Must(Serial(sub, c.autocad.id, d2));
  auto full = Serial(sub, c.autocad.id, d3);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);

  // Re-activating a device that already holds a seat reuses it.
  clock_.Advance(hours(1));
  auto again = Must(Serial(sub, c.autocad.id, d1));
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.issued_at, Now());

  // Deactivating frees the seat.
  EXPECT_TRUE(Must(Write([&](Tx& tx) {
    return repos_.activations->Revoke(tx, first.id, core::RevocationReason::kDeactivated, Now());
  })));
  Must(Serial(sub, c.autocad.id, d3));
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.activations->CountActiveDevices(tx, sub.id); })),
            2);
  auto revoked = Must(Read([&](Tx& tx) { return repos_.activations->Get(tx, first.id); }));
  EXPECT_EQ(revoked.status, core::ActivationStatus::kRevoked);
  EXPECT_EQ(revoked.revoked_reason, core::RevocationReason::kDeactivated);
}

TEST_P(ActivationRepositoryTest, SignInOnASecondComputerStopsTheFirst) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 5);
  auto a = NewDevice(c.team, "laptop");
  auto b = NewDevice(c.team, "desktop");
  auto on_a = Must(SignIn(sub, c.autocad.id, a, c.admin));
  EXPECT_TRUE(on_a.revoked.empty());
  clock_.Advance(hours(2));
  auto on_b = Must(SignIn(sub, c.autocad.id, b, c.admin));
  ASSERT_EQ(on_b.revoked.size(), 1u);
  EXPECT_EQ(on_b.revoked[0].id, on_a.activation.id);

  auto refreshed = Write([&](Tx& tx) {
    return repos_.activations->Refresh(tx, on_a.activation.id, Now() + hours(24), Now() + days(30));
  });
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().code, ErrorCode::kConflict);
  EXPECT_NE(refreshed.error().message.find("signed_in_elsewhere"), std::string::npos);

  // Signing in again on the same computer refreshes its activation instead of adding one.
  auto again = Must(SignIn(sub, c.autocad.id, b, c.admin));
  EXPECT_EQ(again.activation.id, on_b.activation.id);
  EXPECT_TRUE(again.revoked.empty());
  auto active =
      Must(Read([&](Tx& tx) { return repos_.activations->ListActiveByUser(tx, c.admin.id); }));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].device_id, b.id);
}

TEST_P(ActivationRepositoryTest, MaxDevicesIsASubscriptionSetting) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 5);
  sub.max_devices = 2;
  Must(Write([&](Tx& tx) { return repos_.contracts->UpdateSubscription(tx, sub); }));
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  auto d3 = NewDevice(c.team, "3");
  auto first = Must(SignIn(sub, c.autocad.id, d1, c.admin));
  clock_.Advance(hours(1));
  EXPECT_TRUE(Must(SignIn(sub, c.autocad.id, d2, c.admin)).revoked.empty());
  clock_.Advance(hours(1));
  auto third = Must(SignIn(sub, c.autocad.id, d3, c.admin));
  ASSERT_EQ(third.revoked.size(), 1u);
  EXPECT_EQ(third.revoked[0].id, first.activation.id);  // the oldest goes
}

TEST_P(ActivationRepositoryTest, RevokesByUserAndBySubscription) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 5);
  auto serial = NewSubscription(c, 5, core::Access::kSingleUser,
                                core::ActivationMethod::kSerialNumber, "500-00000001");
  auto d1 = NewDevice(c.team, "1");
  auto d2 = NewDevice(c.team, "2");
  Must(SignIn(sub, c.autocad.id, d1, c.admin));
  Must(Serial(serial, c.autocad.id, d1));
  Must(Serial(serial, c.autocad.id, d2));
  EXPECT_EQ(Must(Write([&](Tx& tx) {
              return repos_.activations->RevokeForUser(tx, c.admin.id, {},
                                                       core::RevocationReason::kUserRemoved, Now());
            })),
            1);
  EXPECT_EQ(Must(Write([&](Tx& tx) {
              return repos_.activations->RevokeForSubscription(
                  tx, serial.id, core::ActivationKind::kSerial, core::RevocationReason::kMigrated,
                  Now());
            })),
            2);
  auto on_d1 =
      Must(Read([&](Tx& tx) { return repos_.activations->ListActiveByDevice(tx, d1.id); }));
  EXPECT_TRUE(on_d1.empty());
  auto page = Must(Read([&](Tx& tx) {
    return repos_.activations->ListBySubscription(tx, serial.id, {"", 1});
  }));
  EXPECT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.next_after.empty());
}

TEST_P(ActivationRepositoryTest, ConcurrentSerialActivationsNeverExceedTheSeats) {
  auto c = NewCustomer();
  auto sub = NewSubscription(c, 10, core::Access::kSingleUser,
                             core::ActivationMethod::kSerialNumber, "600-00000001");
  std::vector<core::Device> devices;
  for (int i = 0; i < 64; ++i) devices.push_back(NewDevice(c.team, "race" + std::to_string(i)));
  auto tally = RunRace(64, [&](int i) -> core::Result<void> {
    SW_RETURN_IF_ERROR(Serial(sub, c.autocad.id, devices[static_cast<std::size_t>(i)]));
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 10);
  EXPECT_EQ(tally.seat_limit, 54);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.activations->CountActiveDevices(tx, sub.id); })),
            10);
}

SW_INSTANTIATE_BACKENDS(ActivationRepositoryTest);

}  // namespace
}  // namespace seatwise::store
