#pragma once
// What the SDK remembers of revocations: the server answered "revoked" for a token, so that
// token, and every earlier one of the same activation, stays refused on this computer even
// when someone writes it back into the cache file.
//
// Nothing here is secret or signed: a person who controls the computer can delete the record
// (and the cache) outright. That is the same as never letting the product go online after the
// revocation, and it is bounded the same way: by the grace_until the server signed into the
// token. What the record rules out is cheaper tricks: flipping a flag, or restoring a saved
// token file on its own.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entitlement.hpp"

namespace seatwise::sdk {

// One revoked token: its activation (jti) and issue time, read from its payload, and a
// SHA-256 of the whole token for a token whose payload cannot be read.
struct Revocation {
  std::string activation_id;  // "" when the token's payload was unreadable
  std::int64_t issued_at = 0;
  std::string digest;  // lowercase hex SHA-256 of the token text
};

// At most this many revocations are kept per product; the oldest recorded go first.
inline constexpr std::size_t kMaxRevocations = 256;

// Where the cache directory keeps the revocations of `product_code`.
std::string RevocationsPath(const std::string& cache_dir, const std::string& product_code);

// The recorded revocations: empty when the file does not exist; nothing, with `error` set,
// when it exists but cannot be read or parsed (the caller must then trust no token).
std::optional<std::vector<Revocation>> LoadRevocations(const std::string& path, std::string& error);

// Replaces the record with `revocations` (atomically, 0600).
bool StoreRevocations(const std::string& path, const std::vector<Revocation>& revocations,
                      std::string& error);

// The revocation of `token`: its jti and iat when its payload reads (unverified: a record can
// only ever refuse), and its digest.
Revocation RevocationOf(std::string_view token);

// Whether `revocations` refuse a verified token: the same token, or one of the same
// activation issued earlier than a revoked one.
bool IsRevoked(const std::vector<Revocation>& revocations, const Claims& claims,
               std::string_view token);

// Records `token` as revoked and then rewrites the cache file as {"revoked": true}, dropping
// the token (in that order, so a crash in between still leaves it refused). A damaged record
// is replaced by one holding this revocation.
bool RevokeCachedToken(const std::string& cache_path, const std::string& revocations_path,
                       const std::string& token, std::string& error);

}  // namespace seatwise::sdk
