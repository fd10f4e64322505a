#pragma once
// The instance's 32-byte secret that seals TOTP secrets at rest: given as hex in the config
// (e.g. SEATWISE_AUTH_SECRET_KEY from a secret store), or kept in a file created on first
// start with mode 0600.

#include <array>
#include <cstdint>
#include <string>

#include "core/random.hpp"
#include "core/result.hpp"

namespace seatwise::app {

using SecretKey = std::array<std::uint8_t, 32>;

// `hex` when not empty (64 hex digits); else the 32 bytes of `path`, which is created with
// fresh random bytes (mode 0600, parent directories as needed) when it does not exist.
// kInvalidArgument for a file of another size or bad hex; kUnavailable when the file cannot
// be read or written.
core::Result<SecretKey> LoadOrCreateSecretKey(const std::string& hex, const std::string& path,
                                              core::Random& random);

}  // namespace seatwise::app
