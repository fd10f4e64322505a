// The online calls: sign-in with the OAuth device grant, activation and refresh, the public
// keys, network leases with a heartbeat thread, and the offline usage queue. Every file kept
// in the cache directory is written atomically and readable only by its owner.

#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "client.hpp"
#include "entitlement.hpp"
#include "fingerprint.hpp"
#include "http.hpp"
#include "revocation.hpp"
#include "seatwise/seatwise.h"
#include "token_cache.hpp"

namespace seatwise::sdk {

std::string KeysCachePath(const std::string& cache_dir) {
  return (std::filesystem::path(cache_dir) / "jwks.json").string();
}

std::string SignedKeySetPath(const std::string& cache_dir) {
  return (std::filesystem::path(cache_dir) / "keys.jws").string();
}

std::vector<PublicKey> CachedKeySetKeys(const std::string& cache_dir,
                                        const std::vector<PublicKey>& pinned) {
  std::string error;
  std::optional<std::string> text = ReadSmallFile(SignedKeySetPath(cache_dir), error);
  if (!text || pinned.empty()) {
    return {};
  }
  std::string trimmed = *text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) {
    trimmed.pop_back();
  }
  return VerifyKeySet(trimmed, pinned, error).value_or(std::vector<PublicKey>{});
}

}  // namespace seatwise::sdk

