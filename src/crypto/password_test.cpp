#include "crypto/password.hpp"

#include <gtest/gtest.h>

#include <array>

#include "crypto/sodium_random.hpp"

namespace seatwise::crypto {
namespace {

TEST(PasswordTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0U);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery staple"));
}

TEST(PasswordTest, SaltsEveryHash) {
  auto a = HashPassword("same password");
  auto b = HashPassword("same password");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(SodiumRandomTest, FillsWithFreshBytes) {
  SodiumRandom random;
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  random.Fill(a);
  random.Fill(b);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace seatwise::crypto
