#pragma once
// The one mapping from core::ErrorCode to an HTTP status and an RFC 9457
// application/problem+json body. Every error response of the API is built here.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/router.hpp"

namespace seatwise::http {

// How one ErrorCode appears on the wire.
struct ProblemKind {
  int status;
  std::string_view slug;   // last segment of the problem type URI, e.g. "seat-limit-reached"
  std::string_view title;  // short, fixed summary; the detail carries the specifics
};

// Base of every problem type URI.
inline constexpr std::string_view kProblemTypeBase = "https://seatwise.dev/problems/";

// The status, type and title for `code`. kInvalidArgument is always 400 (syntax and
// field values alike: "fix your input"); kFailedPrecondition is 409 because the request
// is valid but the current state of the world forbids it; clients tell the 409s apart
// by `type`.
const ProblemKind& ProblemFor(core::ErrorCode code);

struct ProblemOptions {
  // Sent as Retry-After (seconds), typically with kRateLimited or kUnavailable.
  std::optional<std::chrono::seconds> retry_after;
};

// A problem+json response for `error` at `instance` (the request path). kInternal
// errors get a generic detail so that internals never leak.
Response ProblemResponse(const core::Error& error, std::string_view instance,
                         std::string_view request_id, const ProblemOptions& options = {});

// The same, for the request being answered.
Response Problem(const Request& request, const core::Error& error,
                 const ProblemOptions& options = {});

}  // namespace seatwise::http
