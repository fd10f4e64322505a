#include "service/rate_limit.hpp"

#include <algorithm>

namespace seatwise::service {

core::Error RateLimited(core::TimePoint ends_at, core::TimePoint now, std::string_view what) {
  auto wait = std::chrono::ceil<std::chrono::seconds>(ends_at - now).count();
  int seconds = static_cast<int>(std::max<std::int64_t>(wait, 1));
  core::Error error =
      core::MakeError(core::ErrorCode::kRateLimited, std::string(what) + "; try again in " +
                                                         std::to_string(seconds) +
                                                         (seconds == 1 ? " second" : " seconds"));
  error.retry_after_seconds = seconds;
  return error;
}

core::Result<void> ConsumeRateLimit(const Deps& deps, const std::string& bucket,
                                    const RateLimit& limit, std::string_view what) {
  const core::TimePoint now = deps.clock.Now();
  return deps.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(int hits, deps.repos.auth->HitRateLimit(tx, bucket, limit.window, now));
    if (hits <= limit.max_hits) return core::Ok();
    SW_ASSIGN_OR_RETURN(store::RateLimitWindow window,
                        deps.repos.auth->PeekRateLimit(tx, bucket, now));
    return RateLimited(window.ends_at, now, what);
  });
}

}  // namespace seatwise::service
