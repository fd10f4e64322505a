#include "crypto/password.hpp"

#include <sodium.h>

#include "crypto/sodium_random.hpp"

namespace seatwise::crypto {

core::Result<std::string> HashPassword(std::string_view password) {
  if (!InitSodium()) return core::MakeError(core::ErrorCode::kInternal, "crypto unavailable");
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "not enough memory to hash the password; try again");
  }
  out.resize(out.find('\0'));
  return out;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (!InitSodium() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::string hash(encoded);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace seatwise::crypto
