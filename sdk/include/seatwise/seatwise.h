/* libseatwise: the Seatwise client SDK, C ABI.
 *
 * Every function is safe to call from C and C++; none lets an exception escape. Strings
 * are UTF-8 and NUL-terminated. Buffers passed in are owned by the caller; strings the
 * SDK allocates are released with sw_string_free. A client serialises its own calls, so
 * one client may be shared between threads.
 *
 * Offline: configuration, the device fingerprint, the token cache and the offline check of
 * a cached entitlement token. Online (HTTP or HTTPS with certificate verification, libcurl):
 * sign-in with the OAuth device grant, activation, refresh, fetching the public keys,
 * network leases with a heartbeat thread, usage events with an offline queue, serial-number
 * activation, and enrolment of a computer for network licences. Both of the last two keep a
 * device credential (swm_...) in the cache directory, so the computer can renew a serial
 * activation or check out network seats without anybody signed in.
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
  SW_E_INTERNAL = 7,       /* an unexpected failure inside the SDK */
  SW_E_NETWORK = 8,        /* the server could not be reached or answered garbage */
  SW_E_REFUSED = 9,        /* the server refused; sw_client_last_error says why */
  SW_PENDING = 10,         /* sign-in: the user has not approved the code yet; poll again later */
  SW_E_DENIED = 11,        /* sign-in: the user denied the request */
  SW_E_EXPIRED = 12,       /* sign-in: the code expired before approval; start again */
  SW_E_NOT_SIGNED_IN = 13, /* no sign-in (or it ended): call sw_signin_start */
  SW_E_REVOKED = 14        /* refresh: the entitlement was revoked; the cache says so now */
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
  /* Pinned public keys, compiled into the product: the text of the server's
   * /.well-known/jwks.json. Required unless trust_on_first_use is set. Only these keys, and
   * keys of a key set one of them signed (sw_fetch_keys), verify tokens. */
  const char* jwks_json;
  const char* cache_dir;       /* directory owned by the product; made owner-only (0700) */
  const char* app_version;     /* optional: reported when the device registers */
  const char* machine_id_file; /* optional: read instead of the system's machine id */
  /* Optional clock: the current time in Unix seconds, asked wherever the SDK needs "now"
   * (default usage event time, sign-in code and access-token expiry, sw_client_now). NULL
   * means the system clock. Called with now_context, possibly from the heartbeat thread. */
  int64_t (*now_unix)(void* context);
  void* now_context;
  /* Optional: the team this computer registers in, for a user who belongs to several teams
   * (the server asks to name one); NULL or "" lets the server pick the user's only team. */
  const char* team_id;
  /* For demos and tests only: nonzero with an empty jwks_json lets sw_fetch_keys fetch
   * /.well-known/jwks.json once and keep it in the cache directory as the pinned keys
   * ("trust on first use"). Anyone who can write the cache directory can then replace those
   * keys, so a product must pin its keys in jwks_json instead. */
  int trust_on_first_use;
} sw_config;

/* The answer of sw_token_check. Claims are empty strings for SW_TOKEN_MISSING and
 * SW_TOKEN_INVALID, since nothing in an unverified token can be trusted, and for
 * SW_TOKEN_REVOKED once the revoked token was dropped from the cache. */
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

/* Creates a client. Checks the configuration (pinned keys with at least one Ed25519 key, or
 * trust_on_first_use) and creates the cache directory when missing. On failure *out_client
 * is NULL. */
SW_API sw_status sw_client_new(const sw_config* config, sw_client** out_client);

/* Releases a client; NULL is allowed. */
SW_API void sw_client_free(sw_client* client);

/* Why the last failing call on this client failed; "" after a success. Valid until the
 * next call on the client. */
SW_API const char* sw_client_last_error(const sw_client* client);

/* The client's clock (sw_config.now_unix, or the system time) in Unix seconds; 0 for NULL.
 * Pass it to sw_token_check to check against the same clock the SDK uses. */
SW_API int64_t sw_client_now(const sw_client* client);

/* Releases a string the SDK allocated; NULL is allowed. */
SW_API void sw_string_free(char* text);

/* Length of a device fingerprint in characters (lowercase hex of a SHA-256). */
#define SW_FINGERPRINT_LENGTH 64

/* Writes this computer's fingerprint: SHA-256 of the machine id and a fixed salt, as 64
 * lowercase hex characters and a NUL (so cap must be at least 65). The raw machine id never
 * leaves the computer. SW_E_UNSUPPORTED on platforms without a machine id yet. */
SW_API sw_status sw_device_fingerprint(char* out, size_t cap);

