#include "service/entitlements.hpp"

#include <algorithm>
#include <utility>

#include "core/roles.hpp"
#include "crypto/secret_box.hpp"
#include "crypto/tokens.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kFingerprintLength = 64;

std::int64_t UnixSeconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string Day(core::TimePoint t) { return FormatTime(t).substr(0, 10); }

std::string UserRole() { return std::string(core::RoleName(core::Role::kUser)); }

bool IsFingerprint(std::string_view text) {
  return text.size() == kFingerprintLength && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The field errors of what a client says about its computer.
void CheckComputer(const std::string& fingerprint, const std::string& asset_name,
                   const std::string& os, const std::string& app_version,
                   std::vector<core::FieldError>& errors) {
  if (!IsFingerprint(fingerprint)) {
    errors.push_back({"fingerprint",
                      "must be the client's hash of the machine id: 64 lowercase hex characters "
                      "(never the raw machine id)"});
  }
  if (asset_name.empty() || asset_name.size() > 200) {
    errors.push_back({"asset_name", "must be 1 to 200 characters"});
  }
  if (os.size() > 200) errors.push_back({"os", "must be at most 200 characters"});
  if (app_version.size() > 100) {
    errors.push_back({"app_version", "must be at most 100 characters"});
  }
}

// Refusals the desktop client shows its user: each is audited as a denied attempt.
bool IsRefusal(const core::Error& error) {
  return error.code == ErrorCode::kPermissionDenied ||
         error.code == ErrorCode::kFailedPrecondition || error.code == ErrorCode::kConflict ||
         error.code == ErrorCode::kSeatLimitReached;
}

template <typename T>
Result<T> RunRefusable(const Deps& deps, const Caller& caller, const AuditRecord& record,
                       const std::function<Result<T>(store::Tx&)>& fn) {
  auto result = deps.db.Transact<T>(store::TxMode::kWrite, fn);
  if (!result.ok() && IsRefusal(result.error())) AuditDenied(deps, caller, record, result.error());
  return result;
}

Result<void> RequireUser(const Caller& caller) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return core::MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  return core::Ok();
}

std::string EmailOf(store::Tx& tx, const Deps& deps, const std::string& user_id) {
  auto user = deps.repos.users->Get(tx, user_id);
  return user.ok() ? user->email : std::string("(unknown)");
}

// "the Primary Admin ann@example.com", or a generic phrase when the team has none.
std::string PrimaryAdminPhrase(store::Tx& tx, const Deps& deps, const std::string& team_id,
                               std::optional<std::string>* id = nullptr) {
  auto pa = deps.repos.users->FindPrimaryAdmin(tx, team_id);
  if (pa.ok() && pa->has_value()) {
    if (id) *id = (*pa)->user.id;
    return "your Primary Admin " + (*pa)->user.email;
  }
  return "your team's Primary Admin";
}

// The caller must be an active member of the team the device belongs to.
Result<void> RequireMember(store::Tx& tx, const Deps& deps, const core::Team& team,
                           const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team.id, user_id));
  if (membership && membership->status == core::MembershipStatus::kActive) return core::Ok();
  if (membership && membership->status == core::MembershipStatus::kInvited) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "you have not yet accepted the invitation to team \"" + team.name +
                               "\"; accept it from the invitation e-mail, then sign in again");
  }
  const std::string who = PrimaryAdminPhrase(tx, deps, team.id);
  if (membership) {
    return core::MakeError(
        ErrorCode::kPermissionDenied,
        "you were removed from team \"" + team.name + "\"; " + who + " can add you again");
  }
  return core::MakeError(
      ErrorCode::kPermissionDenied,
      "you are not a member of team \"" + team.name + "\"; " + who + " can invite you");
}

// A member enrolling a computer whose credential another member holds may not take it over by
// sending the same fingerprint: only the holder, a team admin, or anyone once the holder has
// left the team may have a new credential issued.
Result<void> MayReplaceCredential(store::Tx& tx, const Deps& deps, const Caller& caller,
                                  const core::Device& device) {
  SW_ASSIGN_OR_RETURN(auto holder, deps.repos.devices->GetCredentialHolder(tx, device.id));
  if (!holder.issued || !holder.user_id || *holder.user_id == caller.principal.user_id) {
    return core::Ok();
  }
  SW_ASSIGN_OR_RETURN(auto membership,
                      deps.repos.users->GetMembership(tx, device.team_id, *holder.user_id));
  if (!membership || membership->status != core::MembershipStatus::kActive) return core::Ok();
  auto admin = Authorize(tx, deps, caller.principal, core::Capability::kManageDevices,
                         {device.team_id, std::nullopt, std::nullopt});
  if (admin.ok() && admin->grant == core::Grant::kEverything) return core::Ok();
  return core::MakeError(ErrorCode::kConflict,
                         "this computer is already enrolled by another member of the team, who "
                         "keeps its credential; a team admin can enrol it again for you");
}

Result<core::Product> ResolveProduct(store::Tx& tx, const Deps& deps, const std::string& product) {
  SW_ASSIGN_OR_RETURN(auto by_code, deps.repos.catalog->FindProductByCode(tx, product));
  if (by_code) return std::move(*by_code);
  auto by_id = deps.repos.catalog->GetProduct(tx, product);
  if (!by_id.ok() && by_id.error().code == ErrorCode::kNotFound) {
    return core::MakeError(ErrorCode::kNotFound,
                           "no product has the code or id \"" + product + "\"");
  }
  return by_id;
}

std::optional<core::Error> ContractEnded(store::Tx& tx, const Deps& deps,
                                         const core::Subscription& sub,
                                         const core::Contract& contract,
                                         const core::Product& product, core::TimePoint now);

// Why `sub` cannot give a sign-in entitlement to `product` at `now`, if it cannot.
std::optional<core::Error> Unusable(store::Tx& tx, const Deps& deps, const core::Subscription& sub,
                                    const core::Contract& contract, const core::Product& product,
                                    core::TimePoint now) {
  if (sub.access == core::Access::kMultiUser) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           product.name +
                               " is licensed for network use in your team: use a network "
                               "license checkout instead of signing in");
  }
  if (sub.activation == core::ActivationMethod::kSerialNumber) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           "this product is licensed by serial number: " + product.name +
                               " is activated with its serial number and product key, not by "
                               "signing in");
  }
  return ContractEnded(tx, deps, sub, contract, product, now);
}

