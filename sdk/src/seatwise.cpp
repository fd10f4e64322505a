// The exported C functions: argument checks, a catch-all around every body, and the
// translation between the SDK's C++ pieces and the C types.

#include "seatwise/seatwise.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "client.hpp"
#include "entitlement.hpp"
#include "fingerprint.hpp"
#include "revocation.hpp"
#include "token_cache.hpp"

namespace {

using seatwise::sdk::Fail;
using seatwise::sdk::Guard;
using seatwise::sdk::Serialized;

using seatwise::sdk::CachedToken;

bool IsProductCode(const std::string& code) {
  return !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// Copies a claim into a fixed field; false when it does not fit.
bool CopyClaim(const std::string& value, char (&field)[SW_CLAIM_MAX + 1]) {
  if (value.size() > SW_CLAIM_MAX || value.find('\0') != std::string::npos) {
    return false;
  }
  std::memcpy(field, value.c_str(), value.size() + 1);
  return true;
}

bool FillClaims(const seatwise::sdk::Claims& claims, sw_check_result& result) {
  result.issued_at = claims.issued_at;
  result.reauth_at = claims.reauth_at;
  result.warn_from = claims.warn_from;
  result.grace_until = claims.grace_until;
  result.has_user = claims.user.has_value() ? 1 : 0;
  return CopyClaim(claims.kind, result.kind) &&
         CopyClaim(claims.activation_id, result.activation_id) &&
         CopyClaim(claims.user.value_or(""), result.user) &&
         CopyClaim(claims.product, result.product) &&
         CopyClaim(claims.product_code, result.product_code) &&
         CopyClaim(claims.subscription, result.subscription) &&
         CopyClaim(claims.device, result.device) &&
         CopyClaim(claims.fingerprint, result.fingerprint) &&
         CopyClaim(claims.issuer, result.issuer);
}

sw_token_state ToCState(seatwise::sdk::TokenState state) {
  switch (state) {
    case seatwise::sdk::TokenState::kValid:
      return SW_TOKEN_VALID;
    case seatwise::sdk::TokenState::kReauthorize:
      return SW_TOKEN_REAUTHORIZE;
    case seatwise::sdk::TokenState::kGraceWarning:
      return SW_TOKEN_GRACE_WARNING;
    case seatwise::sdk::TokenState::kExpired:
      return SW_TOKEN_EXPIRED;
    case seatwise::sdk::TokenState::kRevoked:
      return SW_TOKEN_REVOKED;
  }
  return SW_TOKEN_INVALID;
}

}  // namespace

extern "C" {

SW_API const char* sw_status_message(sw_status status) {
  switch (status) {
    case SW_OK:
      return "ok";
    case SW_E_INVALID_ARGUMENT:
      return "invalid argument";
    case SW_E_BUFFER_TOO_SMALL:
      return "buffer too small";
    case SW_E_UNSUPPORTED:
      return "not supported on this platform";
    case SW_E_IO:
      return "file input/output failed";
    case SW_E_NO_TOKEN:
      return "no entitlement token is cached";
    case SW_E_OUT_OF_MEMORY:
      return "out of memory";
    case SW_E_INTERNAL:
      return "internal error";
    case SW_E_NETWORK:
      return "the licence server could not be reached";
    case SW_E_REFUSED:
      return "the licence server refused the request";
    case SW_PENDING:
      return "waiting for the user to approve the sign-in";
    case SW_E_DENIED:
      return "the sign-in was denied";
    case SW_E_EXPIRED:
      return "the sign-in code expired; start again";
    case SW_E_NOT_SIGNED_IN:
      return "not signed in";
    case SW_E_REVOKED:
      return "the entitlement was revoked";
  }
  return "unknown status";
}

SW_API const char* sw_token_state_name(sw_token_state state) {
  switch (state) {
    case SW_TOKEN_MISSING:
      return "missing";
    case SW_TOKEN_VALID:
      return "valid";
    case SW_TOKEN_REAUTHORIZE:
      return "reauthorize";
    case SW_TOKEN_GRACE_WARNING:
      return "grace_warning";
    case SW_TOKEN_EXPIRED:
      return "expired";
    case SW_TOKEN_REVOKED:
      return "revoked";
    case SW_TOKEN_INVALID:
      return "invalid";
  }
  return "unknown";
}

SW_API sw_status sw_client_new(const sw_config* config, sw_client** out_client) {
  if (out_client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *out_client = nullptr;
  if (config == nullptr || config->server_url == nullptr || config->product_code == nullptr ||
      config->cache_dir == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&]() -> sw_status {
    if (sodium_init() < 0) {
      return SW_E_INTERNAL;
    }
    const std::string server_url = config->server_url;
    const std::string product_code = config->product_code;
    const std::string cache_dir = config->cache_dir;
    if ((server_url.rfind("https://", 0) != 0 && server_url.rfind("http://", 0) != 0) ||
        !IsProductCode(product_code) || cache_dir.empty()) {
      return SW_E_INVALID_ARGUMENT;
    }
    std::string error;
    const bool pinned = config->jwks_json != nullptr && config->jwks_json[0] != '\0';
    const bool trust_on_first_use = !pinned && config->trust_on_first_use != 0;
    std::vector<seatwise::sdk::PublicKey> pinned_keys;
    if (pinned) {
      pinned_keys = seatwise::sdk::ParseJwks(config->jwks_json, error);
      if (pinned_keys.empty()) {
        return SW_E_INVALID_ARGUMENT;
      }
    } else if (!trust_on_first_use) {
      // Keys are pinned by default: without them nothing could tell a genuine token.
      return SW_E_INVALID_ARGUMENT;
    }
    if (!seatwise::sdk::PrepareCacheDirectory(cache_dir, error)) {
      return SW_E_IO;
    }
    if (trust_on_first_use) {
      // The keys kept at the first sw_fetch_keys; none yet is fine until the first check.
      std::optional<std::string> cached =
          seatwise::sdk::ReadSmallFile(seatwise::sdk::KeysCachePath(cache_dir), error);
      if (cached) {
        pinned_keys = seatwise::sdk::ParseJwks(*cached, error);
      }
    }
    std::vector<seatwise::sdk::PublicKey> keys = seatwise::sdk::TrustedKeys(
        pinned_keys, seatwise::sdk::CachedKeySetKeys(cache_dir, pinned_keys));
    auto client = std::make_unique<sw_client>();
    client->server_url = server_url;
    while (!client->server_url.empty() && client->server_url.back() == '/') {
      client->server_url.pop_back();
    }
    client->product_code = product_code;
    client->cache_dir = cache_dir;
    client->cache_path =
        (std::filesystem::path(cache_dir) / ("entitlement-" + product_code + ".json")).string();
    client->revocations_path = seatwise::sdk::RevocationsPath(cache_dir, product_code);
    client->app_version = config->app_version != nullptr ? config->app_version : "";
    client->machine_id_file = config->machine_id_file != nullptr ? config->machine_id_file : "";
    client->team_id = config->team_id != nullptr ? config->team_id : "";
    client->now_unix = config->now_unix;
    client->now_context = config->now_context;
    client->trust_on_first_use = trust_on_first_use;
    client->pinned_keys = std::move(pinned_keys);
    client->keys = std::move(keys);
    *out_client = client.release();
    return SW_OK;
  });
}

SW_API void sw_client_free(sw_client* client) { delete client; }

SW_API const char* sw_client_last_error(const sw_client* client) {
  return client == nullptr ? "" : client->last_error.c_str();
}

SW_API int64_t sw_client_now(const sw_client* client) {
  if (client == nullptr) {
    return 0;
  }
  try {
    return client->Now();
  } catch (...) {
    return 0;
  }
}

SW_API void sw_string_free(char* text) { std::free(text); }

SW_API sw_status sw_device_fingerprint(char* out, size_t cap) {
  if (out == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&]() -> sw_status {
    if (cap < SW_FINGERPRINT_LENGTH + 1) {
      return SW_E_BUFFER_TOO_SMALL;
    }
    bool unsupported = false;
    std::string error;
    std::optional<std::string> fingerprint = seatwise::sdk::DeviceFingerprint(unsupported, error);
    if (!fingerprint) {
      return unsupported ? SW_E_UNSUPPORTED : SW_E_IO;
    }
    std::memcpy(out, fingerprint->c_str(), fingerprint->size() + 1);
    return SW_OK;
  });
}

SW_API sw_status sw_token_store(sw_client* client, const char* token) {
  if (client == nullptr || token == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    const std::string text = token;
    if (text.empty() || text.find_first_of(" \t\r\n") != std::string::npos) {
      return Fail(*client, SW_E_INVALID_ARGUMENT, "the token is empty or contains white space");
    }
    std::string error;
    if (!seatwise::sdk::StoreCachedToken(client->cache_path, CachedToken{text, false}, error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return SW_OK;
  });
}

SW_API sw_status sw_token_load(sw_client* client, char** out_token) {
  if (client == nullptr || out_token == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *out_token = nullptr;
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<CachedToken> cached = seatwise::sdk::LoadCachedToken(client->cache_path, error);
    if (!cached || cached->token.empty() || cached->revoked) {
      return error.empty() ? SW_E_NO_TOKEN : Fail(*client, SW_E_IO, error);
    }
    char* copy = static_cast<char*>(std::malloc(cached->token.size() + 1));
    if (copy == nullptr) {
      return SW_E_OUT_OF_MEMORY;
    }
    std::memcpy(copy, cached->token.c_str(), cached->token.size() + 1);
    *out_token = copy;
    return SW_OK;
  });
}

SW_API sw_status sw_token_check(sw_client* client, int64_t now_unix, sw_check_result* result) {
  if (client == nullptr || result == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  *result = sw_check_result{};
  result->state = SW_TOKEN_MISSING;
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<CachedToken> cached = seatwise::sdk::LoadCachedToken(client->cache_path, error);
    if (!cached) {
      return error.empty() ? SW_OK : Fail(*client, SW_E_IO, error);
    }
    if (cached->revoked && !cached->token.empty()) {
      // A cache an earlier SDK marked revoked: recorded and dropped as it is done now.
      if (!seatwise::sdk::RevokeCachedToken(client->cache_path, client->revocations_path,
                                            cached->token, error)) {
        return Fail(*client, SW_E_IO, error);
      }
      cached->token.clear();
    }
    if (cached->token.empty()) {
      result->state = cached->revoked ? SW_TOKEN_REVOKED : SW_TOKEN_MISSING;
      return SW_OK;
    }
    const auto invalid = [&](std::string reason) {
      *result = sw_check_result{};
      result->state = SW_TOKEN_INVALID;
      client->last_error = std::move(reason);
      return SW_OK;
    };
    if (client->keys.empty()) {
      return invalid("no public keys to verify the token with; fetch them from the server");
    }
    std::optional<seatwise::sdk::Claims> claims =
        seatwise::sdk::VerifyToken(cached->token, client->keys, error);
    if (!claims) {
      return invalid(error);
    }
    if (claims->product_code != client->product_code) {
      return invalid("the cached licence is for the product " + claims->product_code + ", not " +
                     client->product_code + "; activate " + client->product_code);
    }
    bool unsupported = false;
    const std::optional<std::string> fingerprint =
        seatwise::sdk::ClientFingerprint(client->machine_id_file, unsupported, error);
    if (!fingerprint) {
      return invalid("cannot tell which computer this is, so the licence cannot be checked: " +
                     error);
    }
    if (claims->fingerprint != *fingerprint) {
      return invalid(
          "the cached licence was issued to another computer; activate the product on this one");
    }
    const std::optional<std::vector<seatwise::sdk::Revocation>> revocations =
        seatwise::sdk::LoadRevocations(client->revocations_path, error);
    if (!revocations) {
      return invalid(error);
    }
    if (!FillClaims(*claims, *result)) {
      return invalid("a token claim is longer than the SDK accepts");
    }
    const bool revoked = seatwise::sdk::IsRevoked(*revocations, *claims, cached->token);
    const seatwise::sdk::TokenStanding standing =
        seatwise::sdk::StandingAt(*claims, now_unix, revoked);
    result->state = ToCState(standing.state);
    result->days_left = standing.days_left;
    return SW_OK;
  });
}

SW_API sw_status sw_token_mark_revoked(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::string error;
    std::optional<CachedToken> cached = seatwise::sdk::LoadCachedToken(client->cache_path, error);
    if (!cached || cached->token.empty()) {
      return error.empty() ? SW_E_NO_TOKEN : Fail(*client, SW_E_IO, error);
    }
    if (!seatwise::sdk::RevokeCachedToken(client->cache_path, client->revocations_path,
                                          cached->token, error)) {
      return Fail(*client, SW_E_IO, error);
    }
    return SW_OK;
  });
}

SW_API sw_status sw_token_clear(sw_client* client) {
  if (client == nullptr) {
    return SW_E_INVALID_ARGUMENT;
  }
  return Serialized(client, [&]() -> sw_status {
    std::error_code ec;
    std::filesystem::remove(client->cache_path, ec);
    if (ec) {
      return Fail(*client, SW_E_IO, "cannot remove " + client->cache_path + ": " + ec.message());
    }
    return SW_OK;
  });
}

}  // extern "C"
