#pragma once
// The on-disk cache of the entitlement token: one small JSON file per product, replaced
// atomically and readable only by its owner.

#include <optional>
#include <string>

namespace seatwise::sdk {

// What the cache file of a product holds: the token the server issued, or, once the server
// answered "revoked", nothing but that fact (the revoked token itself is dropped, so no edit
// of the file can bring it back; see revocation.hpp).
struct CachedToken {
  std::string token;     // "" when none is cached
  bool revoked = false;  // the server answered "revoked" at the last refresh
};

// Creates `dir` (and missing parents) when needed and makes it owner-only (0700).
bool PrepareCacheDirectory(const std::string& dir, std::string& error);

// Replaces `path` with `contents`: a temporary file in the same directory, written with
// mode 0600, flushed to disk and renamed over the target, so readers see the old or the new
// file, never a partial one.
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string& error);

// The contents of `path`; nothing when it does not exist, or with `error` set when it cannot
// be read.
std::optional<std::string> ReadSmallFile(const std::string& path, std::string& error);

// Writes the cache file for `cached`: {"token": ...} or {"revoked": true}.
bool StoreCachedToken(const std::string& path, const CachedToken& cached, std::string& error);

// The credential of this computer (swm_...), shown by the server once: at a serial
// activation or an enrolment.
struct DeviceCredential {
  std::string credential;
  std::string device_id;
  std::string fingerprint;           // of the computer it was issued to
  std::string serial_activation_id;  // "" when no serial activation holds it
};

// Where the cache directory keeps the device credential.
std::string DeviceCredentialPath(const std::string& cache_dir);

// Writes the device credential file atomically with mode 0600.
bool StoreDeviceCredential(const std::string& path, const DeviceCredential& credential,
                           std::string& error);

// The cached device credential; nothing when the file does not exist. `error` is set (and
// nothing returned) when the file exists but cannot be read or parsed.
std::optional<DeviceCredential> LoadDeviceCredential(const std::string& path, std::string& error);

// The cached token; nothing when the file does not exist. `error` is set (and nothing
// returned) when the file exists but cannot be read or parsed. A file written by an earlier
// SDK ({"token": ..., "revoked": true}) reads with both set.
std::optional<CachedToken> LoadCachedToken(const std::string& path, std::string& error);

}  // namespace seatwise::sdk