namespace {

using seatwise::sdk::Fail;
using seatwise::sdk::Guard;
using seatwise::sdk::Serialized;

namespace json = boost::json;
using seatwise::sdk::HttpRequest;
using seatwise::sdk::HttpResponse;

constexpr const char* kClientId = "seatwise-desktop";
constexpr const char* kScope = "licenses";
constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
constexpr std::size_t kUsageBatch = 1000;
constexpr std::int64_t kAccessMargin = 30;  // renew an access token this early (seconds)

std::string PathIn(const sw_client& client, const std::string& name) {
  return (std::filesystem::path(client.cache_dir) / name).string();
}

std::optional<json::object> ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

std::string Text(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::int64_t Number(const json::object& object, std::string_view key, std::int64_t fallback) {
  const json::value* value = object.if_contains(key);
  if (value != nullptr && value->is_int64()) {
    return value->as_int64();
  }
  if (value != nullptr && value->is_uint64()) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  return fallback;
}

// The JSON object kept in `path`; nothing when absent. A damaged file counts as absent.
std::optional<json::object> LoadObject(const std::string& path, std::string& error) {
  std::optional<std::string> text = seatwise::sdk::ReadSmallFile(path, error);
  return text ? ParseObject(*text) : std::nullopt;
}

bool SaveObject(const std::string& path, const json::object& object, std::string& error) {
  return seatwise::sdk::WriteFileAtomically(path, json::serialize(object) + "\n", error);
}

void Remove(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

// What the server said, for a person: the problem detail or the OAuth description.
std::string ServerMessage(const HttpResponse& response) {
  if (std::optional<json::object> body = ParseObject(response.body)) {
    for (const char* key : {"detail", "error_description", "error"}) {
      std::string text = Text(*body, key);
      if (!text.empty()) {
        return text;
      }
    }
  }
  return "the licence server answered HTTP " + std::to_string(response.status);
}

bool CopyText(const std::string& value, char (&field)[SW_TEXT_MAX + 1]) {
  if (value.size() > SW_TEXT_MAX || value.find('\0') != std::string::npos) {
    return false;
  }
  std::memcpy(field, value.c_str(), value.size() + 1);
  return true;
}

bool IsPathSafe(const std::string& id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (const char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

std::string FormatTime(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string RandomEventId() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return "computer";
  }
  return name;
}

std::string OperatingSystem() {
  struct utsname info {};
  if (::uname(&info) != 0) {
    return "";
  }
  return std::string(info.sysname) + " " + info.release;
}

std::string UserName() {
  if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  const char* user = std::getenv("USER");
  return user != nullptr && user[0] != '\0' ? user : "user";
}

HttpResponse PostForm(const sw_client& client, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& fields) {
  HttpRequest request;
  request.method = "POST";
  request.url = client.server_url + path;
  request.content_type = "application/x-www-form-urlencoded";
  request.body = seatwise::sdk::FormEncode(fields);
  return seatwise::sdk::Perform(request);
}

// ---- The OAuth session (access and refresh tokens) ----

std::string SessionPath(const sw_client& client) { return PathIn(client, "session.json"); }
std::string PendingPath(const sw_client& client) { return PathIn(client, "signin-pending.json"); }
std::string DevicePath(const sw_client& client) { return PathIn(client, "device.json"); }
std::string UsagePath(const sw_client& client) { return PathIn(client, "usage-queue.jsonl"); }

// Stores the tokens of a successful token answer.
sw_status StoreSession(sw_client& client, const HttpResponse& response) {
  std::optional<json::object> body = ParseObject(response.body);
  const std::string access = body ? Text(*body, "access_token") : "";
  const std::string refresh = body ? Text(*body, "refresh_token") : "";
  if (access.empty() || refresh.empty()) {
    return Fail(client, SW_E_NETWORK, "the licence server's token answer is incomplete");
  }
  const json::object session{{"access_token", access},
                             {"refresh_token", refresh},
                             {"access_expires_at", client.Now() + Number(*body, "expires_in", 0)}};
  std::string error;
  if (!SaveObject(SessionPath(client), session, error)) {
    return Fail(client, SW_E_IO, error);
  }
  return SW_OK;
}

// Trades the refresh token for new tokens (the server rotates the refresh token).
sw_status RenewAccess(sw_client& client, const json::object& session) {
  const HttpResponse response = PostForm(client, "/api/v1/oauth/token",
                                         {{"grant_type", "refresh_token"},
                                          {"client_id", kClientId},
                                          {"refresh_token", Text(session, "refresh_token")}});
  if (response.status == 0) {
    return Fail(client, SW_E_NETWORK, response.error);
  }
  if (response.status == 200) {
    return StoreSession(client, response);
  }
  if (response.status == 400 || response.status == 401) {
    Remove(SessionPath(client));
    return Fail(client, SW_E_NOT_SIGNED_IN,
                "the sign-in has ended (" + ServerMessage(response) + "); sign in again");
  }
  return Fail(client, SW_E_NETWORK, ServerMessage(response));
}

// Sends `request` with the user's access token, renewing it first when it has expired and
// once more when the server no longer accepts it. SW_OK means an HTTP answer is in `out`.
sw_status AuthorizedCall(sw_client& client, HttpRequest request, HttpResponse& out) {
  std::string error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<json::object> session = LoadObject(SessionPath(client), error);
    if (!session || Text(*session, "access_token").empty()) {
      return Fail(client, SW_E_NOT_SIGNED_IN,
                  error.empty() ? "not signed in; sign in first" : error);
    }
    if (attempt == 1 || client.Now() + kAccessMargin >= Number(*session, "access_expires_at", 0)) {
      if (sw_status renewed = RenewAccess(client, *session); renewed != SW_OK) {
        return renewed;
      }
      session = LoadObject(SessionPath(client), error);
      if (!session) {
        return Fail(client, SW_E_IO, error.empty() ? "the sign-in could not be kept" : error);
      }
    }
    request.bearer = Text(*session, "access_token");
    out = seatwise::sdk::Perform(request);
    if (out.status == 0) {
      return Fail(client, SW_E_NETWORK, out.error);
    }
    if (out.status != 401) {
      return SW_OK;
    }
  }
  return Fail(client, SW_E_NOT_SIGNED_IN, ServerMessage(out) + "; sign in again");
}

sw_status JsonCall(sw_client& client, const std::string& method, const std::string& path,
                   const json::object* body, HttpResponse& out) {
  HttpRequest request;
  request.method = method;
  request.url = client.server_url + path;
  if (body != nullptr) {
    request.content_type = "application/json";
    request.body = json::serialize(*body);
  }
  return AuthorizedCall(client, std::move(request), out);
}

// Sends `request` authenticated as this computer by its device credential.
sw_status DeviceCall(sw_client& client, const seatwise::sdk::DeviceCredential& credential,
                     HttpRequest request, HttpResponse& out) {
  request.bearer = credential.credential;
  out = seatwise::sdk::Perform(request);
  if (out.status == 0) {
    return Fail(client, SW_E_NETWORK, out.error);
  }
  return SW_OK;
}

// A JSON call authenticated by the device credential when `credential` is given, otherwise
// by the signed-in user.
sw_status DeviceOrUserCall(sw_client& client, const seatwise::sdk::DeviceCredential* credential,
                           const std::string& method, const std::string& path,
                           const json::object* body, HttpResponse& out) {
  if (credential == nullptr) {
    return JsonCall(client, method, path, body, out);
  }
  HttpRequest request;
  request.method = method;
  request.url = client.server_url + path;
  if (body != nullptr) {
    request.content_type = "application/json";
    request.body = json::serialize(*body);
  }
  if (sw_status status = DeviceCall(client, *credential, std::move(request), out);
      status != SW_OK) {
    return status;
  }
  if (out.status == 401) {
    return Fail(client, SW_E_NOT_SIGNED_IN,
                "this computer's device credential was not accepted (" + ServerMessage(out) +
                    "); sign in and enroll it again");
  }
  return SW_OK;
}

std::string CredentialPath(const sw_client& client) {
  return seatwise::sdk::DeviceCredentialPath(client.cache_dir);
}

// ---- Device, keys, leases ----

std::optional<std::string> Fingerprint(sw_client& client) {
  std::string error;
  bool unsupported = false;
  std::optional<std::string> fingerprint =
      seatwise::sdk::ClientFingerprint(client.machine_id_file, unsupported, error);
  if (!fingerprint) {
    client.last_error = error;
  }
  return fingerprint;
}

// Registers this computer (always when `force`, otherwise only when no registration of this
// fingerprint is cached) and gives its device id.
sw_status EnsureDevice(sw_client& client, bool force, std::string& device_id,
                       std::string* issued_credential = nullptr) {
  const std::optional<std::string> fingerprint = Fingerprint(client);
  if (!fingerprint) {
    return SW_E_UNSUPPORTED;
  }
  std::string error;
  if (!force) {
    if (std::optional<json::object> cached = LoadObject(DevicePath(client), error);
        cached && Text(*cached, "fingerprint") == *fingerprint &&
        !Text(*cached, "device_id").empty()) {
      device_id = Text(*cached, "device_id");
      return SW_OK;
    }
  }
  json::object body{{"fingerprint", *fingerprint},
                    {"asset_name", HostName()},
                    {"os", OperatingSystem()},
                    {"app_version", client.app_version}};
  if (!client.team_id.empty()) {
    body["team_id"] = client.team_id;
  }
  if (issued_credential != nullptr) {
    body["issue_credential"] = true;
  }
  HttpResponse response;
  if (sw_status status = JsonCall(client, "POST", "/api/v1/client/devices", &body, response);
      status != SW_OK) {
    return status;
  }
  std::optional<json::object> answer = ParseObject(response.body);
  if ((response.status != 200 && response.status != 201) || !answer ||
      Text(*answer, "device_id").empty()) {
    return Fail(client, SW_E_REFUSED,
                "registering this computer failed: " + ServerMessage(response));
  }
  device_id = Text(*answer, "device_id");
  if (issued_credential != nullptr) {
    *issued_credential = Text(*answer, "device_credential");
    if (issued_credential->rfind("swm_", 0) != 0) {
      return Fail(client, SW_E_REFUSED,
                  "the licence server issued no device credential for this computer; it may "
                  "not support enrolment yet");
    }
  }
  if (!SaveObject(DevicePath(client),
                  json::object{{"device_id", device_id}, {"fingerprint", *fingerprint}}, error)) {
    return Fail(client, SW_E_IO, error);
  }
  return SW_OK;
}

// The cached device credential when it was issued to this computer; nothing otherwise (a
// damaged file, or one copied from another computer, is not used).
std::optional<seatwise::sdk::DeviceCredential> UsableCredential(sw_client& client) {
  std::string error;
  std::optional<seatwise::sdk::DeviceCredential> credential =
      seatwise::sdk::LoadDeviceCredential(CredentialPath(client), error);
  if (!credential) {
    return std::nullopt;
  }
  const std::string saved = client.last_error;
  const std::optional<std::string> fingerprint = Fingerprint(client);
  client.last_error = saved;
  if (!fingerprint || *fingerprint != credential->fingerprint) {
    return std::nullopt;
  }
  return credential;
}

// The device id for a lease or usage call: the credential's device, or this computer's
// registration through the signed-in user.
sw_status LeaseDevice(sw_client& client, const seatwise::sdk::DeviceCredential* credential,
                      std::string& device_id) {
  if (credential != nullptr) {
    device_id = credential->device_id;
    return SW_OK;
  }
  return EnsureDevice(client, false, device_id);
}

// Trust on first use (demos and tests): the server's plain key set becomes the pinned keys.
sw_status FetchFirstKeys(sw_client& client) {
  HttpRequest request;
  request.url = client.server_url + "/.well-known/jwks.json";
  const HttpResponse response = seatwise::sdk::Perform(request);
  if (response.status == 0) {
    return Fail(client, SW_E_NETWORK, response.error);
  }
  if (response.status != 200) {
    return Fail(client, SW_E_NETWORK,
                "fetching the public keys failed: " + ServerMessage(response));
  }
  std::string error;
  std::vector<seatwise::sdk::PublicKey> keys = seatwise::sdk::ParseJwks(response.body, error);
  if (keys.empty()) {
    return Fail(client, SW_E_NETWORK, "the server's public keys are unusable: " + error);
  }
  if (!seatwise::sdk::WriteFileAtomically(seatwise::sdk::KeysCachePath(client.cache_dir),
                                          response.body, error)) {
    return Fail(client, SW_E_IO, error);
  }
  client.pinned_keys = keys;
  client.keys = std::move(keys);
  return SW_OK;
}

// The server's signed key set: its keys verify tokens once a pinned key's signature holds.
sw_status FetchKeys(sw_client& client) {
  if (client.pinned_keys.empty()) {
    return client.trust_on_first_use
               ? FetchFirstKeys(client)
               : Fail(client, SW_E_INVALID_ARGUMENT, "no pinned keys are configured");
  }
  HttpRequest request;
  request.url = client.server_url + "/.well-known/jwks.jws";
  const HttpResponse response = seatwise::sdk::Perform(request);
  if (response.status == 0) {
    return Fail(client, SW_E_NETWORK, response.error);
  }
  if (response.status == 404) {
    // No signed key set published: the pinned keys are all there is to trust.
    return SW_OK;
  }
  if (response.status != 200) {
    return Fail(client, SW_E_NETWORK,
                "fetching the signed key set failed: " + ServerMessage(response));
  }
  std::string body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
    body.pop_back();
  }
  std::string error;
  std::optional<std::vector<seatwise::sdk::PublicKey>> learned =
      seatwise::sdk::VerifyKeySet(body, client.pinned_keys, error);
  if (!learned) {
    return Fail(client, SW_E_NETWORK,
                "the server's key set is not vouched for by a pinned key, so none of its keys "
                "is trusted: " +
                    error);
  }
  if (!seatwise::sdk::WriteFileAtomically(seatwise::sdk::SignedKeySetPath(client.cache_dir),
                                          body + "\n", error)) {
    return Fail(client, SW_E_IO, error);
  }
  client.keys = seatwise::sdk::TrustedKeys(client.pinned_keys, *learned);
  return SW_OK;
}

// After a token arrived: the first keys on first use, or the signed key set when the token
// names a key this client does not trust yet (a rotation). The latter is best effort: the
// check explains an unknown key.
sw_status KeysFor(sw_client& client, const std::string& token) {
  if (client.pinned_keys.empty()) {
    return FetchKeys(client);
  }
  const std::optional<std::string> kid = seatwise::sdk::TokenKid(token);
  const bool known =
      kid && std::any_of(client.keys.begin(), client.keys.end(),
                         [&](const seatwise::sdk::PublicKey& key) { return key.kid == *kid; });
  if (!known) {
    FetchKeys(client);
    client.last_error.clear();
  }
  return SW_OK;
}

// Caches a token the server just issued. The server has vouched for this computer, so a
// damaged revocation record (which refuses every token) is started afresh.
sw_status StoreServerToken(sw_client& client, const std::string& token) {
  std::string error;
  if (!seatwise::sdk::StoreCachedToken(client.cache_path, {token, false}, error)) {
    return Fail(client, SW_E_IO, error);
  }
  if (!seatwise::sdk::LoadRevocations(client.revocations_path, error) &&
      !seatwise::sdk::StoreRevocations(client.revocations_path, {}, error)) {
    return Fail(client, SW_E_IO, error);
  }
  return KeysFor(client, token);
}

sw_status FillLease(sw_client& client, const HttpResponse& response, sw_lease* out) {
  std::optional<json::object> body = ParseObject(response.body);
  if (!body) {
    return Fail(client, SW_E_NETWORK, "the licence server's lease answer is not JSON");
  }
  if (out == nullptr) {
    return SW_OK;
  }
  const std::int64_t every = Number(*body, "heartbeat_every_seconds", out->heartbeat_every_seconds);
  if (!CopyText(
          Text(*body, "lease_id").empty() ? std::string(out->lease_id) : Text(*body, "lease_id"),
          out->lease_id) ||
      !CopyText(Text(*body, "expires_at"), out->expires_at) ||
      !CopyText(Text(*body, "borrowed_until"), out->borrowed_until)) {
    return Fail(client, SW_E_NETWORK, "the licence server's lease answer is too long");
  }
  out->heartbeat_every_seconds = every;
  return SW_OK;
}

sw_status Heartbeat(sw_client& client, const std::string& lease_id, sw_lease* out) {
  const std::optional<seatwise::sdk::DeviceCredential> credential = UsableCredential(client);
  HttpResponse response;
  if (sw_status status = DeviceOrUserCall(client, credential ? &*credential : nullptr, "PUT",
                                          "/api/v1/client/leases/" + lease_id, nullptr, response);
      status != SW_OK) {
    return status;
  }
  if (response.status != 200) {
    return Fail(client, SW_E_REFUSED, ServerMessage(response));
  }
  if (out != nullptr && !CopyText(lease_id, out->lease_id)) {
    return SW_E_INVALID_ARGUMENT;
  }
  return FillLease(client, response, out);
}

void StopHeartbeats(sw_client& client) {
  {
    std::lock_guard lock(client.heartbeat_mutex);
    client.heartbeat_stop = true;
  }
  client.heartbeat_wake.notify_all();
  if (client.heartbeat_thread.joinable()) {
    client.heartbeat_thread.join();
  }
}

// ---- The usage queue ----

bool AppendLine(const std::string& path, const std::string& line, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot open the usage queue " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t written = 0;
  while (ok && written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n > 0;
    if (ok) {
      written += static_cast<std::size_t>(n);
    }
  }
  ok = ok && ::fsync(fd) == 0;
  if (!ok) {
    error = "cannot write the usage queue " + path + ": " + std::strerror(errno);
  }
  ::close(fd);
  return ok;
}

// Rewrites the queue with `remaining` lines; removes the file when nothing remains.
bool RewriteQueue(const std::string& path, const std::vector<std::string>& remaining,
                  std::string& error) {
  if (remaining.empty()) {
    Remove(path);
    return true;
  }
  std::string text;
  for (const std::string& line : remaining) {
    text += line;
    text += '\n';
  }
  return seatwise::sdk::WriteFileAtomically(path, text, error);
}

sw_status FillSignin(sw_client& client, sw_signin* out) {
  std::string error;
  std::optional<json::object> pending = LoadObject(PendingPath(client), error);
  if (!pending) {
    return Fail(client, SW_E_NOT_SIGNED_IN, "no sign-in is pending; start one");
  }
  if (!CopyText(Text(*pending, "verification_uri"), out->verification_uri) ||
      !CopyText(Text(*pending, "verification_uri_complete"), out->verification_uri_complete) ||
      !CopyText(Text(*pending, "user_code"), out->user_code)) {
    return Fail(client, SW_E_NETWORK, "the sign-in answer is too long");
  }
  out->interval = Number(*pending, "interval", 5);
  out->expires_at = Number(*pending, "expires_at", 0);
  return SW_OK;
}

// The answer of a refresh (sign-in or serial): a new token is cached; a refusal that means
// the entitlement is gone marks the cached token revoked and says why. A serial refresh also
// treats 401 so: its device credential was replaced or the activation deleted.
sw_status AnswerRefresh(sw_client& client, const HttpResponse& response,
                        bool unauthorized_revokes) {
  std::string error;
  if (response.status == 200 || response.status == 201) {
    std::optional<json::object> answer = ParseObject(response.body);
    const std::string token = answer ? Text(*answer, "token") : "";
    if (token.empty()) {
      return Fail(client, SW_E_NETWORK, "the licence server's refresh answer has no token");
    }
    return StoreServerToken(client, token);
  }
  const std::string message = ServerMessage(response);
  if ((unauthorized_revokes && response.status == 401) || response.status == 403 ||
      response.status == 404 || response.status == 409 || response.status == 410) {
    std::optional<seatwise::sdk::CachedToken> cached =
        seatwise::sdk::LoadCachedToken(client.cache_path, error);
    if (cached && !cached->token.empty() &&
        !seatwise::sdk::RevokeCachedToken(client.cache_path, client.revocations_path, cached->token,
                                          error)) {
      return Fail(client, SW_E_IO, error);
    }
    return Fail(client, SW_E_REVOKED, message);
  }
  return Fail(client, response.status >= 500 ? SW_E_NETWORK : SW_E_REFUSED, message);
}

}  // namespace

sw_client::~sw_client() { StopHeartbeats(*this); }

extern "C" {

SW_API sw_status sw_signin_start(sw_client* client, sw_signin* out) {
  if (client == nullptr || out == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *out = sw_signin{};
  return Serialized(client, [&]() -> sw_status {
    const HttpResponse response = PostForm(*client, "/api/v1/oauth/device_authorization",
                                           {{"client_id", kClientId}, {"scope", kScope}});
    if (response.status == 0) {
      return Fail(*client, SW_E_NETWORK, response.error);
    }
    std::optional<json::object> body = ParseObject(response.body);
    if (response.status != 200 || !body || Text(*body, "device_code").empty()) {
      return Fail(*client, SW_E_REFUSED, "starting the sign-in failed: " + ServerMessage(response));
    }
    const json::object pending{
        {"device_code", Text(*body, "device_code")},
        {"user_code", Text(*body, "user_code")},
        {"verification_uri", Text(*body, "verification_uri")},
        {"verification_uri_complete", Text(*body, "verification_uri_complete")},
        {"interval", std::max<std::int64_t>(1, Number(*body, "interval", 5))},
        {"expires_at", client->Now() + Number(*body, "expires_in", 600)}};
    std::string error;
    if (!SaveObject(PendingPath(*client), pending, error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return FillSignin(*client, out);
  });
}

SW_API sw_status sw_signin_pending(sw_client* client, sw_signin* out) {
  if (client == nullptr || out == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *out = sw_signin{};
  return Serialized(client, [&]() -> sw_status { return FillSignin(*client, out); });
}

SW_API sw_status sw_signin_poll(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<json::object> pending = LoadObject(PendingPath(*client), error);
    if (!pending) {
      return Fail(*client, SW_E_NOT_SIGNED_IN, "no sign-in is pending; start one");
    }
    if (client->Now() >= Number(*pending, "expires_at", 0)) {
      Remove(PendingPath(*client));
      return Fail(*client, SW_E_EXPIRED, "the sign-in code expired; start the sign-in again");
    }
    const HttpResponse response = PostForm(*client, "/api/v1/oauth/token",
                                           {{"grant_type", kDeviceCodeGrant},
                                            {"client_id", kClientId},
                                            {"device_code", Text(*pending, "device_code")}});
    if (response.status == 0) {
      return Fail(*client, SW_E_NETWORK, response.error);
    }
    if (response.status == 200) {
      const sw_status stored = StoreSession(*client, response);
      if (stored == SW_OK) {
        Remove(PendingPath(*client));
      }
      return stored;
    }
    std::optional<json::object> body = ParseObject(response.body);
    const std::string code = body ? Text(*body, "error") : "";
    if (code == "authorization_pending") {
      return SW_PENDING;
    }
    if (code == "slow_down") {
      (*pending)["interval"] = Number(*pending, "interval", 5) + 5;
      if (!SaveObject(PendingPath(*client), *pending, error)) {
        return Fail(*client, SW_E_IO, error);
      }
      return SW_PENDING;
    }
    if (code == "access_denied") {
      Remove(PendingPath(*client));
      return Fail(*client, SW_E_DENIED, "the sign-in was denied");
    }
    if (code == "expired_token") {
      Remove(PendingPath(*client));
      return Fail(*client, SW_E_EXPIRED, "the sign-in code expired; start the sign-in again");
    }
    if (response.status >= 500) {
      return Fail(*client, SW_E_NETWORK, ServerMessage(response));
    }
    return Fail(*client, SW_E_REFUSED, ServerMessage(response));
  });
}

SW_API sw_status sw_signout(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    Remove(SessionPath(*client));
    Remove(PendingPath(*client));
    return SW_OK;
  });
}

SW_API sw_status sw_fetch_keys(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status { return FetchKeys(*client); });
}

SW_API sw_status sw_activate(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string device_id;
    if (sw_status status = EnsureDevice(*client, true, device_id); status != SW_OK) {
      return status;
    }
    json::object body{{"product", client->product_code}, {"device_id", device_id}};
    HttpResponse response;
    if (sw_status status = JsonCall(*client, "POST", "/api/v1/client/activations", &body, response);
        status != SW_OK) {
      return status;
    }
    std::optional<json::object> answer = ParseObject(response.body);
    const std::string token = answer ? Text(*answer, "token") : "";
    if ((response.status != 200 && response.status != 201) || token.empty()) {
      return Fail(*client, SW_E_REFUSED, ServerMessage(response));
    }
    return StoreServerToken(*client, token);
  });
}