/* Caches an entitlement token as the server issued it, replacing the previous one
 * atomically with owner-only permissions (0600). The token is not verified here;
 * sw_token_check does that, and a token revoked earlier on this computer (or an earlier token
 * of the same activation) still checks as SW_TOKEN_REVOKED. */
SW_API sw_status sw_token_store(sw_client* client, const char* token);

/* Copies the cached token into a new string for *out_token (free with sw_string_free).
 * SW_E_NO_TOKEN when nothing is cached, or only the mark of a revoked one. */
SW_API sw_status sw_token_load(sw_client* client, char** out_token);

/* Verifies the cached token offline and tells its state at now_unix (Unix seconds): its
 * signature (a pinned key, or a key of a key set a pinned key signed), that it is for the
 * configured product and for this computer's fingerprint, and that it was not revoked here.
 * Every time comes from the signed token. Returns SW_OK with state SW_TOKEN_MISSING when
 * nothing is cached; a failing status only when the check itself could not run. */
SW_API sw_status sw_token_check(sw_client* client, int64_t now_unix, sw_check_result* result);

/* Records the cached token as revoked, as the server answered at a refresh, and drops it
 * from the cache: the check answers SW_TOKEN_REVOKED until a newer token is stored, and that
 * token (or an earlier one of its activation) stays revoked if written back. SW_E_NO_TOKEN
 * when nothing is cached. */
SW_API sw_status sw_token_mark_revoked(sw_client* client);

/* Removes the cached token (sign-out). Succeeds when nothing was cached. The record of
 * revoked tokens stays. */
SW_API sw_status sw_token_clear(sw_client* client);

/* ---- Online calls. Each blocks until the server answers (timeouts: 10 s to connect,
 * 30 s in all); the human reason of a failure is in sw_client_last_error. ---- */

/* Longest text field of the online results, without the NUL. */
#define SW_TEXT_MAX 511

/* A started sign-in (RFC 8628 device grant): show verification_uri and user_code. */
typedef struct sw_signin {
  char verification_uri[SW_TEXT_MAX + 1];
  char verification_uri_complete[SW_TEXT_MAX + 1]; /* the URI with the code filled in */
  char user_code[SW_TEXT_MAX + 1];
  int64_t interval;   /* seconds to wait between polls */
  int64_t expires_at; /* Unix seconds: the code is void afterwards */
} sw_signin;

/* Starts a sign-in; the pending request is kept in the cache directory, so another process
 * may poll it. */
SW_API sw_status sw_signin_start(sw_client* client, sw_signin* out);

/* The pending sign-in started earlier (interval as raised by slow_down); SW_E_NOT_SIGNED_IN
 * when none is pending. */
SW_API sw_status sw_signin_pending(sw_client* client, sw_signin* out);

/* Polls the pending sign-in once: SW_PENDING (wait `interval` seconds and poll again; a
 * slow_down answer raises the interval), SW_OK (the access and refresh tokens are cached,
 * 0600), SW_E_DENIED or SW_E_EXPIRED (the pending request is dropped). */
SW_API sw_status sw_signin_poll(sw_client* client);

/* Forgets the sign-in (access and refresh tokens). Succeeds when there was none. A device
 * credential (serial activation or enrolment) stays. */
SW_API sw_status sw_signout(sw_client* client);

/* Fetches the server's signed key set (/.well-known/jwks.jws: a JWS of type jwk-set+jwt
 * whose payload is a JWKS) and, when a pinned key signed it, trusts its keys for tokens and
 * caches it (it is verified again whenever a client loads it). SW_OK without learning
 * anything when the server publishes no signed key set. With trust_on_first_use and no keys
 * yet, fetches /.well-known/jwks.json instead and keeps it as the pinned keys. */
SW_API sw_status sw_fetch_keys(sw_client* client);

/* Registers this computer (fingerprint, host name as asset name, OS, app version) and
 * activates the configured product for the signed-in user; the entitlement token is cached.
 * An expired access token is renewed with the refresh token first. SW_E_REFUSED with the
 * server's reason (e.g. no seat assigned). */
SW_API sw_status sw_activate(sw_client* client);

/* Renews the cached entitlement token. SW_E_REVOKED when the server refused it: the cached
 * token is recorded as revoked and dropped (as sw_token_mark_revoked does) and
 * sw_client_last_error carries the server's message (e.g.
 * "signed in on another computer — sign in again to use it here"). */
SW_API sw_status sw_refresh(sw_client* client);

