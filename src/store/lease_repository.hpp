#pragma once
// Floating seats of multi-user subscriptions. Held leases <= seats, enforced under the
// subscription's row lock; refused checkouts are recorded as denials.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// The outcome of a checkout. A refusal is a normal outcome (its denial row must commit), so
// it is a value here; services turn it into kSeatLimitReached after the commit.
struct LeaseCheckout {
  bool granted = false;
  std::optional<core::Lease> lease;         // when granted
  std::optional<core::LeaseDenial> denial;  // when refused
  int in_use = 0;                           // held leases before this checkout
  int seats = 0;
  std::optional<core::TimePoint> oldest_expires_at;  // when a seat frees up next, if refused
};

class LeaseRepository {
 public:
  virtual ~LeaseRepository() = default;

  // Locks the subscription and counts leases held at `lease.checked_out_at` (unreleased and
  // unexpired or borrowed); inserts `lease` only if a seat is free, else records a denial.
  // kNotFound for an unknown subscription. Must run in a kWrite transaction.
  virtual Result<LeaseCheckout> Checkout(Tx& tx, core::Lease lease) = 0;
  virtual Result<core::Lease> Get(Tx& tx, const std::string& id) = 0;
  // Extends a held lease to `expires_at`; kConflict when it was released or expired.
  virtual Result<core::Lease> Heartbeat(Tx& tx, const std::string& id, core::TimePoint expires_at,
                                        core::TimePoint now) = 0;
  // Sets the borrow end of a held lease (it is then held until `borrowed_until` without
  // heartbeats); kConflict when it was released or expired.
  virtual Result<core::Lease> Borrow(Tx& tx, const std::string& id, core::TimePoint borrowed_until,
                                     core::TimePoint now) = 0;
  // Releases a lease (early return of a borrowed one included); false when already released.
  virtual Result<bool> Release(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // Releases every lease of the user (a leaver) or of a device; returns how many.
  virtual Result<int> ReleaseForUser(Tx& tx, const std::string& user_id, core::TimePoint now) = 0;
  // Marks leases that expired by `now` (and are not borrowed past it) as released at their
  // expiry; returns how many. Idempotent.
  virtual Result<int> ReapExpired(Tx& tx, core::TimePoint now) = 0;

  virtual Result<std::vector<core::Lease>> ListHeld(Tx& tx, const std::string& subscription_id,
                                                    core::TimePoint now) = 0;
  virtual Result<int> CountHeld(Tx& tx, const std::string& subscription_id,
                                core::TimePoint now) = 0;
  // Leases of the subscription that overlap [from, to): the network-license report.
  virtual Result<std::vector<core::Lease>> ListOverlapping(Tx& tx,
                                                           const std::string& subscription_id,
                                                           core::TimePoint from,
                                                           core::TimePoint to) = 0;
  virtual Result<std::vector<core::LeaseDenial>> ListDenials(Tx& tx,
                                                             const std::string& subscription_id,
                                                             core::TimePoint from,
                                                             core::TimePoint to) = 0;
};

}  // namespace seatwise::store