SW_API sw_status sw_refresh(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<seatwise::sdk::CachedToken> cached =
        seatwise::sdk::LoadCachedToken(client->cache_path, error);
    if (!cached || cached->token.empty() || cached->revoked) {
      return error.empty() ? Fail(*client, SW_E_NO_TOKEN, "nothing to refresh; activate first")
                           : Fail(*client, SW_E_IO, error);
    }
    json::object body{{"token", cached->token}};
    HttpResponse response;
    sw_status status =
        JsonCall(*client, "POST", "/api/v1/client/activations/refresh", &body, response);
    if (status == SW_E_NOT_SIGNED_IN) {
      // The sign-in has ended (the person may have left the team): the signed token alone
      // still learns whether its licence was revoked, so the product stops at once rather
      // than running out its offline grace. A licence that still holds needs a new sign-in.
      const std::string not_signed_in = client->last_error;
      HttpRequest request;
      request.method = "POST";
      request.url = client->server_url + "/api/v1/client/activations/refresh";
      request.content_type = "application/json";
      request.body = json::serialize(body);
      response = seatwise::sdk::Perform(request);
      if (response.status == 0) {
        return Fail(*client, SW_E_NETWORK, response.error);
      }
      if (response.status == 401) {
        return Fail(*client, SW_E_NOT_SIGNED_IN, not_signed_in);
      }
    } else if (status != SW_OK) {
      return status;
    }
    return AnswerRefresh(*client, response, /*unauthorized_revokes=*/false);
  });
}

