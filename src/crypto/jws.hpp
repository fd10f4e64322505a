#pragma once
// Compact JWS with EdDSA (Ed25519), the form of entitlement tokens:
// base64url(header) "." base64url(payload) "." base64url(signature), unpadded, the signature
// taken over the ASCII bytes of the first two parts.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/ed25519.hpp"

namespace seatwise::crypto {

// The token for `header_json` and `payload_json`, signed with `secret_key`. The header is
// used as given; it must name alg EdDSA for the token to verify.
std::string SignCompact(std::string_view header_json, std::string_view payload_json,
                        const Ed25519SecretKey& secret_key);

struct Verified {
  std::string header_json;
  std::string payload_json;
  std::string kid;  // "" when the header names none
};

// The public key for a kid; nullopt when no such key is known.
using KeyLookup = std::function<core::Result<std::optional<Ed25519PublicKey>>(const std::string&)>;

// The header and payload of a token whose signature verifies with the key its kid names.
// kInvalidArgument for a malformed token, bad base64url, an alg other than EdDSA, an unknown
// kid or a bad signature; an error of the lookup is returned as is.
core::Result<Verified> VerifyCompact(std::string_view token, const KeyLookup& lookup);

// The members of a flat JSON object (string, number, true, false or null values): strings
// decoded, other values as written ("null", "1700000000"). kInvalidArgument for anything
// else, nested values included.
core::Result<std::map<std::string, std::string>> FlatJsonMembers(std::string_view json);

}  // namespace seatwise::crypto
