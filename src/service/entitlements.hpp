#pragma once
// What the desktop software asks for with a signed-in user: its device registered, a product
// activated on it as a signed entitlement token (compact JWS, EdDSA), the token refreshed;
// and the signing keys behind those tokens, published as a JWKS document.
//
// Token payload (times in Unix seconds): iss, kind ("sign_in", "serial" or "borrow"), jti
// (activation or lease id), user (null for serial activations), product, product_code,
// subscription, device, fingerprint, iat, reauth_at, grace_until, warn_from (grace_until minus
// the warning period).
//
// Computers activated by serial number have no user: the serial number and product key are
// the credential at activation, and afterwards the device's own secret (`swm_…`, issued once,
// stored as a hash, replaced when re-issued) authenticates its refreshes and deactivation.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/jws.hpp"
#include "service/audit.hpp"
#include "service/context.hpp"
#include "service/rate_limit.hpp"

namespace seatwise::service {

struct EntitlementOptions {
  std::array<std::uint8_t, 32> sealing_key{};  // seals signing keys at rest
  std::string issuer = "http://127.0.0.1:8080";
  std::chrono::seconds reauthorize_after{std::chrono::hours(24)};
  std::chrono::seconds offline_grace{std::chrono::hours(24 * 30)};
  std::chrono::seconds grace_warning{std::chrono::hours(24 * 3)};
  // Failed serial activations per client IP before further attempts are refused for a while.
  RateLimit serial_failures_per_ip{10, std::chrono::minutes(1)};
};

// What a signed token says; see the payload above.
struct TokenClaims {
  std::string kind;  // "sign_in", "serial" or "borrow"
  std::string jti;
  std::optional<std::string> user;
  std::string product;
  std::string product_code;
  std::string subscription;
  std::string device;
  std::string fingerprint;
  core::TimePoint reauth_at{};
  core::TimePoint grace_until{};
  core::TimePoint warn_from{};
};

// Signs tokens with the active signing key (implemented by EntitlementService).
class TokenSigner {
 public:
  virtual ~TokenSigner() = default;
  virtual core::Result<std::string> Sign(const TokenClaims& claims) = 0;
};

// What the client sends to register the computer it runs on.
struct DeviceRegistration {
  std::optional<std::string> team_id;  // required when the user is in several teams
  std::string fingerprint;             // the client's hash: 64 lowercase hex characters
  std::string asset_name;
  std::string os;
  std::string app_version;
  // Also issue the computer its own credential ("swm_…"), replacing an earlier one, so that
  // network leases and usage uploads work without a signed-in user afterwards.
  bool issue_credential = false;
};

struct RegisteredDevice {
  core::Device device;
  bool created = false;           // false: the team already knew this fingerprint
  std::string device_credential;  // with issue_credential; shown only this once
};

struct ActivationRequest {
  std::string product;  // code ("DRL") or id
  std::string device_id;
};

// A token is refreshed by itself or by its activation id.
struct RefreshRequest {
  std::string token;
  std::string activation_id;
};

// A signed entitlement and the activation behind it.
struct Entitlement {
  std::string token;
  core::Activation activation;
  std::string product_code;
  std::vector<std::string> revoked_elsewhere;  // devices the activation displaced
  core::TimePoint warn_from{};
};

// A serial activation as the client sends it.
struct SerialActivationRequest {
  std::string serial_number;
  std::string product_key;
  std::string product;      // code ("FRM") or id
  std::string fingerprint;  // the client's hash: 64 lowercase hex characters
  std::string asset_name;
  std::string os;
  std::string app_version;
};

// A serial entitlement and the device credential, which is shown only this once.
struct SerialEntitlement {
  Entitlement entitlement;
  std::string device_credential;
};

class EntitlementService : public TokenSigner {
 public:
  EntitlementService(const Deps& deps, EntitlementOptions options)
      : deps_(deps), options_(std::move(options)) {}

