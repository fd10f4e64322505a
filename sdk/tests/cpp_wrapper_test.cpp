// The header-only C++ wrapper: RAII client, std::string values and Result.

#include "seatwise/seatwise.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "sdk_test_support.hpp"

namespace seatwise::sdk::testing {
namespace {

TEST(CppWrapperTest, StoresLoadsAndChecksATokenRoundTrip) {
  TempDir dir;
  const SigningKey key("key-2026");
  Result<Client> client = Client::Create(
      {"https://licences.example.com", "DRL", key.Jwks(), (dir.path() / "cache").string()});
  ASSERT_TRUE(client.ok()) << sw_status_message(client.status());
  Client owned = std::move(client).value();

  const std::string token = key.SignInToken();
  ASSERT_EQ(owned.StoreToken(token), SW_OK);
  Result<std::string> loaded = owned.LoadToken();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, token);

  Result<Check> check = owned.CheckToken(kIssuedAt + 28 * kDay);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(check->state_name(), "grace_warning");
  EXPECT_TRUE(check->usable());
  EXPECT_EQ(check->days_left, 2);
  EXPECT_EQ(check->user, std::optional<std::string>("usr_ada"));
  EXPECT_EQ(check->product_code, "DRL");
  EXPECT_EQ(check->grace_until, kIssuedAt + 30 * kDay);

  ASSERT_EQ(owned.MarkRevoked(), SW_OK);
  check = owned.CheckToken(kIssuedAt);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, SW_TOKEN_REVOKED);
  EXPECT_FALSE(check->usable());

  ASSERT_EQ(owned.ClearToken(), SW_OK);
  EXPECT_EQ(owned.LoadToken().status(), SW_E_NO_TOKEN);
  check = owned.CheckToken(kIssuedAt);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, SW_TOKEN_MISSING);
}

TEST(CppWrapperTest, CreateReturnsTheStatusOfARefusedConfiguration) {
  TempDir dir;
  Result<Client> client =
      Client::Create({"https://licences.example.com", "DRL", "{}", dir.path().string()});
  EXPECT_FALSE(client.ok());
  EXPECT_EQ(client.status(), SW_E_INVALID_ARGUMENT);
}

TEST(CppWrapperTest, AnInvalidTokenExplainsWhyInLastError) {
  TempDir dir;
  const SigningKey key("key-2026");
  const SigningKey other("key-2026");
  Result<Client> client =
      Client::Create({"https://licences.example.com", "DRL", key.Jwks(), dir.path().string()});
  ASSERT_TRUE(client);
  Client owned = std::move(client).value();
  ASSERT_EQ(owned.StoreToken(other.SignInToken()), SW_OK);
  Result<Check> check = owned.CheckToken(kIssuedAt);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->state, SW_TOKEN_INVALID);
  EXPECT_NE(owned.LastError().find("signature"), std::string::npos) << owned.LastError();
}

TEST(CppWrapperTest, DeviceFingerprintMatchesTheCFunction) {
  char raw[SW_FINGERPRINT_LENGTH + 1];
  const sw_status status = sw_device_fingerprint(raw, sizeof raw);
  const Result<std::string> fingerprint = DeviceFingerprint();
  EXPECT_EQ(fingerprint.status(), status);
  if (status == SW_OK) {
    EXPECT_EQ(*fingerprint, raw);
  }
}

}  // namespace
}  // namespace seatwise::sdk::testing
