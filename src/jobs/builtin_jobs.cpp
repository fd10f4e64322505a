#include "jobs/builtin_jobs.hpp"

#include <charconv>
#include <memory>

#include "store/repositories.hpp"

namespace seatwise::jobs {

core::Result<JobResult> RenewalNoticesJob::Run(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(int sent, lifecycle_.SendRenewalNotices(now));
  return JobResult{sent, std::to_string(sent) + " renewal notice(s) queued", std::nullopt};
}

core::Result<JobResult> ContractLifecycleJob::Run(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(service::LifecycleSteps steps, lifecycle_.AdvanceContracts(now));
  return JobResult{steps.total(),
                   std::to_string(steps.expired) + " expired, " + std::to_string(steps.suspended) +
                       " suspended, " + std::to_string(steps.cancelled) + " cancelled",
                   std::nullopt};
}

core::Result<JobResult> LeaseReapingJob::Run(core::TimePoint /*now*/) {
  SW_ASSIGN_OR_RETURN(int reaped, leases_.ReapExpired());
  return JobResult{reaped, std::to_string(reaped) + " expired lease(s) released", std::nullopt};
}

core::Result<JobResult> UsageRollupJob::Run(core::TimePoint /*now*/) {
  const std::string name(Name());
  SW_ASSIGN_OR_RETURN(auto run, deps_.db.Transact<std::optional<core::JobRun>>(
                                    store::TxMode::kRead, [&](store::Tx& tx) {
                                      return deps_.repos.jobs->Get(tx, name);
                                    }));
  std::int64_t cursor = 0;
  if (run && !run->cursor.empty()) {
    const std::string& text = run->cursor;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor);
    if (ec != std::errc() || end != text.data() + text.size() || cursor < 0) {
      return core::MakeError(core::ErrorCode::kInternal,
                             "the usage rollup cursor \"" + text + "\" is not an event number");
    }
  }
  const std::int64_t start = cursor;
  int batches = 0;
  for (; batches < max_batches_; ++batches) {
    SW_ASSIGN_OR_RETURN(
        std::int64_t next,
        deps_.db.Transact<std::int64_t>(
            store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<std::int64_t> {
              SW_ASSIGN_OR_RETURN(std::int64_t after,
                                  deps_.repos.usage->RollUp(tx, cursor, batch_events_));
              if (after != cursor) {
                SW_RETURN_IF_ERROR(
                    deps_.repos.jobs->SaveCursor(tx, name, node_id_, std::to_string(after)));
              }
              return after;
            }));
    if (next == cursor) break;  // caught up
    cursor = next;
  }
  JobResult result;
  result.processed = cursor - start;  // events consumed (sequence numbers passed)
  result.detail = "rolled up to event " + std::to_string(cursor) +
                  (batches == max_batches_ ? " (more to do next run)" : "");
  result.cursor = std::to_string(cursor);
  return result;
}

core::Result<JobResult> InactiveUserAlertsJob::Run(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(int sent, alerts_.SendInactiveUserAlerts(now));
  return JobResult{sent, std::to_string(sent) + " inactive-user summary(ies) queued", std::nullopt};
}

core::Result<JobResult> InvitationExpiryJob::Run(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(int expired, alerts_.ExpireInvitations(now));
  return JobResult{expired, std::to_string(expired) + " invitation(s) expired", std::nullopt};
}

core::Result<JobResult> DeviceStalenessJob::Run(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(int stale, alerts_.AnnounceStaleDevices(now));
  return JobResult{stale, std::to_string(stale) + " device(s) newly out of date", std::nullopt};
}

void AddBuiltinJobs(Scheduler& scheduler, const service::Deps& deps, service::LeaseService& leases,
                    const std::string& node_id, const std::string& public_url) {
  scheduler.Add(std::make_unique<RenewalNoticesJob>(deps));
  scheduler.Add(std::make_unique<ContractLifecycleJob>(deps));
  scheduler.Add(std::make_unique<LeaseReapingJob>(leases));
  scheduler.Add(std::make_unique<UsageRollupJob>(deps, node_id));
  scheduler.Add(std::make_unique<InactiveUserAlertsJob>(deps, public_url));
  scheduler.Add(std::make_unique<InvitationExpiryJob>(deps, public_url));
  scheduler.Add(std::make_unique<DeviceStalenessJob>(deps, public_url));
}

}  // namespace seatwise::jobs
