#pragma once
// Expected failures as values: every fallible call in Seatwise returns Result<T>.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace seatwise::core {

// What went wrong, in terms a caller can act on. http/ maps each code to one HTTP status.
enum class ErrorCode {
  kInvalidArgument,       // the input is malformed or breaks a rule; see field errors
  kNotFound,              // no such object, or the caller may not know it exists
  kAlreadyExists,         // a unique key is taken
  kConflict,              // the object changed or is in a state that forbids the action
  kSeatLimitReached,      // every seat of the pool is held
  kFailedPrecondition,    // a prerequisite is missing (expired contract, migrated serial, ...)
  kUnauthenticated,       // no valid credentials
  kPermissionDenied,      // credentials are valid but the role does not allow it
  kRateLimited,           // too many attempts; retry later
  kPayloadTooLarge,       // request body above the route's limit
  kUnsupportedMediaType,  // wrong Content-Type
  kMethodNotAllowed,      // the route exists, the method does not
  kUnavailable,           // a dependency (database, SMTP) cannot be reached now
  kInternal,              // a defect or an unexpected I/O failure
};

// Stable lowercase name of a code ("seat_limit_reached"), used in logs and problem types.
std::string_view ErrorCodeName(ErrorCode code);

// One invalid input field, named as the client sent it ("email", "rows[3].email").
struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // a sentence a person can act on; never contains secrets
  std::vector<FieldError> fields;
  // With kPermissionDenied: the caller may not even learn that the object exists, so the
  // refusal is answered as "not found" (it is still audited as a denied attempt).
  bool conceal_existence = false;
  // With kRateLimited: how long until a retry can succeed (http: the Retry-After header).
  int retry_after_seconds = 0;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, false, 0};
}

// Either a value or an Error. Accessing the wrong side is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> Ok() { return {}; }

// kInvalidArgument carrying one entry per bad field of a request.
inline Error InvalidFields(std::string message, std::vector<FieldError> fields) {
  Error error = MakeError(ErrorCode::kInvalidArgument, std::move(message));
  error.fields = std::move(fields);
  return error;
}

// Ok when `fields` is empty; otherwise InvalidFields, its message naming the one bad field or
// saying several are bad.
inline Result<void> FieldsValid(std::vector<FieldError> fields) {
  if (fields.empty()) return Ok();
  std::string message =
      fields.size() == 1 ? fields[0].field + " " + fields[0].message : "several fields are invalid";
  return InvalidFields(std::move(message), std::move(fields));
}

}  // namespace seatwise::core

// Returns the error of a failed Result from the enclosing function.
#define SW_RETURN_IF_ERROR(expr)                                \
  do {                                                          \
    auto sw_result_ = (expr);                                   \
    if (!sw_result_.ok()) return std::move(sw_result_).error(); \
  } while (0)

#define SW_CONCAT_INNER_(a, b) a##b
#define SW_CONCAT_(a, b) SW_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of a Result, or returns its error.
#define SW_ASSIGN_OR_RETURN(lhs, expr) \
  SW_ASSIGN_OR_RETURN_IMPL_(SW_CONCAT_(sw_result_, __LINE__), lhs, expr)
#define SW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  lhs = std::move(tmp).value()
