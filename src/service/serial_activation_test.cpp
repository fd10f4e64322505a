#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/jws.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/entitlements.hpp"
#include "service/json_writer.hpp"
#include "store/seat_race.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

// 64 lowercase hex characters that differ by `n`.
std::string Fingerprint(int n) {
  std::string hex = "0123456789abcdef";
  std::string out(62, 'a');
  out += hex[static_cast<std::size_t>(n / 16 % 16)];
  out += hex[static_cast<std::size_t>(n % 16)];
  return out;
}

class SerialActivationTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    options_.sealing_key.fill(5);
    service_ = std::make_unique<EntitlementService>(deps(), options_);
    sub_ = Must(Read<std::vector<core::Subscription>>([&](store::Tx& tx) {
             return repos_.contracts->ListSubscriptions(tx, c2_.id);
           })).front();
  }

  void Write(const std::function<core::Result<void>(store::Tx&)>& fn) {
    auto done = db_->Transact(store::TxMode::kWrite, fn);
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  void Change(const std::function<void(core::Subscription&)>& change) {
    change(sub_);
    Write([&](store::Tx& tx) { return repos_.contracts->UpdateSubscription(tx, sub_); });
  }

  SerialActivationRequest Request(int computer, const std::string& key = "001K1") {
    SerialActivationRequest r;
    r.serial_number = "400-1002";
    r.product_key = key;
    r.product = "P1002";
    r.fingerprint = Fingerprint(computer);
    r.asset_name = "ws-" + std::to_string(computer);
    r.os = "Windows 11";
    r.app_version = "2026.1";
    return r;
  }

  core::Result<SerialEntitlement> Activate(int computer, const std::string& key = "001K1") {
    return service_->ActivateSerial(As("anonymous"), Request(computer, key));
  }

  core::Device DeviceOf(const SerialEntitlement& granted) {
    return Must(service_->AuthenticateDevice(granted.device_credential));
  }

  core::Activation Stored(const std::string& id) {
    return Must(
        Read<core::Activation>([&](store::Tx& tx) { return repos_.activations->Get(tx, id); }));
  }

  std::map<std::string, std::string> Claims(const std::string& token) {
    auto verified = Must(service_->VerifyToken(token));
    return Must(crypto::FlatJsonMembers(verified.payload_json));
  }

  void ExpectSignInRequired(const core::Error& error) {
    EXPECT_EQ(error.code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(error.message.rfind("sign-in required: this license moved to sign-in on ", 0), 0u)
        << error.message;
    EXPECT_NE(error.message.find("sign in with your account to use it"), std::string::npos);
  }

  EntitlementOptions options_;
  std::unique_ptr<EntitlementService> service_;
  core::Subscription sub_;
};

TEST_P(SerialActivationTest, ActivatesWithASerialTokenAndADeviceCredentialInTheContractsTeam) {
  auto granted = Activate(1);
  ASSERT_TRUE(granted.ok()) << granted.error().message;
  EXPECT_TRUE(granted->device_credential.starts_with("swm_"));
  const core::Activation& a = granted->entitlement.activation;
  EXPECT_EQ(a.kind, core::ActivationKind::kSerial);
  EXPECT_FALSE(a.user_id.has_value());
  EXPECT_EQ(a.subscription_id, sub_.id);
  auto claims = Claims(granted->entitlement.token);
  EXPECT_EQ(claims["kind"], "serial");
  EXPECT_EQ(claims["user"], "null");
  EXPECT_EQ(claims["jti"], a.id);
  EXPECT_EQ(claims["product_code"], "P1002");
  EXPECT_EQ(claims["fingerprint"], Fingerprint(1));
  core::Device device = DeviceOf(*granted);
  EXPECT_EQ(device.id, a.device_id);
  EXPECT_EQ(device.team_id, team_.id);

  // The same computer again: the same device and activation, and a new credential that
  // replaces the old one.
  auto again = Activate(1);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->entitlement.activation.id, a.id);
  EXPECT_EQ(again->entitlement.activation.device_id, device.id);
  EXPECT_NE(again->device_credential, granted->device_credential);
  EXPECT_EQ(DeviceOf(*again).id, device.id);
  auto old = service_->AuthenticateDevice(granted->device_credential);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kUnauthenticated);

  store::AuditFilter filter;
  filter.action = "activation.serial_create";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].actor_role, "anonymous");
  EXPECT_EQ(entries[0].target_id, device.id);
}

TEST_P(SerialActivationTest, ConcurrentActivationsNeverExceedTheSeats) {
  Change([](core::Subscription& s) { s.seats = 4; });
  auto tally = store::RunRace(32, [&](int i) -> core::Result<void> {
    auto granted = Activate(i);
    if (!granted.ok()) return granted.error();
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 4);
  EXPECT_EQ(tally.seat_limit, 28);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Must(Read<int>([&](store::Tx& tx) {
              return repos_.activations->CountActiveDevices(tx, sub_.id);
            })),
            4);
  auto refused = Activate(99);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_EQ(refused.error().message,
            "all 4 activations of this serial number are in use; deactivate it on a computer you "
            "no longer use");
}