// Why the contract behind `sub` gives nothing at `now` (suspended, cancelled, expired), if so.
std::optional<core::Error> ContractEnded(store::Tx& tx, const Deps& deps,
                                         const core::Subscription& sub,
                                         const core::Contract& contract,
                                         const core::Product& product, core::TimePoint now) {
  const std::string cm = "your Contract Manager " + EmailOf(tx, deps, contract.contract_manager_id);
  const std::string what =
      "your team's " + product.name + " subscription (contract " + contract.number + ")";
  switch (contract.status) {
    case core::ContractStatus::kSuspended:
      return core::MakeError(
          ErrorCode::kFailedPrecondition,
          what + " is suspended" +
              (contract.status_changed_at ? " since " + Day(*contract.status_changed_at) : "") +
              "; " + cm + " can renew it or have it reinstated");
    case core::ContractStatus::kCancelled:
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             what + " was cancelled; " + cm + " can order it again");
    default:
      break;
  }
  core::TimePoint ends = contract.ends_at;
  if (sub.ends_at && *sub.ends_at < ends) ends = *sub.ends_at;
  if (contract.status == core::ContractStatus::kExpired || now >= ends) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           what + " expired on " + Day(ends) + "; " + cm + " can renew it");
  }
  return std::nullopt;
}

// Why the user holds no seat of the product in the team, and who can change that.
core::Error NotAssigned(store::Tx& tx, const Deps& deps, const core::Team& team,
                        const core::Product& product) {
  std::optional<std::string> pa_id;
  const std::string pa = PrimaryAdminPhrase(tx, deps, team.id, &pa_id);
  auto subs = deps.repos.contracts->ListTeamSubscriptions(tx, team.id);
  if (!subs.ok()) return subs.error();
  bool serial = false;
  bool network = false;
  bool any_sign_in = false;
  bool free_seat = false;
  std::optional<std::string> held_by;  // "the Primary Admin ann@..." when a PA/CM holds one
  for (const auto& sub : *subs) {
    auto granted = deps.repos.contracts->GrantedProducts(tx, sub.id);
    if (!granted.ok()) return granted.error();
    if (std::find(granted->begin(), granted->end(), product.id) == granted->end()) continue;
    if (sub.access == core::Access::kMultiUser) {
      network = true;
      continue;
    }
    if (sub.activation == core::ActivationMethod::kSerialNumber) {
      serial = true;
      continue;
    }
    any_sign_in = true;
    auto contract = deps.repos.contracts->GetContract(tx, sub.contract_id);
    if (!contract.ok()) return contract.error();
    auto holders =
        deps.repos.assignments->ListActiveBySubscription(tx, sub.id, {"", store::kMaxPageSize});
    if (!holders.ok()) return holders.error();
    if (static_cast<int>(holders->items.size()) < sub.seats) free_seat = true;
    for (const auto& holder : holders->items) {
      if (held_by) break;
      if (pa_id && holder.user_id == *pa_id) {
        held_by = "the Primary Admin " + EmailOf(tx, deps, holder.user_id);
      } else if (holder.user_id == contract->contract_manager_id) {
        held_by = "the Contract Manager " + EmailOf(tx, deps, holder.user_id);
      }
    }
  }
  if (any_sign_in) {
    if (!free_seat && held_by) {
      return core::MakeError(ErrorCode::kPermissionDenied, "your team's " + product.name +
                                                               " seats are all assigned; one is "
                                                               "held by " +
                                                               *held_by +
                                                               " — ask them to assign it to you");
    }
    if (!free_seat) {
      return core::MakeError(ErrorCode::kPermissionDenied,
                             "your team's " + product.name + " seats are all assigned; ask " + pa +
                                 " to free one and assign it to you");
    }
    return core::MakeError(ErrorCode::kPermissionDenied,
                           product.name + " is not assigned to you; ask " + pa +
                               " to assign it to you (a seat is free)");
  }
  if (serial) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           "this product is licensed by serial number: " + product.name +
                               " is activated with its serial number and product key, not by "
                               "signing in");
  }
  if (network) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           product.name +
                               " is licensed for network use in your team: use a "
                               "network license checkout instead of signing in");
  }
  return core::MakeError(
      ErrorCode::kPermissionDenied,
      "your team has no " + product.name + " subscription; ask " + pa + " about one");
}

// Why a revoked activation no longer works, as the client's user should read it.
core::Error RevokedError(core::RevocationReason reason, const std::string& product_name) {
  switch (reason) {
    case core::RevocationReason::kSignedInElsewhere:
      return core::MakeError(ErrorCode::kConflict,
                             "signed in on another computer — sign in again to use it here");
    case core::RevocationReason::kDeactivated:
      return core::MakeError(ErrorCode::kConflict,
                             product_name +
                                 " was deactivated on this computer; sign in again to "
                                 "use it here");
    case core::RevocationReason::kUnassigned:
      return core::MakeError(ErrorCode::kPermissionDenied,
                             product_name +
                                 " is no longer assigned to you; ask your team's "
                                 "Primary Admin to assign it again");
    case core::RevocationReason::kUserRemoved:
      return core::MakeError(ErrorCode::kPermissionDenied,
                             "you were removed from the team that licenses " + product_name +
                                 "; its Primary Admin can add you again");
    case core::RevocationReason::kMigrated:
      return core::MakeError(
          ErrorCode::kFailedPrecondition,
          "the license behind this activation of " + product_name + " was migrated; sign in again");
    case core::RevocationReason::kContractEnded:
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             "the subscription that licensed " + product_name +
                                 " has ended; your Contract Manager can renew it");
    case core::RevocationReason::kAdmin:
      break;
  }
  return core::MakeError(ErrorCode::kPermissionDenied,
                         "an administrator revoked this activation of " + product_name +
                             "; sign in again or ask your team's Primary Admin");
}

std::string ActivationJson(const core::Activation& a) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String(a.id)
      .Key("subscription_id")
      .String(a.subscription_id)
      .Key("product_id")
      .String(a.product_id)
      .Key("device_id")
      .String(a.device_id)
      .Key("status")
      .String(core::EnumName(a.status))
      .Key("expires_at")
      .Time(a.expires_at)
      .Key("offline_grace_until")
      .Time(a.offline_grace_until)
      .EndObject();
  return json.str();
}

// A refusal found while refreshing that must still commit (the activation is revoked).
struct RefreshOutcome {
  std::optional<Entitlement> entitlement;
  std::optional<core::Error> refusal;
};

// The answer of a refresh: its entitlement, or its refusal, recorded as denied. A refusal
// found in the transaction (a revoked activation) committed with it; the denial is written
// afterwards in a transaction of its own.
Result<Entitlement> RefreshAnswer(const Deps& deps, const Caller& caller, const AuditRecord& record,
                                  Result<RefreshOutcome> outcome) {
  if (!outcome.ok()) {
    if (IsRefusal(outcome.error())) AuditDenied(deps, caller, record, outcome.error());
    return outcome.error();
  }
  if (outcome->refusal) {
    AuditDenied(deps, caller, record, *outcome->refusal);
    return *outcome->refusal;
  }
  return std::move(*outcome->entitlement);
}

// The one answer to a serial number or product key that does not match, so that serial
// numbers cannot be probed.
core::Error SerialMismatch() {
  return core::MakeError(ErrorCode::kNotFound,
                         "serial number and product key do not match a license");
}

