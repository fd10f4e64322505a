#include "http/problem.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace seatwise::http {

const ProblemKind& ProblemFor(core::ErrorCode code) {
  using core::ErrorCode;
  static const ProblemKind kInvalidArgument{400, "invalid-argument", "Invalid request"};
  static const ProblemKind kNotFound{404, "not-found", "Not found"};
  static const ProblemKind kAlreadyExists{409, "already-exists", "Already exists"};
  static const ProblemKind kConflict{409, "conflict", "Conflict"};
  static const ProblemKind kSeatLimitReached{409, "seat-limit-reached", "Seat limit reached"};
  static const ProblemKind kFailedPrecondition{409, "failed-precondition", "Precondition not met"};
  static const ProblemKind kUnauthenticated{401, "unauthenticated", "Authentication required"};
  static const ProblemKind kPermissionDenied{403, "permission-denied", "Permission denied"};
  static const ProblemKind kRateLimited{429, "rate-limited", "Too many requests"};
  static const ProblemKind kPayloadTooLarge{413, "payload-too-large", "Payload too large"};
  static const ProblemKind kUnsupportedMediaType{415, "unsupported-media-type",
                                                 "Unsupported media type"};
  static const ProblemKind kMethodNotAllowed{405, "method-not-allowed", "Method not allowed"};
  static const ProblemKind kUnavailable{503, "unavailable", "Service unavailable"};
  static const ProblemKind kInternal{500, "internal", "Internal server error"};
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return kInvalidArgument;
    case ErrorCode::kNotFound:
      return kNotFound;
    case ErrorCode::kAlreadyExists:
      return kAlreadyExists;
    case ErrorCode::kConflict:
      return kConflict;
    case ErrorCode::kSeatLimitReached:
      return kSeatLimitReached;
    case ErrorCode::kFailedPrecondition:
      return kFailedPrecondition;
    case ErrorCode::kUnauthenticated:
      return kUnauthenticated;
    case ErrorCode::kPermissionDenied:
      return kPermissionDenied;
    case ErrorCode::kRateLimited:
      return kRateLimited;
    case ErrorCode::kPayloadTooLarge:
      return kPayloadTooLarge;
    case ErrorCode::kUnsupportedMediaType:
      return kUnsupportedMediaType;
    case ErrorCode::kMethodNotAllowed:
      return kMethodNotAllowed;
    case ErrorCode::kUnavailable:
      return kUnavailable;
    case ErrorCode::kInternal:
      return kInternal;
  }
  return kInternal;
}

Response ProblemResponse(const core::Error& raw, std::string_view instance,
                         std::string_view request_id, const ProblemOptions& options) {
  // A concealed refusal looks exactly like a missing object, message included.
  const core::Error error =
      raw.code == core::ErrorCode::kPermissionDenied && raw.conceal_existence
          ? core::MakeError(core::ErrorCode::kNotFound, "no resource at " + std::string(instance))
          : raw;
  const ProblemKind& kind = ProblemFor(error.code);
  boost::json::object body;
  body["type"] = std::string(kProblemTypeBase) + std::string(kind.slug);
  body["title"] = kind.title;
  body["status"] = kind.status;
  if (error.code == core::ErrorCode::kInternal) {
    body["detail"] =
        "The server could not complete the request. Quote the request id when "
        "reporting this.";
  } else if (!error.message.empty()) {
    body["detail"] = error.message;
  }
  body["instance"] = instance;
  body["request_id"] = request_id;
  if (!error.fields.empty() && error.code != core::ErrorCode::kInternal) {
    boost::json::array fields;
    for (const auto& field : error.fields) {
      fields.push_back(boost::json::object{{"field", field.field}, {"message", field.message}});
    }
    body["errors"] = std::move(fields);
  }
  Response response =
      TextResponse(boost::json::serialize(body), "application/problem+json", kind.status);
  if (options.retry_after) {
    response.SetHeader("Retry-After", std::to_string(options.retry_after->count()));
  }
  return response;
}

Response Problem(const Request& request, const core::Error& error, const ProblemOptions& options) {
  return ProblemResponse(error, request.path(), request.request_id, options);
}

}  // namespace seatwise::http
