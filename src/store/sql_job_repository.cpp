#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

// Takes the lock when it is free, expired, or already ours; one statement, so two nodes
// racing for it cannot both win.
constexpr std::string_view kTryLock =
    "INSERT INTO job_runs (name, last_started_at, locked_by, locked_until)"
    " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
    " last_started_at = excluded.last_started_at, locked_by = excluded.locked_by,"
    " locked_until = excluded.locked_until"
    " WHERE job_runs.locked_until IS NULL OR job_runs.locked_until <= ?"
    " OR job_runs.locked_by = excluded.locked_by";
// The same lock, taken without moving when the job last started (a new row has none, so
// the schedule finds the job due).
constexpr std::string_view kTryLockOffSchedule =
    "INSERT INTO job_runs (name, locked_by, locked_until) VALUES (?, ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET locked_by = excluded.locked_by,"
    " locked_until = excluded.locked_until"
    " WHERE job_runs.locked_until IS NULL OR job_runs.locked_until <= ?"
    " OR job_runs.locked_by = excluded.locked_by";
constexpr std::string_view kFinishOffSchedule =
    "UPDATE job_runs SET last_outcome = ?, resume_cursor = ?, locked_by = NULL,"
    " locked_until = NULL WHERE name = ? AND locked_by = ?";
constexpr std::string_view kFinish =
    "UPDATE job_runs SET last_finished_at = ?, last_outcome = ?, resume_cursor = ?,"
    " locked_by = NULL, locked_until = NULL WHERE name = ? AND locked_by = ?";
constexpr std::string_view kSaveCursor =
    "UPDATE job_runs SET resume_cursor = ? WHERE name = ? AND locked_by = ?";
constexpr std::string_view kSelectJob =
    "SELECT name, last_started_at, last_finished_at, last_outcome, locked_by, locked_until,"
    " resume_cursor FROM job_runs WHERE name = ?";

class SqlJobRepository final : public JobRepository {
 public:
  Result<bool> TryLock(Tx& tx, const std::string& name, const std::string& owner,
                       core::TimePoint now, std::chrono::milliseconds hold) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kTryLock, {name, Ms(now), owner, Ms(now + hold), Ms(now)}));
    return changed > 0;
  }

  Result<void> Finish(Tx& tx, const std::string& name, const std::string& owner,
                      const std::string& outcome, const std::string& cursor,
                      core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kFinish, {Ms(now), outcome, cursor, name, owner}));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "job " + name + " is no longer locked by " + owner);
    }
    return core::Ok();
  }

  Result<bool> TryLockOffSchedule(Tx& tx, const std::string& name, const std::string& owner,
                                  core::TimePoint now, std::chrono::milliseconds hold) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kTryLockOffSchedule, {name, owner, Ms(now + hold), Ms(now)}));
    return changed > 0;
  }

  Result<void> FinishOffSchedule(Tx& tx, const std::string& name, const std::string& owner,
                                 const std::string& outcome, const std::string& cursor) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kFinishOffSchedule, {outcome, cursor, name, owner}));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "job " + name + " is no longer locked by " + owner);
    }
    return core::Ok();
  }

  Result<void> SaveCursor(Tx& tx, const std::string& name, const std::string& owner,
                          const std::string& cursor) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kSaveCursor, {cursor, name, owner}));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "job " + name + " is no longer locked by " + owner);
    }
    return core::Ok();
  }

  Result<std::optional<core::JobRun>> Get(Tx& tx, const std::string& name) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectJob, {name}));
    if (!row) return std::optional<core::JobRun>();
    const Row& r = *row;
    return std::optional<core::JobRun>(core::JobRun{r.Text(0), OptTimeAt(r, 1), OptTimeAt(r, 2),
                                                    r.Text(3), r.OptText(4), OptTimeAt(r, 5),
                                                    r.Text(6)});
  }
};

}  // namespace

std::unique_ptr<JobRepository> NewSqlJobRepository() {
  return std::make_unique<SqlJobRepository>();
}

}  // namespace seatwise::store
