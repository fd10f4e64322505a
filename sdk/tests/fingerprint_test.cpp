// The device fingerprint: a stable salted hash of the machine id, never the id itself.

#include "fingerprint.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>

#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {
namespace {

bool IsLowercaseHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class FingerprintTest : public ::testing::Test {
 protected:
  std::string FingerprintOf(const std::string& machine_id_contents) {
    const std::filesystem::path file = dir_.path() / ("machine-id-" + std::to_string(count_++));
    std::ofstream(file) << machine_id_contents;
    std::string error;
    std::optional<std::string> fingerprint = FingerprintFromMachineIdFile(file.string(), error);
    EXPECT_TRUE(fingerprint.has_value()) << error;
    return fingerprint.value_or("");
  }

  TempDir dir_;
  int count_ = 0;
};

TEST_F(FingerprintTest, IsSixtyFourLowercaseHexCharacters) {
  const std::string fingerprint = FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732\n");
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_TRUE(IsLowercaseHex(fingerprint)) << fingerprint;
}

TEST_F(FingerprintTest, IsStableForTheSameMachineId) {
  EXPECT_EQ(FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732\n"),
            FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732\n"));
  EXPECT_EQ(FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732\n"),
            FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732"));
}

TEST_F(FingerprintTest, DiffersForADifferentMachineId) {
  EXPECT_NE(FingerprintOf("4c4c4544004b4b10804cb2c04f4e3732\n"),
            FingerprintOf("9f0b1c2d3e4f50617283940a1b2c3d4e\n"));
}

TEST_F(FingerprintTest, IsSaltedRatherThanAPlainHashOfTheId) {
  const std::string machine_id = "4c4c4544004b4b10804cb2c04f4e3732";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(machine_id.data()),
                     machine_id.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  const std::string fingerprint = FingerprintOf(machine_id);
  EXPECT_NE(fingerprint, hex);
  EXPECT_EQ(fingerprint.find(machine_id), std::string::npos);
}

TEST_F(FingerprintTest, FailsWithAReasonForAMissingOrEmptyFile) {
  std::string error;
  EXPECT_FALSE(FingerprintFromMachineIdFile((dir_.path() / "absent").string(), error));
  EXPECT_NE(error.find("absent"), std::string::npos);
  const std::filesystem::path empty = dir_.path() / "empty";
  std::ofstream(empty) << "\n";
  error.clear();
  EXPECT_FALSE(FingerprintFromMachineIdFile(empty.string(), error));
  EXPECT_NE(error.find("empty"), std::string::npos);
}

TEST(DeviceFingerprintTest, TheCFunctionRefusesASmallBufferAndAnswersConsistently) {
  char small[SW_FINGERPRINT_LENGTH];
  EXPECT_EQ(sw_device_fingerprint(small, sizeof small), SW_E_BUFFER_TOO_SMALL);
  EXPECT_EQ(sw_device_fingerprint(nullptr, 100), SW_E_INVALID_ARGUMENT);

  char first[SW_FINGERPRINT_LENGTH + 1];
  char second[SW_FINGERPRINT_LENGTH + 1];
  const sw_status status = sw_device_fingerprint(first, sizeof first);
  // Containers often have no machine id: the function must then say so, not invent one.
  std::string expected_error;
  const std::optional<std::string> expected =
      FingerprintFromMachineIdFile(kLinuxMachineIdPath, expected_error);
  if (!expected) {
    EXPECT_EQ(status, SW_E_IO) << expected_error;
    return;
  }
  ASSERT_EQ(status, SW_OK);
  ASSERT_EQ(sw_device_fingerprint(second, sizeof second), SW_OK);
  EXPECT_STREQ(first, second);
  EXPECT_EQ(std::string(first).size(), 64u);
  EXPECT_EQ(std::string(first), *expected);
}

}  // namespace
}  // namespace seatwise::sdk::testing