TEST_P(SerialActivationTest, AWrongKeyOrSerialIsRefusedGenericallyAndFailuresAreRateLimited) {
  auto wrong_key = Activate(1, "001K2");
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(wrong_key.error().message, "serial number and product key do not match a license");
  SerialActivationRequest unknown = Request(1);
  unknown.serial_number = "400-9999";
  auto no_serial = service_->ActivateSerial(As("anonymous"), unknown);
  ASSERT_FALSE(no_serial.ok());
  EXPECT_EQ(no_serial.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_serial.error().message, wrong_key.error().message);
  for (int i = 0; i < 8; ++i) ASSERT_FALSE(Activate(1, "bad").ok());
  // Ten failures from this address: even the right key waits now.
  auto limited = Activate(1);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_GE(limited.error().retry_after_seconds, 1);
  store::AuditFilter filter;
  filter.action = "activation.serial_create";
  EXPECT_EQ(AuditEntries(filter).size(), 11u);  // every refusal is recorded as denied
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_TRUE(Activate(1).ok());
}

TEST_P(SerialActivationTest, AMigratedSerialAnswersSignInRequiredOnActivationAndRefresh) {
  auto granted = Must(Activate(1));
  const core::Device device = DeviceOf(granted);
  const std::string id = granted.entitlement.activation.id;
  Must(service_->RefreshSerial(As("anonymous"), device, id));
  Change([&](core::Subscription& s) {
    s.activation = core::ActivationMethod::kSignIn;
    s.migrated_at = clock_.Now();
  });
  auto refreshed = service_->RefreshSerial(As("anonymous"), device, id);
  ASSERT_FALSE(refreshed.ok());
  ExpectSignInRequired(refreshed.error());
  EXPECT_NE(refreshed.error().message.find(FormatTime(clock_.Now()).substr(0, 10)),
            std::string::npos);
  EXPECT_EQ(Stored(id).revoked_reason, core::RevocationReason::kMigrated);
  // Asked again, the revoked activation still tells why.
  auto again = service_->RefreshSerial(As("anonymous"), device, id);
  ASSERT_FALSE(again.ok());
  ExpectSignInRequired(again.error());
  auto activation = Activate(2);
  ASSERT_FALSE(activation.ok());
  ExpectSignInRequired(activation.error());
}

TEST_P(SerialActivationTest, DeactivatingFreesTheSeatAtOnce) {
  Change([](core::Subscription& s) { s.seats = 1; });
  auto first = Must(Activate(1));
  auto second = Activate(2);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kSeatLimitReached);
  const core::Device device = DeviceOf(first);
  auto done = service_->DeactivateSerial(As("anonymous"), device, first.entitlement.activation.id);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->revoked_reason, core::RevocationReason::kDeactivated);
  EXPECT_TRUE(Activate(2).ok());
  auto refreshed =
      service_->RefreshSerial(As("anonymous"), device, first.entitlement.activation.id);
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().code, ErrorCode::kConflict);
  EXPECT_NE(refreshed.error().message.find("was deactivated on this computer"), std::string::npos);
}

TEST_P(SerialActivationTest, ADeviceCredentialWorksOnlyForItsOwnActivations) {
  auto mine = Must(Activate(1));
  auto theirs = Must(Activate(2));
  const core::Device device = DeviceOf(mine);
  const std::string other = theirs.entitlement.activation.id;
  for (auto result : {service_->RefreshSerial(As("anonymous"), device, other).error(),
                      service_->DeactivateSerial(As("anonymous"), device, other).error()}) {
    EXPECT_EQ(result.code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(result.conceal_existence);
  }
  EXPECT_EQ(Stored(other).status, core::ActivationStatus::kActive);
  EXPECT_TRUE(
      service_->RefreshSerial(As("anonymous"), device, mine.entitlement.activation.id).ok());
  for (const std::string& bad : {std::string("swm_"), std::string("swa_") + std::string(32, 'a'),
                                 std::string("swm_") + std::string(32, 'a')}) {
    auto refused = service_->AuthenticateDevice(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  }
}

TEST_P(SerialActivationTest, AnEndedContractOrANetworkSerialIsRefusedWithWhy) {
  Write([&](store::Tx& tx) {
    c2_.status = core::ContractStatus::kExpired;
    return repos_.contracts->UpdateContract(tx, c2_);
  });
  auto expired = Activate(1);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(expired.error().message.find("expired on " + FormatTime(c2_.ends_at).substr(0, 10) +
                                         "; your Contract Manager cm@example.test can renew it"),
            std::string::npos)
      << expired.error().message;
  Write([&](store::Tx& tx) {
    c2_.status = core::ContractStatus::kActive;
    return repos_.contracts->UpdateContract(tx, c2_);
  });
  Change([](core::Subscription& s) { s.access = core::Access::kMultiUser; });
  auto network = Activate(1);
  ASSERT_FALSE(network.ok());
  EXPECT_NE(network.error().message.find("use a network license checkout"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SerialActivationTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
