#pragma once
// Webhook endpoints registered by admins, and the deliveries made to them.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;

  virtual Result<core::WebhookEndpoint> CreateEndpoint(Tx& tx, core::WebhookEndpoint endpoint) = 0;
  virtual Result<core::WebhookEndpoint> GetEndpoint(Tx& tx, const std::string& id) = 0;
  virtual Result<std::vector<core::WebhookEndpoint>> ListEndpoints(Tx& tx,
                                                                   const std::string& team_id) = 0;
  // Active endpoints of the team subscribed to `event_type`.
  virtual Result<std::vector<core::WebhookEndpoint>> ListSubscribed(
      Tx& tx, const std::string& team_id, const std::string& event_type) = 0;
  // Writes url, events, active and the sealed secret.
  virtual Result<void> UpdateEndpoint(Tx& tx, const core::WebhookEndpoint& endpoint,
                                      core::TimePoint now) = 0;
  // Deletes the endpoint and its delivery history.
  virtual Result<void> DeleteEndpoint(Tx& tx, const std::string& id) = 0;

  // Inserts unless the endpoint already has a delivery for the event key; true when new.
  virtual Result<bool> EnqueueDelivery(Tx& tx, core::WebhookDelivery delivery) = 0;
  // Claims up to `limit` due deliveries (pushing their next attempt `claim_for` ahead so no
  // other node takes them meanwhile).
  virtual Result<std::vector<core::WebhookDelivery>> ClaimDueDeliveries(
      Tx& tx, core::TimePoint now, int limit, std::chrono::milliseconds claim_for) = 0;
  virtual Result<void> MarkDelivered(Tx& tx, const std::string& id, int status_code,
                                     core::TimePoint now) = 0;
  // Counts an attempt: retried at `next_attempt_at`, or failed for good when unset.
  virtual Result<void> MarkDeliveryFailed(Tx& tx, const std::string& id,
                                          std::optional<int> status_code, const std::string& error,
                                          std::optional<core::TimePoint> next_attempt_at) = 0;
  // Newest first by creation; the cursor is "<unix ms>:<id>".
  virtual Result<Page<core::WebhookDelivery>> ListDeliveries(Tx& tx, const std::string& endpoint_id,
                                                             const PageRequest& page) = 0;
};

}  // namespace seatwise::store
