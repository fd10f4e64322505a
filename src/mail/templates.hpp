#pragma once
// What an outbox e-mail looks like when delivered: its subject, a plain-text part and an
// HTML part, from the row the use case wrote (subject, body text and payload).
//
// Each template adds a heading, the button to the message's action URL and a line saying
// why the reader gets the e-mail; an unknown template is sent as its stored subject and
// text alone. The only link is the action URL the use case built and put in the payload
// ("action_url"): its button, and its copies in the text. Everything else, names and other
// text people typed above all, is text in both parts: escaped in HTML, never turned into a
// link, and made unlinkable for mail clients that link addresses by themselves
// (service::UnlinkableText). The HTML part loads nothing from elsewhere.

#include <string>
#include <string_view>
#include <vector>

#include "core/html.hpp"
#include "core/model.hpp"

namespace seatwise::mail {

struct RenderedEmail {
  std::string subject;
  std::string text;  // "\n" line ends
  std::string html;  // "\n" line ends
};

RenderedEmail RenderEmail(const core::OutboxMessage& message);

// The template names that have their own layout, for tests and documentation.
std::vector<std::string_view> TemplateNames();

// `text` with &, <, >, " and ' replaced by entities.
using core::EscapeHtml;

}  // namespace seatwise::mail