SW_API sw_status sw_lease_checkout(sw_client* client, sw_lease* out) {
  if (client == nullptr || out == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *out = sw_lease{};
  return Serialized(client, [&]() -> sw_status {
    const std::optional<seatwise::sdk::DeviceCredential> credential = UsableCredential(*client);
    const seatwise::sdk::DeviceCredential* by_device = credential ? &*credential : nullptr;
    std::string device_id;
    if (sw_status status = LeaseDevice(*client, by_device, device_id); status != SW_OK) {
      return status;
    }
    json::object body{{"product", client->product_code},
                      {"device_id", device_id},
                      {"user_name", UserName()},
                      {"host", HostName()}};
    HttpResponse response;
    if (sw_status status =
            DeviceOrUserCall(*client, by_device, "POST", "/api/v1/client/leases", &body, response);
        status != SW_OK) {
      return status;
    }
    if (response.status != 200 && response.status != 201) {
      return Fail(*client, SW_E_REFUSED, ServerMessage(response));
    }
    return FillLease(*client, response, out);
  });
}

SW_API sw_status sw_lease_heartbeat(sw_client* client, const char* lease_id, sw_lease* out) {
  if (client == nullptr || lease_id == nullptr || !IsPathSafe(lease_id)) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(client, [&]() -> sw_status {
    const std::string id = lease_id;  // `out` may be where lease_id lives
    if (out != nullptr) {
      *out = sw_lease{};
    }
    std::lock_guard lock(client->mutex);
    client->last_error.clear();
    return Heartbeat(*client, id, out);
  });
}

SW_API sw_status sw_lease_release(sw_client* client, const char* lease_id) {
  if (client == nullptr || lease_id == nullptr || !IsPathSafe(lease_id)) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    const std::optional<seatwise::sdk::DeviceCredential> credential = UsableCredential(*client);
    HttpResponse response;
    if (sw_status status =
            DeviceOrUserCall(*client, credential ? &*credential : nullptr, "DELETE",
                             "/api/v1/client/leases/" + std::string(lease_id), nullptr, response);
        status != SW_OK) {
      return status;
    }
    if (response.status != 204 && response.status != 200) {
      return Fail(*client, SW_E_REFUSED, ServerMessage(response));
    }
    return SW_OK;
  });
}

