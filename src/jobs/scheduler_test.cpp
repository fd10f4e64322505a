#include "jobs/scheduler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"

namespace seatwise::jobs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// A job that counts its runs and fails when told to.
class CountingJob final : public Job {
 public:
  CountingJob(std::string name, std::chrono::milliseconds every, int* runs, bool* fail = nullptr)
      : name_(std::move(name)), every_(every), runs_(runs), fail_(fail) {}
  std::string_view Name() const override { return name_; }
  std::chrono::milliseconds Every() const override { return every_; }
  core::Result<JobResult> Run(core::TimePoint) override {
    ++*runs_;
    if (fail_ != nullptr && *fail_) {
      return core::MakeError(core::ErrorCode::kUnavailable, "the mail server is down");
    }
    return JobResult{3, "three things", std::to_string(*runs_)};
  }

 private:
  std::string name_;
  std::chrono::milliseconds every_;
  int* runs_;
  bool* fail_;
};

class SchedulerTest : public service::AuthzTest {
 protected:
  std::unique_ptr<Scheduler> NewScheduler(const std::string& node) {
    return std::make_unique<Scheduler>(
        deps(), [this](const JobRunRecord& r) { logged_.push_back(r); },
        SchedulerOptions{node, minutes(15), std::chrono::seconds(1)});
  }

  std::vector<std::string> Names(const std::vector<JobRunRecord>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.job);
    return out;
  }

  std::optional<core::JobRun> JobRow(const std::string& name) {
    return Must(Read<std::optional<core::JobRun>>(
        [&](store::Tx& tx) { return repos_.jobs->Get(tx, name); }));
  }

  std::vector<JobRunRecord> logged_;
};

TEST_P(SchedulerTest, RunsAJobWhenDueAndNotBefore) {
  int runs = 0;
  auto scheduler = NewScheduler("node-a");
  scheduler->Add(std::make_unique<CountingJob>("hourly", hours(1), &runs));

  auto first = scheduler->RunDue(clock_.Now());
  EXPECT_EQ(runs, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].outcome, "ok");
  EXPECT_EQ(first[0].processed, 3);

  EXPECT_TRUE(scheduler->RunDue(clock_.Now() + minutes(59)).empty());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Names(scheduler->RunDue(clock_.Now() + hours(1))), std::vector<std::string>{"hourly"});
  EXPECT_EQ(runs, 2);

  auto row = JobRow("hourly");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->last_outcome, "ok");
  EXPECT_EQ(row->cursor, "2");  // the job's cursor is stored
  EXPECT_FALSE(row->locked_by.has_value());
  EXPECT_EQ(logged_.size(), 2u);
}

TEST_P(SchedulerTest, AFailingJobDoesNotStopTheNextAndIsRetriedNextPeriod) {
  int failing_runs = 0;
  int other_runs = 0;
  bool fail = true;
  auto scheduler = NewScheduler("node-a");
  scheduler->Add(std::make_unique<CountingJob>("delivery", minutes(1), &failing_runs, &fail));
  scheduler->Add(std::make_unique<CountingJob>("reaping", minutes(1), &other_runs));

  auto runs = scheduler->RunDue(clock_.Now());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].outcome, "the mail server is down");
  EXPECT_EQ(runs[1].outcome, "ok");
  EXPECT_EQ(other_runs, 1);
  EXPECT_EQ(JobRow("delivery")->last_outcome, "the mail server is down");

  // Not again within the period; next period it is tried again and succeeds.
  scheduler->RunDue(clock_.Now() + std::chrono::seconds(30));
  EXPECT_EQ(failing_runs, 1);
  fail = false;
  runs = scheduler->RunDue(clock_.Now() + minutes(1));
  EXPECT_EQ(failing_runs, 2);
  EXPECT_EQ(runs[0].outcome, "ok");

  const std::string metrics = scheduler->metrics().Render();
  EXPECT_NE(metrics.find("seatwise_job_runs_total{job=\"delivery\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("seatwise_job_failures_total{job=\"delivery\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("seatwise_job_processed_total{job=\"reaping\"} 6"), std::string::npos);
  EXPECT_NE(metrics.find("seatwise_job_last_success_timestamp_seconds{job=\"delivery\"}"),
            std::string::npos);
}

TEST_P(SchedulerTest, TwoNodesOnOneDatabaseRunAJobOnce) {
  int runs_a = 0;
  int runs_b = 0;
  auto a = NewScheduler("node-a");
  auto b = NewScheduler("node-b");
  a->Add(std::make_unique<CountingJob>("renewal_notices", hours(1), &runs_a));
  b->Add(std::make_unique<CountingJob>("renewal_notices", hours(1), &runs_b));

  a->RunDue(clock_.Now());
  b->RunDue(clock_.Now());
  EXPECT_EQ(runs_a + runs_b, 1);
  a->RunDue(clock_.Now() + hours(1));
  b->RunDue(clock_.Now() + hours(1));
  EXPECT_EQ(runs_a + runs_b, 2);
}

TEST_P(SchedulerTest, ANodeDoesNotRunAJobWhileAnotherHoldsItsLock) {
  int runs = 0;
  auto b = NewScheduler("node-b");
  b->Add(std::make_unique<CountingJob>("usage_rollup", minutes(1), &runs));
  // node-a took the lock and is still running (or died): node-b waits for the lock to lapse.
  ASSERT_TRUE(Must(db_->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) {
    return repos_.jobs->TryLock(tx, "usage_rollup", "node-a", clock_.Now() - hours(2),
                                hours(2) + minutes(10));
  })));
  EXPECT_TRUE(b->RunDue(clock_.Now()).empty());
  EXPECT_EQ(runs, 0);
  b->RunDue(clock_.Now() + minutes(11));
  EXPECT_EQ(runs, 1);
}

