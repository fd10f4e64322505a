// The header-only C++ wrapper: RAII client, std::string values and Result.

#include "seatwise/seatwise.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "sdk_test_support.hpp"

namespace seatwise::sdk::testing {
namespace {

// A wrapper configuration on the tests' computer (its machine id file).
Config ConfigFor(const MachineIdFile& machine_id, const std::string& server_url,
                 const std::string& jwks, const std::string& cache_dir) {
  Config config{server_url, "DRL", jwks, cache_dir};
  config.machine_id_file = machine_id.path();
  return config;
}

TEST(CppWrapperTest, StoresLoadsAndChecksATokenRoundTrip) {
  TempDir dir;
  const MachineIdFile machine_id;
  const SigningKey key("key-2026");
  Result<Client> client = Client::Create(ConfigFor(machine_id, "https://licences.example.com",
                                                   key.Jwks(), (dir.path() / "cache").string()));
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
  EXPECT_EQ(owned.LoadToken().status(), SW_E_NO_TOKEN);

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
  // No pinned keys at all is refused too, unless trust on first use is asked for.
  Config unpinned{"https://licences.example.com", "DRL", "", dir.path().string()};
  EXPECT_EQ(Client::Create(unpinned).status(), SW_E_INVALID_ARGUMENT);
  unpinned.trust_on_first_use = true;
  EXPECT_TRUE(Client::Create(unpinned).ok());
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

std::int64_t MovedClock(void* context) { return *static_cast<std::int64_t*>(context); }

TEST(CppWrapperTest, CheckTokenWithoutATimeUsesTheConfiguredClock) {
  TempDir dir;
  const MachineIdFile machine_id;
  const SigningKey key("key-2026");
  std::int64_t now = kIssuedAt + 60;
  Config config =
      ConfigFor(machine_id, "https://licences.example.com", key.Jwks(), dir.path().string());
  config.now_unix = MovedClock;
  config.now_context = &now;
  Result<Client> client = Client::Create(config);
  ASSERT_TRUE(client);
  Client owned = std::move(client).value();
  ASSERT_EQ(owned.StoreToken(key.SignInToken()), SW_OK);
  EXPECT_EQ(owned.Now(), kIssuedAt + 60);
  EXPECT_EQ(owned.CheckToken()->state, SW_TOKEN_VALID);
  now = kIssuedAt + 2 * kDay;
  EXPECT_EQ(owned.CheckToken()->state, SW_TOKEN_REAUTHORIZE);
  now = kIssuedAt + 28 * kDay;
  EXPECT_EQ(owned.CheckToken()->state, SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(owned.CheckToken()->days_left, 2);
  now = kIssuedAt + 31 * kDay;
  EXPECT_EQ(owned.CheckToken()->state, SW_TOKEN_EXPIRED);
}

TEST(CppWrapperTest, OnlineCallsPassStatusesAndReasonsThrough) {
  TempDir dir;
  const SigningKey key("key-2026");
  Result<Client> client =
      Client::Create({"http://127.0.0.1:1", "DRL", key.Jwks(), (dir.path() / "cache").string()});
  ASSERT_TRUE(client);
  Client owned = std::move(client).value();
  EXPECT_EQ(owned.SerialRefresh(), SW_E_NO_TOKEN);
  EXPECT_NE(owned.LastError().find("no serial activation"), std::string::npos) << owned.LastError();
  EXPECT_EQ(owned.SerialActivate("", "001R1"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(owned.Refresh(), SW_E_NO_TOKEN);
  EXPECT_EQ(owned.LeaseRelease("../x"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(owned.SigninPending().status(), SW_E_NOT_SIGNED_IN);
  EXPECT_EQ(owned.SigninStart().status(), SW_E_NETWORK);
  ASSERT_EQ(owned.RecordUsage("start", "", kIssuedAt), SW_OK);
  EXPECT_EQ(owned.RecordUsage("pause"), SW_E_INVALID_ARGUMENT);
  Result<HeartbeatCounts> counts = owned.Heartbeats();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->sent, 0);
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
