#include "jobs/builtin_jobs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/entitlements.hpp"
#include "service/identity.hpp"
#include "service/leases.hpp"
#include "service/lifecycle.hpp"
#include "service/mail.hpp"
#include "service/orders.hpp"

namespace seatwise::jobs {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class BuiltinJobsTest : public service::AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<service::Deps>(deps());
    service::EntitlementOptions options;
    options.sealing_key.fill(7);
    entitlements_ = std::make_unique<service::EntitlementService>(*deps_, options);
    leases_ = std::make_unique<service::LeaseService>(*deps_, *entitlements_);
    identity_ = std::make_unique<service::IdentityService>(*deps_, service::IdentityOptions{});
    sub_ = Must(Read<std::vector<core::Subscription>>([&](store::Tx& tx) {
             return repos_.contracts->ListSubscriptions(tx, c1_.id);
           })).front();
    scheduler_ = NewScheduler();
  }

  // A scheduler as a freshly started process has it: nothing in memory, state in job_runs.
  std::unique_ptr<Scheduler> NewScheduler(const std::string& node = "node-a") {
    auto scheduler =
        std::make_unique<Scheduler>(*deps_, nullptr, SchedulerOptions{node, minutes(15), {}});
    AddBuiltinJobs(*scheduler, *deps_, *leases_, node);
    return scheduler;
  }

  // Moves the clock to `t` and runs whatever is due then; returns what `job` did.
  std::optional<JobRunRecord> RunAt(core::TimePoint t, std::string_view job,
                                    Scheduler* scheduler = nullptr) {
    clock_.Set(t);
    auto runs = (scheduler != nullptr ? scheduler : scheduler_.get())->RunDue(t);
    for (const auto& r : runs) {
      EXPECT_EQ(r.outcome, "ok") << r.job;
      if (r.job == job) return r;
    }
    return std::nullopt;
  }

  std::vector<core::OutboxMessage> MailsAbout(const core::Contract& contract) {
    std::vector<core::OutboxMessage> out;
    for (auto& m : Outbox()) {
      if (m.event_key.find(contract.id) != std::string::npos) out.push_back(m);
    }
    return out;
  }

  std::vector<std::string> Keys(const std::vector<core::OutboxMessage>& mails) {
    std::vector<std::string> out;
    for (const auto& m : mails) out.push_back(m.event_key);
    std::sort(out.begin(), out.end());
    return out;
  }

  int AuditCount(const std::string& action, const std::string& target) {
    store::AuditFilter filter;
    int n = 0;
    for (const auto& e : AuditEntries(filter)) {
      if (e.action == action && e.target_id == target) ++n;
    }
    return n;
  }

  void Renew(const core::Contract& contract) {
    service::OrderService orders(*deps_, *identity_, "https://seatwise.example");
    Must(orders.Renew(As("reseller"), contract.id, {}));
  }

  void AssignUserAndRegisterDevice() {
    Must(db_->Transact<core::Assignment>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Assignment a;
      a.subscription_id = sub_.id;
      a.user_id = Id("user");
      a.assigned_at = clock_.Now();
      return repos_.assignments->AssignSeat(tx, a);
    }));
    service::DeviceRegistration r;
    r.fingerprint = std::string(64, 'b');
    r.asset_name = "ws-7";
    r.os = "Windows 11";
    r.app_version = "2026.1";
    device_id_ = Must(entitlements_->RegisterDevice(As("user"), r)).device.id;
  }

  core::Result<service::Entitlement> ActivateAsUser() {
    return entitlements_->Activate(As("user"), {"P1001", device_id_});
  }

  std::unique_ptr<service::Deps> deps_;
  std::unique_ptr<service::EntitlementService> entitlements_;
  std::unique_ptr<service::LeaseService> leases_;
  std::unique_ptr<service::IdentityService> identity_;
  std::unique_ptr<Scheduler> scheduler_;
  core::Subscription sub_;
  std::string device_id_;
};

