#pragma once
// Password hashing with Argon2id (libsodium's interactive limits, ~90 ms a hash here).

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace seatwise::crypto {

// An encoded Argon2id hash ("$argon2id$v=19$m=...") with its own salt and parameters.
core::Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `encoded`; false for a wrong password or a malformed hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);

}  // namespace seatwise::crypto
