#pragma once
// Offline verification of an entitlement token (compact JWS, EdDSA/Ed25519) against trusted
// public keys, of a key set signed by a pinned key, and the state a token allows at a given
// time.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatwise::sdk {

// One Ed25519 verification key of the server's key set.
struct PublicKey {
  std::string kid;
  std::array<unsigned char, 32> bytes{};
};

// The Ed25519 keys of a JWKS document; other key types are skipped. Empty with `error` set
// when the text is not a key set or holds no usable key.
std::vector<PublicKey> ParseJwks(std::string_view jwks_json, std::string& error);

// The claims of a token whose signature verified.
struct Claims {
  std::string issuer;
  std::string kind;
  std::string activation_id;
  std::optional<std::string> user;
  std::string product;
  std::string product_code;
  std::string subscription;
  std::string device;
  std::string fingerprint;
  std::int64_t issued_at = 0;
  std::int64_t reauth_at = 0;
  std::int64_t grace_until = 0;
  std::int64_t warn_from = 0;
};

// The claims of `token` when it is well formed, names a pinned key by its kid, uses alg
// EdDSA and its signature verifies with that key; otherwise nothing, with `error` set.
std::optional<Claims> VerifyToken(std::string_view token, const std::vector<PublicKey>& keys,
                                  std::string& error);

// The kid in the header of `token`, read without verifying anything; nothing when absent.
std::optional<std::string> TokenKid(std::string_view token);

// The media type (JWS "typ") of a signed key set: a compact JWS whose payload is a JWKS
// document ({"keys":[...]}), so a rotated key can reach a product that pins an older one.
inline constexpr std::string_view kKeySetType = "jwk-set+jwt";

// The Ed25519 keys of a signed key set when its signature verifies with one of `pinned`
// (only pinned keys may vouch for other keys; a key learned from a set never does); otherwise
// nothing, with `error` set.
std::optional<std::vector<PublicKey>> VerifyKeySet(std::string_view signed_set,
                                                   const std::vector<PublicKey>& pinned,
                                                   std::string& error);

// The keys that verify tokens: every pinned key, and each learned key whose kid no pinned key
// already uses.
std::vector<PublicKey> TrustedKeys(const std::vector<PublicKey>& pinned,
                                   const std::vector<PublicKey>& learned);

enum class TokenState { kValid, kReauthorize, kGraceWarning, kExpired, kRevoked };

// What a verified token allows at `now`, and the whole days of offline grace left.
struct TokenStanding {
  TokenState state = TokenState::kValid;
  std::int64_t days_left = 0;
};

TokenStanding StandingAt(const Claims& claims, std::int64_t now, bool revoked);

// Decodes base64url without padding; nothing for any other character or a bad length.
std::optional<std::string> DecodeBase64Url(std::string_view text);

}  // namespace seatwise::sdk
