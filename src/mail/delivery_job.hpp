#pragma once
// The job that delivers the outbox's e-mails over SMTP.
//
// Each run claims the messages that are due (a claim lasts long enough to send its whole
// batch, so no other node takes them meanwhile), renders and sends each, and records the
// outcome in its own transaction: sent; retried after a backoff (1, 2, 4, 8 ... minutes,
// at most 6 hours, ±10% jitter) when the failure is transient; failed for good after
// `max_attempts` or when the server refuses the message outright. Everything it needs to
// resume lives in the outbox rows, so a restart loses nothing.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "jobs/job.hpp"
#include "mail/smtp_sender.hpp"
#include "service/context.hpp"

namespace seatwise::mail {

struct DeliveryOptions {
  int max_attempts = 12;  // attempts in all, the first included
  int batch_size = 10;    // messages claimed at a time
  int max_per_run = 200;  // messages one run handles at most; the rest wait for the next run
  // How long a claimed batch stays with this node: longer than sending it can take.
  std::chrono::milliseconds claim_for{std::chrono::minutes(10)};
};

// One failed attempt, for the log line. Never holds the SMTP password or the message text.
struct DeliveryFailure {
  std::string message_id;     // the outbox id
  std::string template_name;  // "invitation", ...
  int attempts = 0;           // attempts made, this one included
  bool final = false;         // failed for good: no further attempt
  std::optional<core::TimePoint> next_attempt_at;
  std::string error;
};
using FailureLog = std::function<void(const DeliveryFailure&)>;

// The wait before the next attempt once `attempts` attempts failed: 1 minute after the
// first, doubling each time up to 6 hours, then varied by up to ±10% with `random`.
std::chrono::milliseconds RetryDelay(int attempts, core::Random& random);

// "mail_delivery: outbox message out_... (invitation) attempt 2 failed, next attempt at
// 2026-01-01T00:02:00Z: SMTP 451: ..."
std::string FailureLine(const DeliveryFailure& failure);

class DeliveryJob final : public jobs::Job {
 public:
  // `log` receives one call per failed attempt; unset, the line goes to standard error.
  DeliveryJob(const service::Deps& deps, std::unique_ptr<Sender> sender, DeliveryOptions options,
              FailureLog log = nullptr);

  std::string_view Name() const override { return "mail_delivery"; }
  std::chrono::milliseconds Every() const override { return std::chrono::seconds(10); }
  core::Result<jobs::JobResult> Run(core::TimePoint now) override;

 private:
  service::Deps deps_;
  std::unique_ptr<Sender> sender_;
  DeliveryOptions options_;
  FailureLog log_;
};

// The delivery job sending through `smtp`; the claim covers a batch sent at the SMTP timeout.
std::unique_ptr<jobs::Job> MakeDeliveryJob(const service::Deps& deps, const SmtpOptions& smtp,
                                           DeliveryOptions options = {}, FailureLog log = nullptr);

}  // namespace seatwise::mail
