#include "service/mail.hpp"

#include <ctime>

namespace seatwise::service {

std::string PersonName(const core::User& user) {
  std::string name = user.first_name;
  if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
  return name.empty() ? user.email : name;
}

std::string PersonLabel(const core::User& user) {
  const std::string name = PersonName(user);
  return name == user.email ? name : name + " (" + user.email + ")";
}

std::string DateText(core::TimePoint t) {
  const auto seconds = static_cast<std::time_t>(core::ToUnixMillis(t) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

core::Result<bool> EnqueueEmail(store::Tx& tx, const Deps& deps, const Email& email) {
  if (email.to == nullptr || email.to->email.empty()) {
    return core::MakeError(core::ErrorCode::kInternal, "an e-mail needs a recipient");
  }
  const auto now = deps.clock.Now();
  core::OutboxMessage message;
  message.event_key = email.event_key;
  message.kind = core::OutboxKind::kEmail;
  message.template_name = email.template_name;
  message.recipient = email.to->email;
  message.subject = email.subject;
  const std::string greeting =
      email.to->first_name.empty() ? std::string("Hello,") : "Hello " + email.to->first_name + ",";
  message.body_text = greeting + "\n\n" + email.body + "\n\nSeatwise\n";
  message.payload_json = email.payload_json;
  message.team_id = email.team_id;
  message.next_attempt_at = now;
  message.created_at = now;
  return deps.repos.outbox->Enqueue(tx, std::move(message));
}

}  // namespace seatwise::service