// A serial subscription that moved to sign-in, if `sub` is one.
std::optional<core::Error> SignInRequired(const core::Subscription& sub) {
  if (!sub.migrated_at && sub.activation != core::ActivationMethod::kSignIn) return std::nullopt;
  return core::MakeError(ErrorCode::kFailedPrecondition,
                         "sign-in required: this license moved to sign-in on " +
                             Day(sub.migrated_at.value_or(sub.updated_at)) +
                             "; sign in with your account to use it");
}

// Why a serial subscription gives no activation of `product` at `now`, if it gives none.
std::optional<core::Error> SerialUnusable(store::Tx& tx, const Deps& deps,
                                          const core::Subscription& sub,
                                          const core::Contract& contract,
                                          const core::Product& product, core::TimePoint now) {
  if (sub.access == core::Access::kMultiUser) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           "this serial number is a network (multi-user) license of " +
                               product.name + ": use a network license checkout");
  }
  if (auto moved = SignInRequired(sub)) return moved;
  return ContractEnded(tx, deps, sub, contract, product, now);
}

// The device's serial activation `id`; any other is answered "not found".
Result<core::Activation> SerialActivationOf(store::Tx& tx, const Deps& deps,
                                            const core::Device& device, const std::string& id) {
  auto activation = deps.repos.activations->Get(tx, id);
  if (!activation.ok() && activation.error().code != ErrorCode::kNotFound) {
    return activation.error();
  }
  if (!activation.ok() || activation->device_id != device.id ||
      activation->kind != core::ActivationKind::kSerial) {
    core::Error error = core::MakeError(ErrorCode::kPermissionDenied,
                                        "no serial activation " + id + " on this computer");
    error.conceal_existence = true;
    return error;
  }
  return activation;
}

std::string SerialRateBucket(const Caller& caller) {
  return "serial_activation:ip:" + caller.meta.ip;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Signing keys

Result<EntitlementService::ActiveKey> EntitlementService::Unseal(const core::SigningKey& key) {
  SW_ASSIGN_OR_RETURN(std::string seed_text,
                      crypto::Open(options_.sealing_key, key.private_key_sealed));
  SW_ASSIGN_OR_RETURN(std::string seed_bytes, crypto::Base64UrlDecode(seed_text));
  crypto::Ed25519Seed seed{};
  if (seed_bytes.size() != seed.size()) {
    return core::MakeError(ErrorCode::kInternal, "signing key " + key.kid + " is damaged");
  }
  std::copy(seed_bytes.begin(), seed_bytes.end(), seed.begin());
  return ActiveKey{key.kid, crypto::Ed25519KeyPairFromSeed(seed).secret_key};
}

Result<core::SigningKey> EntitlementService::EnsureActiveKey() {
  auto create = [&](store::Tx& tx) -> Result<core::SigningKey> {
    SW_ASSIGN_OR_RETURN(auto active, deps_.repos.signing_keys->GetActive(tx));
    if (active) return std::move(*active);
    const auto now = deps_.clock.Now();
    const crypto::Ed25519KeyPair pair = crypto::NewEd25519KeyPair(deps_.random);
    const crypto::Ed25519Seed seed = crypto::Ed25519SeedOf(pair.secret_key);
    core::SigningKey key;
    key.kid = core::NewId(deps_.random, "key");
    key.public_key = crypto::Base64UrlEncode(std::span<const std::uint8_t>(pair.public_key));
    key.private_key_sealed =
        crypto::Seal(options_.sealing_key,
                     crypto::Base64UrlEncode(std::span<const std::uint8_t>(seed)), deps_.random);
    key.created_at = now;
    SW_RETURN_IF_ERROR(deps_.repos.signing_keys->Create(tx, key));
    SW_RETURN_IF_ERROR(deps_.repos.signing_keys->Activate(tx, key.kid, now));
    return deps_.repos.signing_keys->Get(tx, key.kid);
  };
  auto key = deps_.db.Transact<core::SigningKey>(store::TxMode::kWrite, create);
  if (!key.ok() && key.error().code == ErrorCode::kAlreadyExists) {
    // Another server activated its key first: use that one.
    key = deps_.db.Transact<core::SigningKey>(store::TxMode::kWrite, create);
  }
  return key;
}

Result<EntitlementService::ActiveKey> EntitlementService::SigningKey() {
  const auto now = deps_.clock.Now();
  {
    std::lock_guard lock(mutex_);
    if (active_key_ && now - active_key_->loaded_at < kActiveKeyRecheck) return *active_key_;
  }
  SW_ASSIGN_OR_RETURN(core::SigningKey key, EnsureActiveKey());
  SW_ASSIGN_OR_RETURN(ActiveKey active, Unseal(key));
  active.loaded_at = now;
  std::lock_guard lock(mutex_);
  active_key_ = active;
  return active;
}

Result<core::SigningKey> EntitlementService::RotateKey(const Caller& caller) {
  AuditRecord record;
  record.action = "signing_key.rotate";
  record.target_type = "signing_key";
  auto rotated = RunAudited<core::SigningKey>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::SigningKey> {
        if (caller.principal.method != AuthMethod::kSystem && !caller.principal.is_operator) {
          return core::MakeError(ErrorCode::kPermissionDenied,
                                 "only the publisher's operators may rotate signing keys");
        }
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(auto previous, deps_.repos.signing_keys->GetActive(tx));
        const crypto::Ed25519KeyPair pair = crypto::NewEd25519KeyPair(deps_.random);
        const crypto::Ed25519Seed seed = crypto::Ed25519SeedOf(pair.secret_key);
        core::SigningKey key;
        key.kid = core::NewId(deps_.random, "key");
        key.public_key = crypto::Base64UrlEncode(std::span<const std::uint8_t>(pair.public_key));
        key.private_key_sealed = crypto::Seal(
            options_.sealing_key, crypto::Base64UrlEncode(std::span<const std::uint8_t>(seed)),
            deps_.random);
        key.created_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.signing_keys->Create(tx, key));
        SW_RETURN_IF_ERROR(deps_.repos.signing_keys->Activate(tx, key.kid, now));
        AuditRecord done = record;
        done.target_id = key.kid;
        done.actor_role = caller.principal.method == AuthMethod::kSystem
                              ? "system"
                              : std::string(core::RoleName(core::Role::kOperator));
        done.detail = "signing key " + key.kid + " activated" +
                      (previous ? "; " + previous->kid + " retired, still verifying" : "");
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return deps_.repos.signing_keys->Get(tx, key.kid);
      });
  if (rotated.ok()) {
    std::lock_guard lock(mutex_);
    active_key_.reset();
  }
  return rotated;
}

Result<std::string> EntitlementService::JwksJson() {
  SW_ASSIGN_OR_RETURN(auto keys, deps_.db.Transact<std::vector<core::SigningKey>>(
                                     store::TxMode::kRead, [&](store::Tx& tx) {
                                       return deps_.repos.signing_keys->List(tx);
                                     }));
  JsonWriter json;
  json.BeginObject().Key("keys").BeginArray();
  for (const auto& key : keys) {
    json.BeginObject()
        .Key("kty")
        .String("OKP")
        .Key("crv")
        .String("Ed25519")
        .Key("alg")
        .String("EdDSA")
        .Key("use")
        .String("sig")
        .Key("kid")
        .String(key.kid)
        .Key("x")
        .String(key.public_key)
        .EndObject();
  }
  json.EndArray().EndObject();
  return json.str();
}

