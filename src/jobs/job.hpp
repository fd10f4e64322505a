#pragma once
// A scheduled job: idempotent work that the scheduler runs every Every() on the injected
// clock. Running it twice for the same instant, on one node or several, changes nothing the
// second time; each job keeps what it needs to resume (cursors, "sent" marks) in the database.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace seatwise::jobs {

// What one run did, for the job's metric and log line.
struct JobResult {
  std::int64_t processed = 0;         // items handled (notices sent, leases reaped, ...)
  std::string detail;                 // a short human summary; never a secret or personal data
  std::optional<std::string> cursor;  // the resume point to store; unset keeps the stored one
};

class Job {
 public:
  virtual ~Job() = default;
  // Stable snake_case name: the lock, metric label and log field ("renewal_notices").
  virtual std::string_view Name() const = 0;
  // How often the job is due.
  virtual std::chrono::milliseconds Every() const = 0;
  // Does the work due at `now`.
  virtual core::Result<JobResult> Run(core::TimePoint now) = 0;
};

}  // namespace seatwise::jobs
