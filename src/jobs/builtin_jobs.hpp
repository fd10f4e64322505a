#pragma once
// The scheduled jobs of every Seatwise node. Each is idempotent: the work is keyed (renewal
// notices by event key, contract steps by status, the usage rollup by a cursor stored with
// the rows it covers), so a second run for the same instant, here or on another node,
// changes nothing.
//
// Device "out of date" (no check-in for over 30 days) is still computed from
// last_check_in_at whenever devices are read; the device_staleness job only announces each
// device that became so, once per stale period. Accepting an invitation past its expiry is
// refused whether or not the invitation_expiry job has marked it yet. See service/alerts.hpp.

#include <chrono>
#include <string>

#include "jobs/job.hpp"
#include "jobs/scheduler.hpp"
#include "service/alerts.hpp"
#include "service/context.hpp"
#include "service/leases.hpp"
#include "service/lifecycle.hpp"

namespace seatwise::jobs {

// Hourly: the 90-, 45- and 30-day renewal notices to Contract Managers.
class RenewalNoticesJob final : public Job {
 public:
  explicit RenewalNoticesJob(const service::Deps& deps) : lifecycle_(deps) {}
  std::string_view Name() const override { return "renewal_notices"; }
  std::chrono::milliseconds Every() const override { return std::chrono::hours(1); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::LifecycleService lifecycle_;
};

// Hourly: contracts past their end become expired, then suspended, then cancelled.
class ContractLifecycleJob final : public Job {
 public:
  explicit ContractLifecycleJob(const service::Deps& deps) : lifecycle_(deps) {}
  std::string_view Name() const override { return "contract_lifecycle"; }
  std::chrono::milliseconds Every() const override { return std::chrono::hours(1); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::LifecycleService lifecycle_;
};

// Every 30 seconds: floating seats whose heartbeats stopped go back to their pool. The
// lease service reads the time from its own clock.
class LeaseReapingJob final : public Job {
 public:
  explicit LeaseReapingJob(service::LeaseService& leases) : leases_(leases) {}
  std::string_view Name() const override { return "lease_reaping"; }
  std::chrono::milliseconds Every() const override { return std::chrono::seconds(30); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::LeaseService& leases_;
};

// Every minute: usage events are added into the daily rollup the reports read, in batches,
// from the stored cursor until caught up or `max_batches` batches were done. Each batch
// stores its cursor in its own transaction, so no event is ever counted twice.
class UsageRollupJob final : public Job {
 public:
  static constexpr int kBatchEvents = 5'000;
  static constexpr int kMaxBatches = 20;

  UsageRollupJob(const service::Deps& deps, std::string node_id, int batch_events = kBatchEvents,
                 int max_batches = kMaxBatches)
      : deps_(deps),
        node_id_(std::move(node_id)),
        batch_events_(batch_events),
        max_batches_(max_batches) {}
  std::string_view Name() const override { return "usage_rollup"; }
  std::chrono::milliseconds Every() const override { return std::chrono::minutes(1); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::Deps deps_;
  std::string node_id_;
  int batch_events_;
  int max_batches_;
};

// Weekly: each admin's summary of the team's seats not used in the last 30 days.
class InactiveUserAlertsJob final : public Job {
 public:
  InactiveUserAlertsJob(const service::Deps& deps, std::string public_url)
      : alerts_(deps, std::move(public_url)) {}
  std::string_view Name() const override { return "inactive_user_alerts"; }
  std::chrono::milliseconds Every() const override { return std::chrono::days(7); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::AlertService alerts_;
};

// Hourly: open invitations past their expiry are marked expired and their sender told.
class InvitationExpiryJob final : public Job {
 public:
  InvitationExpiryJob(const service::Deps& deps, std::string public_url)
      : alerts_(deps, std::move(public_url)) {}
  std::string_view Name() const override { return "invitation_expiry"; }
  std::chrono::milliseconds Every() const override { return std::chrono::hours(1); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::AlertService alerts_;
};

// Daily: a device.out_of_date webhook event for each device that went 30 days without a
// check-in, once per stale period.
class DeviceStalenessJob final : public Job {
 public:
  DeviceStalenessJob(const service::Deps& deps, std::string public_url)
      : alerts_(deps, std::move(public_url)) {}
  std::string_view Name() const override { return "device_staleness"; }
  std::chrono::milliseconds Every() const override { return std::chrono::hours(24); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::AlertService alerts_;
};

// Adds the jobs above to `scheduler`, which must use `node_id` as its SchedulerOptions.
// `public_url` is the portal's address, for links in e-mails.
void AddBuiltinJobs(Scheduler& scheduler, const service::Deps& deps, service::LeaseService& leases,
                    const std::string& node_id,
                    const std::string& public_url = "http://127.0.0.1:8080");

}  // namespace seatwise::jobs
