#pragma once
// Runs `attempt(i)` on `threads` threads at once and tallies the outcomes: the seat tests use
// it to fire many concurrent writes at one small pool.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"

namespace seatwise::store {

struct RaceTally {
  int ok = 0;
  int seat_limit = 0;
  std::vector<std::string> other_errors;
};

inline RaceTally RunRace(int threads, const std::function<core::Result<void>(int)>& attempt) {
  RaceTally tally;
  std::mutex mutex;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      auto result = attempt(i);
      std::lock_guard lock(mutex);
      if (result.ok()) {
        ++tally.ok;
      } else if (result.error().code == core::ErrorCode::kSeatLimitReached) {
        ++tally.seat_limit;
      } else {
        tally.other_errors.push_back(std::string(core::ErrorCodeName(result.error().code)) + ": " +
                                     result.error().message);
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  go.store(true);
  for (auto& w : workers) w.join();
  return tally;
}

}  // namespace seatwise::store
