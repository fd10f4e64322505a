#pragma once
// Request, connection and database-pool metrics in the Prometheus text format 0.0.4.
// Recording is lock-free (relaxed atomics on series prepared before serving starts).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace seatwise::http {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kBucketBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  explicit Metrics(core::TimePoint process_start);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Prepares the series of every route, plus "unmatched" for 404/405/400 answers that
  // reach no route. Call once, before the first RecordRequest.
  void RegisterRoutes(const std::vector<Route>& routes);

  // Counts one answered request. `route` is the matched route's index, or nullopt;
  // `method` is nullopt for a verb outside Method.
  void RecordRequest(std::optional<std::size_t> route, std::optional<Method> method, int status,
                     std::chrono::nanoseconds duration);

  // The open-connection gauge; each returns the new value.
  std::int64_t ConnectionOpened();
  std::int64_t ConnectionClosed();
  std::int64_t open_connections() const;

  // The exposition text, with the database pool figures read just now.
  std::string Render(const store::PoolStats& pool) const;

 private:
  static constexpr std::size_t kStatusSlots = 40;

  struct Histogram {
    std::string route;
    std::array<std::atomic<std::uint64_t>, kBucketBounds.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> sum_ns{0};
    std::atomic<std::uint64_t> count{0};
  };
  struct Counters {
    std::string route;
    std::string method;
    std::array<std::atomic<std::uint64_t>, kStatusSlots> by_status{};
    Histogram* histogram = nullptr;
  };

  Counters& CountersFor(std::optional<std::size_t> route, std::optional<Method> method);

  core::TimePoint process_start_;
  std::vector<std::unique_ptr<Histogram>> histograms_;
  std::vector<std::unique_ptr<Counters>> route_counters_;      // by Route::index
  std::vector<std::unique_ptr<Counters>> unmatched_counters_;  // by Method, then "OTHER"
  std::atomic<std::int64_t> open_connections_{0};

  // Statuses outside the preallocated slots; rare, so a mutex is fine.
  mutable std::mutex rare_mutex_;
  std::map<std::pair<const Counters*, int>, std::uint64_t> rare_statuses_;
};

}  // namespace seatwise::http
