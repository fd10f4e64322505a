#include "crypto/base32.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seatwise::crypto {
namespace {

std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

struct Vector {
  std::string_view plain;
  std::string_view encoded;
};

// RFC 4648 section 10.
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

TEST(Base32Test, EncodesTheRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    EXPECT_EQ(Base32Encode(Bytes(v.plain)), v.encoded) << v.plain;
  }
}

TEST(Base32Test, DecodesTheRfc4648VectorsWithAndWithoutPadding) {
  for (const auto& v : kRfc4648Vectors) {
    auto padded = Base32Decode(v.encoded);
    ASSERT_TRUE(padded.has_value()) << v.encoded;
    EXPECT_EQ(*padded, Bytes(v.plain));
    auto bare = Base32Decode(Base32Encode(Bytes(v.plain), false));
    ASSERT_TRUE(bare.has_value());
    EXPECT_EQ(*bare, Bytes(v.plain));
  }
}

TEST(Base32Test, DecodesWhatPeopleTypeFromAnAuthenticatorScreen) {
  auto decoded = Base32Decode("mzxw 6ytb-oi");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, Bytes("foobar"));
}

TEST(Base32Test, RefusesForeignCharactersAndImpossibleLengths) {
  EXPECT_FALSE(Base32Decode("MZXW1===").has_value());  // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("MZXW6YT!").has_value());
  EXPECT_FALSE(Base32Decode("M").has_value());    // 1 digit cannot hold a byte
  EXPECT_FALSE(Base32Decode("MZX").has_value());  // neither can 3
}

}  // namespace
}  // namespace seatwise::crypto
