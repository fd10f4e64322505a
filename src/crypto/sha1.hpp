#pragma once
// SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104). Only for TOTP: authenticator apps default to
// HMAC-SHA1, which libsodium does not provide. Never use it for anything needing collision
// resistance.

#include <array>
#include <cstdint>
#include <span>

namespace seatwise::crypto {

using Sha1Digest = std::array<std::uint8_t, 20>;

Sha1Digest Sha1(std::span<const std::uint8_t> message);

Sha1Digest HmacSha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message);

}  // namespace seatwise::crypto