Result<std::optional<crypto::Ed25519PublicKey>> EntitlementService::PublicKey(
    const std::string& kid) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = public_keys_.find(kid); it != public_keys_.end()) {
      return std::optional<crypto::Ed25519PublicKey>(it->second);
    }
  }
  auto key = deps_.db.Transact<core::SigningKey>(
      store::TxMode::kRead, [&](store::Tx& tx) { return deps_.repos.signing_keys->Get(tx, kid); });
  if (!key.ok()) {
    if (key.error().code == ErrorCode::kNotFound) return std::optional<crypto::Ed25519PublicKey>();
    return key.error();
  }
  auto bytes = crypto::Base64UrlDecode(key->public_key);
  crypto::Ed25519PublicKey public_key{};
  if (!bytes.ok() || bytes->size() != public_key.size()) {
    return core::MakeError(ErrorCode::kInternal, "signing key " + kid + " is damaged");
  }
  std::copy(bytes->begin(), bytes->end(), public_key.begin());
  std::lock_guard lock(mutex_);
  public_keys_[kid] = public_key;
  return std::optional<crypto::Ed25519PublicKey>(public_key);
}

Result<crypto::Verified> EntitlementService::VerifyToken(const std::string& token) {
  return crypto::VerifyCompact(token, [this](const std::string& kid) { return PublicKey(kid); });
}

Result<std::string> EntitlementService::SignToken(const core::Activation& activation,
                                                  const std::string& product_code,
                                                  const std::string& fingerprint,
                                                  core::TimePoint warn_from) {
  TokenClaims claims;
  claims.kind = std::string(core::EnumName(activation.kind));
  claims.jti = activation.id;
  claims.user = activation.user_id;
  claims.product = activation.product_id;
  claims.product_code = product_code;
  claims.subscription = activation.subscription_id;
  claims.device = activation.device_id;
  claims.fingerprint = fingerprint;
  claims.reauth_at = activation.expires_at;
  claims.grace_until = activation.offline_grace_until;
  claims.warn_from = warn_from;
  return Sign(claims);
}

Result<std::string> EntitlementService::Sign(const TokenClaims& claims) {
  SW_ASSIGN_OR_RETURN(ActiveKey key, SigningKey());
  JsonWriter header;
  header.BeginObject()
      .Key("alg")
      .String("EdDSA")
      .Key("typ")
      .String("JWT")
      .Key("kid")
      .String(key.kid)
      .EndObject();
  JsonWriter payload;
  payload.BeginObject().Key("iss").String(options_.issuer).Key("kind").String(claims.kind);
  payload.Key("jti").String(claims.jti).Key("user");
  if (claims.user) {
    payload.String(*claims.user);
  } else {
    payload.Null();
  }
  payload.Key("product")
      .String(claims.product)
      .Key("product_code")
      .String(claims.product_code)
      .Key("subscription")
      .String(claims.subscription)
      .Key("device")
      .String(claims.device)
      .Key("fingerprint")
      .String(claims.fingerprint)
      .Key("iat")
      .Int(UnixSeconds(deps_.clock.Now()))
      .Key("reauth_at")
      .Int(UnixSeconds(claims.reauth_at))
      .Key("grace_until")
      .Int(UnixSeconds(claims.grace_until))
      .Key("warn_from")
      .Int(UnixSeconds(claims.warn_from))
      .EndObject();
  return crypto::SignCompact(header.str(), payload.str(), key.secret_key);
}

// ---------------------------------------------------------------------------------------
// Devices and activations

Result<RegisteredDevice> EntitlementService::RegisterDevice(
    const Caller& caller, const DeviceRegistration& registration) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  std::vector<core::FieldError> errors;
  CheckComputer(registration.fingerprint, registration.asset_name, registration.os,
                registration.app_version, errors);
  if (!errors.empty()) {
    core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the device is invalid");
    error.fields = std::move(errors);
    return error;
  }
  const std::string& user_id = caller.principal.user_id;
  AuditRecord record;
  record.action = "device.register";
  record.target_type = "device";
  record.target_id = registration.fingerprint;
  record.team_id = registration.team_id;
  return RunRefusable<RegisteredDevice>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<RegisteredDevice> {
        std::string team_id;
        if (registration.team_id) {
          team_id = *registration.team_id;
        } else {
          SW_ASSIGN_OR_RETURN(auto memberships, deps_.repos.users->ListMemberships(tx, user_id));
          std::vector<std::string> teams;
          for (const auto& m : memberships) {
            if (m.status == core::MembershipStatus::kActive) teams.push_back(m.team_id);
          }
          if (teams.empty()) {
            return core::MakeError(ErrorCode::kPermissionDenied,
                                   "you are not an active member of any team; accept your "
                                   "invitation or ask your team's Primary Admin to add you");
          }
          if (teams.size() > 1) {
            core::Error error =
                core::MakeError(ErrorCode::kInvalidArgument, "name the team of this device");
            error.fields.push_back({"team_id", "is required: you are a member of several teams"});
            return error;
          }
          team_id = teams.front();
        }
        auto team = deps_.repos.accounts->GetTeam(tx, team_id);
        if (!team.ok()) {
          if (team.error().code != ErrorCode::kNotFound) return team.error();
          core::Error error =
              core::MakeError(ErrorCode::kPermissionDenied, "you are not a member of that team");
          error.conceal_existence = true;
          return error;
        }
        SW_RETURN_IF_ERROR(RequireMember(tx, deps_, *team, user_id));
        const auto now = deps_.clock.Now();
        core::Device device;
        device.id = core::NewId(deps_.random, core::id_prefix::kDevice);
        device.team_id = team_id;
        device.fingerprint_hash = registration.fingerprint;
        device.asset_name = registration.asset_name;
        device.os = registration.os;
        device.app_version = registration.app_version;
        device.registered_at = device.updated_at = now;
        const std::string fresh_id = device.id;
        SW_ASSIGN_OR_RETURN(core::Device registered,
                            deps_.repos.devices->Register(tx, std::move(device)));
        SW_RETURN_IF_ERROR(deps_.repos.devices->CheckIn(
            tx, registered.id, user_id, registration.app_version, registration.os, now));
        SW_ASSIGN_OR_RETURN(registered, deps_.repos.devices->Get(tx, registered.id));
        const bool created = registered.id == fresh_id;
        if (created) {
          AuditRecord done = record;
          done.target_id = registered.id;
          done.team_id = team_id;
          done.account_id = team->account_id;
          done.actor_role = UserRole();
          done.detail = "device \"" + registered.asset_name + "\" registered";
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        }
        RegisteredDevice out{std::move(registered), created, {}};
        if (registration.issue_credential) {
          SW_RETURN_IF_ERROR(MayReplaceCredential(tx, deps_, caller, out.device));
          // A new credential for the device; an earlier one (of an enrolment or a serial
          // activation) stops working.
          out.device_credential =
              crypto::NewToken(deps_.random, crypto::token_prefix::kDeviceCredential);
          SW_RETURN_IF_ERROR(deps_.repos.devices->SetMemberCredential(
              tx, out.device.id, crypto::HashToken(out.device_credential), user_id, now));
          AuditRecord enrolled = record;
          enrolled.action = "device.credential_issue";
          enrolled.target_id = out.device.id;
          enrolled.team_id = team_id;
          enrolled.account_id = team->account_id;
          enrolled.actor_role = UserRole();
          enrolled.detail = "device credential issued to \"" + out.device.asset_name + "\"";
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, enrolled));
        }
        return out;
      });
}

