#include "service/entitlements.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crypto/jws.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

std::string Fingerprint(char c) { return std::string(64, c); }

class EntitlementsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    options_.sealing_key.fill(9);
    options_.issuer = "https://licences.example.test";
    service_ = std::make_unique<EntitlementService>(deps(), options_);
    sub_ = Must(Read<std::vector<core::Subscription>>([&](store::Tx& tx) {
             return repos_.contracts->ListSubscriptions(tx, c1_.id);
           })).front();
  }

  void Write(const std::function<core::Result<void>(store::Tx&)>& fn) {
    auto done = db_->Transact(store::TxMode::kWrite, fn);
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  void AssignTo(const std::string& who) {
    Write([&](store::Tx& tx) -> core::Result<void> {
      core::Assignment a;
      a.subscription_id = sub_.id;
      a.user_id = Id(who);
      a.assigned_at = clock_.Now();
      SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
      return core::Ok();
    });
  }

  void UpdateSubscription(const std::function<void(core::Subscription&)>& change) {
    change(sub_);
    Write([&](store::Tx& tx) { return repos_.contracts->UpdateSubscription(tx, sub_); });
  }

  std::string DeviceOf(const std::string& who, char fingerprint) {
    DeviceRegistration r;
    r.fingerprint = Fingerprint(fingerprint);
    r.asset_name = who + "-laptop-" + fingerprint;
    r.os = "Linux 6.8";
    r.app_version = "2026.1";
    return Must(service_->RegisterDevice(As(who), r)).device.id;
  }

  core::Result<Entitlement> Activate(const std::string& who, const std::string& device) {
    return service_->Activate(As(who), {"P1001", device});
  }

  core::Result<Entitlement> RefreshToken(const std::string& who, const std::string& token) {
    return service_->Refresh(As(who), {token, ""});
  }

  std::map<std::string, std::string> Claims(const std::string& token) {
    auto verified = Must(service_->VerifyToken(token));
    return Must(crypto::FlatJsonMembers(verified.payload_json));
  }

  // Verifies `token` the way a client does: with the keys of the JWKS document alone.
  bool VerifiesWithJwks(const std::string& token) {
    const std::string jwks = Must(service_->JwksJson());
    auto lookup =
        [&](const std::string& kid) -> core::Result<std::optional<crypto::Ed25519PublicKey>> {
      const std::string marker = "\"kid\":\"" + kid + "\",\"x\":\"";
      const auto at = jwks.find(marker);
      if (at == std::string::npos) return std::optional<crypto::Ed25519PublicKey>();
      const auto start = at + marker.size();
      auto bytes = crypto::Base64UrlDecode(jwks.substr(start, jwks.find('"', start) - start));
      crypto::Ed25519PublicKey key{};
      if (!bytes.ok() || bytes->size() != key.size()) {
        return std::optional<crypto::Ed25519PublicKey>();
      }
      std::copy(bytes->begin(), bytes->end(), key.begin());
      return std::optional<crypto::Ed25519PublicKey>(key);
    };
    return crypto::VerifyCompact(token, lookup).ok();
  }

  EntitlementOptions options_;
  std::unique_ptr<EntitlementService> service_;
  core::Subscription sub_;
};

TEST_P(EntitlementsTest, RegisteringTheSameFingerprintAgainGivesTheSameDevice) {
  DeviceRegistration r{std::nullopt, Fingerprint('a'), "ws-1", "Windows 11", "2026.1"};
  auto first = Must(service_->RegisterDevice(As("user"), r));
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.device.team_id, team_.id);
  EXPECT_EQ(first.device.last_user_id, Id("user"));
  r.app_version = "2026.2";
  auto again = Must(service_->RegisterDevice(As("pa"), r));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.device.id, first.device.id);
  EXPECT_EQ(again.device.last_user_id, Id("pa"));
  EXPECT_EQ(again.device.app_version, "2026.2");
}

