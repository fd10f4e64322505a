#pragma once
// Deterministic randomness for tests: a seeded xorshift stream, thread-safe.

#include <cstdint>
#include <mutex>
#include <span>

#include "core/random.hpp"

namespace seatwise::testing {

class FakeRandom final : public core::Random {
 public:
  explicit FakeRandom(std::uint64_t seed = 42) : state_(seed ? seed : 1) {}

  void Fill(std::span<std::uint8_t> out) override {
    std::lock_guard lock(mutex_);
    for (auto& b : out) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      b = static_cast<std::uint8_t>(state_ >> 24);
    }
  }

 private:
  std::mutex mutex_;
  std::uint64_t state_;
};

}  // namespace seatwise::testing