Result<Entitlement> EntitlementService::Activate(const Caller& caller,
                                                 const ActivationRequest& request) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  std::vector<core::FieldError> errors;
  if (request.product.empty()) errors.push_back({"product", "is required"});
  if (request.device_id.empty()) errors.push_back({"device_id", "is required"});
  if (!errors.empty()) {
    core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the activation is invalid");
    error.fields = std::move(errors);
    return error;
  }
  // The key is loaded before the transaction: creating one needs a transaction of its own.
  SW_RETURN_IF_ERROR(SigningKey());
  const std::string& user_id = caller.principal.user_id;
  AuditRecord record;
  record.action = "activation.create";
  record.target_type = "device";
  record.target_id = request.device_id;
  return RunRefusable<Entitlement>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<Entitlement> {
        auto device = deps_.repos.devices->Get(tx, request.device_id);
        if (!device.ok()) {
          if (device.error().code != ErrorCode::kNotFound) return device.error();
          return core::MakeError(ErrorCode::kNotFound,
                                 "no device " + request.device_id + "; register it first");
        }
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device->team_id));
        SW_RETURN_IF_ERROR(RequireMember(tx, deps_, team, user_id));
        SW_ASSIGN_OR_RETURN(core::Product product, ResolveProduct(tx, deps_, request.product));
        const auto now = deps_.clock.Now();

        SW_ASSIGN_OR_RETURN(auto assignments, deps_.repos.assignments->FindActiveGrantingProduct(
                                                  tx, user_id, product.id));
        std::optional<core::Subscription> chosen;
        std::optional<core::Error> first_problem;
        for (const auto& assignment : assignments) {
          SW_ASSIGN_OR_RETURN(core::Subscription sub, deps_.repos.contracts->GetSubscription(
                                                          tx, assignment.subscription_id));
          SW_ASSIGN_OR_RETURN(core::Contract contract,
                              deps_.repos.contracts->GetContract(tx, sub.contract_id));
          if (contract.team_id != team.id) continue;
          if (auto problem = Unusable(tx, deps_, sub, contract, product, now)) {
            if (!first_problem) first_problem = std::move(problem);
            continue;
          }
          chosen = std::move(sub);
          break;
        }
        if (!chosen) {
          if (first_problem) return *first_problem;
          return NotAssigned(tx, deps_, team, product);
        }

        core::Activation activation;
        activation.id = core::NewId(deps_.random, core::id_prefix::kActivation);
        activation.kind = core::ActivationKind::kSignIn;
        activation.user_id = user_id;
        activation.subscription_id = chosen->id;
        activation.product_id = product.id;
        activation.device_id = device->id;
        activation.issued_at = now;
        activation.expires_at = now + options_.reauthorize_after;
        activation.offline_grace_until = now + options_.offline_grace;
        SW_ASSIGN_OR_RETURN(store::SignInActivation done,
                            deps_.repos.activations->ActivateSignIn(tx, activation));
        SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
            tx, deps_, team.id, "device.activated",
            "{\"activation_id\":" + JsonQuote(done.activation.id) +
                ",\"kind\":\"sign_in\",\"device_id\":" + JsonQuote(device->id) +
                ",\"asset_name\":" + JsonQuote(device->asset_name) + ",\"user_id\":" +
                JsonQuote(user_id) + ",\"product\":" + JsonQuote(product.code) + "}",
            "device.activated:" + done.activation.id));
        SW_RETURN_IF_ERROR(deps_.repos.devices->CheckIn(tx, device->id, user_id,
                                                        device->app_version, device->os, now));
        Entitlement out;
        out.activation = std::move(done.activation);
        out.product_code = product.code;
        out.warn_from = out.activation.offline_grace_until - options_.grace_warning;
        for (const auto& revoked : done.revoked) out.revoked_elsewhere.push_back(revoked.device_id);
        AuditRecord audit = record;
        audit.target_type = "activation";
        audit.target_id = out.activation.id;
        audit.team_id = team.id;
        audit.account_id = team.account_id;
        audit.actor_role = UserRole();
        audit.after_json = ActivationJson(out.activation);
        audit.detail = product.code + " activated on device \"" + device->asset_name + "\"";
        if (!done.revoked.empty()) {
          audit.detail +=
              "; " + std::to_string(done.revoked.size()) + " other computer(s) signed out";
        }
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
        SW_ASSIGN_OR_RETURN(out.token, SignToken(out.activation, product.code,
                                                 device->fingerprint_hash, out.warn_from));
        return out;
      });
}

Result<std::string> EntitlementService::SignInActivationId(const Caller& caller,
                                                           const AuditRecord& record,
                                                           const RefreshRequest& request) {
  std::string activation_id = request.activation_id;
  if (!request.token.empty()) {
    auto verified = VerifyToken(request.token);
    if (!verified.ok()) {
      core::Error error = core::MakeError(
          ErrorCode::kInvalidArgument,
          "the entitlement token is not valid (" + verified.error().message + "); sign in again");
      error.fields.push_back({"token", verified.error().message});
      AuditDenied(deps_, caller, record, error);
      return error;
    }
    auto claims = crypto::FlatJsonMembers(verified->payload_json);
    if (!claims.ok() || !claims->contains("jti") || !claims->contains("kind") ||
        claims->at("kind") != "sign_in") {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             "the token is not a sign-in entitlement; sign in again");
    }
    if (!activation_id.empty() && activation_id != claims->at("jti")) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             "the token and the activation id name different activations");
    }
    activation_id = claims->at("jti");
  }
  if (activation_id.empty()) {
    core::Error error =
        core::MakeError(ErrorCode::kInvalidArgument, "send the token or the activation id");
    error.fields.push_back({"token", "is required when activation_id is not given"});
    return error;
  }
  return activation_id;
}

