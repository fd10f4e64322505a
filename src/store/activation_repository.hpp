#pragma once
// Products activated on devices, by sign-in or serial number. Per-subscription limits are
// enforced under the subscription's row lock.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

struct SignInActivation {
  core::Activation activation;
  std::vector<core::Activation> revoked;  // the user's other computers it displaced
};

class ActivationRepository {
 public:
  virtual ~ActivationRepository() = default;

  // Serial activation: locks the subscription; a device already active on it is answered
  // with its existing activation (refreshed to `activation`'s times); otherwise the number of
  // distinct active devices must stay <= seats, else kSeatLimitReached.
  virtual Result<core::Activation> ActivateSerial(Tx& tx, core::Activation activation) = 0;
  // Sign-in activation: locks the subscription; re-activating on the same device refreshes
  // it; otherwise the user's oldest activations of the product on other devices are revoked
  // (signed_in_elsewhere) so at most max_devices stay active.
  virtual Result<SignInActivation> ActivateSignIn(Tx& tx, core::Activation activation) = 0;

  virtual Result<core::Activation> Get(Tx& tx, const std::string& id) = 0;
  // Extends an active activation; kConflict when it was revoked (the caller tells why).
  virtual Result<core::Activation> Refresh(Tx& tx, const std::string& id,
                                           core::TimePoint expires_at,
                                           core::TimePoint offline_grace_until) = 0;
  // Revokes one activation; false when it was not active.
  virtual Result<bool> Revoke(Tx& tx, const std::string& id, core::RevocationReason reason,
                              core::TimePoint now) = 0;
  // Revokes every active activation of the user on the given subscriptions (all when empty).
  virtual Result<int> RevokeForUser(Tx& tx, const std::string& user_id,
                                    const std::vector<std::string>& subscription_ids,
                                    core::RevocationReason reason, core::TimePoint now) = 0;
  // Revokes every active activation of one kind on a subscription (migration, expiry).
  virtual Result<int> RevokeForSubscription(Tx& tx, const std::string& subscription_id,
                                            std::optional<core::ActivationKind> kind,
                                            core::RevocationReason reason, core::TimePoint now) = 0;

  virtual Result<std::vector<core::Activation>> ListActiveByDevice(
      Tx& tx, const std::string& device_id) = 0;
  virtual Result<std::vector<core::Activation>> ListActiveByUser(Tx& tx,
                                                                 const std::string& user_id) = 0;
  // Every activation of a subscription ordered by id; the cursor is the id.
  virtual Result<Page<core::Activation>> ListBySubscription(Tx& tx,
                                                            const std::string& subscription_id,
                                                            const PageRequest& page) = 0;
  // Distinct devices with an active activation of the subscription.
  virtual Result<int> CountActiveDevices(Tx& tx, const std::string& subscription_id) = 0;
};

}  // namespace seatwise::store
