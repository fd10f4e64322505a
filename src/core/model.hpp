#pragma once
// The domain objects of DOMAIN.md as plain values. Storage, services and the API all speak
// these types; none of them knows how it is stored. Ids are opaque prefixed strings
// (core::NewId), times are TimePoints, money-like amounts are integers.

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace seatwise::core {

// ---------------------------------------------------------------------------------------
// Enum names. Every enum below has a stable lowercase storage/API name; EnumName and
// ParseEnum convert both ways through the EnumNames<E>::kNames table (in declaration order).

template <typename E>
struct EnumNames;

template <typename E>
constexpr std::string_view EnumName(E value) {
  return EnumNames<E>::kNames[static_cast<std::size_t>(value)];
}

template <typename E>
constexpr std::optional<E> ParseEnum(std::string_view name) {
  const auto& names = EnumNames<E>::kNames;
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Declares the names of enum E, in the order of its enumerators.
#define SW_ENUM_NAMES(E, ...)                                   \
  template <>                                                   \
  struct EnumNames<E> {                                         \
    static constexpr std::string_view kNames[] = {__VA_ARGS__}; \
  }

// Id prefixes, one per kind of object.
namespace id_prefix {
inline constexpr std::string_view kReseller = "rsl";
inline constexpr std::string_view kAccount = "acc";
inline constexpr std::string_view kTeam = "team";
inline constexpr std::string_view kUser = "usr";
inline constexpr std::string_view kProduct = "prd";
inline constexpr std::string_view kProductGroup = "pgr";
inline constexpr std::string_view kCollection = "col";
inline constexpr std::string_view kService = "c";
inline constexpr std::string_view kProductRelease = "rel";
inline constexpr std::string_view kContract = "ctr";
inline constexpr std::string_view kOrder = "ord";
inline constexpr std::string_view kSubscription = "sub";
inline constexpr std::string_view kAssignment = "asg";
inline constexpr std::string_view kDevice = "dev";
inline constexpr std::string_view kActivation = "act";
inline constexpr std::string_view kLease = "lse";
inline constexpr std::string_view kLeaseDenial = "lsd";
inline constexpr std::string_view kUsageEvent = "use";
inline constexpr std::string_view kCreditEntry = "crd";
inline constexpr std::string_view kInvitation = "inv";
inline constexpr std::string_view kSession = "ses";
inline constexpr std::string_view kApiToken = "tok";
inline constexpr std::string_view kDeviceAuthorization = "dau";
inline constexpr std::string_view kRefreshToken = "rft";
inline constexpr std::string_view kAccessToken = "atk";
inline constexpr std::string_view kPasswordReset = "pwr";
inline constexpr std::string_view kRecoveryCode = "mrc";
inline constexpr std::string_view kOutboxMessage = "out";
inline constexpr std::string_view kWebhookEndpoint = "whe";
inline constexpr std::string_view kWebhookDelivery = "whd";
inline constexpr std::string_view kAuditEntry = "aud";
}  // namespace id_prefix

// ---------------------------------------------------------------------------------------
// Customers

// Postal identity of a customer organisation; contracts keep a snapshot of it.
struct CompanyInfo {
  std::string name;
  std::string address_line1;
  std::string address_line2;
  std::string city;
  std::string postal_code;
  std::string region;
  std::string country;  // ISO 3166-1 alpha-2
};

// A reseller places orders for the accounts it sells to.
struct Reseller {
  std::string id;
  std::string name;
  std::string contact_email;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A customer organisation; sold to by a reseller or directly by the publisher.
struct Account {
  std::string id;
  std::optional<std::string> reseller_id;
  CompanyInfo company;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A group of people of one account sharing contracts; exactly one Primary Admin.
struct Team {
  std::string id;
  std::string account_id;
  std::string name;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class UserStatus { kInvited, kActive, kRemoved };
SW_ENUM_NAMES(UserStatus, "invited", "active", "removed");

// One identity by e-mail across the instance.
struct User {
  std::string id;
  std::string email;  // unique case-insensitively
  std::string first_name;
  std::string last_name;
  UserStatus status = UserStatus::kInvited;
  std::optional<std::string> password_hash;  // Argon2id PHC string
  std::optional<std::string> totp_secret;    // sealed
  bool totp_enrolled = false;
  bool is_operator = false;                // the publisher's staff
  std::optional<std::string> reseller_id;  // staff of a reseller
  bool erased = false;                     // personal data anonymised (GDPR)
  std::optional<TimePoint> password_changed_at;
  std::optional<TimePoint> last_sign_in_at;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A user's role inside one team (the team-scoped subset of core::Role).
enum class TeamRole { kPrimaryAdmin, kSecondaryAdmin, kUser };
SW_ENUM_NAMES(TeamRole, "primary_admin", "secondary_admin", "user");

enum class MembershipStatus { kInvited, kActive, kRemoved };
SW_ENUM_NAMES(MembershipStatus, "invited", "active", "removed");

// User × team × role. Removed memberships stay as history (renewal review: leavers).
struct Membership {
  std::string team_id;
  std::string user_id;
  TeamRole role = TeamRole::kUser;
  MembershipStatus status = MembershipStatus::kInvited;
  std::optional<std::string> invited_by;
  TimePoint created_at{};
  std::optional<TimePoint> accepted_at;
  std::optional<TimePoint> removed_at;
  TimePoint updated_at{};
  // The names the inviter typed; what the team sees of a pending member instead of the
  // person's own account.
  std::optional<std::string> invited_first_name{};
  std::optional<std::string> invited_last_name{};
};

// ---------------------------------------------------------------------------------------
// Catalog

struct Product {
  std::string id;
  std::string code;  // e.g. "ACD"
  std::string name;
  std::string release;  // e.g. "2026"
  std::string description;
  bool retired = false;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A family sold as one ("AutoCAD including specialized toolsets"), used for drill-down.
struct ProductGroup {
  std::string id;
  std::string code;
  std::string name;
  std::vector<std::string> product_ids;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// An Industry Collection: one seat grants every product in it.
struct Collection {
  std::string id;
  std::string code;
  std::string name;
  std::vector<std::string> product_ids;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class ServiceKind { kCloud, kSupport, kOther };
SW_ENUM_NAMES(ServiceKind, "cloud", "support", "other");

// A cloud service or support offering, assigned like a product.
struct Service {
  std::string id;
  std::string code;
  std::string name;
  ServiceKind kind = ServiceKind::kCloud;
  std::string description;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class ReleaseKind { kRelease, kUpdate };
SW_ENUM_NAMES(ReleaseKind, "release", "update");

// A downloadable version of a product: a full release ("2027") or an update ("2027.1").
struct ProductRelease {
  std::string id;
  std::string product_id;
  std::string version;  // unique per product
  ReleaseKind kind = ReleaseKind::kRelease;
  std::string title;
  TimePoint released_at{};
  std::string download_url;
  std::string sha256;  // 64 lowercase hex characters
  std::int64_t size_bytes = 0;
  std::string notes;
  TimePoint created_at{};
};

// ---------------------------------------------------------------------------------------
// Contracts and seat pools

enum class ContractStatus { kActive, kExpiring, kExpired, kSuspended, kCancelled, kRenewed };
SW_ENUM_NAMES(ContractStatus, "active", "expiring", "expired", "suspended", "cancelled", "renewed");

struct Contract {
  std::string id;
  std::string number;            // contract number shown to customers
  std::string subscription_ref;  // the customer-visible "subscription id"
  std::string account_id;
  std::string team_id;
  std::optional<std::string> reseller_id;
  std::string contract_manager_id;
  std::optional<std::string> software_coordinator_id;  // serial contracts only
  TimePoint starts_at{};
  TimePoint ends_at{};
  int term_months = 12;
  ContractStatus status = ContractStatus::kActive;
  std::int64_t credit_balance = 0;  // cloud credits
  CompanyInfo company;              // snapshot at order time
  std::optional<TimePoint> status_changed_at;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class OrderKind { kNew, kRenewal, kChange };
SW_ENUM_NAMES(OrderKind, "new", "renewal", "change");

// A record of an order placed on a contract (new, renewal, change).
struct Order {
  std::string id;
  std::string contract_id;
  OrderKind kind = OrderKind::kNew;
  std::optional<std::string> placed_by;  // user id of the reseller/operator staff
  std::string details_json = "{}";
  TimePoint created_at{};
};

enum class Access { kSingleUser, kMultiUser };
SW_ENUM_NAMES(Access, "single_user", "multi_user");

enum class ActivationMethod { kSignIn, kSerialNumber };
SW_ENUM_NAMES(ActivationMethod, "sign_in", "serial_number");

enum class LicenseModel { kTerm, kPerpetualMaintenance, kPerpetual };
SW_ENUM_NAMES(LicenseModel, "term", "perpetual_maintenance", "perpetual");

// A seat pool on a contract, for exactly one of a product, a collection or a service.
struct Subscription {
  std::string id;
  std::string contract_id;
  std::optional<std::string> product_id;
  std::optional<std::string> collection_id;
  std::optional<std::string> service_id;
  int seats = 0;
  Access access = Access::kSingleUser;
  ActivationMethod activation = ActivationMethod::kSignIn;
  LicenseModel model = LicenseModel::kTerm;
  std::optional<std::string> serial_number;  // "XXX-XXXXXXXX"; kept after migration
  std::optional<std::string> product_key;    // "001K1"
  int max_devices = 1;                       // computers a named user may use at once
  int lease_ttl_seconds = 600;
  int max_borrow_days = 180;
  std::optional<TimePoint> ends_at;      // when the product's term ends, if not the contract's
  std::optional<TimePoint> migrated_at;  // switched from serial to sign-in
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A user holds one seat of a subscription. Unassigned rows are kept as history.
struct Assignment {
  std::string id;
  std::string subscription_id;
  std::string user_id;
  std::optional<std::string> assigned_by;
  TimePoint assigned_at{};
  std::optional<TimePoint> unassigned_at;
  std::optional<std::string> unassigned_by;
  bool active() const { return !unassigned_at.has_value(); }
};

// ---------------------------------------------------------------------------------------
// Desktop side

// A computer the software runs on, as seen by one team.
struct Device {
  std::string id;
  std::string team_id;
  std::string fingerprint_hash;  // never the raw machine id
  std::string asset_name;
  std::string os;
  std::string app_version;
  std::string description;
  bool default_product_access = true;
  bool default_update_access = true;
  std::optional<TimePoint> last_check_in_at;
  std::optional<std::string> last_user_id;
  TimePoint registered_at{};
  TimePoint updated_at{};
};

enum class ActivationKind { kSignIn, kSerial };
SW_ENUM_NAMES(ActivationKind, "sign_in", "serial");

enum class ActivationStatus { kActive, kRevoked };
SW_ENUM_NAMES(ActivationStatus, "active", "revoked");

enum class RevocationReason {
  kSignedInElsewhere,
  kDeactivated,
  kUnassigned,
  kUserRemoved,
  kMigrated,
  kContractEnded,
  kAdmin,
};
SW_ENUM_NAMES(RevocationReason, "signed_in_elsewhere", "deactivated", "unassigned", "user_removed",
              "migrated", "contract_ended", "admin");

// A product activated on a device, by a signed-in user or by serial number.
struct Activation {
  std::string id;
  ActivationKind kind = ActivationKind::kSignIn;
  std::optional<std::string> user_id;  // empty for serial activations
  std::string subscription_id;
  std::string product_id;
  std::string device_id;
  ActivationStatus status = ActivationStatus::kActive;
  std::optional<RevocationReason> revoked_reason;
  TimePoint issued_at{};
  TimePoint expires_at{};           // online re-authorisation due
  TimePoint offline_grace_until{};  // works offline until then
  std::optional<TimePoint> revoked_at;
};

// A floating seat of a multi-user subscription held by a device.
struct Lease {
  std::string id;
  std::string subscription_id;
  std::string product_id;
  std::string device_id;
  std::optional<std::string> user_id;  // the signed-in user, when the client knows one
  std::string user_name;               // as reported by the client OS
  std::string host;
  TimePoint checked_out_at{};
  TimePoint heartbeat_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> borrowed_until;
  std::optional<TimePoint> released_at;
  // Held at `now` when not released and either the heartbeat or the borrow holds it.
  bool HeldAt(TimePoint now) const {
    return !released_at && (expires_at > now || (borrowed_until && *borrowed_until > now));
  }
};

// A refused checkout, kept for the network-license report.
struct LeaseDenial {
  std::string id;
  std::string subscription_id;
  std::string product_id;
  std::optional<std::string> device_id;
  std::string user_name;
  std::string host;
  int in_use = 0;
  int seats = 0;
  TimePoint at{};
};

enum class UsageKind { kStart, kStop, kCredit };
SW_ENUM_NAMES(UsageKind, "start", "stop", "credit");

// A product session start/stop or a cloud-credit consumption reported by a client.
struct UsageEvent {
  std::string id;
  std::int64_t seq = 0;         // ingestion order; rollups resume from it
  std::string client_event_id;  // unique per device; makes uploads idempotent
  std::string device_id;
  std::optional<std::string> user_id;
  std::optional<std::string> product_id;
  std::optional<std::string> service_id;
  std::optional<std::string> subscription_id;
  UsageKind kind = UsageKind::kStart;
  std::int64_t credits = 0;  // for kCredit
  // For kStop: the seconds the session counts for, once time another session of the same
  // person and product already covered is taken off.
  std::int64_t duration_seconds = 0;
  TimePoint at{};  // the client's time, or the time of receipt when the client's was too far off
  TimePoint received_at{};
  std::optional<TimePoint> client_at{};         // the client's time when `at` is not it
  std::optional<TimePoint> started_at{};        // for kStop: when its session began (server time)
  std::optional<std::string> start_event_id{};  // for kStop: the start it closed
};

// One row of the daily rollup the seat-usage report reads.
struct UsageDaily {
  TimePoint day{};  // UTC midnight of the day the sessions started
  std::string team_id;
  std::string subscription_id;
  std::string product_id;
  std::string user_id;
  std::int64_t sessions = 0;
  std::int64_t seconds = 0;
};

enum class CreditReason { kPurchase, kConsumption, kAdjustment, kRefund };
SW_ENUM_NAMES(CreditReason, "purchase", "consumption", "adjustment", "refund");

// One movement of a contract's cloud-credit balance.
struct CreditEntry {
  std::string id;
  std::string contract_id;
  std::optional<std::string> user_id;     // the consumer, for consumption
  std::optional<std::string> service_id;  // what consumed it
  std::optional<std::string> actor_id;    // who recorded it
  std::optional<std::string> usage_event_id;
  std::int64_t amount = 0;  // + purchase, - consumption
  std::int64_t balance_after = 0;
  CreditReason reason = CreditReason::kPurchase;
  std::string note;
  TimePoint at{};
};

// ---------------------------------------------------------------------------------------
// Authentication artefacts. Every secret is stored as a hash; the clear value is shown once.

struct Invitation {
  std::string id;
  std::string team_id;
  std::string user_id;
  std::string token_hash;
  std::optional<std::string> invited_by;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> accepted_at;
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> expired_at;  // marked by the invitation_expiry job
};

struct Session {
  std::string id;
  std::string token_hash;
  std::string user_id;
  std::string csrf_token;
  bool mfa_verified = false;
  std::string ip;
  std::string user_agent;
  TimePoint created_at{};
  TimePoint last_seen_at{};
  TimePoint idle_expires_at{};
  TimePoint absolute_expires_at{};
  std::optional<TimePoint> revoked_at;
};

struct ApiToken {
  std::string id;
  std::string user_id;
  std::string name;
  std::string token_hash;
  std::string display_prefix;  // first characters, to recognise it in a list
  TimePoint created_at{};
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;
};

enum class DeviceAuthorizationStatus { kPending, kApproved, kDenied, kConsumed, kExpired };
SW_ENUM_NAMES(DeviceAuthorizationStatus, "pending", "approved", "denied", "consumed", "expired");

// RFC 8628 device authorization request.
struct DeviceAuthorization {
  std::string id;
  std::string device_code_hash;
  std::string user_code;  // what the user types, e.g. "WDJB-MJHT"
  std::string client_id;
  std::string scope;
  DeviceAuthorizationStatus status = DeviceAuthorizationStatus::kPending;
  std::optional<std::string> user_id;  // set on approval
  int interval_seconds = 5;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> last_polled_at;
};

// Rotating refresh tokens; a family is every token descended from one grant.
struct RefreshToken {
  std::string id;
  std::string token_hash;
  std::string family_id;
  std::string user_id;
  std::optional<std::string> device_id;
  std::string client_id;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> rotated_at;
  std::optional<std::string> replaced_by;
  std::optional<TimePoint> revoked_at;
};

// An opaque OAuth access token (stored hashed), short-lived and revoked with its refresh
// family, so a revocation takes effect at the next request.
struct AccessToken {
  std::string id;
  std::string token_hash;
  std::string user_id;
  std::string family_id;  // the refresh-token family it was issued with
  std::string client_id;
  std::string scope;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> revoked_at;
};

struct PasswordReset {
  std::string id;
  std::string user_id;
  std::string token_hash;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> used_at;
};

struct MfaRecoveryCode {
  std::string id;
  std::string user_id;
  std::string code_hash;
  TimePoint created_at{};
  std::optional<TimePoint> used_at;
};

// An Ed25519 key that signs entitlement tokens; retired keys still verify.
struct SigningKey {
  std::string kid;
  std::string algorithm = "EdDSA";
  std::string public_key;          // base64url
  std::string private_key_sealed;  // encrypted at rest
  bool active = false;
  TimePoint created_at{};
  std::optional<TimePoint> activated_at;
  std::optional<TimePoint> retired_at;
};

// ---------------------------------------------------------------------------------------
// Notifications, jobs, audit

enum class OutboxKind { kEmail, kWebhook };
SW_ENUM_NAMES(OutboxKind, "email", "webhook");

enum class OutboxStatus { kPending, kSent, kFailed };
SW_ENUM_NAMES(OutboxStatus, "pending", "sent", "failed");

// A message written in the transaction that causes it; delivered later, once per event key.
struct OutboxMessage {
  std::string id;
  std::string event_key;  // e.g. "renewal:ctr_...:90"
  OutboxKind kind = OutboxKind::kEmail;
  std::string template_name;  // e.g. "invitation"
  std::string recipient;      // e-mail address, or the webhook event type
  std::string subject;
  std::string body_text;
  std::string body_html;
  std::string payload_json = "{}";
  std::optional<std::string> team_id;
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  TimePoint next_attempt_at{};
  std::optional<TimePoint> locked_until;  // claimed by a delivering node until then
  std::string last_error;
  TimePoint created_at{};
  std::optional<TimePoint> sent_at;
  std::int64_t seq = 0;  // the order messages were queued in, across the whole outbox
  // An e-mail's Date: when it was queued, fixed when first claimed; one recipient's e-mails
  // get distinct, increasing whole seconds.
  std::optional<TimePoint> date_at{};
};

struct WebhookEndpoint {
  std::string id;
  std::string team_id;
  std::string url;
  std::string secret_sealed;
  std::vector<std::string> events;  // event types it receives
  bool active = true;
  std::optional<std::string> created_by;
  TimePoint created_at{};
  TimePoint updated_at{};
};

enum class DeliveryStatus { kPending, kDelivered, kFailed };
SW_ENUM_NAMES(DeliveryStatus, "pending", "delivered", "failed");

struct WebhookDelivery {
  std::string id;
  std::string endpoint_id;
  std::string event_key;
  std::string event_type;
  std::string payload_json = "{}";
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  TimePoint next_attempt_at{};
  std::optional<int> last_status_code;
  std::string last_error;
  TimePoint created_at{};
  std::optional<TimePoint> delivered_at;
};

// State of a scheduled job, shared by every node (lock, last run, resume cursor).
struct JobRun {
  std::string name;
  std::optional<TimePoint> last_started_at;
  std::optional<TimePoint> last_finished_at;
  std::string last_outcome;  // "ok", or the error
  std::optional<std::string> locked_by;
  std::optional<TimePoint> locked_until;
  std::string cursor;  // job-defined resume point
};

enum class AuditOutcome { kAllowed, kDenied };
SW_ENUM_NAMES(AuditOutcome, "allowed", "denied");

// Who did what to what, when, from where, before and after. Append-only.
struct AuditEntry {
  std::string id;
  std::int64_t seq = 0;  // append order; the cursor of audit listings
  TimePoint at{};
  std::optional<std::string> actor_id;
  std::string actor_role;  // core::RoleName, or "system"
  std::string action;      // e.g. "assignment.create"
  std::string target_type;
  std::string target_id;
  std::optional<std::string> team_id;
  std::optional<std::string> account_id;
  std::string ip;
  std::string request_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  AuditOutcome outcome = AuditOutcome::kAllowed;
  std::string detail;
};

// A stored reply to a creating POST, replayed for the same Idempotency-Key.
struct IdempotencyRecord {
  std::string principal_id;
  std::string key;
  std::string request_hash;
  int status_code = 0;
  std::string response_body;
  TimePoint created_at{};
  TimePoint expires_at{};
};

}  // namespace seatwise::core