namespace {

// Why a sign-in activation's seat no longer holds, and the reason it is revoked with.
struct SeatLoss {
  core::Error refusal;
  core::RevocationReason reason = core::RevocationReason::kAdmin;
};

// The seat behind `user_id`'s activation of `product` on `sub`: nullopt while it holds (the
// person is an active member of the team, the contract gives the product, the seat is theirs).
Result<std::optional<SeatLoss>> SeatLost(store::Tx& tx, const Deps& deps, const core::Team& team,
                                         const core::Subscription& sub,
                                         const core::Contract& contract,
                                         const core::Product& product, const std::string& user_id,
                                         core::TimePoint now) {
  if (auto member = RequireMember(tx, deps, team, user_id); !member.ok()) {
    return std::optional<SeatLoss>(SeatLoss{member.error(), core::RevocationReason::kUserRemoved});
  }
  if (auto problem = Unusable(tx, deps, sub, contract, product, now)) {
    return std::optional<SeatLoss>(
        SeatLoss{std::move(*problem), core::RevocationReason::kContractEnded});
  }
  SW_ASSIGN_OR_RETURN(auto seat, deps.repos.assignments->FindActive(tx, sub.id, user_id));
  if (!seat) {
    return std::optional<SeatLoss>(
        SeatLoss{NotAssigned(tx, deps, team, product), core::RevocationReason::kUnassigned});
  }
  return std::optional<SeatLoss>();
}

}  // namespace

Result<Entitlement> EntitlementService::Refresh(const Caller& caller,
                                                const RefreshRequest& request) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  AuditRecord record;
  record.action = "activation.refresh";
  record.target_type = "activation";
  SW_ASSIGN_OR_RETURN(const std::string activation_id, SignInActivationId(caller, record, request));
  record.target_id = activation_id;
  SW_RETURN_IF_ERROR(SigningKey());
  const std::string& user_id = caller.principal.user_id;
  auto outcome = deps_.db.Transact<RefreshOutcome>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<RefreshOutcome> {
        auto activation = deps_.repos.activations->Get(tx, activation_id);
        if (!activation.ok() || activation->user_id != user_id) {
          if (!activation.ok() && activation.error().code != ErrorCode::kNotFound) {
            return activation.error();
          }
          core::Error error = core::MakeError(ErrorCode::kPermissionDenied,
                                              "no activation " + activation_id + " of yours");
          error.conceal_existence = true;
          return error;
        }
        SW_ASSIGN_OR_RETURN(core::Product product,
                            deps_.repos.catalog->GetProduct(tx, activation->product_id));
        if (activation->status == core::ActivationStatus::kRevoked) {
          return RefreshOutcome{
              std::nullopt,
              RevokedError(activation->revoked_reason.value_or(core::RevocationReason::kAdmin),
                           product.name)};
        }
        SW_ASSIGN_OR_RETURN(core::Device device,
                            deps_.repos.devices->Get(tx, activation->device_id));
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device.team_id));
        SW_ASSIGN_OR_RETURN(core::Subscription sub, deps_.repos.contracts->GetSubscription(
                                                        tx, activation->subscription_id));
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        const auto now = deps_.clock.Now();
        // The seat must still hold; if it does not, the activation ends here, for good.
        SW_ASSIGN_OR_RETURN(auto loss,
                            SeatLost(tx, deps_, team, sub, contract, product, user_id, now));
        AuditRecord audit = record;
        audit.team_id = team.id;
        audit.account_id = team.account_id;
        audit.actor_role = UserRole();
        if (loss) {
          SW_ASSIGN_OR_RETURN(
              bool revoked, deps_.repos.activations->Revoke(tx, activation->id, loss->reason, now));
          if (revoked) {
            audit.action = "activation.revoke";
            audit.detail = product.code + " revoked at refresh (" +
                           std::string(core::EnumName(loss->reason)) +
                           "): " + loss->refusal.message;
            SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
          }
          return RefreshOutcome{std::nullopt, std::move(loss->refusal)};
        }
        SW_ASSIGN_OR_RETURN(
            core::Activation renewed,
            deps_.repos.activations->Refresh(tx, activation->id, now + options_.reauthorize_after,
                                             now + options_.offline_grace));
        SW_RETURN_IF_ERROR(deps_.repos.devices->CheckIn(tx, device.id, user_id, device.app_version,
                                                        device.os, now));
        Entitlement out;
        out.activation = std::move(renewed);
        out.product_code = product.code;
        out.warn_from = out.activation.offline_grace_until - options_.grace_warning;
        audit.after_json = ActivationJson(out.activation);
        audit.detail = product.code + " refreshed on device \"" + device.asset_name + "\"";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
        SW_ASSIGN_OR_RETURN(out.token, SignToken(out.activation, product.code,
                                                 device.fingerprint_hash, out.warn_from));
        return RefreshOutcome{std::move(out), std::nullopt};
      });
  return RefreshAnswer(deps_, caller, record, std::move(outcome));
}

Result<std::optional<core::Error>> EntitlementService::RevocationWithoutSignIn(
    const Caller& caller, const RefreshRequest& request) {
  // Only the signed token proves anything here: an activation id alone is not enough.
  if (request.token.empty()) return std::optional<core::Error>();
  auto verified = VerifyToken(request.token);
  if (!verified.ok()) return std::optional<core::Error>();
  auto claims = crypto::FlatJsonMembers(verified->payload_json);
  if (!claims.ok() || !claims->contains("jti") || !claims->contains("kind") ||
      claims->at("kind") != "sign_in") {
    return std::optional<core::Error>();
  }
  const std::string activation_id = claims->at("jti");
  return deps_.db.Transact<std::optional<core::Error>>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<std::optional<core::Error>> {
        auto activation = deps_.repos.activations->Get(tx, activation_id);
        if (!activation.ok()) {
          if (activation.error().code != ErrorCode::kNotFound) return activation.error();
          return std::optional<core::Error>();
        }
        SW_ASSIGN_OR_RETURN(core::Product product,
                            deps_.repos.catalog->GetProduct(tx, activation->product_id));
        if (activation->status == core::ActivationStatus::kRevoked) {
          return std::optional<core::Error>(RevokedError(
              activation->revoked_reason.value_or(core::RevocationReason::kAdmin), product.name));
        }
        SW_ASSIGN_OR_RETURN(core::Device device,
                            deps_.repos.devices->Get(tx, activation->device_id));
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device.team_id));
        SW_ASSIGN_OR_RETURN(core::Subscription sub, deps_.repos.contracts->GetSubscription(
                                                        tx, activation->subscription_id));
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        const auto now = deps_.clock.Now();
        if (!activation->user_id) return std::optional<core::Error>();  // serial: not here
        SW_ASSIGN_OR_RETURN(auto loss, SeatLost(tx, deps_, team, sub, contract, product,
                                                *activation->user_id, now));
        if (!loss) return std::optional<core::Error>();
        SW_ASSIGN_OR_RETURN(bool revoked,
                            deps_.repos.activations->Revoke(tx, activation->id, loss->reason, now));
        if (revoked) {
          AuditRecord audit;
          audit.action = "activation.revoke";
          audit.target_type = "activation";
          audit.target_id = activation->id;
          audit.team_id = team.id;
          audit.account_id = team.account_id;
          audit.detail = product.code + " revoked at a check without sign-in (" +
                         std::string(core::EnumName(loss->reason)) + "): " + loss->refusal.message;
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
        }
        // The computer learns the reason its user would have been told signed in.
        return std::optional<core::Error>(std::move(loss->refusal));
      });
}

