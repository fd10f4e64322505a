#include "crypto/password_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace seatwise::crypto {
namespace {

constexpr std::string_view kEmail = "annabel@contoso.example";

// The field message for a refused password, or "" when accepted.
std::string Refusal(std::string_view password, std::string_view email = kEmail) {
  auto result = CheckPasswordPolicy(password, email);
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().fields.size(), 1U);
  if (result.error().fields.empty()) return "?";
  EXPECT_EQ(result.error().fields[0].field, "password");
  return result.error().fields[0].message;
}

TEST(PasswordPolicyTest, AcceptsLongUncommonPasswords) {
  EXPECT_EQ(Refusal("correct horse battery staple"), "");
  EXPECT_EQ(Refusal("Tr0ub4dor&3x"), "");
  EXPECT_EQ(Refusal("zebra-lantern-9"), "");
}

TEST(PasswordPolicyTest, CountsCharactersNotBytes) {
  // 9 characters in 18 bytes: too short; 10 characters: long enough.
  EXPECT_NE(Refusal("ééééééééé").find("at least 10"), std::string::npos);
  EXPECT_EQ(Refusal("čaj s mlékem"), "");
}

TEST(PasswordPolicyTest, RefusesShortAndOverlongPasswords) {
  EXPECT_NE(Refusal("kx7!pq2mz").find("at least 10"), std::string::npos);
  EXPECT_EQ(Refusal(std::string(256, 'x').replace(0, 3, "ab1")), "");
  EXPECT_NE(Refusal(std::string(257, 'x')).find("at most 256"), std::string::npos);
}

TEST(PasswordPolicyTest, RefusesCommonPasswordsInAnyCase) {
  for (std::string_view common : {"password1234", "qwertyuiop", "iloveyou12", "Password123!",
                                  "QWERTY12345", "1q2w3e4r5t", "welcome2026"}) {
    EXPECT_NE(Refusal(common).find("most common"), std::string::npos) << common;
  }
}

TEST(PasswordPolicyTest, RefusesCommonWordsDecoratedWithDigitsOrSymbols) {
  EXPECT_NE(Refusal("Sunshine2024!").find("most common"), std::string::npos);
  EXPECT_NE(Refusal("!!football99").find("most common"), std::string::npos);
  EXPECT_EQ(Refusal("sunshine on the lake"), "");
}

TEST(PasswordPolicyTest, RefusesRepetitionsAndSequences) {
  for (std::string_view weak : {"aaaaaaaaaa", "1111111111", "abababababab", "xyzxyzxyzxyz",
                                "abcdefghijk", "0123456789", "9876543210", "ZYXWVUTSRQ"}) {
    EXPECT_NE(Refusal(weak).find("sequences"), std::string::npos) << weak;
  }
}

TEST(PasswordPolicyTest, RefusesTheEmailLocalPart) {
  EXPECT_NE(Refusal("my Annabel secret").find("e-mail"), std::string::npos);
  // A local part shorter than 4 characters is too common a substring to refuse.
  EXPECT_EQ(Refusal("jo likes long walks", "jo@contoso.example"), "");
}

}  // namespace
}  // namespace seatwise::crypto
