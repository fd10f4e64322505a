#include "service/mail.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <span>

#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

constexpr std::string_view kWordJoiner = "\u2060";
// ".", and the ideographic, full-width and half-width ideographic full stops, which host
// names accept as dots.
constexpr std::array<std::string_view, 4> kDots = {".", "\u3002", "\uff0e", "\uff61"};
// "@" and the full-width commercial at.
constexpr std::array<std::string_view, 2> kAts = {"@", "\uff20"};

std::size_t StartsWithAny(std::string_view text, std::span<const std::string_view> any) {
  for (std::string_view s : any) {
    if (text.starts_with(s)) return s.size();
  }
  return 0;
}

// A letter or digit of a host name: ASCII, or the first byte of any other UTF-8 character
// but a word joiner already in place.
bool HostCharacterAt(std::string_view text) {
  if (text.empty() || text.starts_with(kWordJoiner)) return false;
  const auto c = static_cast<unsigned char>(text.front());
  return std::isalnum(c) != 0 || c >= 0x80;
}

}  // namespace

bool IsActionUrl(std::string_view url) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) return false;
  return std::none_of(url.begin(), url.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\';
  });
}

std::string UnlinkableText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = text.substr(i);
    if (const std::size_t n = StartsWithAny(rest, kAts); n > 0) {
      if (!out.ends_with(kWordJoiner)) out += kWordJoiner;
      out += rest.substr(0, n);
      i += n;
      if (!text.substr(i).starts_with(kWordJoiner)) out += kWordJoiner;
    } else if (const std::size_t d = StartsWithAny(rest, kDots); d > 0) {
      out += rest.substr(0, d);
      i += d;
      if (HostCharacterAt(text.substr(i))) out += kWordJoiner;
    } else if (rest.starts_with(":/") || rest.starts_with(":\\")) {
      out += ':';
      out += kWordJoiner;
      ++i;
    } else {
      out += rest.front();
      ++i;
    }
  }
  return out;
}

std::string PayloadWithActionUrl(std::string_view payload_json, std::string_view action_url) {
  if (action_url.empty()) return std::string(payload_json);
  const std::string member = JsonQuote(kActionUrlMember) + ":" + JsonQuote(action_url);
  const auto open = payload_json.find('{');
  if (open == std::string_view::npos) return "{" + member + "}";
  const auto next = payload_json.find_first_not_of(" \t\r\n", open + 1);
  const bool empty = next == std::string_view::npos || payload_json[next] == '}';
  return std::string(payload_json.substr(0, open + 1)) + member + (empty ? "" : ",") +
         std::string(payload_json.substr(open + 1));
}

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
  if (!email.action_url.empty()) {
    if (!IsActionUrl(email.action_url)) {
      return core::MakeError(core::ErrorCode::kInternal,
                             "the " + email.template_name +
                                 " e-mail's action URL is not an http(s) address: check "
                                 "server.public_url");
    }
    if (email.body.find(email.action_url) == std::string::npos) {
      return core::MakeError(
          core::ErrorCode::kInternal,
          "the " + email.template_name + " e-mail's text lacks a copy of its action URL");
    }
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
  message.payload_json = PayloadWithActionUrl(email.payload_json, email.action_url);
  message.team_id = email.team_id;
  message.next_attempt_at = now;
  message.created_at = now;
  return deps.repos.outbox->Enqueue(tx, std::move(message));
}

}  // namespace seatwise::service
