#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_random.hpp"

namespace seatwise::crypto {
namespace {

TEST(Base64UrlTest, EncodesWithoutPaddingAndRoundTrips) {
  EXPECT_EQ(Base64UrlEncode(std::string_view("")), "");
  EXPECT_EQ(Base64UrlEncode(std::string_view("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(std::string_view("fo")), "Zm8");
  EXPECT_EQ(Base64UrlEncode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(std::string_view("\xfb\xff")), "-_8");
  auto decoded = Base64UrlDecode("-_8");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "\xfb\xff");
}

TEST(Base64UrlTest, RefusesPaddingStandardAlphabetAndImpossibleLengths) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").ok());
}

TEST(Ed25519Test, SignaturesVerifyOnlyForTheSameMessageAndKey) {
  testing::FakeRandom random;
  const auto a = NewEd25519KeyPair(random);
  const auto b = NewEd25519KeyPair(random);
  EXPECT_NE(a.public_key, b.public_key);
  const auto signature = Ed25519Sign("activate DRL", a.secret_key);
  EXPECT_TRUE(Ed25519Verify("activate DRL", signature, a.public_key));
  EXPECT_FALSE(Ed25519Verify("activate DRM", signature, a.public_key));
  EXPECT_FALSE(Ed25519Verify("activate DRL", signature, b.public_key));
  EXPECT_FALSE(Ed25519Verify("activate DRL", std::span(signature).first(63), a.public_key));
}

TEST(Ed25519Test, TheSeedRederivesTheSameKeyPair) {
  testing::FakeRandom random;
  const auto pair = NewEd25519KeyPair(random);
  const auto again = Ed25519KeyPairFromSeed(Ed25519SeedOf(pair.secret_key));
  EXPECT_EQ(again.public_key, pair.public_key);
  EXPECT_EQ(again.secret_key, pair.secret_key);
}

}  // namespace
}  // namespace seatwise::crypto
