#pragma once
// Runs the registered jobs when they are due, one node at a time per job. When a job last
// ran is read from the shared job_runs table, so a restarted process or another node does
// not run it early; the job's lock row in that table (plus, on PostgreSQL, an advisory lock
// around taking it) makes sure only one node runs a job at once.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "jobs/job.hpp"
#include "service/context.hpp"

namespace seatwise::jobs {

// What one scheduled run did (or why it did not happen), for the log and the CLI.
struct JobRunRecord {
  std::string job;
  std::int64_t processed = 0;
  std::int64_t ms = 0;  // wall time the run took
  std::string outcome;  // "ok", or the error
  std::string detail;   // the job's summary
  bool ok() const { return outcome == "ok"; }
};

// Per-job counters since the process started, rendered in the Prometheus text format.
class JobMetrics {
 public:
  void Record(const JobRunRecord& run, core::TimePoint finished_at);
  // seatwise_job_runs_total, _failures_total, _processed_total and
  // seatwise_job_last_success_timestamp_seconds, one series per job that ran here.
  std::string Render() const;

 private:
  struct Series {
    std::uint64_t runs = 0;
    std::uint64_t failures = 0;
    std::uint64_t processed = 0;
    std::optional<core::TimePoint> last_success;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Series> series_;
};

struct SchedulerOptions {
  std::string node_id;  // the owner written into a job's lock row
  // How long a job's lock holds; a node that dies mid-run frees it after this long.
  std::chrono::milliseconds lock_hold{std::chrono::minutes(15)};
  std::chrono::milliseconds tick{std::chrono::seconds(1)};  // background thread period
};

class Scheduler {
 public:
  using LogFn = std::function<void(const JobRunRecord&)>;

  // `deps.clock` drives the background thread; RunDue takes the instant explicitly.
  Scheduler(const service::Deps& deps, LogFn log, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before Start().
  void Add(std::unique_ptr<Job> job);

  // Runs, in the order added, every job whose Every() has passed since it last started (on
  // any node) and whose lock this node gets. A failing job is logged, counted and tried
  // again next period; the others still run. Returns what ran.
  std::vector<JobRunRecord> RunDue(core::TimePoint now);

  // Runs every job once as of `at`, due or not, outside the schedule (`seatwise jobs
  // run-once --at`): when each job last started is left as it was, so a run at a future
  // instant never moves the serving nodes' next runs. Each job's lock is still taken, so the
  // run never overlaps a scheduled one, and it is timed by `real_now` (not `at`), so a run
  // that dies frees it after `lock_hold` of real time. The job's resume cursor is stored.
  std::vector<JobRunRecord> RunAllOffSchedule(core::TimePoint at, core::TimePoint real_now);

  // A background thread calling RunDue(clock.Now()) every tick until Stop(); Stop wakes it
  // at once and waits for a job in progress to finish.
  void Start();
  void Stop();

  const JobMetrics& metrics() const { return metrics_; }
  const std::vector<std::unique_ptr<Job>>& jobs() const { return jobs_; }

 private:
  // Takes the job's lock at `now` if it is due; false when not due or held elsewhere.
  core::Result<bool> Claim(const Job& job, core::TimePoint now);
  // Runs `job` at `now` under the lock this node holds and releases it; `on_schedule` false
  // records the outcome and cursor only (RunAllOffSchedule).
  JobRunRecord RunOne(Job& job, core::TimePoint now, bool on_schedule = true);
  // Claim or record failure bookkeeping shared by RunDue and RunAllOffSchedule.
  void Note(JobRunRecord record, core::TimePoint now, std::vector<JobRunRecord>& ran);

  service::Deps deps_;
  LogFn log_;
  SchedulerOptions options_;
  std::vector<std::unique_ptr<Job>> jobs_;
  JobMetrics metrics_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace seatwise::jobs
