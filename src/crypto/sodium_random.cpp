#include "crypto/sodium_random.hpp"

#include <sodium.h>

#include <stdexcept>

namespace seatwise::crypto {

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

SodiumRandom::SodiumRandom() {
  if (!InitSodium()) throw std::runtime_error("libsodium could not be initialised");
}

void SodiumRandom::Fill(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

}  // namespace seatwise::crypto