Result<core::Activation> EntitlementService::Deactivate(const Caller& caller,
                                                        const std::string& activation_id) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  AuditRecord record;
  record.action = "activation.deactivate";
  record.target_type = "activation";
  record.target_id = activation_id;
  const std::string& user_id = caller.principal.user_id;
  return RunRefusable<core::Activation>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::Activation> {
        auto activation = deps_.repos.activations->Get(tx, activation_id);
        if (!activation.ok() || activation->user_id != user_id) {
          if (!activation.ok() && activation.error().code != ErrorCode::kNotFound) {
            return activation.error();
          }
          core::Error error = core::MakeError(ErrorCode::kPermissionDenied,
                                              "no activation " + activation_id + " of yours");
          error.conceal_existence = true;
          return error;
        }
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(bool revoked,
                            deps_.repos.activations->Revoke(
                                tx, activation_id, core::RevocationReason::kDeactivated, now));
        if (!revoked) {
          return core::MakeError(ErrorCode::kConflict, "this activation is no longer active");
        }
        SW_ASSIGN_OR_RETURN(core::Device device,
                            deps_.repos.devices->Get(tx, activation->device_id));
        SW_ASSIGN_OR_RETURN(core::Activation after,
                            deps_.repos.activations->Get(tx, activation_id));
        AuditRecord done = record;
        done.team_id = device.team_id;
        done.actor_role = UserRole();
        done.before_json = ActivationJson(*activation);
        done.after_json = ActivationJson(after);
        done.detail = "deactivated on device \"" + device.asset_name + "\"";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return after;
      });
}

// ---------------------------------------------------------------------------------------
// Serial activations

Result<SerialEntitlement> EntitlementService::ActivateSerial(
    const Caller& caller, const SerialActivationRequest& request) {
  std::vector<core::FieldError> errors;
  if (request.serial_number.empty()) errors.push_back({"serial_number", "is required"});
  if (request.product_key.empty()) errors.push_back({"product_key", "is required"});
  if (request.product.empty()) errors.push_back({"product", "is required"});
  CheckComputer(request.fingerprint, request.asset_name, request.os, request.app_version, errors);
  if (!errors.empty()) {
    core::Error error =
        core::MakeError(ErrorCode::kInvalidArgument, "the serial activation is invalid");
    error.fields = std::move(errors);
    return error;
  }
  AuditRecord record;
  record.action = "activation.serial_create";
  record.target_type = "device";
  record.target_id = request.fingerprint;
  record.actor_role = "anonymous";
  const std::string bucket = SerialRateBucket(caller);
  const auto now = deps_.clock.Now();

  // Refuse at once while the failures from this address are at the limit.
  SW_ASSIGN_OR_RETURN(
      store::RateLimitWindow window,
      deps_.db.Transact<store::RateLimitWindow>(store::TxMode::kRead, [&](store::Tx& tx) {
        return deps_.repos.auth->PeekRateLimit(tx, bucket, now);
      }));
  if (window.hits >= options_.serial_failures_per_ip.max_hits) {
    core::Error limited =
        RateLimited(window.ends_at, now, "too many failed serial activations from your network");
    AuditDenied(deps_, caller, record, limited);
    return limited;
  }
  SW_RETURN_IF_ERROR(SigningKey());

  bool mismatch = false;
  auto result = deps_.db.Transact<SerialEntitlement>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<SerialEntitlement> {
        mismatch = false;
        SW_ASSIGN_OR_RETURN(
            auto found, deps_.repos.contracts->FindSubscriptionBySerial(tx, request.serial_number));
        // Compared in constant time, and compared even when no serial matched.
        const std::string expected =
            found && found->product_key ? *found->product_key : std::string(64, '\0');
        const bool key_ok = crypto::ConstantTimeEquals(expected, request.product_key);
        if (!found || !found->product_key || !key_ok) {
          mismatch = true;
          return SerialMismatch();
        }
        const core::Subscription& sub = *found;
        SW_ASSIGN_OR_RETURN(core::Product product, ResolveProduct(tx, deps_, request.product));
        SW_ASSIGN_OR_RETURN(auto granted, deps_.repos.contracts->GrantedProducts(tx, sub.id));
        if (std::find(granted.begin(), granted.end(), product.id) == granted.end()) {
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "this serial number does not license " + product.name);
        }
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        if (auto problem = SerialUnusable(tx, deps_, sub, contract, product, now)) {
          return *problem;
        }
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, contract.team_id));

        core::Device fresh;
        fresh.id = core::NewId(deps_.random, core::id_prefix::kDevice);
        fresh.team_id = team.id;
        fresh.fingerprint_hash = request.fingerprint;
        fresh.asset_name = request.asset_name;
        fresh.os = request.os;
        fresh.app_version = request.app_version;
        fresh.registered_at = fresh.updated_at = now;
        SW_ASSIGN_OR_RETURN(core::Device device,
                            deps_.repos.devices->Register(tx, std::move(fresh)));
        SW_RETURN_IF_ERROR(deps_.repos.devices->CheckIn(tx, device.id, std::nullopt,
                                                        request.app_version, request.os, now));

        core::Activation activation;
        activation.id = core::NewId(deps_.random, core::id_prefix::kActivation);
        activation.kind = core::ActivationKind::kSerial;
        activation.subscription_id = sub.id;
        activation.product_id = product.id;
        activation.device_id = device.id;
        activation.issued_at = now;
        activation.expires_at = now + options_.reauthorize_after;
        activation.offline_grace_until = now + options_.offline_grace;
        auto activated = deps_.repos.activations->ActivateSerial(tx, activation);
        if (!activated.ok() && activated.error().code == ErrorCode::kSeatLimitReached) {
          return core::MakeError(ErrorCode::kSeatLimitReached,
                                 "all " + std::to_string(sub.seats) +
                                     " activations of this serial number are in use; deactivate "
                                     "it on a computer you no longer use");
        }
        SW_RETURN_IF_ERROR(activated);
        SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
            tx, deps_, device.team_id, "device.activated",
            "{\"activation_id\":" + JsonQuote(activated->id) +
                ",\"kind\":\"serial\",\"device_id\":" + JsonQuote(device.id) +
                ",\"asset_name\":" + JsonQuote(device.asset_name) +
                ",\"user_id\":null,\"product\":" + JsonQuote(product.code) + "}",
            "device.activated:" + activated->id));

        // A new credential for the device; an earlier one stops working.
        const std::string credential =
            crypto::NewToken(deps_.random, crypto::token_prefix::kDeviceCredential);
        SW_RETURN_IF_ERROR(
            deps_.repos.devices->SetCredential(tx, device.id, crypto::HashToken(credential), now));

        SerialEntitlement out;
        out.device_credential = credential;
        Entitlement& e = out.entitlement;
        e.activation = std::move(*activated);
        e.product_code = product.code;
        e.warn_from = e.activation.offline_grace_until - options_.grace_warning;
        AuditRecord audit = record;
        audit.target_id = device.id;
        audit.team_id = team.id;
        audit.account_id = team.account_id;
        audit.after_json = ActivationJson(e.activation);
        audit.detail = product.code + " activated by serial number on device \"" +
                       device.asset_name + "\" (activation " + e.activation.id + ")";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
        SW_ASSIGN_OR_RETURN(
            e.token, SignToken(e.activation, product.code, device.fingerprint_hash, e.warn_from));
        return out;
      });
  if (!result.ok()) {
    if (mismatch) {
      auto counted = deps_.db.Transact<int>(store::TxMode::kWrite, [&](store::Tx& tx) {
        return deps_.repos.auth->HitRateLimit(tx, bucket, options_.serial_failures_per_ip.window,
                                              now);
      });
      if (!counted.ok()) return counted.error();
    }
    if (mismatch || IsRefusal(result.error())) AuditDenied(deps_, caller, record, result.error());
  }
  return result;
}

