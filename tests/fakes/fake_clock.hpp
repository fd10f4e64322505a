#pragma once
// A settable clock for tests of time-based rules: tests move it instead of sleeping.

#include <atomic>
#include <chrono>

#include "core/clock.hpp"

namespace seatwise::testing {

class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(core::TimePoint start = core::FromUnixMillis(1'767'225'600'000))  // 2026-01-01
      : now_ms_(core::ToUnixMillis(start)) {}

  core::TimePoint Now() const override { return core::FromUnixMillis(now_ms_.load()); }
  void Set(core::TimePoint t) { now_ms_.store(core::ToUnixMillis(t)); }
  void Advance(std::chrono::milliseconds d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace seatwise::testing
