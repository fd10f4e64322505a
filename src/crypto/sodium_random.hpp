#pragma once
// Operating-system randomness through libsodium.

#include "core/random.hpp"

namespace seatwise::crypto {

// Initialises libsodium once; safe to call from any thread. Returns false if it cannot.
bool InitSodium();

class SodiumRandom final : public core::Random {
 public:
  SodiumRandom();
  void Fill(std::span<std::uint8_t> out) override;
};

}  // namespace seatwise::crypto
