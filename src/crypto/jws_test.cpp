#include "crypto/jws.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fakes/fake_random.hpp"

namespace seatwise::crypto {
namespace {

KeyLookup Only(const std::string& kid, const Ed25519PublicKey& key) {
  return [kid, key](const std::string& asked) -> core::Result<std::optional<Ed25519PublicKey>> {
    if (asked == kid) return std::optional<Ed25519PublicKey>(key);
    return std::optional<Ed25519PublicKey>();
  };
}

Ed25519Seed SeedFrom(std::string_view base64url) {
  auto bytes = Base64UrlDecode(base64url);
  EXPECT_TRUE(bytes.ok());
  Ed25519Seed seed{};
  if (bytes.ok() && bytes->size() == seed.size())
    std::copy(bytes->begin(), bytes->end(), seed.begin());
  return seed;
}

// RFC 8037, appendix A.4: the Ed25519 signing example.
TEST(JwsTest, ReproducesTheRfc8037Ed25519Example) {
  const auto pair = Ed25519KeyPairFromSeed(SeedFrom("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"));
  EXPECT_EQ(Base64UrlEncode(std::span<const std::uint8_t>(pair.public_key)),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  const std::string token =
      SignCompact(R"({"alg":"EdDSA"})", "Example of Ed25519 signing", pair.secret_key);
  EXPECT_EQ(
      token,
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
  auto verified = VerifyCompact(token, Only("", pair.public_key));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->payload_json, "Example of Ed25519 signing");
  EXPECT_EQ(verified->kid, "");
}

class SignedTokenTest : public ::testing::Test {
 protected:
  testing::FakeRandom random_;
  Ed25519KeyPair key_ = NewEd25519KeyPair(random_);
  std::string header_ = R"({"alg":"EdDSA","typ":"JWT","kid":"key-1"})";
  std::string payload_ = R"({"jti":"act_1","user":null,"iat":1700000000})";
  std::string token_ = SignCompact(header_, payload_, key_.secret_key);
};

TEST_F(SignedTokenTest, VerifiesAndNamesTheKid) {
  auto verified = VerifyCompact(token_, Only("key-1", key_.public_key));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->kid, "key-1");
  EXPECT_EQ(verified->header_json, header_);
  EXPECT_EQ(verified->payload_json, payload_);
}

TEST_F(SignedTokenTest, RefusesATamperedPayload) {
  const auto first = token_.find('.');
  const auto second = token_.find('.', first + 1);
  const std::string forged =
      token_.substr(0, first + 1) +
      Base64UrlEncode(std::string_view(R"({"jti":"act_2","user":null,"iat":1700000000})")) +
      token_.substr(second);
  auto verified = VerifyCompact(forged, Only("key-1", key_.public_key));
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().message, "the token signature does not verify");
}

TEST_F(SignedTokenTest, RefusesAnotherKeyAndAnUnknownKid) {
  const auto other = NewEd25519KeyPair(random_);
  EXPECT_FALSE(VerifyCompact(token_, Only("key-1", other.public_key)).ok());
  auto unknown = VerifyCompact(token_, Only("key-2", key_.public_key));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "the token was signed with an unknown key");
}

TEST_F(SignedTokenTest, RefusesOtherAlgorithmsAndMalformedTokens) {
  const std::string none =
      SignCompact(R"({"alg":"none","kid":"key-1"})", payload_, key_.secret_key);
  EXPECT_FALSE(VerifyCompact(none, Only("key-1", key_.public_key)).ok());
  const std::string hs = SignCompact(R"({"alg":"HS256","kid":"key-1"})", payload_, key_.secret_key);
  EXPECT_FALSE(VerifyCompact(hs, Only("key-1", key_.public_key)).ok());
  const auto lookup = Only("key-1", key_.public_key);
  EXPECT_FALSE(VerifyCompact("", lookup).ok());
  EXPECT_FALSE(VerifyCompact("a.b", lookup).ok());
  EXPECT_FALSE(VerifyCompact(token_ + ".x", lookup).ok());
  EXPECT_FALSE(VerifyCompact(token_ + "=", lookup).ok());
  std::string bad_base64 = token_;
  bad_base64[3] = '*';
  EXPECT_FALSE(VerifyCompact(bad_base64, lookup).ok());
  const std::string not_json = SignCompact("alg=EdDSA", payload_, key_.secret_key);
  EXPECT_FALSE(VerifyCompact(not_json, lookup).ok());
}

TEST(FlatJsonTest, ReadsStringsNumbersAndLiterals) {
  auto members = FlatJsonMembers(R"( {"a":"x\"\u00e9","n":-12,"t":true,"z":null} )");
  ASSERT_TRUE(members.ok()) << members.error().message;
  EXPECT_EQ(members->at("a"), "x\"\xc3\xa9");
  EXPECT_EQ(members->at("n"), "-12");
  EXPECT_EQ(members->at("t"), "true");
  EXPECT_EQ(members->at("z"), "null");
  EXPECT_FALSE(FlatJsonMembers(R"({"a":{"b":1}})").ok());
  EXPECT_FALSE(FlatJsonMembers(R"({"a":1} x)").ok());
  EXPECT_FALSE(FlatJsonMembers(R"({"a" 1})").ok());
}

}  // namespace
}  // namespace seatwise::crypto
