#pragma once
// RFC 4648 base32 (alphabet A-Z2-7), the encoding of TOTP secrets and of token bodies.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace seatwise::crypto {

// Upper-case base32; `pad` appends '=' to a multiple of 8 characters.
std::string Base32Encode(std::span<const std::uint8_t> bytes, bool pad = true);

// Decodes base32 in either case, ignoring spaces, dashes and trailing '=' (people copy
// secrets by hand). nullopt for any other character or an impossible length.
std::optional<std::vector<std::uint8_t>> Base32Decode(std::string_view text);

}  // namespace seatwise::crypto
