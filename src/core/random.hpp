#pragma once
// Randomness is injected so ids, tokens and serials are reproducible in tests.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace seatwise::core {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with cryptographically strong random bytes (fakes: deterministic bytes).
  virtual void Fill(std::span<std::uint8_t> out) = 0;
};

// An opaque, prefixed id such as "usr_7k3m9q2x4c8v1b5n6z0w2e4r": the prefix names the
// kind of object; 120 random bits follow in lowercase Crockford base32.
std::string NewId(Random& random, std::string_view prefix);

// `length` characters of Crockford base32 drawn from `random` (upper case).
std::string RandomBase32(Random& random, std::size_t length);

}  // namespace seatwise::core
