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
  // One recipient's e-mails go in the order they were queued (seq): an e-mail is not claimed
  // while an earlier one to the same address is still pending (waiting for a retry or
  // claimed); one that failed for good no longer holds the later ones back. A claimed e-mail
  // gets its Date (date_at) the first time: the second it was queued, or one second after
  // the latest Date given to that address when that is later.
  virtual Result<std::vector<core::OutboxMessage>> ClaimDue(
      Tx& tx, core::TimePoint now, int limit, std::chrono::milliseconds claim_for) = 0;
  virtual Result<void> MarkSent(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // Counts an attempt: retried at `next_attempt_at`, or failed for good when unset.
  virtual Result<void> MarkAttemptFailed(Tx& tx, const std::string& id, const std::string& error,
                                         std::optional<core::TimePoint> next_attempt_at) = 0;
  // Moves a pending message that was never attempted to the end of the queue, as if queued
  // at `now`, due at `due`; false when it was attempted, sent or failed meanwhile.
  virtual Result<bool> Requeue(Tx& tx, const std::string& id, core::TimePoint now,
                               core::TimePoint due) = 0;
  // The pending e-mails to `recipient`, in queue order.
  virtual Result<std::vector<core::OutboxMessage>> ListPendingEmails(
      Tx& tx, const std::string& recipient) = 0;
  // Messages ordered by id, optionally of one status; the cursor is the id.
  virtual Result<Page<core::OutboxMessage>> List(Tx& tx, std::optional<core::OutboxStatus> status,
                                                 const PageRequest& page) = 0;
};

}  // namespace seatwise::store
