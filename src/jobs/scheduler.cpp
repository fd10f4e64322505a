#include "jobs/scheduler.hpp"

#include <fmt/format.h>

#include <exception>
#include <utility>

#include "store/repositories.hpp"

namespace seatwise::jobs {
namespace {

// Serialises the lock-taking transactions of every node on PostgreSQL, so a node that read
// the job's row before another node's run finished cannot take the lock afterwards and run
// the job a second time for the same period. On SQLite a write transaction already holds the
// database write lock.
constexpr std::string_view kTryAdvisoryLock =
    "SELECT CASE WHEN pg_try_advisory_xact_lock(CAST(? AS BIGINT)) THEN 1 ELSE 0 END";

// A stable 64-bit key per job name (FNV-1a), the same on every node and build.
std::int64_t AdvisoryKey(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : std::string("seatwise.job:") + std::string(name)) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash);
}

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void JobMetrics::Record(const JobRunRecord& run, core::TimePoint finished_at) {
  std::lock_guard lock(mutex_);
  Series& s = series_[run.job];
  ++s.runs;
  if (run.ok()) {
    s.processed += static_cast<std::uint64_t>(run.processed > 0 ? run.processed : 0);
    s.last_success = finished_at;
  } else {
    ++s.failures;
  }
}

std::string JobMetrics::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto counter = [&](std::string_view name, std::string_view help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
    for (const auto& [job, s] : series_) {
      out += fmt::format("{}{{job=\"{}\"}} {}\n", name, EscapeLabel(job), value(s));
    }
  };
  counter("seatwise_job_runs_total", "Scheduled job runs on this node.",
          [](const Series& s) { return s.runs; });
  counter("seatwise_job_failures_total", "Scheduled job runs that failed on this node.",
          [](const Series& s) { return s.failures; });
  counter("seatwise_job_processed_total", "Items handled by scheduled jobs on this node.",
          [](const Series& s) { return s.processed; });
  out +=
      "# HELP seatwise_job_last_success_timestamp_seconds When the job last succeeded on this "
      "node.\n# TYPE seatwise_job_last_success_timestamp_seconds gauge\n";
  for (const auto& [job, s] : series_) {
    if (!s.last_success) continue;
    out += fmt::format("seatwise_job_last_success_timestamp_seconds{{job=\"{}\"}} {:.3f}\n",
                       EscapeLabel(job),
                       static_cast<double>(core::ToUnixMillis(*s.last_success)) / 1000.0);
  }
  return out;
}

Scheduler::Scheduler(const service::Deps& deps, LogFn log, SchedulerOptions options)
    : deps_(deps), log_(std::move(log)), options_(std::move(options)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::unique_ptr<Job> job) { jobs_.push_back(std::move(job)); }

core::Result<bool> Scheduler::Claim(const Job& job, core::TimePoint now) {
  const std::string name(job.Name());
  return deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
    if (tx.backend() == store::Backend::kPostgres) {
      SW_ASSIGN_OR_RETURN(store::Rows rows, tx.Query(kTryAdvisoryLock, {AdvisoryKey(name)}));
      if (rows.empty() || !rows.front().Bool(0)) return false;  // another node is claiming it
    }
    SW_ASSIGN_OR_RETURN(auto run, deps_.repos.jobs->Get(tx, name));
    if (run && run->last_started_at && now < *run->last_started_at + job.Every()) return false;
    return deps_.repos.jobs->TryLock(tx, name, options_.node_id, now, options_.lock_hold);
  });
}

JobRunRecord Scheduler::RunOne(Job& job, core::TimePoint now, bool on_schedule) {
  JobRunRecord record;
  record.job = std::string(job.Name());
  const auto started = std::chrono::steady_clock::now();
  core::Result<JobResult> result = JobResult{};
  try {
    result = job.Run(now);
  } catch (const std::exception& e) {
    result = core::MakeError(core::ErrorCode::kInternal, std::string("job threw: ") + e.what());
  }
  record.ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
  if (result.ok()) {
    record.outcome = "ok";
    record.processed = result->processed;
    record.detail = result->detail;
  } else {
    record.outcome = result.error().message.empty() ? "failed" : result.error().message;
  }
  const std::optional<std::string> new_cursor = result.ok() ? result->cursor : std::nullopt;
  auto finished =
      deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
        SW_ASSIGN_OR_RETURN(auto run, deps_.repos.jobs->Get(tx, record.job));
        std::string keep = run ? run->cursor : std::string();
        if (!on_schedule) {
          return deps_.repos.jobs->FinishOffSchedule(tx, record.job, options_.node_id,
                                                     record.outcome, new_cursor.value_or(keep));
        }
        return deps_.repos.jobs->Finish(tx, record.job, options_.node_id, record.outcome,
                                        new_cursor.value_or(keep), now);
      });
  if (!finished.ok() && record.ok()) {
    // The work is done but its cursor could not be stored: the next run repeats it, which
    // an idempotent job survives.
    record.outcome = "finish failed: " + finished.error().message;
  }
  return record;
}

std::vector<JobRunRecord> Scheduler::RunDue(core::TimePoint now) {
  std::vector<JobRunRecord> ran;
  for (auto& job : jobs_) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && thread_.joinable()) break;
    }
    auto claimed = Claim(*job, now);
    if (!claimed.ok()) {
      Note({std::string(job->Name()), 0, 0, "could not take the lock: " + claimed.error().message,
            ""},
           now, ran);
      continue;
    }
    if (!*claimed) continue;
    Note(RunOne(*job, now), now, ran);
  }
  return ran;
}

std::vector<JobRunRecord> Scheduler::RunAllOffSchedule(core::TimePoint at,
                                                       core::TimePoint real_now) {
  std::vector<JobRunRecord> ran;
  for (auto& job : jobs_) {
    const std::string name(job->Name());
    auto claimed =
        deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
          if (tx.backend() == store::Backend::kPostgres) {
            SW_ASSIGN_OR_RETURN(store::Rows rows, tx.Query(kTryAdvisoryLock, {AdvisoryKey(name)}));
            if (rows.empty() || !rows.front().Bool(0)) return false;
          }
          return deps_.repos.jobs->TryLockOffSchedule(tx, name, options_.node_id, real_now,
                                                      options_.lock_hold);
        });
    if (!claimed.ok()) {
      Note({name, 0, 0, "could not take the lock: " + claimed.error().message, ""}, at, ran);
      continue;
    }
    if (!*claimed) {
      Note({name, 0, 0, "skipped: another node is running it", ""}, at, ran);
      continue;
    }
    Note(RunOne(*job, at, /*on_schedule=*/false), at, ran);
  }
  return ran;
}

void Scheduler::Note(JobRunRecord record, core::TimePoint now, std::vector<JobRunRecord>& ran) {
  metrics_.Record(record, now);
  if (log_) log_(record);
  ran.push_back(std::move(record));
}

void Scheduler::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock guard(mutex_);
    while (!stopping_) {
      guard.unlock();
      RunDue(deps_.clock.Now());
      guard.lock();
      wake_.wait_for(guard, options_.tick, [this] { return stopping_; });
    }
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace seatwise::jobs
