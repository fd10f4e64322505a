#pragma once
// Shared state of the scheduled jobs: who runs one now, when it last ran, where to resume.

#include <chrono>
#include <optional>
#include <string>

#include "core/model.hpp"
#include "store/database.hpp"

namespace seatwise::store {

class JobRepository {
 public:
  virtual ~JobRepository() = default;

  // Takes the job's lock for `owner` until now + `hold` if it is free or expired (or already
  // held by `owner`); true when taken. Records the start.
  virtual Result<bool> TryLock(Tx& tx, const std::string& name, const std::string& owner,
                               core::TimePoint now, std::chrono::milliseconds hold) = 0;
  // Records the outcome and resume cursor and releases `owner`'s lock.
  virtual Result<void> Finish(Tx& tx, const std::string& name, const std::string& owner,
                              const std::string& outcome, const std::string& cursor,
                              core::TimePoint now) = 0;
  // Stores a resume cursor mid-run, in the transaction of the work it covers, so a crash
  // before Finish never repeats that work. kConflict unless `owner` holds the lock.
  virtual Result<void> SaveCursor(Tx& tx, const std::string& name, const std::string& owner,
                                  const std::string& cursor) = 0;
  // For a run outside the schedule (`seatwise jobs run-once --at`): takes the lock like
  // TryLock but leaves when the job last started untouched, so the schedule does not move.
  virtual Result<bool> TryLockOffSchedule(Tx& tx, const std::string& name, const std::string& owner,
                                          core::TimePoint now, std::chrono::milliseconds hold) = 0;
  // Ends a run outside the schedule: records the outcome and cursor and releases `owner`'s
  // lock, leaving when the job last started and finished untouched.
  virtual Result<void> FinishOffSchedule(Tx& tx, const std::string& name, const std::string& owner,
                                         const std::string& outcome, const std::string& cursor) = 0;
  virtual Result<std::optional<core::JobRun>> Get(Tx& tx, const std::string& name) = 0;
};

}  // namespace seatwise::store
