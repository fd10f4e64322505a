#include "crypto/totp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base32.hpp"

namespace seatwise::crypto {
namespace {

std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

core::TimePoint AtSeconds(std::int64_t seconds) { return core::FromUnixMillis(seconds * 1000); }

struct Rfc6238Vector {
  std::int64_t unix_seconds;
  std::string_view sha1;
  std::string_view sha256;
  std::string_view sha512;
};

// RFC 6238 appendix B: 8 digits, 30-second steps, ASCII seeds of 20, 32 and 64 bytes.
constexpr Rfc6238Vector kRfc6238Vectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

const std::vector<std::uint8_t> kSeed20 = Bytes("12345678901234567890");
const std::vector<std::uint8_t> kSeed32 = Bytes("12345678901234567890123456789012");
const std::vector<std::uint8_t> kSeed64 =
    Bytes("1234567890123456789012345678901234567890123456789012345678901234");

TEST(TotpTest, MatchesEveryRfc6238VectorForSha1Sha256AndSha512) {
  for (const auto& v : kRfc6238Vectors) {
    std::int64_t step = TotpStep(AtSeconds(v.unix_seconds));
    EXPECT_EQ(TotpCode(kSeed20, step, 8, TotpAlgorithm::kSha1), v.sha1) << v.unix_seconds;
    EXPECT_EQ(TotpCode(kSeed32, step, 8, TotpAlgorithm::kSha256), v.sha256) << v.unix_seconds;
    EXPECT_EQ(TotpCode(kSeed64, step, 8, TotpAlgorithm::kSha512), v.sha512) << v.unix_seconds;
  }
}

TEST(TotpTest, SixDigitCodesAreTheLastSixOfTheEightDigitOnes) {
  for (const auto& v : kRfc6238Vectors) {
    std::int64_t step = TotpStep(AtSeconds(v.unix_seconds));
    EXPECT_EQ(TotpCode(kSeed20, step), v.sha1.substr(2));
  }
}

TEST(TotpTest, VerifyReturnsTheMatchedStepWithinOneStepOfDrift) {
  core::TimePoint now = AtSeconds(1111111111);
  std::int64_t step = TotpStep(now);
  std::string previous = TotpCode(kSeed20, step - 1);
  std::string current = TotpCode(kSeed20, step);
  std::string next = TotpCode(kSeed20, step + 1);
  EXPECT_EQ(VerifyTotp(kSeed20, current, now), step);
  EXPECT_EQ(VerifyTotp(kSeed20, previous, now), step - 1);
  EXPECT_EQ(VerifyTotp(kSeed20, next, now), step + 1);
  EXPECT_FALSE(VerifyTotp(kSeed20, TotpCode(kSeed20, step - 2), now).has_value());
  EXPECT_FALSE(VerifyTotp(kSeed20, TotpCode(kSeed20, step + 2), now).has_value());
  EXPECT_EQ(VerifyTotp(kSeed20, current.substr(0, 3) + " " + current.substr(3), now), step);
}

TEST(TotpTest, VerifyRefusesMalformedCodes) {
  core::TimePoint now = AtSeconds(59);
  EXPECT_FALSE(VerifyTotp(kSeed20, "", now).has_value());
  EXPECT_FALSE(VerifyTotp(kSeed20, "28708", now).has_value());
  EXPECT_FALSE(VerifyTotp(kSeed20, "2870822", now).has_value());
  EXPECT_FALSE(VerifyTotp(kSeed20, "28708a", now).has_value());
  EXPECT_FALSE(VerifyTotp({}, "287082", now).has_value());
  EXPECT_EQ(VerifyTotp(kSeed20, "287082", now), 1);
}

TEST(TotpTest, UriNamesIssuerAccountAndParametersPercentEncoded) {
  std::string secret = Base32Encode(kSeed20);
  EXPECT_EQ(TotpUri("ann+cad@contoso.example", secret),
            "otpauth://totp/Seatwise:ann%2Bcad%40contoso.example"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Seatwise&algorithm=SHA1&digits=6"
            "&period=30");
  EXPECT_EQ(PercentEncode("a b/é"), "a%20b%2F%C3%A9");
}

}  // namespace
}  // namespace seatwise::crypto