SW_API sw_status sw_lease_borrow(sw_client* client, const char* lease_id, int days, sw_lease* out) {
  if (client == nullptr || lease_id == nullptr || !IsPathSafe(lease_id) || days < 1) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(client, [&]() -> sw_status {
    const std::string id = lease_id;  // `out` may be where lease_id lives
    if (out != nullptr) {
      *out = sw_lease{};
    }
    std::lock_guard lock(client->mutex);
    client->last_error.clear();
    const std::optional<seatwise::sdk::DeviceCredential> credential = UsableCredential(*client);
    json::object body{{"days", days}};
    HttpResponse response;
    if (sw_status status =
            DeviceOrUserCall(*client, credential ? &*credential : nullptr, "POST",
                             "/api/v1/client/leases/" + id + "/borrow", &body, response);
        status != SW_OK) {
      return status;
    }
    if (response.status != 200 && response.status != 201) {
      return Fail(*client, SW_E_REFUSED, ServerMessage(response));
    }
    return FillLease(*client, response, out);
  });
}

SW_API sw_status sw_lease_start_heartbeats(sw_client* client, const char* lease_id,
                                           int64_t interval_seconds) {
  if (client == nullptr || lease_id == nullptr || !IsPathSafe(lease_id) || interval_seconds < 1) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(client, [&]() -> sw_status {
    StopHeartbeats(*client);
    {
      std::lock_guard lock(client->heartbeat_mutex);
      client->heartbeat_stop = false;
      client->heartbeats_sent = 0;
      client->heartbeats_failed = 0;
    }
    client->heartbeat_thread = std::thread(
        [client, id = std::string(lease_id), every = std::chrono::seconds(interval_seconds)] {
          std::unique_lock wait_lock(client->heartbeat_mutex);
          for (;;) {
            if (client->heartbeat_wake.wait_for(wait_lock, every,
                                                [client] { return client->heartbeat_stop; })) {
              return;
            }
            wait_lock.unlock();
            sw_status status = SW_E_INTERNAL;
            try {
              std::lock_guard call_lock(client->mutex);
              // The caller's last error stays as its own last call left it.
              const std::string saved = client->last_error;
              status = Heartbeat(*client, id, nullptr);
              client->last_error = saved;
            } catch (...) {
              status = SW_E_INTERNAL;
            }
            wait_lock.lock();
            ++client->heartbeats_sent;
            if (status != SW_OK) {
              ++client->heartbeats_failed;
            }
          }
        });
    return SW_OK;
  });
}

