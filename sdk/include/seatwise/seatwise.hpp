#pragma once
// A small header-only C++ wrapper over the C ABI of libseatwise: an owning Client, std::string
// values and a Result that carries either a value or the failing status. Nothing here throws
// beyond what std::string itself may. Calls without a value answer their sw_status; the
// reason of a failure is in Client::LastError().

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
  std::string app_version = {};
  std::string machine_id_file = {};  // "" for the system's machine id
  // The clock (Unix seconds) asked with now_context; nullptr for the system clock.
  std::int64_t (*now_unix)(void* context) = nullptr;
  void* now_context = nullptr;
  std::string team_id = {};  // for a user in several teams; "" for the only one
  // Demos and tests only: with an empty jwks_json, keep the first fetched keys; see sw_config.
  bool trust_on_first_use = false;
};

// A started sign-in; see sw_signin.
struct Signin {
  std::string verification_uri;
  std::string verification_uri_complete;
  std::string user_code;
  std::int64_t interval = 0;
  std::int64_t expires_at = 0;
};

// A network lease; see sw_lease.
struct Lease {
  std::string lease_id;
  std::string expires_at;
  std::string borrowed_until;  // "" when not borrowed
  std::int64_t heartbeat_every_seconds = 0;
};

// What a usage upload did; see sw_usage_flush_result.
struct UsageFlush {
  std::int64_t sent = 0;
  std::int64_t accepted = 0;
  std::int64_t duplicates = 0;
  std::int64_t rejected = 0;
};

// How many heartbeats the thread sent, and how many failed.
struct HeartbeatCounts {
  std::int64_t sent = 0;
  std::int64_t failed = 0;
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
    c.app_version = config.app_version.c_str();
    c.machine_id_file = config.machine_id_file.empty() ? nullptr : config.machine_id_file.c_str();
    c.now_unix = config.now_unix;
    c.now_context = config.now_context;
    c.team_id = config.team_id.c_str();
    c.trust_on_first_use = config.trust_on_first_use ? 1 : 0;
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

  // Checks against the client's own clock (Config::now_unix or the system time).
  Result<Check> CheckToken() { return CheckToken(Now()); }

  sw_status MarkRevoked() { return sw_token_mark_revoked(handle_); }
  sw_status ClearToken() { return sw_token_clear(handle_); }

  // The client's clock in Unix seconds.
  std::int64_t Now() const { return sw_client_now(handle_); }

  // ---- Online calls; each blocks until the server answers. ----

  Result<Signin> SigninStart() {
    sw_signin raw{};
    const sw_status status = sw_signin_start(handle_, &raw);
    if (status != SW_OK) {
      return status;
    }
    return ToSignin(raw);
  }

  Result<Signin> SigninPending() {
    sw_signin raw{};
    const sw_status status = sw_signin_pending(handle_, &raw);
    if (status != SW_OK) {
      return status;
    }
    return ToSignin(raw);
  }

  // SW_PENDING while the user has not approved yet; SW_OK once signed in.
  sw_status SigninPoll() { return sw_signin_poll(handle_); }
  sw_status Signout() { return sw_signout(handle_); }
  sw_status FetchKeys() { return sw_fetch_keys(handle_); }
  sw_status Activate() { return sw_activate(handle_); }
  sw_status Refresh() { return sw_refresh(handle_); }

  sw_status SerialActivate(const std::string& serial_number, const std::string& product_key) {
    return sw_serial_activate(handle_, serial_number.c_str(), product_key.c_str());
  }
  sw_status SerialRefresh() { return sw_serial_refresh(handle_); }
  sw_status SerialDeactivate() { return sw_serial_deactivate(handle_); }
  sw_status Enroll() { return sw_device_enroll(handle_); }

  Result<Lease> LeaseCheckout() {
    sw_lease raw{};
    const sw_status status = sw_lease_checkout(handle_, &raw);
    if (status != SW_OK) {
      return status;
    }
    return ToLease(raw);
  }

  Result<Lease> LeaseHeartbeat(const std::string& lease_id) {
    sw_lease raw{};
    const sw_status status = sw_lease_heartbeat(handle_, lease_id.c_str(), &raw);
    if (status != SW_OK) {
      return status;
    }
    return ToLease(raw);
  }

  // Releases a lease; returns a borrowed one early.
  sw_status LeaseRelease(const std::string& lease_id) {
    return sw_lease_release(handle_, lease_id.c_str());
  }

  Result<Lease> LeaseBorrow(const std::string& lease_id, int days) {
    sw_lease raw{};
    const sw_status status = sw_lease_borrow(handle_, lease_id.c_str(), days, &raw);
    if (status != SW_OK) {
      return status;
    }
    return ToLease(raw);
  }

  sw_status StartHeartbeats(const std::string& lease_id, std::int64_t interval_seconds) {
    return sw_lease_start_heartbeats(handle_, lease_id.c_str(), interval_seconds);
  }
  sw_status StopHeartbeats() { return sw_lease_stop_heartbeats(handle_); }

  Result<HeartbeatCounts> Heartbeats() {
    HeartbeatCounts counts;
    const sw_status status = sw_lease_heartbeat_counts(handle_, &counts.sent, &counts.failed);
    if (status != SW_OK) {
      return status;
    }
    return counts;
  }

  // Queues a usage event offline; `product` "" for the configured product, `at_unix` 0 for
  // the client's clock.
  sw_status RecordUsage(const std::string& kind, const std::string& product = "",
                        std::int64_t at_unix = 0) {
    return sw_usage_record(handle_, kind.c_str(), product.empty() ? nullptr : product.c_str(),
                           at_unix);
  }

  Result<UsageFlush> FlushUsage() {
    sw_usage_flush_result raw{};
    const sw_status status = sw_usage_flush(handle_, &raw);
    if (status != SW_OK) {
      return status;
    }
    return UsageFlush{raw.sent, raw.accepted, raw.duplicates, raw.rejected};
  }

  // Why the last failing call failed, for logs.
  std::string LastError() const { return sw_client_last_error(handle_); }

  sw_client* handle() const { return handle_; }

 private:
  explicit Client(sw_client* handle) : handle_(handle) {}

  static Signin ToSignin(const sw_signin& raw) {
    return Signin{raw.verification_uri, raw.verification_uri_complete, raw.user_code, raw.interval,
                  raw.expires_at};
  }

  static Lease ToLease(const sw_lease& raw) {
    return Lease{raw.lease_id, raw.expires_at, raw.borrowed_until, raw.heartbeat_every_seconds};
  }

  sw_client* handle_ = nullptr;
};

}  // namespace seatwise
