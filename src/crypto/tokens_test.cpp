#include "crypto/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

#include "fakes/fake_random.hpp"

namespace seatwise::crypto {
namespace {

TEST(TokensTest, NewTokenIsThePrefixAnd160BitsOfLowercaseBase32) {
  testing::FakeRandom random;
  std::string token = NewToken(random, token_prefix::kSession);
  ASSERT_EQ(token.size(), 4 + kTokenBodyLength);
  EXPECT_EQ(token.substr(0, 4), "sws_");
  for (char c : token.substr(4)) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << token;
  }
}

TEST(TokensTest, NewTokensDiffer) {
  testing::FakeRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewToken(random, token_prefix::kPersonalApi));
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(TokensTest, PrefixesAreDistinct) {
  std::set<std::string_view> prefixes = {token_prefix::kSession,      token_prefix::kCsrf,
                                         token_prefix::kPersonalApi,  token_prefix::kOAuthAccess,
                                         token_prefix::kOAuthRefresh, token_prefix::kDeviceCode,
                                         token_prefix::kInvitation,   token_prefix::kPasswordReset};
  EXPECT_EQ(prefixes.size(), 8U);
}

TEST(TokensTest, HashIsStableBlake2b256Hex) {
  // BLAKE2b-256 of the empty string and of "abc" (unkeyed).
  EXPECT_EQ(HashToken(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(HashToken("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(HashToken("sws_abc"), HashToken("sws_abc"));
  EXPECT_NE(HashToken("sws_abc"), HashToken("sws_abd"));
}

TEST(TokensTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("swc_abc", "swc_abc"));
  EXPECT_FALSE(ConstantTimeEquals("swc_abc", "swc_abd"));
  EXPECT_FALSE(ConstantTimeEquals("swc_abc", "swc_ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace seatwise::crypto