  // The key that signs tokens; creates and activates one when none is active. Safe when
  // several servers start at once: the database allows one active key.
  core::Result<core::SigningKey> EnsureActiveKey();
  // A new signing key; the previous one is retired but still published and verifying.
  core::Result<core::SigningKey> RotateKey(const Caller& caller);
  // {"keys":[...]}: every key not purged, as Ed25519 OKP JWKs.
  core::Result<std::string> JwksJson();
  // The header and payload of a token signed by one of this instance's keys.
  core::Result<crypto::Verified> VerifyToken(const std::string& token);

  // Registers the caller's computer in their team (the same fingerprint is the same device)
  // and records the check-in.
  core::Result<RegisteredDevice> RegisterDevice(const Caller& caller,
                                                const DeviceRegistration& registration);
  // Activates a product for the signed-in caller on their device: one of their seats in the
  // device's team must grant it. Displaces the caller's other computers beyond the
  // subscription's device limit.
  core::Result<Entitlement> Activate(const Caller& caller, const ActivationRequest& request);
  // A new token for an activation that still holds; a revoked one is answered with why.
  core::Result<Entitlement> Refresh(const Caller& caller, const RefreshRequest& request);
  // For a refresh whose sign-in is missing or has ended: the refusal to answer when the
  // signed token's activation no longer holds (revoked, or revoked now because its person
  // left the team, lost the seat or the contract ended), so the computer stops at once;
  // nullopt when it still holds or the token proves nothing (the person must sign in).
  core::Result<std::optional<core::Error>> RevocationWithoutSignIn(const Caller& caller,
                                                                   const RefreshRequest& request);
  // Ends the caller's own activation.
  core::Result<core::Activation> Deactivate(const Caller& caller, const std::string& activation_id);

  // Activates a product on a computer by serial number and product key (no user): registers
  // the device in the contract's team, takes one of the serial's seats (activated devices <=
  // seats) and issues the device a new credential. A wrong serial or key is answered with one
  // generic kNotFound, and failures per client IP are rate limited.
  core::Result<SerialEntitlement> ActivateSerial(const Caller& caller,
                                                 const SerialActivationRequest& request);
  // The device whose current credential is `token` (a "swm_…" secret); kUnauthenticated if none.
  core::Result<core::Device> AuthenticateDevice(const std::string& token);
  // A new token for one of the device's serial activations, or why it stopped working.
  core::Result<Entitlement> RefreshSerial(const Caller& caller, const core::Device& device,
                                          const std::string& activation_id);
  // Ends one of the device's serial activations; its seat is free at once.
  core::Result<core::Activation> DeactivateSerial(const Caller& caller, const core::Device& device,
                                                  const std::string& activation_id);

  // Signs `claims` with the active key.
  core::Result<std::string> Sign(const TokenClaims& claims) override;

 private:
  struct ActiveKey {
    std::string kid;
    crypto::Ed25519SecretKey secret_key{};
    core::TimePoint loaded_at{};
  };
  // How long the cached signing key is used before the database is asked again, so a key
  // rotated by another process (`seatwise keys rotate`) takes over here soon.
  static constexpr std::chrono::seconds kActiveKeyRecheck{60};

  core::Result<ActiveKey> SigningKey();
  // The activation a sign-in refresh names (its verified token's jti, or the id sent); an
  // invalid token is recorded as a denied `record`.
  core::Result<std::string> SignInActivationId(const Caller& caller, const AuditRecord& record,
                                               const RefreshRequest& request);
  core::Result<ActiveKey> Unseal(const core::SigningKey& key);
  core::Result<std::optional<crypto::Ed25519PublicKey>> PublicKey(const std::string& kid);
  core::Result<std::string> SignToken(const core::Activation& activation,
                                      const std::string& product_code,
                                      const std::string& fingerprint, core::TimePoint warn_from);

  Deps deps_;
  EntitlementOptions options_;

  std::mutex mutex_;  // guards the two caches below
  std::optional<ActiveKey> active_key_;
  std::map<std::string, crypto::Ed25519PublicKey> public_keys_;
};

}  // namespace seatwise::service
