#pragma once
// Floating seats of multi-user (network) subscriptions as the desktop software takes them:
// checkout, heartbeat, release, borrow and return; and the usage events clients upload.
//
// Who may: a signed-in user who is an active member of the team that registered the
// device. A lease may be touched by the user who checked it out or by any member of the
// team of its device; anyone else is answered "not found".

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "service/entitlements.hpp"

namespace seatwise::service {

// The most events one usage upload may carry.
inline constexpr std::size_t kMaxUsageEvents = 1000;
// Limits of the fields a client reports.
inline constexpr std::size_t kLeaseUserNameMax = 100;
inline constexpr std::size_t kLeaseHostMax = 255;
inline constexpr std::size_t kUsageEventIdMax = 100;

struct CheckoutRequest {
  std::string product;  // code ("STR") or id
  std::string device_id;
  std::string user_name;  // the OS user
  std::string host;
  std::optional<std::string> subscription_id;  // when several network subscriptions grant it
};

// A granted lease and how often the client should renew it.
struct LeaseGrant {
  core::Lease lease;
  int heartbeat_every_seconds = 0;
};

// A borrowed lease and its signed offline lease token (kind "borrow", jti = the lease id,
// reauth_at = grace_until = borrowed_until, warn_from = borrowed_until minus
// kBorrowWarning, never before the checkout).
struct BorrowedLease {
  core::Lease lease;
  std::string token;
  core::TimePoint warn_from{};
};

// How long before a borrow ends the client starts warning its user.
inline constexpr std::chrono::hours kBorrowWarning{24 * 3};
// The longest usage session measured from its start and stop: a stop further from its start
// counts as one without a start (0 seconds) unless it carries its own duration.
inline constexpr std::chrono::hours kLongestSession{24 * 31};

// One event of a usage upload as the client sent it. `problem` is set by the transport
// when the event could not even be read (a wrong type); it is then rejected with it.
struct UsageEventInput {
  std::string id;  // the client's event id
  std::string kind;
  std::optional<std::string> product;  // code or id
  std::optional<std::string> service;  // code
  std::optional<std::string> subscription_id;
  std::optional<core::TimePoint> at;
  std::optional<std::int64_t> duration_seconds;
  std::optional<std::int64_t> credits;
  std::string problem;
};

struct UsageUpload {
  std::string device_id;
  std::vector<UsageEventInput> events;
};

struct RejectedUsageEvent {
  int index = 0;  // position in the upload, 0-based
  std::string id;
  std::string message;
};

struct UsageReceipt {
  int accepted = 0;    // newly stored
  int duplicates = 0;  // already stored (same device and event id)
  std::vector<RejectedUsageEvent> rejected;
  // Stored stop events (their ids) that closed no start and sent no duration: kept, counted
  // as zero seconds.
  std::vector<std::string> stops_without_start{};
  // Stored events (their ids) whose time was more than 5 minutes ahead of the server's clock
  // or more than 60 days behind it: recorded at the time they were received instead.
  std::vector<std::string> clamped{};
};

struct LeaseOptions {
  bool allow_negative_credits = false;  // [credits] allow_negative: credit events may overdraw
};

class LeaseService {
 public:
  // `signer` signs the offline lease tokens of borrowed leases; it must outlive the service.
  LeaseService(const Deps& deps, TokenSigner& signer, LeaseOptions options = {})
      : deps_(deps),
        signer_(&signer),
        options_(options),
        last_reap_ms_(std::make_shared<std::atomic<std::int64_t>>(kNeverReaped)) {}

  // Takes a floating seat for the device, or gives back the lease it already holds (renewed).
  // kSeatLimitReached when every seat is held (the refusal is recorded as a denial);
  // kFailedPrecondition when the product is not a network license of the team or its
  // contract has ended.
  core::Result<LeaseGrant> Checkout(const Caller& caller, const CheckoutRequest& request);
  // Renews a held lease; kConflict when it was released or has expired.
  core::Result<core::Lease> Heartbeat(const Caller& caller, const std::string& lease_id);
  // Frees the seat at once (early return of a borrowed lease included). Idempotent.
  core::Result<void> Release(const Caller& caller, const std::string& lease_id);
  // Holds the lease for `days` (1 to the subscription's max_borrow_days) without heartbeats,
  // with a signed offline lease token the client verifies while offline.
  core::Result<BorrowedLease> Borrow(const Caller& caller, const std::string& lease_id, int days);
  // Marks expired leases released; returns how many.
  core::Result<int> ReapExpired();

  // Stores the valid events of an upload; idempotent by event id per device.
  core::Result<UsageReceipt> RecordUsage(const Caller& caller, const UsageUpload& upload);

 private:
  static constexpr std::int64_t kNeverReaped = std::numeric_limits<std::int64_t>::min();

  // True at most once a minute (by the clock): time for checkout to reap in passing.
  bool ReapDue();
  // Sets a stop's session before it is stored: the start it closes (the latest open one of
  // its computer and product), its length (the duration sent, else the time since that start
  // on the computer's clock), when it began (server time), and the seconds it counts once
  // time other sessions of the same person and product already count is taken off. True
  // when the stop closed no start and sent no duration (it counts zero seconds).
  core::Result<bool> MeasureSession(store::Tx& tx, core::UsageEvent& stop);
  // The subscription through which the caller uses `product_id` on `device` now: an active
  // activation on the device, a floating seat it holds, or the person's assigned seat;
  // nullopt when none.
  core::Result<std::optional<std::string>> SubscriptionInUse(
      store::Tx& tx, const Caller& caller, const core::Device& device,
      const std::vector<core::Subscription>& subs, const std::string& product_id,
      core::TimePoint now);
  // Charges a credit event to the contract of the service seat the caller holds in the
  // device's team. "" when charged (or already charged for this event); otherwise why not.
  core::Result<std::string> ChargeCredits(store::Tx& tx, const Caller& caller,
                                          const std::vector<core::Subscription>& subs,
                                          const core::UsageEvent& event, core::TimePoint now);

  Deps deps_;
  TokenSigner* signer_;
  LeaseOptions options_;
  std::shared_ptr<std::atomic<std::int64_t>> last_reap_ms_;
};

}  // namespace seatwise::service
