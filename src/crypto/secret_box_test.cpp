#include "crypto/secret_box.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_random.hpp"

namespace seatwise::crypto {
namespace {

SecretKey KeyOf(std::uint8_t fill) {
  SecretKey key{};
  key.fill(fill);
  return key;
}

TEST(SecretBoxTest, OpensWhatItSealed) {
  testing::FakeRandom random;
  std::string sealed = Seal(KeyOf(7), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", random);
  EXPECT_EQ(sealed.find("GEZDGNBV"), std::string::npos);
  auto opened = Open(KeyOf(7), sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(SecretBoxTest, UsesAFreshNonceEachTime) {
  testing::FakeRandom random;
  EXPECT_NE(Seal(KeyOf(7), "same", random), Seal(KeyOf(7), "same", random));
}

TEST(SecretBoxTest, RefusesTamperingTheWrongKeyAndGarbage) {
  testing::FakeRandom random;
  std::string sealed = Seal(KeyOf(7), "secret", random);
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Open(KeyOf(7), tampered).ok());
  EXPECT_FALSE(Open(KeyOf(8), sealed).ok());
  EXPECT_FALSE(Open(KeyOf(7), "not base64 !").ok());
  EXPECT_FALSE(Open(KeyOf(7), "AAAA").ok());
  auto error = Open(KeyOf(8), sealed);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, core::ErrorCode::kInternal);
}

TEST(SecretBoxTest, SealsTheEmptyString) {
  testing::FakeRandom random;
  auto opened = Open(KeyOf(1), Seal(KeyOf(1), "", random));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "");
}

}  // namespace
}  // namespace seatwise::crypto