TEST_P(BuiltinJobsTest, RenewalNoticesAt90And45And30DaysEachExactlyOnceAcrossRestarts) {
  const auto end = c1_.ends_at;
  RunAt(end - days(100), "renewal_notices");
  EXPECT_TRUE(MailsAbout(c1_).empty());

  EXPECT_EQ(RunAt(end - days(90), "renewal_notices")->processed, 3);  // C1, C2 and CB
  ASSERT_EQ(MailsAbout(c1_).size(), 1u);
  EXPECT_EQ(RunAt(end - days(90) + hours(1), "renewal_notices")->processed, 0);
  EXPECT_EQ(RunAt(end - days(60), "renewal_notices")->processed, 0);

  RunAt(end - days(45), "renewal_notices");
  EXPECT_EQ(MailsAbout(c1_).size(), 2u);

  // A restarted process (and a second node) finds the notices already queued.
  scheduler_ = NewScheduler();
  EXPECT_EQ(RunAt(end - days(45) + hours(1), "renewal_notices")->processed, 0);
  auto other_node = NewScheduler("node-b");
  EXPECT_EQ(RunAt(end - days(45) + hours(2), "renewal_notices", other_node.get())->processed, 0);

  RunAt(end - days(30), "renewal_notices");
  RunAt(end - days(29), "renewal_notices");
  RunAt(end - days(1), "renewal_notices");
  auto mails = MailsAbout(c1_);
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(Keys(mails), (std::vector<std::string>{service::RenewalNoticeKey(c1_.id, end, 30),
                                                   service::RenewalNoticeKey(c1_.id, end, 45),
                                                   service::RenewalNoticeKey(c1_.id, end, 90)}));
  for (const auto& m : mails) {
    EXPECT_EQ(m.template_name, "renewal_notice");
    EXPECT_EQ(m.recipient, users_.at("cm").email);
    EXPECT_EQ(m.team_id, std::optional<std::string>(team_.id));
  }
  const auto thirty = std::find_if(mails.begin(), mails.end(), [&](const auto& m) {
    return m.event_key == service::RenewalNoticeKey(c1_.id, end, 30);
  });
  EXPECT_EQ(thirty->subject, "Contract 1001 ends in 30 days (" + service::DateText(end) + ")");
  for (const std::string& said : {std::string("Contract 1001 ends on ") + service::DateText(end),
                                  std::string("in 30 days"), std::string("Product 1001 (5 seats)"),
                                  std::string("your reseller North (n@example.test)")}) {
    EXPECT_NE(thirty->body_text.find(said), std::string::npos) << said << "\n" << thirty->body_text;
  }
  EXPECT_EQ(AuditCount("contract.renewal_notice", c1_.id), 3);
}

TEST_P(BuiltinJobsTest, ARenewedContractGetsAFreshSeriesForItsNewEnd) {
  const auto end = c1_.ends_at;
  RunAt(end - days(90), "renewal_notices");
  ASSERT_EQ(MailsAbout(c1_).size(), 1u);
  clock_.Set(end - days(60));
  Renew(c1_);
  const auto new_end = ContractNamed(c1_.id).ends_at;
  ASSERT_GT(new_end, end + days(300));

  // The old series stops: no 45- or 30-day notice for the old end.
  RunAt(end - days(45), "renewal_notices");
  RunAt(end - days(30), "renewal_notices");
  EXPECT_EQ(MailsAbout(c1_).size(), 1u);

  RunAt(new_end - days(90), "renewal_notices");
  RunAt(new_end - days(45), "renewal_notices");
  std::vector<std::string> expected{service::RenewalNoticeKey(c1_.id, end, 90),
                                    service::RenewalNoticeKey(c1_.id, new_end, 90),
                                    service::RenewalNoticeKey(c1_.id, new_end, 45)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Keys(MailsAbout(c1_)), expected);
}

TEST_P(BuiltinJobsTest, AContractFirstSeenAt40DaysGetsOnlyThe45DayNotice) {
  const auto end = c1_.ends_at;
  RunAt(end - days(40), "renewal_notices");
  EXPECT_EQ(Keys(MailsAbout(c1_)),
            std::vector<std::string>{service::RenewalNoticeKey(c1_.id, end, 45)});
  RunAt(end - days(30), "renewal_notices");
  EXPECT_EQ(MailsAbout(c1_).size(), 2u);
}