TEST_P(SchedulerTest, ARestartedSchedulerDoesNotRunAJobBeforeItIsDue) {
  int runs = 0;
  {
    auto before = NewScheduler("node-a");
    before->Add(std::make_unique<CountingJob>("renewal_notices", hours(1), &runs));
    before->RunDue(clock_.Now());
  }
  auto after = NewScheduler("node-a");
  after->Add(std::make_unique<CountingJob>("renewal_notices", hours(1), &runs));
  after->RunDue(clock_.Now() + minutes(30));
  EXPECT_EQ(runs, 1);
  after->RunDue(clock_.Now() + hours(1));
  EXPECT_EQ(runs, 2);
}

// Issue 15, point 9: "`seatwise jobs run-once --at <future time>` on a live database must
// not delay the server's real schedule".
TEST_P(SchedulerTest, ARunAtAFutureInstantLeavesTheScheduleOnTheRealClock) {
  int server_runs = 0;
  int once_runs = 0;
  auto server = NewScheduler("server");
  server->Add(
      std::make_unique<CountingJob>("mail_delivery", std::chrono::seconds(10), &server_runs));
  server->RunDue(clock_.Now());
  ASSERT_EQ(server_runs, 1);
  const auto started = JobRow("mail_delivery")->last_started_at;

  // The operator runs every job as of a day 90 days ahead, 5 seconds later in real time.
  auto once = NewScheduler("cli");
  once->Add(std::make_unique<CountingJob>("mail_delivery", std::chrono::seconds(10), &once_runs));
  const auto future = clock_.Now() + std::chrono::days(90);
  auto ran = once->RunAllOffSchedule(future, clock_.Now() + std::chrono::seconds(5));
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].outcome, "ok");
  EXPECT_EQ(once_runs, 1);
  auto row = JobRow("mail_delivery");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->last_started_at, started);  // the schedule did not move
  EXPECT_FALSE(row->locked_by.has_value());  // the lock was given back
  EXPECT_EQ(row->cursor, "1");               // the job's cursor is kept as usual

  // The server still runs the job 10 seconds after its own last run, by the real clock.
  EXPECT_TRUE(server->RunDue(clock_.Now() + std::chrono::seconds(9)).empty());
  EXPECT_EQ(Names(server->RunDue(clock_.Now() + std::chrono::seconds(10))),
            std::vector<std::string>{"mail_delivery"});
  EXPECT_EQ(server_runs, 2);

  // A run at the same instant again runs every job again (they are idempotent).
  once->RunAllOffSchedule(future, clock_.Now() + std::chrono::seconds(11));
  EXPECT_EQ(once_runs, 2);
}

TEST_P(SchedulerTest, ARunAtAChosenInstantWaitsForALockHeldByAServer) {
  int runs = 0;
  auto once = NewScheduler("cli");
  once->Add(std::make_unique<CountingJob>("usage_rollup", minutes(1), &runs));
  ASSERT_TRUE(Must(db_->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) {
    return repos_.jobs->TryLock(tx, "usage_rollup", "server", clock_.Now(), minutes(15));
  })));
  auto ran = once->RunAllOffSchedule(clock_.Now() + hours(24 * 30), clock_.Now());
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].outcome, "skipped: another node is running it");
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(JobRow("usage_rollup")->locked_by, std::optional<std::string>("server"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::jobs
