#include "crypto/tokens.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdint>

#include "crypto/base32.hpp"
#include "crypto/sodium_random.hpp"

namespace seatwise::crypto {

std::string NewToken(core::Random& random, std::string_view prefix) {
  std::array<std::uint8_t, kTokenBodyLength * 5 / 8> bytes{};
  random.Fill(bytes);
  std::string body = Base32Encode(bytes, false);
  for (char& c : body) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string token(prefix);
  token += body;
  return token;
}

std::string HashToken(std::string_view token) {
  InitSodium();
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace seatwise::crypto