TEST_P(EntitlementsTest, RefusesAFingerprintThatIsNotAHash) {
  for (const std::string& raw : {std::string("4c4c4544-0038-3510-8052-b4c04f4e4d32"),
                                 std::string(64, 'A'), std::string(63, 'a')}) {
    auto r = service_->RegisterDevice(As("user"), {std::nullopt, raw, "ws-1", "Linux", "1"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].field, "fingerprint");
  }
}

TEST_P(EntitlementsTest, ActivationTokenVerifiesWithTheJwksKeyAndCarriesTheClaims) {
  AssignTo("user");
  const std::string device = DeviceOf("user", 'a');
  const auto now = clock_.Now();
  auto granted = Must(Activate("user", device));
  EXPECT_TRUE(granted.revoked_elsewhere.empty());
  EXPECT_TRUE(VerifiesWithJwks(granted.token));
  const auto claims = Claims(granted.token);
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  EXPECT_EQ(claims.at("iss"), "https://licences.example.test");
  EXPECT_EQ(claims.at("kind"), "sign_in");
  EXPECT_EQ(claims.at("jti"), granted.activation.id);
  EXPECT_EQ(claims.at("user"), Id("user"));
  EXPECT_EQ(claims.at("product"), *sub_.product_id);
  EXPECT_EQ(claims.at("product_code"), "P1001");
  EXPECT_EQ(claims.at("subscription"), sub_.id);
  EXPECT_EQ(claims.at("device"), device);
  EXPECT_EQ(claims.at("fingerprint"), Fingerprint('a'));
  EXPECT_EQ(claims.at("iat"), std::to_string(iat));
  EXPECT_EQ(claims.at("reauth_at"), std::to_string(iat + 24 * 3600));
  EXPECT_EQ(claims.at("grace_until"), std::to_string(iat + 30 * 86400));
  EXPECT_EQ(claims.at("warn_from"), std::to_string(iat + 27 * 86400));
}

TEST_P(EntitlementsTest, ActivatingOnASecondComputerStopsTheFirst) {
  AssignTo("user");
  const std::string a = DeviceOf("user", 'a');
  const std::string b = DeviceOf("user", 'b');
  auto on_a = Must(Activate("user", a));
  clock_.Advance(std::chrono::minutes(5));
  auto on_b = Must(Activate("user", b));
  ASSERT_EQ(on_b.revoked_elsewhere.size(), 1u);
  EXPECT_EQ(on_b.revoked_elsewhere[0], a);

  auto refused = RefreshToken("user", on_a.token);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message,
            "signed in on another computer — sign in again to use it here");
  EXPECT_TRUE(RefreshToken("user", on_b.token).ok());
}

TEST_P(EntitlementsTest, TwoDevicesAllowedKeepsTwoComputers) {
  UpdateSubscription([](core::Subscription& s) { s.max_devices = 2; });
  AssignTo("user");
  auto on_a = Must(Activate("user", DeviceOf("user", 'a')));
  clock_.Advance(std::chrono::minutes(1));
  auto on_b = Must(Activate("user", DeviceOf("user", 'b')));
  EXPECT_TRUE(on_b.revoked_elsewhere.empty());
  EXPECT_TRUE(RefreshToken("user", on_a.token).ok());
  clock_.Advance(std::chrono::minutes(1));
  auto on_c = Must(Activate("user", DeviceOf("user", 'c')));
  ASSERT_EQ(on_c.revoked_elsewhere.size(), 1u);
  EXPECT_FALSE(RefreshToken("user", on_a.token).ok());
  EXPECT_TRUE(RefreshToken("user", on_b.token).ok());
}

TEST_P(EntitlementsTest, RefreshGivesNewTimesWhileTheSeatHolds) {
  AssignTo("user");
  auto granted = Must(Activate("user", DeviceOf("user", 'a')));
  clock_.Advance(std::chrono::hours(20));
  auto renewed = Must(RefreshToken("user", granted.token));
  EXPECT_EQ(renewed.activation.id, granted.activation.id);
  EXPECT_EQ(renewed.activation.expires_at, clock_.Now() + std::chrono::hours(24));
  EXPECT_GT(std::stoll(Claims(renewed.token).at("reauth_at")),
            std::stoll(Claims(granted.token).at("reauth_at")));
  auto by_id = service_->Refresh(As("user"), {"", granted.activation.id});
  EXPECT_TRUE(by_id.ok());
}

