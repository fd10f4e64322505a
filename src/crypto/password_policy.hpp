#pragma once
// What a new password must satisfy before it is hashed: long enough, not absurdly long, and
// not one of the first guesses of anyone trying accounts.

#include <string_view>

#include "core/result.hpp"

namespace seatwise::crypto {

inline constexpr std::size_t kMinPasswordCodePoints = 10;
inline constexpr std::size_t kMaxPasswordBytes = 256;

// kInvalidArgument with a field error on "password" explaining what to change, when the
// password is shorter than 10 characters (UTF-8 code points), longer than 256 bytes, a
// common password (or a common word with digits or symbols around it), one repeated
// character or short pattern, a simple sequence ("abcdefghij", "9876543210"), or contains
// the local part of `email` (when it has 4 or more characters).
core::Result<void> CheckPasswordPolicy(std::string_view password, std::string_view email);

}  // namespace seatwise::crypto
