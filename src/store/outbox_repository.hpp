#pragma once
// Outgoing e-mails and webhook events, written in the transaction that causes them and
// delivered later: never lost, never twice for one event key.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;

  // Inserts unless a message with the same event key exists; true when it was new.
  virtual Result<bool> Enqueue(Tx& tx, core::OutboxMessage message) = 0;
  virtual Result<core::OutboxMessage> Get(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::OutboxMessage>> FindByEventKey(
      Tx& tx, const std::string& event_key) = 0;
  // Claims up to `limit` pending messages due at `now` and not claimed by another node, and
  // marks them claimed until now + `claim_for`. Nodes never claim the same message at once.
  virtual Result<std::vector<core::OutboxMessage>> ClaimDue(
      Tx& tx, core::TimePoint now, int limit, std::chrono::milliseconds claim_for) = 0;
  virtual Result<void> MarkSent(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // Counts an attempt: retried at `next_attempt_at`, or failed for good when unset.
  virtual Result<void> MarkAttemptFailed(Tx& tx, const std::string& id, const std::string& error,
                                         std::optional<core::TimePoint> next_attempt_at) = 0;
  // Messages ordered by id, optionally of one status; the cursor is the id.
  virtual Result<Page<core::OutboxMessage>> List(Tx& tx, std::optional<core::OutboxStatus> status,
                                                 const PageRequest& page) = 0;
};

}  // namespace seatwise::store
