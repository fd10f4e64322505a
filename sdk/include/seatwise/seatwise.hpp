#pragma once
// A small header-only C++ wrapper over the C ABI of libseatwise: an owning Client, std::string
// values and a Result that carries either a value or the failing status. Nothing here throws
// beyond what std::string itself may.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "seatwise/seatwise.h"

namespace seatwise {

// A value, or the status that prevented it.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(sw_status status) : status_(status) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  sw_status status() const { return status_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  sw_status status_ = SW_OK;
};

// Settings of a Client; see sw_config.
struct Config {
  std::string server_url;
  std::string product_code;
  std::string jwks_json;
  std::string cache_dir;
};

// The outcome of an offline check; see sw_check_result.
struct Check {
  sw_token_state state = SW_TOKEN_MISSING;
  std::int64_t days_left = 0;
  std::int64_t issued_at = 0;
  std::int64_t reauth_at = 0;
  std::int64_t warn_from = 0;
  std::int64_t grace_until = 0;
  std::string kind;
  std::string activation_id;
  std::optional<std::string> user;
  std::string product;
  std::string product_code;
  std::string subscription;
  std::string device;
  std::string fingerprint;
  std::string issuer;

  // The product may be used: valid, reauthorize or grace_warning.
  bool usable() const {
    return state == SW_TOKEN_VALID || state == SW_TOKEN_REAUTHORIZE ||
           state == SW_TOKEN_GRACE_WARNING;
  }
  std::string_view state_name() const { return sw_token_state_name(state); }
};

// This computer's fingerprint (64 lowercase hex characters).
inline Result<std::string> DeviceFingerprint() {
  char buffer[SW_FINGERPRINT_LENGTH + 1];
  const sw_status status = sw_device_fingerprint(buffer, sizeof buffer);
  if (status != SW_OK) {
    return status;
  }
  return std::string(buffer);
}

// Owns one sw_client.
class Client {
 public:
  static Result<Client> Create(const Config& config) {
    sw_config c{};
    c.server_url = config.server_url.c_str();
    c.product_code = config.product_code.c_str();
    c.jwks_json = config.jwks_json.c_str();
    c.cache_dir = config.cache_dir.c_str();
    sw_client* handle = nullptr;
    const sw_status status = sw_client_new(&c, &handle);
    if (status != SW_OK) {
      return status;
    }
    return Client(handle);
  }

  Client(Client&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Client& operator=(Client&& other) noexcept {
    if (this != &other) {
      sw_client_free(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { sw_client_free(handle_); }

  sw_status StoreToken(const std::string& token) { return sw_token_store(handle_, token.c_str()); }

  Result<std::string> LoadToken() {
    char* token = nullptr;
    const sw_status status = sw_token_load(handle_, &token);
    if (status != SW_OK) {
      return status;
    }
    std::string copy(token);
    sw_string_free(token);
    return copy;
  }

  Result<Check> CheckToken(std::int64_t now_unix) {
    sw_check_result raw{};
    const sw_status status = sw_token_check(handle_, now_unix, &raw);
    if (status != SW_OK) {
      return status;
    }
    Check check;
    check.state = raw.state;
    check.days_left = raw.days_left;
    check.issued_at = raw.issued_at;
    check.reauth_at = raw.reauth_at;
    check.warn_from = raw.warn_from;
    check.grace_until = raw.grace_until;
    check.kind = raw.kind;
    check.activation_id = raw.activation_id;
    if (raw.has_user != 0) {
      check.user = std::string(raw.user);
    }
    check.product = raw.product;
    check.product_code = raw.product_code;
    check.subscription = raw.subscription;
    check.device = raw.device;
    check.fingerprint = raw.fingerprint;
    check.issuer = raw.issuer;
    return check;
  }

  sw_status MarkRevoked() { return sw_token_mark_revoked(handle_); }
  sw_status ClearToken() { return sw_token_clear(handle_); }

  // Why the last failing call failed, for logs.
  std::string LastError() const { return sw_client_last_error(handle_); }

  sw_client* handle() const { return handle_; }

 private:
  explicit Client(sw_client* handle) : handle_(handle) {}

  sw_client* handle_ = nullptr;
};

}  // namespace seatwise
