#pragma once
// The time-driven part of a contract's life, run by the scheduled jobs as the system:
// renewal notices to the Contract Manager before the end, and the steps after it
// (expired, then suspended after 15 days, then cancelled after 30). Each use case is
// idempotent: running it again for the same instant, on this node or another, changes nothing.

#include <array>
#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

// Days before the end at which the Contract Manager is told, most urgent last.
inline constexpr std::array<int, 3> kRenewalNoticeDays = {90, 45, 30};
// Days after the end at which a contract not renewed is suspended, then cancelled.
inline constexpr std::chrono::days kSuspendAfter{15};
inline constexpr std::chrono::days kCancelAfter{30};

// "renewal-notice:<contract id>:<end, unix ms>:<days>": one notice per threshold and term, so
// a renewed contract (new end) gets a fresh series.
std::string RenewalNoticeKey(const std::string& contract_id, core::TimePoint ends_at, int days);

// What one lifecycle pass changed.
struct LifecycleSteps {
  int expired = 0;
  int suspended = 0;
  int cancelled = 0;
  int total() const { return expired + suspended + cancelled; }
};

class LifecycleService {
 public:
  explicit LifecycleService(const Deps& deps) : deps_(deps) {}

  // E-mails the Contract Manager of every contract in force that ends within 90 days. Of
  // the thresholds (90, 45, 30 days) already reached, only the most urgent one is sent, and
  // only if it was not sent for this end date before: a contract first seen 40 days before
  // its end gets the 45-day notice, never a late 90-day one. One transaction per contract,
  // with its audit entry. Returns how many notices were queued.
  core::Result<int> SendRenewalNotices(core::TimePoint now);

  // Moves every contract past its end one or more steps along expired → suspended (15 days
  // after the end) → cancelled (30 days after), audits each change and e-mails the Contract
  // Manager. Renewed contracts end later and are untouched.
  core::Result<LifecycleSteps> AdvanceContracts(core::TimePoint now);

 private:
  Deps deps_;
};

}  // namespace seatwise::service
