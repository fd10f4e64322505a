#pragma once
// Usage reported by clients, its daily rollup, and the cloud-credit ledger.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

struct UsageDailyQuery {
  std::string team_id;
  core::TimePoint from{};  // day_start >= from
  core::TimePoint to{};    // day_start < to
  std::optional<std::string> subscription_id;
  std::optional<std::string> user_id;
};

// The rollup summed over the days of a UsageDailyQuery, one row per subscription, product and
// user: what the seat-usage report reads.
struct UsageSummary {
  std::string subscription_id;
  std::string product_id;
  std::string user_id;
  std::int64_t sessions = 0;
  std::int64_t seconds = 0;
  core::TimePoint last_day{};  // the latest day with a row
};

// Who used something in [from, to): users with a usage event for one of `product_ids` or
// for `service_id`.
struct UsageUsersQuery {
  std::vector<std::string> product_ids;
  std::optional<std::string> service_id;
  core::TimePoint from{};
  core::TimePoint to{};
};

struct CreditQuery {
  std::optional<std::string> contract_id;
  std::optional<std::string> user_id;
  std::optional<core::TimePoint> from;
  std::optional<core::TimePoint> to;
};

class UsageRepository {
 public:
  virtual ~UsageRepository() = default;

  // Stores a batch; an event whose (device, client event id) is already stored is skipped.
  // Returns the number of new events.
  virtual Result<int> RecordEvents(Tx& tx, std::vector<core::UsageEvent> events) = 0;
  // The latest start of `user_id` (none: a computer's own events) on `device_id` for
  // `product_id` at or before `client_time` (the client's own clock) that no stop closed yet,
  // among the starts recorded (server time) since `not_before`: the read stays within recent
  // events, however long the computer's history.
  virtual Result<std::optional<core::UsageEvent>> FindOpenStart(
      Tx& tx, const std::string& device_id, const std::optional<std::string>& user_id,
      const std::string& product_id, core::TimePoint client_time, core::TimePoint not_before) = 0;
  // The sessions (started_at, at) already counted for `user_id` and `product_id` that
  // overlap [from, to).
  virtual Result<std::vector<std::pair<core::TimePoint, core::TimePoint>>> ListSessions(
      Tx& tx, const std::string& user_id, const std::string& product_id, core::TimePoint from,
      core::TimePoint to) = 0;
  // Events after `after_seq` in ingestion order.
  virtual Result<std::vector<core::UsageEvent>> ListEventsAfter(Tx& tx, std::int64_t after_seq,
                                                                int limit) = 0;
  // Adds up to `max_events` events after `after_seq` into usage_daily (sessions from starts,
  // seconds from stops; events without user, product or subscription are skipped) and
  // returns the new cursor (the last seq consumed; `after_seq` when nothing was new).
  virtual Result<std::int64_t> RollUp(Tx& tx, std::int64_t after_seq, int max_events) = 0;
  virtual Result<std::vector<core::UsageDaily>> ListDaily(Tx& tx, const UsageDailyQuery& query) = 0;
  // usage_daily summed over the query's days, ordered by subscription, product and user.
  virtual Result<std::vector<UsageSummary>> SummarizeDaily(Tx& tx,
                                                           const UsageDailyQuery& query) = 0;
  // The distinct ids of the users matching `query`, sorted; empty when it names nothing.
  virtual Result<std::vector<std::string>> ListUsersWithUsage(Tx& tx,
                                                              const UsageUsersQuery& query) = 0;

  // Records a credit movement and updates the contract balance under its row lock.
  // A consumption that would take the balance below zero is kFailedPrecondition unless
  // `allow_negative`. An entry with a usage_event_id already recorded is returned unchanged.
  virtual Result<core::CreditEntry> AddCreditEntry(Tx& tx, core::CreditEntry entry,
                                                   bool allow_negative) = 0;
  // Oldest first by time then id; the cursor is "<unix ms>:<id>" of the last entry seen.
  virtual Result<Page<core::CreditEntry>> ListCreditEntries(Tx& tx, const CreditQuery& query,
                                                            const PageRequest& page) = 0;
};

}  // namespace seatwise::store
