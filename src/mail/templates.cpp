#include "mail/templates.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "crypto/jws.hpp"
#include "service/mail.hpp"

namespace seatwise::mail {
namespace {

// Everything a template adds to the stored text. All of Seatwise's e-mail wording that is
// not written by the use case itself lives in this table.
struct Template {
  std::string_view name;
  std::string_view heading;  // the HTML part's title line
  std::string_view action;   // label of the button to the action URL; empty: no button
  std::string_view reason;   // why the reader gets the e-mail, at the bottom
};

constexpr std::string_view kBecauseContractManager =
    "You receive this e-mail because you are the Contract Manager of this contract in "
    "Seatwise.";

constexpr std::array<Template, 19> kTemplates = {{
    {"order_processed", "Your order is processed", "", kBecauseContractManager},
    {"get_started", "Get started with your products", "Sign in to Seatwise",
     kBecauseContractManager},
    {"invitation", "You are invited to a team", "Accept the invitation",
     "You receive this e-mail because someone invited this address to a team in Seatwise."},
    {"assignment", "A product is assigned to you", "Sign in to Seatwise",
     "You receive this e-mail because an admin of your team assigned you a seat in Seatwise."},
    {"role_change", "Your role has changed", "",
     "You receive this e-mail because your role in a team changed in Seatwise."},
    {"migration_notice", "Your products now activate by sign-in", "",
     "You receive this e-mail because you are the Contract Manager or Primary Admin of this "
     "contract in Seatwise."},
    {"renewal_notice", "Your contract ends soon", "", kBecauseContractManager},
    {"contract_renewed", "Your contract is renewed", "", kBecauseContractManager},
    {"contract_expired", "Your contract has ended", "", kBecauseContractManager},
    {"contract_suspended", "Your contract is suspended", "", kBecauseContractManager},
    {"contract_cancelled", "Your contract is cancelled", "", kBecauseContractManager},
    {"password_reset", "Reset your password", "Choose a new password",
     "You receive this e-mail because a password reset was asked for this address in "
     "Seatwise."},
    {"company_change_request", "Company information change requested", "Open the account",
     "You receive this e-mail because you look after this customer in Seatwise."},
    {"company_change_request_received", "We received your change request", "",
     "You receive this e-mail because you asked to change the company information of a "
     "contract in Seatwise."},
    {"company_change_decided", "Your change request was decided", "Open the contract",
     "You receive this e-mail because you asked to change the company information of a "
     "contract in Seatwise."},
    {"inactive_users", "Seats not used in the last 30 days", "Review seats by product",
     "You receive this e-mail because you are an admin of this team in Seatwise; it comes "
     "once a week while seats of the team go unused."},
    {"invitation_expired", "An invitation expired", "Open Users",
     "You receive this e-mail because you invited this person to a team in Seatwise."},
    {"reseller_staff_added", "You can now manage a reseller's customers", "Open Seatwise",
     "You receive this e-mail because the publisher added you to a reseller's staff in "
     "Seatwise."},
    {"team_move", "Your teams changed", "Open your team",
     "You receive this e-mail because you are an admin of one of the teams involved in "
     "Seatwise."},
}};

constexpr std::string_view kLinkStyle = "color:#0b5cad;";

const Template* FindTemplate(std::string_view name) {
  for (const auto& t : kTemplates) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// The e-mail's call to action: the "action_url" its use case put in the payload, when it is
// an http(s) address; empty otherwise. Nothing in the text it carries ever becomes a link.
std::string ActionUrl(const core::OutboxMessage& message) {
  auto members = crypto::FlatJsonMembers(message.payload_json);
  if (!members.ok()) return "";
  const auto found = members->find(std::string(service::kActionUrlMember));
  if (found == members->end() || !service::IsActionUrl(found->second)) return "";
  return found->second;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// A copy of the action URL starts a word: at the start, after white space or an opening
// bracket or quote.
bool StartsWord(std::string_view text, std::size_t at) {
  return at == 0 || IsSpace(text[at - 1]) ||
         std::string_view("(<\"'").find(text[at - 1]) != std::string_view::npos;
}

// ... and ends it: what follows, past any punctuation that closes a sentence, is white space
// or the end. Anything else would make a mail client read a longer, different address.
bool EndsWord(std::string_view text, std::size_t end) {
  while (end < text.size() &&
         std::string_view(".,;:!?)'\"").find(text[end]) != std::string_view::npos) {
    ++end;
  }
  return end == text.size() || IsSpace(text[end]);
}

// A run of text, and whether it is a copy of the action URL.
struct Piece {
  std::string_view text;
  bool link = false;
};

// `text` cut into the copies of `url` that stand as words of their own and the text around.
std::vector<Piece> Pieces(std::string_view text, std::string_view url) {
  std::vector<Piece> pieces;
  std::size_t pos = 0;
  std::size_t from = 0;
  while (!url.empty()) {
    const auto at = text.find(url, from);
    if (at == std::string_view::npos) break;
    const std::size_t end = at + url.size();
    if (!StartsWord(text, at) || !EndsWord(text, end)) {
      from = at + 1;
      continue;
    }
    if (at > pos) pieces.push_back({text.substr(pos, at - pos), false});
    pieces.push_back({text.substr(at, url.size()), true});
    pos = from = end;
  }
  if (pos < text.size()) pieces.push_back({text.substr(pos), false});
  return pieces;
}

// The plain-text part: the copies of the action URL as they are, everything else unlinkable.
std::string PlainText(std::string_view text, std::string_view url) {
  std::string out;
  for (const Piece& piece : Pieces(text, url)) {
    out += piece.link ? std::string(piece.text) : service::UnlinkableText(piece.text);
  }
  return out;
}

// One line of text as HTML: escaped and unlinkable, with the copies of the action URL as
// links to it.
std::string InlineHtml(std::string_view text, std::string_view url) {
  std::string out;
  for (const Piece& piece : Pieces(text, url)) {
    if (piece.link) {
      const std::string escaped = EscapeHtml(piece.text);
      out += "<a href=\"" + escaped + "\" style=\"" + std::string(kLinkStyle) + "\">" + escaped +
             "</a>";
    } else {
      out += EscapeHtml(service::UnlinkableText(piece.text));
    }
  }
  return out;
}

// "- item" and "1. item" lines become list items; nullopt for any other line.
std::optional<std::string_view> BulletItem(std::string_view line) {
  if (line.starts_with("- ")) return line.substr(2);
  return std::nullopt;
}
std::optional<std::string_view> NumberedItem(std::string_view line) {
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
  if (digits == 0 || digits + 1 >= line.size() || line[digits] != '.' || line[digits + 1] != ' ') {
    return std::nullopt;
  }
  return line.substr(digits + 2);
}

// The stored text as HTML: paragraphs at blank lines, runs of "- " or "1. " lines as lists,
// other line breaks kept.
std::string BodyHtml(std::string_view text, std::string_view url) {
  std::string out;
  std::vector<std::string_view> paragraph;
  std::string list_tag;  // "ul" or "ol" while a list is open
  const auto close_paragraph = [&] {
    if (paragraph.empty()) return;
    out += "<p style=\"margin:0 0 16px;\">";
    for (std::size_t i = 0; i < paragraph.size(); ++i) {
      if (i > 0) out += "<br>\n";
      out += InlineHtml(paragraph[i], url);
    }
    out += "</p>\n";
    paragraph.clear();
  };
  const auto close_list = [&] {
    if (list_tag.empty()) return;
    out += "</" + list_tag + ">\n";
    list_tag.clear();
  };
  for (std::string_view line : Lines(text)) {
    if (IsBlank(line)) {
      close_paragraph();
      close_list();
      continue;
    }
    auto bullet = BulletItem(line);
    auto numbered = bullet ? std::nullopt : NumberedItem(line);
    if (bullet || numbered) {
      const std::string tag = bullet ? "ul" : "ol";
      close_paragraph();
      if (list_tag != tag) {
        close_list();
        list_tag = tag;
        out += "<" + tag + " style=\"margin:0 0 16px;padding-left:24px;\">\n";
      }
      out += "<li>" + InlineHtml(bullet ? *bullet : *numbered, url) + "</li>\n";
      continue;
    }
    close_list();
    paragraph.push_back(line);
  }
  close_paragraph();
  close_list();
  return out;
}

std::string Page(std::string_view subject, std::string_view heading, std::string_view body_html,
                 std::string_view button_html, std::string_view reason) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + EscapeHtml(subject) + "</title>\n</head>\n";
  out += "<body style=\"margin:0;padding:0;background:#f4f5f7;\">\n";
  out +=
      "<div style=\"max-width:600px;margin:0 auto;padding:24px;font-family:Arial,Helvetica,"
      "sans-serif;font-size:15px;line-height:1.5;color:#1f2933;\">\n";
  out +=
      "<p style=\"margin:0 0 16px;font-size:20px;font-weight:bold;color:#0b5cad;\">Seatwise</p>\n";
  out +=
      "<div style=\"background:#ffffff;border:1px solid #d9dde3;border-radius:6px;"
      "padding:24px;\">\n";
  out += "<h1 style=\"margin:0 0 16px;font-size:20px;\">" + EscapeHtml(heading) + "</h1>\n";
  out += body_html;
  out += button_html;
  out += "</div>\n";
  if (!reason.empty()) {
    out += "<p style=\"margin:16px 0 0;font-size:12px;color:#616e7c;\">" + EscapeHtml(reason) +
           "</p>\n";
  }
  out += "</div>\n</body>\n</html>\n";
  return out;
}

std::string Button(std::string_view label, std::string_view url) {
  return "<p style=\"margin:24px 0 8px;\"><a href=\"" + EscapeHtml(url) +
         "\" style=\"display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;"
         "text-decoration:none;border-radius:4px;font-weight:bold;\">" +
         EscapeHtml(label) + "</a></p>\n";
}

}  // namespace

std::vector<std::string_view> TemplateNames() {
  std::vector<std::string_view> names;
  for (const auto& t : kTemplates) names.push_back(t.name);
  return names;
}

RenderedEmail RenderEmail(const core::OutboxMessage& message) {
  RenderedEmail out;
  out.subject = message.subject.empty() ? std::string("A message from Seatwise")
                                        : service::UnlinkableText(message.subject);
  std::string text = message.body_text;
  if (!text.empty() && !text.ends_with('\n')) text += '\n';
  const std::string url = ActionUrl(message);
  const Template* t = FindTemplate(message.template_name);
  if (t == nullptr) {
    out.text = PlainText(text, url);
    out.html = Page(out.subject, out.subject, BodyHtml(text, url), "", "");
    return out;
  }
  out.text = PlainText(text, url) + "\n--\n" + std::string(t->reason) + "\n";
  const std::string button = t->action.empty() || url.empty() ? "" : Button(t->action, url);
  out.html = Page(out.subject, t->heading, BodyHtml(text, url), button, t->reason);
  return out;
}

}  // namespace seatwise::mail