SW_API sw_status sw_lease_stop_heartbeats(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(client, [&]() -> sw_status {
    StopHeartbeats(*client);
    return SW_OK;
  });
}

SW_API sw_status sw_lease_heartbeat_counts(sw_client* client, int64_t* sent, int64_t* failed) {
  if (client == nullptr || sent == nullptr || failed == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  std::lock_guard lock(client->heartbeat_mutex);
  *sent = client->heartbeats_sent;
  *failed = client->heartbeats_failed;
  return SW_OK;
}

SW_API sw_status sw_usage_record(sw_client* client, const char* kind, const char* product,
                                 int64_t at_unix) {
  if (client == nullptr || kind == nullptr ||
      (std::strcmp(kind, "start") != 0 && std::strcmp(kind, "stop") != 0)) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    const json::object event{{"id", RandomEventId()},
                             {"kind", kind},
                             {"product", product != nullptr ? product : client->product_code},
                             {"at", FormatTime(at_unix != 0 ? at_unix : client->Now())}};
    std::string error;
    if (!AppendLine(UsagePath(*client), json::serialize(event) + "\n", error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return SW_OK;
  });
}

SW_API sw_status sw_usage_flush(sw_client* client, sw_usage_flush_result* out) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  sw_usage_flush_result local{};
  sw_usage_flush_result& result = out != nullptr ? *out : local;
  result = sw_usage_flush_result{};
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<std::string> text = seatwise::sdk::ReadSmallFile(UsagePath(*client), error);
    if (!text) {
      return error.empty() ? SW_OK : Fail(*client, SW_E_IO, error);
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text->size()) {
      std::size_t end = text->find('\n', start);
      if (end == std::string::npos) {
        end = text->size();
      }
      std::string line = text->substr(start, end - start);
      // A line cut short by a crash cannot be sent; it is dropped.
      if (!line.empty() && ParseObject(line)) {
        lines.push_back(std::move(line));
      }
      start = end + 1;
    }
    if (lines.empty()) {
      Remove(UsagePath(*client));
      return SW_OK;
    }
    const std::optional<seatwise::sdk::DeviceCredential> credential = UsableCredential(*client);
    const seatwise::sdk::DeviceCredential* by_device = credential ? &*credential : nullptr;
    std::string device_id;
    if (sw_status status = LeaseDevice(*client, by_device, device_id); status != SW_OK) {
      return status;
    }
    std::vector<std::string> remaining;
    sw_status outcome = SW_OK;
    for (std::size_t begin = 0; begin < lines.size(); begin += kUsageBatch) {
      const std::size_t end = std::min(lines.size(), begin + kUsageBatch);
      if (outcome != SW_OK) {
        remaining.insert(remaining.end(), lines.begin() + static_cast<std::ptrdiff_t>(begin),
                         lines.begin() + static_cast<std::ptrdiff_t>(end));
        continue;
      }
      json::array events;
      for (std::size_t i = begin; i < end; ++i) {
        events.push_back(*ParseObject(lines[i]));
      }
      json::object body{{"device_id", device_id}, {"events", std::move(events)}};
      HttpResponse response;
      outcome =
          DeviceOrUserCall(*client, by_device, "POST", "/api/v1/client/usage", &body, response);
      std::optional<json::object> answer =
          outcome == SW_OK ? ParseObject(response.body) : std::nullopt;
      const json::value* rejected = answer ? answer->if_contains("rejected") : nullptr;
      if (outcome == SW_OK &&
          (response.status != 200 || rejected == nullptr || !rejected->is_array())) {
        outcome = Fail(*client, response.status >= 500 ? SW_E_NETWORK : SW_E_REFUSED,
                       "uploading usage failed: " + ServerMessage(response));
      }
      if (outcome != SW_OK) {
        remaining.insert(remaining.end(), lines.begin() + static_cast<std::ptrdiff_t>(begin),
                         lines.begin() + static_cast<std::ptrdiff_t>(end));
        continue;
      }
      result.sent += static_cast<std::int64_t>(end - begin);
      result.accepted += Number(*answer, "accepted", 0);
      result.duplicates += Number(*answer, "duplicates", 0);
      for (const json::value& item : rejected->as_array()) {
        const std::int64_t index =
            item.is_object() ? Number(item.as_object(), "index", -1) : std::int64_t{-1};
        if (index >= 0 && static_cast<std::size_t>(index) < end - begin) {
          remaining.push_back(lines[begin + static_cast<std::size_t>(index)]);
          ++result.rejected;
        }
      }
    }
    if (!RewriteQueue(UsagePath(*client), remaining, error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return outcome;
  });
}

