#include "mail/delivery_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <vector>

#include "mail/templates.hpp"

namespace seatwise::mail {
namespace {

constexpr std::chrono::milliseconds kFirstRetry = std::chrono::minutes(1);
constexpr std::chrono::milliseconds kLongestRetry = std::chrono::hours(6);

std::string IsoTime(core::TimePoint t) {
  const auto seconds = static_cast<std::time_t>(core::ToUnixMillis(t) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer.data();
}

void LogToStandardError(const DeliveryFailure& failure) {
  std::fputs((FailureLine(failure) + "\n").c_str(), stderr);
}

}  // namespace

std::chrono::milliseconds RetryDelay(int attempts, core::Random& random) {
  std::chrono::milliseconds delay = kFirstRetry;
  for (int i = 1; i < attempts && delay < kLongestRetry; ++i) delay *= 2;
  delay = std::min(delay, kLongestRetry);
  std::array<std::uint8_t, 2> bytes{};
  random.Fill(bytes);
  // A factor from 0.9 to 1.1, so nodes and messages that failed together spread out.
  const double unit = static_cast<double>((bytes[0] << 8) | bytes[1]) / 65535.0;
  const double factor = 0.9 + 0.2 * unit;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(delay.count()) * factor));
}

std::string FailureLine(const DeliveryFailure& failure) {
  const std::string outcome = failure.final ? std::string("failed for good")
                              : failure.next_attempt_at
                                  ? "failed, next attempt at " + IsoTime(*failure.next_attempt_at)
                                  : std::string("failed");
  return fmt::format("mail_delivery: outbox message {} ({}) attempt {} {}: {}", failure.message_id,
                     failure.template_name, failure.attempts, outcome, failure.error);
}

DeliveryJob::DeliveryJob(const service::Deps& deps, std::unique_ptr<Sender> sender,
                         DeliveryOptions options, FailureLog log)
    : deps_(deps),
      sender_(std::move(sender)),
      options_(options),
      log_(log ? std::move(log) : FailureLog(LogToStandardError)) {}

core::Result<jobs::JobResult> DeliveryJob::Run(core::TimePoint now) {
  std::int64_t sent = 0;
  std::int64_t retrying = 0;
  std::int64_t failed = 0;
  int handled = 0;
  while (handled < options_.max_per_run) {
    const int limit = std::min(options_.batch_size, options_.max_per_run - handled);
    SW_ASSIGN_OR_RETURN(std::vector<core::OutboxMessage> batch,
                        deps_.db.Transact<std::vector<core::OutboxMessage>>(
                            store::TxMode::kWrite, [&](store::Tx& tx) {
                              return deps_.repos.outbox->ClaimDue(tx, now, limit,
                                                                  options_.claim_for);
                            }));
    if (batch.empty()) break;
    handled += static_cast<int>(batch.size());
    for (const core::OutboxMessage& message : batch) {
      // Other kinds of outbox rows are not e-mails; their claim simply runs out.
      if (message.kind != core::OutboxKind::kEmail) continue;
      const RenderedEmail rendered = RenderEmail(message);
      const SendResult result =
          sender_->Send(OutgoingEmail{message.id, message.recipient, rendered.subject,
                                      rendered.text, rendered.html, message.date_at},
                        now);
      if (result.sent()) {
        SW_RETURN_IF_ERROR(deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
          return deps_.repos.outbox->MarkSent(tx, message.id, now);
        }));
        ++sent;
        continue;
      }
      DeliveryFailure failure;
      failure.message_id = message.id;
      failure.template_name = message.template_name;
      failure.attempts = message.attempts + 1;
      failure.final = result.permanent() || failure.attempts >= options_.max_attempts;
      failure.error = result.error;
      if (!failure.final)
        failure.next_attempt_at = now + RetryDelay(failure.attempts, deps_.random);
      SW_RETURN_IF_ERROR(deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
        return deps_.repos.outbox->MarkAttemptFailed(tx, message.id, result.error,
                                                     failure.next_attempt_at);
      }));
      ++(failure.final ? failed : retrying);
      log_(failure);
    }
  }
  jobs::JobResult out;
  out.processed = sent;
  out.detail = fmt::format("{} sent, {} to retry, {} failed", sent, retrying, failed);
  return out;
}

std::unique_ptr<jobs::Job> MakeDeliveryJob(const service::Deps& deps, const SmtpOptions& smtp,
                                           DeliveryOptions options, FailureLog log) {
  // A claimed batch must stay claimed while each of its messages may take the full timeout.
  const auto batch_time = std::chrono::duration_cast<std::chrono::milliseconds>(
      smtp.timeout * std::max(options.batch_size, 1) + std::chrono::minutes(1));
  options.claim_for = std::max(options.claim_for, batch_time);
  return std::make_unique<DeliveryJob>(deps, NewSmtpSender(smtp), options, std::move(log));
}

}  // namespace seatwise::mail