/* A network lease of the configured product. */
typedef struct sw_lease {
  char lease_id[SW_TEXT_MAX + 1];
  char expires_at[SW_TEXT_MAX + 1];     /* RFC 3339 */
  char borrowed_until[SW_TEXT_MAX + 1]; /* RFC 3339; "" when not borrowed */
  int64_t heartbeat_every_seconds;
} sw_lease;

/* Checks out a seat for this computer (registering it when needed). SW_E_REFUSED when all
 * seats are in use; the message says how many and when the oldest lease expires. Like the
 * other lease and usage calls, it authenticates with the cached device credential when the
 * computer was enrolled (sw_device_enroll), otherwise with the signed-in user's token. */
SW_API sw_status sw_lease_checkout(sw_client* client, sw_lease* out);

/* Keeps a lease alive; `out` may be NULL. */
SW_API sw_status sw_lease_heartbeat(sw_client* client, const char* lease_id, sw_lease* out);

/* Releases a lease (also returns a borrowed one early, freeing its seat). */
SW_API sw_status sw_lease_release(sw_client* client, const char* lease_id);

/* Borrows a checked-out lease for `days` days, to work offline. */
SW_API sw_status sw_lease_borrow(sw_client* client, const char* lease_id, int days, sw_lease* out);

/* Starts a thread that heartbeats `lease_id` every `interval_seconds` (use the lease's
 * heartbeat_every_seconds). Replaces a running heartbeat thread. */
SW_API sw_status sw_lease_start_heartbeats(sw_client* client, const char* lease_id,
                                           int64_t interval_seconds);

/* Stops the heartbeat thread at once (it never sleeps through a stop); SW_OK when none
 * runs. sw_client_free stops it too. */
SW_API sw_status sw_lease_stop_heartbeats(sw_client* client);

/* How many heartbeats the thread sent, and how many of them failed. */
SW_API sw_status sw_lease_heartbeat_counts(sw_client* client, int64_t* sent, int64_t* failed);

/* Appends a usage event ("start", "stop") for `product` (NULL: the configured product) at
 * `at_unix` (0: the client's clock) to the offline queue file (JSON lines, 0600); no network.
 * Each event gets a random 128-bit id, so uploading it twice counts once. */
SW_API sw_status sw_usage_record(sw_client* client, const char* kind, const char* product,
                                 int64_t at_unix);

/* What a flush did. */
typedef struct sw_usage_flush_result {
  int64_t sent;       /* events uploaded */
  int64_t accepted;   /* newly stored by the server */
  int64_t duplicates; /* already stored (uploaded before) */
  int64_t rejected;   /* refused by the server; kept in the queue */
} sw_usage_flush_result;

/* Uploads the queue in batches of at most 1000 and removes what the server accepted or
 * already had; rejected events and everything not sent stay queued. `out` may be NULL. */
SW_API sw_status sw_usage_flush(sw_client* client, sw_usage_flush_result* out);

/* ---- Serial-number activation: no sign-in; the computer is identified by a device
 * credential (swm_...) the server shows once, cached beside the token (0600, atomic). ---- */

/* Activates the configured product on this computer with a serial number and product key
 * (fingerprint, host name as asset name, OS and app version are sent). Caches the
 * entitlement token and the device credential. SW_E_REFUSED with the server's reason: a
 * serial number and product key that do not match give one generic message; all seats in
 * use says how many. */
SW_API sw_status sw_serial_activate(sw_client* client, const char* serial_number,
                                    const char* product_key);

/* Renews the token of the serial activation with the device credential. SW_E_NO_TOKEN when
 * this computer holds no serial activation. SW_E_REVOKED when the server refused: the cached
 * token is recorded as revoked and dropped, and sw_client_last_error carries the reason (e.g.
 * "sign-in required: ..." once the licence moved to sign-in). */
SW_API sw_status sw_serial_refresh(sw_client* client);

/* Deactivates the serial activation (freeing its seat for another computer), then removes
 * the cached token and device credential. SW_E_NO_TOKEN when there is none. */
SW_API sw_status sw_serial_deactivate(sw_client* client);

/* ---- Enrolment for network licences ---- */

/* Registers this computer with the signed-in user's access token and asks for a device
 * credential, which is cached (0600, atomic; a new one replaces the computer's earlier one).
 * From then on lease and usage calls authenticate as the computer itself, so a network
 * licence needs a sign-in once per computer. Without a cached credential those calls use
 * the signed-in user's access token. */
SW_API sw_status sw_device_enroll(sw_client* client);

#ifdef __cplusplus
}
#endif

#endif /* SEATWISE_SEATWISE_H */