SW_API sw_status sw_serial_activate(sw_client* client, const char* serial_number,
                                    const char* product_key) {
  if (client == nullptr || serial_number == nullptr || product_key == nullptr ||
      serial_number[0] == '\0' || product_key[0] == '\0') {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    const std::optional<std::string> fingerprint = Fingerprint(*client);
    if (!fingerprint) {
      return SW_E_UNSUPPORTED;
    }
    const json::object body{{"serial_number", serial_number},    {"product_key", product_key},
                            {"product", client->product_code},   {"fingerprint", *fingerprint},
                            {"asset_name", HostName()},          {"os", OperatingSystem()},
                            {"app_version", client->app_version}};
    HttpRequest request;
    request.method = "POST";
    request.url = client->server_url + "/api/v1/client/serial-activations";
    request.content_type = "application/json";
    request.body = json::serialize(body);
    const HttpResponse response = seatwise::sdk::Perform(request);
    if (response.status == 0) {
      return Fail(*client, SW_E_NETWORK, response.error);
    }
    std::optional<json::object> answer = ParseObject(response.body);
    const std::string token = answer ? Text(*answer, "token") : "";
    const std::string credential = answer ? Text(*answer, "device_credential") : "";
    if (response.status != 200 && response.status != 201) {
      return Fail(*client, response.status >= 500 ? SW_E_NETWORK : SW_E_REFUSED,
                  ServerMessage(response));
    }
    if (token.empty() || credential.rfind("swm_", 0) != 0 ||
        Text(*answer, "activation_id").empty() || Text(*answer, "device_id").empty()) {
      return Fail(*client, SW_E_NETWORK,
                  "the licence server's serial activation answer is incomplete");
    }
    // The credential is shown only once: it is kept before anything else can fail.
    std::string error;
    if (!seatwise::sdk::StoreDeviceCredential(
            CredentialPath(*client),
            {credential, Text(*answer, "device_id"), *fingerprint, Text(*answer, "activation_id")},
            error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return StoreServerToken(*client, token);
  });
}

SW_API sw_status sw_serial_refresh(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<seatwise::sdk::DeviceCredential> credential =
        seatwise::sdk::LoadDeviceCredential(CredentialPath(*client), error);
    if (!credential || credential->serial_activation_id.empty()) {
      return error.empty() ? Fail(*client, SW_E_NO_TOKEN,
                                  "this computer holds no serial activation; activate it with "
                                  "the serial number and product key first")
                           : Fail(*client, SW_E_IO, error);
    }
    HttpRequest request;
    request.method = "POST";
    request.url = client->server_url + "/api/v1/client/serial-activations/refresh";
    request.content_type = "application/json";
    request.body =
        json::serialize(json::object{{"activation_id", credential->serial_activation_id}});
    HttpResponse response;
    if (sw_status status = DeviceCall(*client, *credential, std::move(request), response);
        status != SW_OK) {
      return status;
    }
    return AnswerRefresh(*client, response, /*unauthorized_revokes=*/true);
  });
}

