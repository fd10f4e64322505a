#pragma once
// Time is injected: every rule with a duration reads a Clock, so tests can move it.

#include <chrono>
#include <cstdint>

namespace seatwise::core {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The wall clock; used only by the composition root.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// Storage form of a time: milliseconds since the Unix epoch, UTC.
inline std::int64_t ToUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixMillis(std::int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace seatwise::core