TEST_P(BuiltinJobsTest, ContractsExpireThenSuspendThenCancelAndActivationSaysWhy) {
  AssignUserAndRegisterDevice();
  const auto end = c1_.ends_at;
  clock_.Set(end - days(1));
  ASSERT_TRUE(ActivateAsUser().ok());

  EXPECT_EQ(RunAt(end + hours(1), "contract_lifecycle")->processed, 3);  // C1, C2, CB expire
  EXPECT_EQ(ContractNamed(c1_.id).status, core::ContractStatus::kExpired);
  auto refused = ActivateAsUser();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("expired on " + service::DateText(end)), std::string::npos)
      << refused.error().message;
  auto mails = MailsAbout(c1_);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].template_name, "contract_expired");
  EXPECT_EQ(mails[0].recipient, users_.at("cm").email);
  EXPECT_EQ(RunAt(end + hours(2), "contract_lifecycle")->processed, 0);

  RunAt(end + days(15), "contract_lifecycle");
  EXPECT_EQ(ContractNamed(c1_.id).status, core::ContractStatus::kSuspended);
  refused = ActivateAsUser();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("is suspended since " + service::DateText(end + days(15))),
            std::string::npos)
      << refused.error().message;

  RunAt(end + days(30), "contract_lifecycle");
  EXPECT_EQ(ContractNamed(c1_.id).status, core::ContractStatus::kCancelled);
  refused = ActivateAsUser();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("was cancelled"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(RunAt(end + days(60), "contract_lifecycle")->processed, 0);

  std::vector<std::string> templates;
  for (const auto& m : MailsAbout(c1_)) templates.push_back(m.template_name);
  std::sort(templates.begin(), templates.end());
  EXPECT_EQ(templates, (std::vector<std::string>{"contract_cancelled", "contract_expired",
                                                 "contract_suspended"}));
  EXPECT_EQ(AuditCount("contract.expire", c1_.id), 1);
  EXPECT_EQ(AuditCount("contract.suspend", c1_.id), 1);
  EXPECT_EQ(AuditCount("contract.cancel", c1_.id), 1);
}

TEST_P(BuiltinJobsTest, ARenewedContractIsLeftAloneWhileOthersMoveOn) {
  const auto end = c1_.ends_at;
  clock_.Set(end - days(10));
  Renew(c1_);
  // First seen 20 days after the end: C2 goes expired and suspended in one pass.
  RunAt(end + days(20), "contract_lifecycle");
  EXPECT_EQ(ContractNamed(c1_.id).status, core::ContractStatus::kActive);
  EXPECT_EQ(ContractNamed(c2_.id).status, core::ContractStatus::kSuspended);
  EXPECT_EQ(AuditCount("contract.expire", c2_.id), 1);
  EXPECT_EQ(AuditCount("contract.suspend", c2_.id), 1);
  auto mails = MailsAbout(c2_);
  ASSERT_EQ(mails.size(), 1u);  // one e-mail for where it stands now
  EXPECT_EQ(mails[0].template_name, "contract_suspended");
  EXPECT_TRUE(MailsAbout(c1_).empty());
}

TEST_P(BuiltinJobsTest, LeaseReapingReleasesLeasesWhoseHeartbeatsStopped) {
  AssignUserAndRegisterDevice();
  core::Subscription pool;
  pool.contract_id = c1_.id;
  pool.product_id = sub_.product_id;
  pool.seats = 2;
  pool.access = core::Access::kMultiUser;
  pool.created_at = pool.updated_at = clock_.Now();
  pool = Must(db_->Transact<core::Subscription>(store::TxMode::kWrite, [&](store::Tx& tx) {
    return repos_.contracts->CreateSubscription(tx, pool);
  }));
  auto checkout = [&](minutes ttl) {
    core::Lease l;
    l.subscription_id = pool.id;
    l.product_id = *sub_.product_id;
    l.device_id = device_id_;
    l.user_name = "user";
    l.host = "ws-7";
    l.checked_out_at = l.heartbeat_at = clock_.Now();
    l.expires_at = clock_.Now() + ttl;
    return *Must(db_->Transact<store::LeaseCheckout>(store::TxMode::kWrite, [&](store::Tx& tx) {
              return repos_.leases->Checkout(tx, l);
            })).lease;
  };
  const auto stale = checkout(minutes(10));
  const auto live = checkout(minutes(60));

  EXPECT_EQ(RunAt(clock_.Now() + minutes(11), "lease_reaping")->processed, 1);
  auto read = [&](const std::string& id) {
    return Must(Read<core::Lease>([&](store::Tx& tx) { return repos_.leases->Get(tx, id); }));
  };
  EXPECT_TRUE(read(stale.id).released_at.has_value());
  EXPECT_FALSE(read(live.id).released_at.has_value());
  EXPECT_EQ(RunAt(clock_.Now() + std::chrono::seconds(30), "lease_reaping")->processed, 0);
}