SW_API sw_status sw_serial_deactivate(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<seatwise::sdk::DeviceCredential> credential =
        seatwise::sdk::LoadDeviceCredential(CredentialPath(*client), error);
    if (!credential || credential->serial_activation_id.empty()) {
      return error.empty() ? Fail(*client, SW_E_NO_TOKEN,
                                  "this computer holds no serial activation to deactivate")
                           : Fail(*client, SW_E_IO, error);
    }
    if (!IsPathSafe(credential->serial_activation_id)) {
      return Fail(*client, SW_E_IO,
                  "the device credential file names an unusable activation; activate again");
    }
    HttpRequest request;
    request.method = "DELETE";
    request.url = client->server_url + "/api/v1/client/serial-activations/" +
                  credential->serial_activation_id;
    HttpResponse response;
    if (sw_status status = DeviceCall(*client, *credential, std::move(request), response);
        status != SW_OK) {
      return status;
    }
    if (response.status != 204 && response.status != 200) {
      return Fail(*client, response.status >= 500 ? SW_E_NETWORK : SW_E_REFUSED,
                  "deactivation refused: " + ServerMessage(response));
    }
    Remove(client->cache_path);
    Remove(CredentialPath(*client));
    return SW_OK;
  });
}

SW_API sw_status sw_device_enroll(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string device_id;
    std::string credential;
    if (sw_status status = EnsureDevice(*client, true, device_id, &credential); status != SW_OK) {
      return status;
    }
    const std::optional<std::string> fingerprint = Fingerprint(*client);
    if (!fingerprint) {
      return SW_E_UNSUPPORTED;
    }
    // A serial activation of the same device keeps its id; the new credential replaces the old.
    std::string error;
    std::string serial_activation_id;
    if (std::optional<seatwise::sdk::DeviceCredential> previous =
            seatwise::sdk::LoadDeviceCredential(CredentialPath(*client), error);
        previous && previous->device_id == device_id) {
      serial_activation_id = previous->serial_activation_id;
    }
    error.clear();
    if (!seatwise::sdk::StoreDeviceCredential(
            CredentialPath(*client), {credential, device_id, *fingerprint, serial_activation_id},
            error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return SW_OK;
  });
}

}  // extern "C"
