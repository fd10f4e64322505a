#pragma once
// Secrets the server must read back (TOTP secrets), encrypted at rest with a server key
// (XSalsa20-Poly1305): a copied database alone does not reveal them.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"

namespace seatwise::crypto {

using SecretKey = std::array<std::uint8_t, 32>;

// base64(nonce || ciphertext); a fresh random nonce each time.
std::string Seal(const SecretKey& key, std::string_view plaintext, core::Random& random);

// The plaintext of a sealed value; kInternal when it was altered or sealed with another key.
core::Result<std::string> Open(const SecretKey& key, std::string_view sealed);

}  // namespace seatwise::crypto
