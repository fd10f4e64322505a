#pragma once
// Fixed-window rate limits kept in the database, so every node of a cluster counts the same
// attempts.

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

// At most `max_hits` in every fixed window of `window`.
struct RateLimit {
  int max_hits = 5;
  std::chrono::milliseconds window{std::chrono::minutes(1)};
};

// kRateLimited saying `what` and when to retry; retry_after_seconds is at least 1.
core::Error RateLimited(core::TimePoint ends_at, core::TimePoint now, std::string_view what);

// Counts one request against `bucket` in its own write transaction; kRateLimited (with
// retry_after_seconds) once the window holds more than `limit.max_hits` requests.
core::Result<void> ConsumeRateLimit(const Deps& deps, const std::string& bucket,
                                    const RateLimit& limit, std::string_view what);

}  // namespace seatwise::service
