#pragma once
// Idempotency-Key on creating requests: a client that repeats a POST with the same key (after
// a timeout, a dropped connection) gets the first answer again instead of a second order,
// reseller or staff member. A key is the caller's own (keys of two people never meet), lives
// 24 hours, and names one request: the same key with another method, path or body is refused.
//
// The key is claimed before the request runs, so two copies sent at once cannot both run:
// the second is told the first is still in progress. A request that fails (any answer but
// 2xx) gives its key back, so that fixing the input and retrying with the same key works.

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

inline constexpr std::chrono::hours kIdempotencyKeyLifetime{24};
inline constexpr std::size_t kIdempotencyKeyMaxLength = 255;
// A claim whose request has not answered after this long is taken to be abandoned.
inline constexpr std::chrono::minutes kIdempotencyClaimAbandoned{5};

// What to do with a request that carries a key.
struct IdempotencyClaim {
  enum class Outcome {
    kRun,         // the key is new: run the request, then Complete or Release
    kReplay,      // the request ran before: answer `status` and `body` again
    kInProgress,  // the same key's first request has not finished
    kMismatch,    // the key was used for another request
  };
  Outcome outcome = Outcome::kRun;
  int status = 0;
  std::string body;
};

class IdempotencyService {
 public:
  explicit IdempotencyService(const Deps& deps) : deps_(deps) {}

  // `owner`: whose key it is (a user id, or a device id); `request`: what the request is
  // (method, target and body), kept as a hash. kInvalidArgument for a key that is empty,
  // longer than 255 characters or not visible ASCII.
  core::Result<IdempotencyClaim> Claim(const std::string& owner, std::string_view key,
                                       std::string_view request);
  // The answer to replay for the key.
  core::Result<void> Complete(const std::string& owner, std::string_view key, int status,
                              const std::string& body);
  // Gives the key back after a failed request.
  core::Result<void> Release(const std::string& owner, std::string_view key);

 private:
  Deps deps_;
};

}  // namespace seatwise::service
