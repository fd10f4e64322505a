#pragma once
// E-mails written to the outbox by the use case that causes them, in its transaction: the
// message is delivered later, once per event key, or not at all when the change rolls back.

#include <optional>
#include <string>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

struct Email {
  std::string event_key;      // unique per event: a retry of the same event sends nothing new
  std::string template_name;  // "order_processed", "assignment", ...
  const core::User* to = nullptr;
  std::string subject;
  std::string body;  // the paragraphs between the greeting and the sign-off
  std::optional<std::string> team_id;
  std::string payload_json = "{}";  // ids the message is about, for webhooks and tests
};

// Queues `email` with a greeting ("Hello Ann,") and the Seatwise sign-off. True when new,
// false when a message with the same event key was already queued.
core::Result<bool> EnqueueEmail(store::Tx& tx, const Deps& deps, const Email& email);

// "Ann Smith", or the e-mail address when the person has no name.
std::string PersonName(const core::User& user);
// "Ann Smith (ann@example.com)"
std::string PersonLabel(const core::User& user);
// "2026-01-02"
std::string DateText(core::TimePoint t);

}  // namespace seatwise::service
