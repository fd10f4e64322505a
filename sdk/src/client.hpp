#pragma once
// The state behind an sw_client handle, shared by the offline and the online calls.

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <seatwise/seatwise.h>

#include "entitlement.hpp"

struct sw_client {
  std::mutex mutex;  // serialises the calls on this client
  std::string server_url;
  std::string product_code;
  std::string cache_dir;
  std::string cache_path;        // the entitlement token cache
  std::string revocations_path;  // the tokens the server revoked on this computer
  std::string app_version;
  std::string machine_id_file;                        // "" for the system's machine id
  std::string team_id;                                // "" when the user's only team is meant
  std::int64_t (*now_unix)(void* context) = nullptr;  // nullptr: the system clock
  void* now_context = nullptr;
  bool trust_on_first_use = false;
  // The keys that may vouch for others: sw_config.jwks_json, or with trust_on_first_use the
  // first keys fetched. Empty only before that first fetch.
  std::vector<seatwise::sdk::PublicKey> pinned_keys;
  // The keys that verify tokens: the pinned ones and those of a key set a pinned key signed.
  std::vector<seatwise::sdk::PublicKey> keys;
  std::string last_error;

  // The heartbeat thread of a lease; guarded by heartbeat_mutex, never by `mutex`.
  std::mutex heartbeat_mutex;
  std::condition_variable heartbeat_wake;
  std::thread heartbeat_thread;
  bool heartbeat_stop = false;
  std::int64_t heartbeats_sent = 0;
  std::int64_t heartbeats_failed = 0;

  ~sw_client();

  // The client's idea of "now" in Unix seconds: the configured clock, or the system's.
  std::int64_t Now() const {
    return now_unix != nullptr ? now_unix(now_context)
                               : static_cast<std::int64_t>(std::time(nullptr));
  }
};

namespace seatwise::sdk {

// Where the cache directory keeps the keys fetched on first use (trust_on_first_use only).
std::string KeysCachePath(const std::string& cache_dir);

// Where the cache directory keeps the last signed key set that verified.
std::string SignedKeySetPath(const std::string& cache_dir);

// The keys of the signed key set cached in `cache_dir` when one of `pinned` signed it;
// nothing learned otherwise (a missing, damaged or forged file adds no key).
std::vector<PublicKey> CachedKeySetKeys(const std::string& cache_dir,
                                        const std::vector<PublicKey>& pinned);

// Runs `body`, turning any exception into a status so none crosses the C boundary.
template <typename Body>
sw_status Guard(sw_client* client, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    if (client != nullptr) {
      client->last_error.clear();
    }
    return SW_E_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    if (client != nullptr) {
      try {
        client->last_error = e.what();
      } catch (...) {
        client->last_error.clear();
      }
    }
    return SW_E_INTERNAL;
  } catch (...) {
    return SW_E_INTERNAL;
  }
}

// Guard for one call on `client`: the calls of a client run one at a time, and each starts
// with no error recorded.
template <typename Body>
sw_status Serialized(sw_client* client, Body&& body) noexcept {
  return Guard(client, [&]() -> sw_status {
    std::lock_guard lock(client->mutex);
    client->last_error.clear();
    return body();
  });
}

// Records why the call failed and answers `status`.
inline sw_status Fail(sw_client& client, sw_status status, std::string message) {
  client.last_error = std::move(message);
  return status;
}

}  // namespace seatwise::sdk