TEST_P(BuiltinJobsTest, UsageRollupResumesFromItsCursorAndNeverCountsAnEventTwice) {
  AssignUserAndRegisterDevice();
  const auto day = core::FromUnixMillis(1'767'225'600'000);  // 2026-01-01, the fixture's now
  std::vector<core::UsageEvent> events;
  for (int i = 0; i < 5; ++i) {
    core::UsageEvent e;
    e.client_event_id = "e" + std::to_string(i);
    e.kind = i % 2 == 0 ? core::UsageKind::kStart : core::UsageKind::kStop;
    e.device_id = device_id_;
    e.user_id = Id("user");
    e.subscription_id = sub_.id;
    e.product_id = sub_.product_id;
    e.at = day + hours(9 + i);
    e.received_at = clock_.Now();
    e.duration_seconds = e.kind == core::UsageKind::kStop ? 1800 : 0;
    events.push_back(e);
  }
  ASSERT_EQ(Must(db_->Transact<int>(
                store::TxMode::kWrite,
                [&](store::Tx& tx) { return repos_.usage->RecordEvents(tx, events); })),
            5);

  // Two events per batch, two batches per run: the first run stops after four events.
  scheduler_ =
      std::make_unique<Scheduler>(*deps_, nullptr, SchedulerOptions{"node-a", minutes(15), {}});
  scheduler_->Add(std::make_unique<UsageRollupJob>(*deps_, "node-a", 2, 2));
  auto daily = [&] {
    store::UsageDailyQuery q;
    q.team_id = team_.id;
    q.from = day;
    q.to = day + days(1);
    return Must(Read<std::vector<core::UsageDaily>>(
        [&](store::Tx& tx) { return repos_.usage->ListDaily(tx, q); }));
  };
  auto first = RunAt(clock_.Now(), "usage_rollup");
  ASSERT_TRUE(first.has_value());
  auto rows = daily();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sessions, 2);
  EXPECT_EQ(rows[0].seconds, 3600);

  RunAt(clock_.Now() + minutes(1), "usage_rollup");
  rows = daily();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sessions, 3);
  EXPECT_EQ(rows[0].seconds, 3600);

  // Caught up: later runs (and a restarted process) add nothing.
  RunAt(clock_.Now() + minutes(1), "usage_rollup");
  scheduler_ =
      std::make_unique<Scheduler>(*deps_, nullptr, SchedulerOptions{"node-a", minutes(15), {}});
  scheduler_->Add(std::make_unique<UsageRollupJob>(*deps_, "node-a", 2, 2));
  EXPECT_EQ(RunAt(clock_.Now() + minutes(1), "usage_rollup")->processed, 0);
  rows = daily();
  EXPECT_EQ(rows[0].sessions, 3);
  EXPECT_EQ(rows[0].seconds, 3600);
}

TEST_P(BuiltinJobsTest, AlertJobsAreScheduledAndReportWhatTheyDid) {
  AssignUserAndRegisterDevice();  // assigned and checked in now
  const auto start = clock_.Now();
  std::map<std::string, std::int64_t> processed;
  for (const auto& run : scheduler_->RunDue(start)) {
    EXPECT_EQ(run.outcome, "ok") << run.job;
    processed[run.job] = run.processed;
  }
  for (const char* job : {"inactive_user_alerts", "invitation_expiry", "device_staleness"}) {
    ASSERT_TRUE(processed.contains(job)) << job;
    EXPECT_EQ(processed[job], 0) << job;
  }
  // 31 days on: the daily job announces the device, and the weekly one finds the seat
  // assigned at the start unused and sends its summary to the PA and the SA.
  auto run_all = [&](core::TimePoint t) {
    clock_.Set(t);
    processed.clear();
    for (const auto& run : scheduler_->RunDue(t)) processed[run.job] = run.processed;
  };
  run_all(start + days(31));
  EXPECT_EQ(processed["device_staleness"], 1);
  EXPECT_EQ(processed["inactive_user_alerts"], 2);
  // A week later: still unused, a new week's summary; the device was already announced.
  run_all(start + days(38));
  EXPECT_EQ(processed["inactive_user_alerts"], 2);
  EXPECT_EQ(processed["device_staleness"], 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, BuiltinJobsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::jobs
