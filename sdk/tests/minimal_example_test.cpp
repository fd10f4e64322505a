// Runs examples/minimal.c, the program docs/sdk.md quotes, with a token signed by the key
// whose public half the example pins and issued to this computer (the example reads the
// system's machine id).

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <string>

#include "sdk_test_support.hpp"

namespace seatwise::sdk::testing {
namespace {

// The seed of the example's pinned key ("example-2026"); it exists only for this example.
constexpr char kExampleSeed[] = "seatwise-sdk-example-key-seed-01";

std::string RunExample(const std::string& arguments) {
  std::string output;
  const std::string command = std::string(SEATWISE_SDK_MINIMAL_EXAMPLE) + " " + arguments;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return output;
  }
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    output += buffer.data();
  }
  ::pclose(pipe);
  return output;
}

// This computer's fingerprint as the SDK computes it; "" where it has none.
std::string ThisComputer() {
  char fingerprint[SW_FINGERPRINT_LENGTH + 1];
  return sw_device_fingerprint(fingerprint, sizeof fingerprint) == SW_OK ? fingerprint : "";
}

std::string ExampleToken(std::int64_t grace_until) {
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(public_key, secret_key,
                           reinterpret_cast<const unsigned char*>(kExampleSeed));
  boost::json::object payload = SigningKey::SignInPayload();
  // Far in the past or future, so the example's use of the real clock cannot matter.
  payload["reauth_at"] = grace_until;
  payload["warn_from"] = grace_until;
  payload["grace_until"] = grace_until;
  payload["fingerprint"] = ThisComputer();
  const std::string signing_input =
      Base64Url(boost::json::serialize(
          boost::json::object{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", "example-2026"}})) +
      "." + Base64Url(boost::json::serialize(payload));
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size(), secret_key);
  return signing_input + "." +
         Base64Url(std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
}

TEST(MinimalExampleTest, PrintsValidForAGenuineToken) {
  ASSERT_GE(sodium_init(), 0);
  // Every Debian machine has /etc/machine-id; a missing one is a failure, not a skip.
  ASSERT_FALSE(ThisComputer().empty()) << "this computer has no machine id for the example";
  TempDir dir;
  const std::string output =
      RunExample(ExampleToken(std::int64_t{1} << 40) + " " + (dir.path() / "cache").string());
  EXPECT_NE(output.find("state valid\n"), std::string::npos) << output;
  EXPECT_NE(output.find("licensed to usr_ada for DRL"), std::string::npos) << output;
}

TEST(MinimalExampleTest, PrintsExpiredForAnOldToken) {
  // Every Debian machine has /etc/machine-id; a missing one is a failure, not a skip.
  ASSERT_FALSE(ThisComputer().empty()) << "this computer has no machine id for the example";
  TempDir dir;
  const std::string output =
      RunExample(ExampleToken(1'000'000'000) + " " + (dir.path() / "cache").string());
  EXPECT_NE(output.find("state expired\n"), std::string::npos) << output;
}

TEST(MinimalExampleTest, PrintsInvalidForATokenOfAnotherKey) {
  TempDir dir;
  const SigningKey other("example-2026");
  const std::string output =
      RunExample(other.SignInToken() + " " + (dir.path() / "cache").string());
  EXPECT_NE(output.find("state invalid\n"), std::string::npos) << output;
}

}  // namespace
}  // namespace seatwise::sdk::testing
