#include "app/wiring.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/password.hpp"
#include "store/repository_test_fixture.hpp"

namespace seatwise::app {
namespace {

constexpr std::string_view kPassword = "a long enough passphrase 7";

Config Defaults(std::vector<FlagOverride> flags = {}) {
  ConfigSources sources;
  sources.flags = std::move(flags);
  auto config = LoadConfig(sources);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? *config : Config{};
}

TEST(WiringTest, TrustedProxiesReachTheAuthenticatorAndTheAccessLog) {
  Config config = Defaults({{"server.trust_proxy", "--set", "10.0.0.0/8,::1"}});
  auto inside = *http::ParseAddress("10.20.30.40");
  auto outside = *http::ParseAddress("192.0.2.1");
  EXPECT_TRUE(AuthOptionsFrom(config).trusted_proxies.Trusts(inside));
  EXPECT_FALSE(AuthOptionsFrom(config).trusted_proxies.Trusts(outside));
  EXPECT_TRUE(ServerOptionsFrom(config.server).trusted_proxies.Trusts(inside));
  EXPECT_TRUE(AuthOptionsFrom(Defaults()).trusted_proxies.empty());
}

TEST(WiringTest, ConnectionCapAndDeviceCodeLimitsComeFromTheConfig) {
  Config config = Defaults({{"server.max_connections", "--set", "1234"},
                            {"auth.device_code_failures_per_minute", "--set", "7"}});
  EXPECT_EQ(ServerOptionsFrom(config.server).max_connections, 1234u);
  service::TokenOptions tokens = TokenOptionsFrom(config);
  EXPECT_EQ(tokens.wrong_user_codes_per_ip.max_hits, 7);
  EXPECT_EQ(tokens.wrong_user_codes_per_user.max_hits, 7);
  EXPECT_EQ(tokens.wrong_user_codes_per_instance.max_hits, 700);
  EXPECT_EQ(tokens.wrong_user_codes_per_instance.window, tokens.device_code_ttl);
}

// Sign-in as `seatwise serve` wires it by default, on a real database of each backend.
class SignInWiringTest : public store::RepositoryTest {
 protected:
  void SetUp() override {
    RepositoryTest::SetUp();
    deps_ = std::make_unique<service::Deps>(service::Deps{*db_, repos_, clock_, random_});
  }

  std::unique_ptr<service::IdentityService> Identity(const Config& config) {
    return std::make_unique<service::IdentityService>(*deps_,
                                                      IdentityOptionsFrom(config, SecretKey{}));
  }

  void Person(const std::string& email) {
    static const std::string hash = crypto::HashPassword(kPassword).value();
    core::User user = NewUser(email);
    user.password_hash = hash;
    store::Must(Write([&](store::Tx& tx) { return repos_.users->Update(tx, user); }));
  }

  static core::Result<service::SignInResult> SignIn(service::IdentityService& identity,
                                                    const std::string& email,
                                                    std::string_view password,
                                                    const std::string& ip) {
    service::Caller caller;
    caller.meta.ip = ip;
    return identity.SignIn(caller, {email, std::string(password), std::nullopt, std::nullopt});
  }

  std::unique_ptr<service::Deps> deps_;
};

TEST_P(SignInWiringTest, OnePersonsFailuresDoNotLockOutOthersBehindTheSameAddress) {
  Person("ann@contoso.example");
  auto identity = Identity(Defaults());
  const std::string office = "203.0.113.5";
  // More failures than one account may have, spread over accounts, from the office.
  for (int i = 0; i < 6; ++i) {
    auto failed = SignIn(*identity, "guess" + std::to_string(i) + "@contoso.example",
                         "not the password", office);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, core::ErrorCode::kUnauthenticated) << i;
  }
  auto neighbour = SignIn(*identity, "ann@contoso.example", kPassword, office);
  EXPECT_TRUE(neighbour.ok()) << (neighbour.ok() ? "" : neighbour.error().message);
}

TEST_P(SignInWiringTest, OneAccountAndOneAddressAreStillLimited) {
  Person("ann@contoso.example");
  auto identity =
      Identity(Defaults({{"auth.sign_in_failures_per_address_per_minute", "--set", "7"}}));
  // Per account: five failures from anywhere.
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(
        SignIn(*identity, "ann@contoso.example", "wrong", "198.51.100." + std::to_string(i)).ok());
  }
  auto account = SignIn(*identity, "ann@contoso.example", kPassword, "198.51.100.50");
  ASSERT_FALSE(account.ok());
  EXPECT_EQ(account.error().code, core::ErrorCode::kRateLimited);

  // Per address: the configured higher bound, across accounts.
  for (int i = 0; i < 7; ++i) {
    ASSERT_FALSE(
        SignIn(*identity, "guess" + std::to_string(i) + "@contoso.example", "x", "192.0.2.9").ok());
  }
  auto address = SignIn(*identity, "someone@contoso.example", "x", "192.0.2.9");
  ASSERT_FALSE(address.ok());
  EXPECT_EQ(address.error().code, core::ErrorCode::kRateLimited);
}

INSTANTIATE_TEST_SUITE_P(Backends, SignInWiringTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::app