TEST_P(EntitlementsTest, RefusesWhenThePrimaryAdminHoldsTheLastSeatAndSaysSo) {
  UpdateSubscription([](core::Subscription& s) { s.seats = 1; });
  AssignTo("pa");
  auto refused = Activate("user", DeviceOf("user", 'a'));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message,
            "your team's Product 1001 seats are all assigned; one is held by the Primary Admin "
            "pa@example.test — ask them to assign it to you");
  store::AuditFilter filter;
  filter.action = "activation.create";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome, core::AuditOutcome::kDenied);
}

TEST_P(EntitlementsTest, RefusesAnUnassignedUserWhenASeatIsFree) {
  auto refused = Activate("user", DeviceOf("user", 'a'));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "Product 1001 is not assigned to you; ask your Primary Admin pa@example.test to "
            "assign it to you (a seat is free)");
}

TEST_P(EntitlementsTest, RefusesAnExpiredContractAndNamesTheContractManager) {
  AssignTo("user");
  const std::string device = DeviceOf("user", 'a');
  auto granted = Must(Activate("user", device));
  clock_.Set(c1_.ends_at + std::chrono::hours(1));
  auto refused = Activate("user", device);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message,
            "your team's Product 1001 subscription (contract 1001) "
            "expired on " +
                FormatTime(c1_.ends_at).substr(0, 10) +
                "; your Contract Manager cm@example.test can renew it");
  // The existing token is refused at its refresh too, and stays revoked.
  auto refresh = RefreshToken("user", granted.token);
  ASSERT_FALSE(refresh.ok());
  EXPECT_EQ(refresh.error().message, refused.error().message);
  auto stored = Must(Read<core::Activation>(
      [&](store::Tx& tx) { return repos_.activations->Get(tx, granted.activation.id); }));
  EXPECT_EQ(stored.status, core::ActivationStatus::kRevoked);
  EXPECT_EQ(stored.revoked_reason, core::RevocationReason::kContractEnded);
}

TEST_P(EntitlementsTest, RefusesASuspendedContract) {
  AssignTo("user");
  Write([&](store::Tx& tx) {
    c1_.status = core::ContractStatus::kSuspended;
    return repos_.contracts->UpdateContract(tx, c1_);
  });
  auto refused = Activate("user", DeviceOf("user", 'a'));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("is suspended; your Contract Manager cm@example.test"),
            std::string::npos)
      << refused.error().message;
}

TEST_P(EntitlementsTest, RefusesAUserRemovedFromTheTeam) {
  AssignTo("user");
  const std::string device = DeviceOf("user", 'a');
  auto granted = Must(Activate("user", device));
  Write([&](store::Tx& tx) {
    auto m = MembershipOf(team_.id, "user");
    m.status = core::MembershipStatus::kRemoved;
    m.removed_at = clock_.Now();
    return repos_.users->UpdateMembership(tx, m);
  });
  auto refused = Activate("user", device);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message,
            "you were removed from team \"Design\"; your Primary Admin pa@example.test can add "
            "you again");
  auto refresh = RefreshToken("user", granted.token);
  ASSERT_FALSE(refresh.ok());
  EXPECT_EQ(refresh.error().message, refused.error().message);
}

TEST_P(EntitlementsTest, RefusesASerialLicenseAtSignIn) {
  // Contract C2 is licensed by serial number; its product is not for sign-in.
  auto refused = service_->Activate(As("user"), {"P1002", DeviceOf("user", 'a')});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message.rfind("this product is licensed by serial number", 0), 0u);
}

TEST_P(EntitlementsTest, UnassigningEndsTheActivationAtItsNextRefresh) {
  AssignTo("user");
  auto granted = Must(Activate("user", DeviceOf("user", 'a')));
  Write([&](store::Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(
        repos_.assignments->Unassign(tx, sub_.id, Id("user"), Id("pa"), clock_.Now()));
    return core::Ok();
  });
  auto refused = RefreshToken("user", granted.token);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  auto again = RefreshToken("user", granted.token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message,
            "Product 1001 is no longer assigned to you; ask your team's Primary Admin to assign "
            "it again");
}

