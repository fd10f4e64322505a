#pragma once
// Bearer secrets: a kind prefix followed by 160 random bits. Only their hash is stored, so
// a leaked database does not leak usable credentials.

#include <string>
#include <string_view>

#include "core/random.hpp"

namespace seatwise::crypto {

// Token prefixes, one per kind of secret; they let people and secret scanners tell them apart.
namespace token_prefix {
inline constexpr std::string_view kSession = "sws_";
inline constexpr std::string_view kCsrf = "swc_";
inline constexpr std::string_view kPersonalApi = "swp_";
inline constexpr std::string_view kOAuthAccess = "swa_";
inline constexpr std::string_view kOAuthRefresh = "swr_";
inline constexpr std::string_view kDeviceCode = "swd_";
inline constexpr std::string_view kDeviceCredential = "swm_";
inline constexpr std::string_view kInvitation = "swi_";
inline constexpr std::string_view kPasswordReset = "swt_";
}  // namespace token_prefix

// Characters after the prefix: 32 lowercase RFC 4648 base32 characters (160 bits).
inline constexpr std::size_t kTokenBodyLength = 32;

// `prefix` followed by 160 random bits in lowercase base32, e.g. "sws_k3...".
std::string NewToken(core::Random& random, std::string_view prefix);

// The storage form of a token: BLAKE2b-256 of its bytes, 64 lowercase hex characters.
std::string HashToken(std::string_view token);

// Equality whose time depends only on the lengths, not on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace seatwise::crypto
