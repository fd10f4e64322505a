#pragma once
// E-mails written to the outbox by the use case that causes them, in its transaction: the
// message is delivered later, once per event key, or not at all when the change rolls back.
//
// The only link of an e-mail is the `action_url` its use case builds; everything else in it,
// names and other text people typed above all, is shown as text (see UnlinkableText).

#include <optional>
#include <string>
#include <string_view>

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
  // The server-built address of the e-mail's call to action ("{public_url}/sign-in"), or
  // empty. It must also appear in `body`, on its own or after a space, as its plain-text copy;
  // it becomes the e-mail's button and its only link. Stored in the payload as "action_url".
  std::string action_url;
  std::optional<std::string> team_id;
  std::string payload_json = "{}";  // a flat object of the ids the message is about
};

// The payload member that carries an e-mail's call to action.
inline constexpr std::string_view kActionUrlMember = "action_url";

// `payload_json` (a flat JSON object) with "action_url": `action_url` added; as is when
// `action_url` is empty. For use cases that write outbox rows without EnqueueEmail.
std::string PayloadWithActionUrl(std::string_view payload_json, std::string_view action_url);

// True for an address fit to be an action URL: http(s), without white space, quotes, angle
// brackets or backslashes.
bool IsActionUrl(std::string_view url);

// `text` as a reader sees it, which no mail client can turn into a link: an invisible U+2060
// WORD JOINER goes inside every "://", after every dot that a letter or digit follows (the
// dots of a host name, also the ideographic and full-width ones) and on both sides of every
// "@". Applied to everything in an e-mail but its server-built action URL. Text without such
// places comes back as it was; applying it twice adds nothing.
std::string UnlinkableText(std::string_view text);

// Queues `email` with a greeting ("Hello Ann,") and the Seatwise sign-off. True when new,
// false when a message with the same event key was already queued. kInternal when the action
// URL is not an http(s) address or is missing from the body.
core::Result<bool> EnqueueEmail(store::Tx& tx, const Deps& deps, const Email& email);

// "Ann Smith", or the e-mail address when the person has no name.
std::string PersonName(const core::User& user);
// "Ann Smith (ann@example.com)"
std::string PersonLabel(const core::User& user);
// "2026-01-02"
std::string DateText(core::TimePoint t);

}  // namespace seatwise::service
