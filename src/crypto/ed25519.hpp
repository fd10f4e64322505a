#pragma once
// Ed25519 signatures (libsodium) for entitlement tokens, and the unpadded base64url text
// form that JOSE uses for keys and signatures.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"

namespace seatwise::crypto {

using Ed25519PublicKey = std::array<std::uint8_t, 32>;
// libsodium's form: the 32-byte seed followed by the public key.
using Ed25519SecretKey = std::array<std::uint8_t, 64>;
using Ed25519Seed = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

struct Ed25519KeyPair {
  Ed25519PublicKey public_key{};
  Ed25519SecretKey secret_key{};
};

// The key pair derived from a 32-byte seed (the private key of RFC 8032).
Ed25519KeyPair Ed25519KeyPairFromSeed(const Ed25519Seed& seed);
// A fresh key pair from 32 bytes of `random`.
Ed25519KeyPair NewEd25519KeyPair(core::Random& random);
// The seed a secret key was derived from (what is kept, sealed, at rest).
Ed25519Seed Ed25519SeedOf(const Ed25519SecretKey& secret_key);

// The detached signature of `message`.
Ed25519Signature Ed25519Sign(std::string_view message, const Ed25519SecretKey& secret_key);
// True when `signature` is a valid signature of `message` by `public_key`.
bool Ed25519Verify(std::string_view message, std::span<const std::uint8_t> signature,
                   const Ed25519PublicKey& public_key);

// Base64url without padding (RFC 4648 §5, as JOSE uses it).
std::string Base64UrlEncode(std::span<const std::uint8_t> bytes);
std::string Base64UrlEncode(std::string_view bytes);
// The bytes of unpadded base64url text; kInvalidArgument for any other character, padding
// or a length that no encoding produces.
core::Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace seatwise::crypto
