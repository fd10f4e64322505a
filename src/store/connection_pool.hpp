#pragma once
// The connection pool shared by both drivers: connections open lazily up to a bound, each
// lent to one transaction at a time; a caller waits a bounded time for a free one.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace seatwise::store {

template <typename Connection>
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;

  // A borrowed connection; goes back to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(connection_));
    }

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }
    // Closes the connection instead of returning it (it broke and could not be repaired);
    // the pool opens a fresh one on demand.
    void Discard() { connection_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(int capacity, std::chrono::milliseconds max_wait, Opener opener)
      : capacity_(capacity), max_wait_(max_wait), opener_(std::move(opener)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Every lease must have been returned before the pool is destroyed.
  ~ConnectionPool() = default;

  Result<Lease> Acquire() {
    std::unique_lock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + max_wait_;
    bool counted_wait = false;
    while (true) {
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        ++in_use_;
        return Lease(this, std::move(connection));
      }
      if (open_ < capacity_) {
        // Reserve the slot, then connect without holding the lock: connecting may take a
        // network round trip and must not block other checkouts.
        ++open_;
        ++in_use_;
        lock.unlock();
        Result<std::unique_ptr<Connection>> opened = opener_();
        if (!opened.ok()) {
          lock.lock();
          --open_;
          --in_use_;
          cv_.notify_one();
          return std::move(opened).error();
        }
        return Lease(this, std::move(opened).value());
      }
      if (!counted_wait) {
        ++waits_;
        counted_wait = true;
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= capacity_) {
        return core::MakeError(ErrorCode::kUnavailable,
                               "database connection pool exhausted: all " +
                                   std::to_string(capacity_) + " connections busy for " +
                                   std::to_string(max_wait_.count()) + " ms");
      }
    }
  }

  PoolStats Stats() const {
    std::lock_guard lock(mu_);
    return PoolStats{open_, in_use_, waits_};
  }

 private:
  void Return(std::unique_ptr<Connection> connection) {
    {
      std::lock_guard lock(mu_);
      --in_use_;
      if (connection) {
        idle_.push_back(std::move(connection));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
  }

  const int capacity_;
  const std::chrono::milliseconds max_wait_;
  const Opener opener_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_
  int in_use_ = 0;                                 // guarded by mu_
  std::int64_t waits_ = 0;                         // guarded by mu_
};

// How many times a transaction is run when it keeps failing for a transient reason.
inline constexpr int kMaxTransactionAttempts = 5;

// Sleeps before rerunning a transaction that lost a lock race: exponential from 2 ms with
// jitter, so the contenders do not collide again in lockstep.
inline void BackoffBeforeRetry(int attempt) {
  thread_local std::minstd_rand jitter(
      static_cast<std::uint_fast32_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  const int base_us = 2000 << std::min(attempt, 6);
  std::uniform_int_distribution<int> spread(base_us / 2, base_us);
  std::this_thread::sleep_for(std::chrono::microseconds(spread(jitter)));
}

}  // namespace seatwise::store