Result<core::Device> EntitlementService::AuthenticateDevice(const std::string& token) {
  auto refuse = [] {
    return core::MakeError(ErrorCode::kUnauthenticated,
                           "the device credential is not valid (replaced or never issued); "
                           "activate the serial number or enroll this computer again");
  };
  if (!token.starts_with(crypto::token_prefix::kDeviceCredential) ||
      token.size() != crypto::token_prefix::kDeviceCredential.size() + crypto::kTokenBodyLength) {
    return refuse();
  }
  const std::string hash = crypto::HashToken(token);
  SW_ASSIGN_OR_RETURN(auto device, deps_.db.Transact<std::optional<core::Device>>(
                                       store::TxMode::kRead, [&](store::Tx& tx) {
                                         return deps_.repos.devices->FindByCredential(tx, hash);
                                       }));
  if (!device) return refuse();
  return std::move(*device);
}

Result<Entitlement> EntitlementService::RefreshSerial(const Caller& caller,
                                                      const core::Device& device,
                                                      const std::string& activation_id) {
  if (activation_id.empty()) {
    core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "name the activation");
    error.fields.push_back({"activation_id", "is required"});
    return error;
  }
  AuditRecord record;
  record.action = "activation.serial_refresh";
  record.target_type = "activation";
  record.target_id = activation_id;
  record.team_id = device.team_id;
  record.actor_role = "anonymous";
  SW_RETURN_IF_ERROR(SigningKey());
  auto outcome = deps_.db.Transact<RefreshOutcome>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<RefreshOutcome> {
        SW_ASSIGN_OR_RETURN(core::Activation activation,
                            SerialActivationOf(tx, deps_, device, activation_id));
        SW_ASSIGN_OR_RETURN(core::Product product,
                            deps_.repos.catalog->GetProduct(tx, activation.product_id));
        SW_ASSIGN_OR_RETURN(core::Subscription sub,
                            deps_.repos.contracts->GetSubscription(tx, activation.subscription_id));
        if (activation.status == core::ActivationStatus::kRevoked) {
          const auto reason = activation.revoked_reason.value_or(core::RevocationReason::kAdmin);
          if (reason == core::RevocationReason::kMigrated) {
            if (auto moved = SignInRequired(sub)) return RefreshOutcome{std::nullopt, moved};
          }
          if (reason == core::RevocationReason::kDeactivated) {
            return RefreshOutcome{
                std::nullopt,
                core::MakeError(ErrorCode::kConflict,
                                product.name +
                                    " was deactivated on this computer; activate it again with "
                                    "the serial number and product key")};
          }
          return RefreshOutcome{std::nullopt, RevokedError(reason, product.name)};
        }
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        const auto now = deps_.clock.Now();
        AuditRecord audit = record;
        audit.account_id = contract.account_id;
        if (auto problem = SerialUnusable(tx, deps_, sub, contract, product, now)) {
          const auto reason = SignInRequired(sub) ? core::RevocationReason::kMigrated
                                                  : core::RevocationReason::kContractEnded;
          SW_ASSIGN_OR_RETURN(bool revoked,
                              deps_.repos.activations->Revoke(tx, activation.id, reason, now));
          if (revoked) {
            audit.action = "activation.revoke";
            audit.detail = product.code + " revoked at refresh (" +
                           std::string(core::EnumName(reason)) + "): " + problem->message;
            SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
          }
          return RefreshOutcome{std::nullopt, std::move(problem)};
        }
        SW_ASSIGN_OR_RETURN(
            core::Activation renewed,
            deps_.repos.activations->Refresh(tx, activation.id, now + options_.reauthorize_after,
                                             now + options_.offline_grace));
        SW_RETURN_IF_ERROR(deps_.repos.devices->CheckIn(tx, device.id, std::nullopt,
                                                        device.app_version, device.os, now));
        Entitlement out;
        out.activation = std::move(renewed);
        out.product_code = product.code;
        out.warn_from = out.activation.offline_grace_until - options_.grace_warning;
        audit.after_json = ActivationJson(out.activation);
        audit.detail =
            product.code + " refreshed by serial number on device \"" + device.asset_name + "\"";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, audit));
        SW_ASSIGN_OR_RETURN(out.token, SignToken(out.activation, product.code,
                                                 device.fingerprint_hash, out.warn_from));
        return RefreshOutcome{std::move(out), std::nullopt};
      });
  return RefreshAnswer(deps_, caller, record, std::move(outcome));
}

Result<core::Activation> EntitlementService::DeactivateSerial(const Caller& caller,
                                                              const core::Device& device,
                                                              const std::string& activation_id) {
  AuditRecord record;
  record.action = "activation.serial_deactivate";
  record.target_type = "activation";
  record.target_id = activation_id;
  record.team_id = device.team_id;
  record.actor_role = "anonymous";
  return RunRefusable<core::Activation>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::Activation> {
        SW_ASSIGN_OR_RETURN(core::Activation activation,
                            SerialActivationOf(tx, deps_, device, activation_id));
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(bool revoked,
                            deps_.repos.activations->Revoke(
                                tx, activation_id, core::RevocationReason::kDeactivated, now));
        if (!revoked) {
          return core::MakeError(ErrorCode::kConflict, "this activation is no longer active");
        }
        SW_ASSIGN_OR_RETURN(core::Activation after,
                            deps_.repos.activations->Get(tx, activation_id));
        AuditRecord done = record;
        done.before_json = ActivationJson(activation);
        done.after_json = ActivationJson(after);
        done.detail = "serial activation deactivated on device \"" + device.asset_name +
                      "\"; its seat is free";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return after;
      });
}

}  // namespace seatwise::service
