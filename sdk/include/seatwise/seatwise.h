/* libseatwise: the Seatwise client SDK, C ABI.
 *
 * Every function is safe to call from C and C++; none lets an exception escape. Strings
 * are UTF-8 and NUL-terminated. Buffers passed in are owned by the caller; strings the
 * SDK allocates are released with sw_string_free. A client serialises its own calls, so
 * one client may be shared between threads.
 *
 * This version covers everything that works without the licence server: configuration,
 * the device fingerprint, the token cache and the offline check of a cached entitlement
 * token. Sign-in, activation, refresh, serial activation, leases and usage events arrive
 * with the server endpoints and are not declared here yet.
 */
#ifndef SEATWISE_SEATWISE_H
#define SEATWISE_SEATWISE_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(SEATWISE_SDK_BUILD_SHARED)
#define SW_API __declspec(dllexport)
#elif defined(SEATWISE_SDK_USE_SHARED)
#define SW_API __declspec(dllimport)
#else
#define SW_API
#endif
#else
#define SW_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of a call. SW_OK is zero; every failure is a positive code. */
typedef enum sw_status {
  SW_OK = 0,
  SW_E_INVALID_ARGUMENT = 1, /* a NULL or malformed argument or configuration value */
  SW_E_BUFFER_TOO_SMALL = 2, /* the caller's buffer cannot hold the answer */
  SW_E_UNSUPPORTED = 3,      /* not available on this platform */
  SW_E_IO = 4,               /* reading or writing a file failed */
  SW_E_NO_TOKEN = 5,         /* no entitlement token is cached */
  SW_E_OUT_OF_MEMORY = 6,
  SW_E_INTERNAL = 7 /* an unexpected failure inside the SDK */
} sw_status;

/* What the cached entitlement token allows at the time of the check. */
typedef enum sw_token_state {
  SW_TOKEN_MISSING = 0,       /* nothing cached: the user has to sign in */
  SW_TOKEN_VALID = 1,         /* works; no action needed */
  SW_TOKEN_REAUTHORIZE = 2,   /* works; go online to refresh when possible */
  SW_TOKEN_GRACE_WARNING = 3, /* works for days_left more days; warn the user */
  SW_TOKEN_EXPIRED = 4,       /* offline grace is over: stop and ask to go online */
  SW_TOKEN_REVOKED = 5,       /* the server revoked it: stop and ask to sign in */
  SW_TOKEN_INVALID = 6        /* bad signature, unknown key or malformed: stop */
} sw_token_state;

/* Longest claim value (bytes, without the terminating NUL) a token may carry. */
#define SW_CLAIM_MAX 127

/* Settings of a client. Zero-initialise it and set every field; the SDK copies them. */
typedef struct sw_config {
  const char* server_url;   /* e.g. "https://licences.example.com" */
  const char* product_code; /* e.g. "DRL"; letters, digits, '-' and '_' */
  const char* jwks_json;    /* pinned public keys: the server's /.well-known/jwks.json */
  const char* cache_dir;    /* directory owned by the product; made owner-only (0700) */
} sw_config;

/* The answer of sw_token_check. Claims are empty strings for SW_TOKEN_MISSING and
 * SW_TOKEN_INVALID, since nothing in an unverified token can be trusted. */
typedef struct sw_check_result {
  sw_token_state state;
  /* Whole days until the offline grace ends, rounded up; 0 once it has ended. */
  int64_t days_left;
  int64_t issued_at;                    /* iat */
  int64_t reauth_at;                    /* online re-authorisation due */
  int64_t warn_from;                    /* grace warning starts */
  int64_t grace_until;                  /* offline grace ends */
  int has_user;                         /* 0 for a serial activation, whose user claim is null */
  char kind[SW_CLAIM_MAX + 1];          /* "sign_in", "serial" or "borrow" */
  char activation_id[SW_CLAIM_MAX + 1]; /* jti: activation or lease id */
  char user[SW_CLAIM_MAX + 1];
  char product[SW_CLAIM_MAX + 1];
  char product_code[SW_CLAIM_MAX + 1];
  char subscription[SW_CLAIM_MAX + 1];
  char device[SW_CLAIM_MAX + 1];
  char fingerprint[SW_CLAIM_MAX + 1];
  char issuer[SW_CLAIM_MAX + 1];
} sw_check_result;

typedef struct sw_client sw_client;

/* A short English description of a status, never NULL. */
SW_API const char* sw_status_message(sw_status status);

/* A short English name of a token state ("valid", "grace_warning", ...), never NULL. */
SW_API const char* sw_token_state_name(sw_token_state state);

/* Creates a client. Checks the configuration (the keys must contain at least one Ed25519
 * key) and creates the cache directory when missing. On failure *out_client is NULL. */
SW_API sw_status sw_client_new(const sw_config* config, sw_client** out_client);

/* Releases a client; NULL is allowed. */
SW_API void sw_client_free(sw_client* client);

/* Why the last failing call on this client failed; "" after a success. Valid until the
 * next call on the client. */
SW_API const char* sw_client_last_error(const sw_client* client);

/* Releases a string the SDK allocated; NULL is allowed. */
SW_API void sw_string_free(char* text);

/* Length of a device fingerprint in characters (lowercase hex of a SHA-256). */
#define SW_FINGERPRINT_LENGTH 64

/* Writes this computer's fingerprint: SHA-256 of the machine id and a fixed salt, as 64
 * lowercase hex characters and a NUL (so cap must be at least 65). The raw machine id never
 * leaves the computer. SW_E_UNSUPPORTED on platforms without a machine id yet. */
SW_API sw_status sw_device_fingerprint(char* out, size_t cap);

/* Caches an entitlement token as the server issued it, replacing the previous one
 * atomically with owner-only permissions (0600). Clears a revoked mark. The token is not
 * verified here; sw_token_check does that. */
SW_API sw_status sw_token_store(sw_client* client, const char* token);

/* Copies the cached token into a new string for *out_token (free with sw_string_free).
 * SW_E_NO_TOKEN when nothing is cached. */
SW_API sw_status sw_token_load(sw_client* client, char** out_token);

/* Verifies the cached token offline against the pinned keys and tells its state at
 * now_unix (Unix seconds). Returns SW_OK with state SW_TOKEN_MISSING when nothing is
 * cached; a failing status only when the check itself could not run. */
SW_API sw_status sw_token_check(sw_client* client, int64_t now_unix, sw_check_result* result);

/* Marks the cached token revoked, as the server answered at a refresh; it then checks as
 * SW_TOKEN_REVOKED until a new token is stored. SW_E_NO_TOKEN when nothing is cached. */
SW_API sw_status sw_token_mark_revoked(sw_client* client);

/* Removes the cached token (sign-out). Succeeds when nothing was cached. */
SW_API sw_status sw_token_clear(sw_client* client);

#ifdef __cplusplus
}
#endif

#endif /* SEATWISE_SEATWISE_H */