TEST_P(EntitlementsTest, RotationKeepsOldTokensVerifying) {
  AssignTo("user");
  auto granted = Must(Activate("user", DeviceOf("user", 'a')));
  const auto old_kid = Must(service_->VerifyToken(granted.token)).kid;
  Caller system;
  system.principal.method = AuthMethod::kSystem;
  auto rotated = Must(service_->RotateKey(system));
  EXPECT_NE(rotated.kid, old_kid);
  EXPECT_TRUE(VerifiesWithJwks(granted.token));
  // A fresh service (another server) knows the old key only from the database.
  EntitlementService other(deps(), options_);
  EXPECT_TRUE(other.VerifyToken(granted.token).ok());
  auto renewed = Must(RefreshToken("user", granted.token));
  EXPECT_EQ(Must(service_->VerifyToken(renewed.token)).kid, rotated.kid);
  EXPECT_TRUE(VerifiesWithJwks(renewed.token));
  // A rotation by another process takes over once the cached key is rechecked.
  auto elsewhere = Must(other.RotateKey(system));
  EXPECT_EQ(Must(service_->VerifyToken(Must(RefreshToken("user", renewed.token)).token)).kid,
            rotated.kid);
  clock_.Advance(std::chrono::minutes(2));
  auto later = Must(RefreshToken("user", renewed.token));
  EXPECT_EQ(Must(service_->VerifyToken(later.token)).kid, elsewhere.kid);
  EXPECT_TRUE(VerifiesWithJwks(granted.token));
  EXPECT_FALSE(service_->RotateKey(As("pa")).ok());
}

TEST_P(EntitlementsTest, RefusesATamperedTokenAtRefresh) {
  AssignTo("user");
  auto granted = Must(Activate("user", DeviceOf("user", 'a')));
  const auto first = granted.token.find('.');
  const auto second = granted.token.find('.', first + 1);
  auto claims = Claims(granted.token);
  const std::string payload =
      Must(crypto::Base64UrlDecode(granted.token.substr(first + 1, second - first - 1)));
  std::string forged_payload = payload;
  const std::string reauth = claims.at("reauth_at");
  forged_payload.replace(forged_payload.find(reauth), reauth.size(),
                         std::to_string(std::stoll(reauth) + 365 * 86400));
  const std::string forged = granted.token.substr(0, first + 1) +
                             crypto::Base64UrlEncode(std::string_view(forged_payload)) +
                             granted.token.substr(second);
  auto refused = RefreshToken("user", forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(VerifiesWithJwks(forged));
}

TEST_P(EntitlementsTest, AnotherUsersActivationIsNotFoundAndDeactivationIsOwn) {
  AssignTo("user");
  auto granted = Must(Activate("user", DeviceOf("user", 'a')));
  auto stranger = service_->Deactivate(As("sa"), granted.activation.id);
  ASSERT_FALSE(stranger.ok());
  EXPECT_TRUE(stranger.error().conceal_existence);
  auto done = Must(service_->Deactivate(As("user"), granted.activation.id));
  EXPECT_EQ(done.status, core::ActivationStatus::kRevoked);
  auto refresh = RefreshToken("user", granted.token);
  ASSERT_FALSE(refresh.ok());
  EXPECT_EQ(refresh.error().code, ErrorCode::kConflict);
}

TEST_P(EntitlementsTest, EnsureActiveKeyKeepsOneActiveKey) {
  auto first = Must(service_->EnsureActiveKey());
  EntitlementService other(deps(), options_);
  auto second = Must(other.EnsureActiveKey());
  EXPECT_EQ(first.kid, second.kid);
  EXPECT_NE(first.private_key_sealed.find_first_not_of(' '), std::string::npos);
  EXPECT_EQ(Must(service_->JwksJson()).find(first.private_key_sealed), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, EntitlementsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
