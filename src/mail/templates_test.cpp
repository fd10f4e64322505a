#include "mail/templates.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "service/mail.hpp"

namespace seatwise::mail {
namespace {

constexpr std::string_view kJoiner = "\u2060";  // WORD JOINER, invisible

core::OutboxMessage Message(const std::string& template_name, const std::string& body,
                            const std::string& action_url = "") {
  core::OutboxMessage m;
  m.id = "out_1";
  m.template_name = template_name;
  m.recipient = "ann@example.test";
  m.subject = "Subject of " + template_name;
  m.body_text = body;
  m.payload_json = service::PayloadWithActionUrl("{\"team_id\":\"team_1\"}", action_url);
  return m;
}

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The href of every element of the HTML part.
std::vector<std::string> Hrefs(std::string_view html) {
  std::vector<std::string> hrefs;
  constexpr std::string_view kHref = "href=\"";
  for (auto at = html.find(kHref); at != std::string_view::npos; at = html.find(kHref, at + 1)) {
    const auto begin = at + kHref.size();
    hrefs.emplace_back(html.substr(begin, html.find('"', begin) - begin));
  }
  return hrefs;
}

constexpr const char* kHostile = "<script>alert(1)</script> & \"x\"";

TEST(TemplatesTest, EveryValueIsEscapedInHtmlAndVerbatimInText) {
  const auto message =
      Message("assignment", std::string("Hello ") + kHostile + ",\n\nRevit is yours.\n");
  const RenderedEmail r = RenderEmail(message);
  EXPECT_NE(r.text.find(std::string("Hello ") + kHostile + ","), std::string::npos) << r.text;
  EXPECT_NE(r.html.find("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;,"),
            std::string::npos)
      << r.html;
  EXPECT_EQ(r.html.find("<script>"), std::string::npos);
}

TEST(TemplatesTest, SubjectIsEscapedInTheHtmlTitle) {
  auto message = Message("invitation", "Hello\n");
  message.subject = "You are invited to <b>R&D</b>";
  const RenderedEmail r = RenderEmail(message);
  EXPECT_EQ(r.subject, "You are invited to <b>R&D</b>");
  EXPECT_NE(r.html.find("<title>You are invited to &lt;b&gt;R&amp;D&lt;/b&gt;</title>"),
            std::string::npos);
}

TEST(TemplatesTest, TheActionUrlIsTheButtonAndItsCopyInTheTextTheOnlyOtherLink) {
  const auto message = Message(
      "invitation",
      "Hello Ann,\n\nAccept the invitation:\nhttps://seatwise.example/invitations/swi_abc?x=1&y=2."
      "\n\nOr read https://seatwise.example/help first.\n\nSeatwise\n",
      "https://seatwise.example/invitations/swi_abc?x=1&y=2");
  const RenderedEmail r = RenderEmail(message);
  const std::string href = "https://seatwise.example/invitations/swi_abc?x=1&amp;y=2";
  EXPECT_EQ(Hrefs(r.html), (std::vector<std::string>{href, href})) << r.html;
  EXPECT_NE(r.html.find(">Accept the invitation</a>"), std::string::npos);
  EXPECT_NE(r.text.find("\nhttps://seatwise.example/invitations/swi_abc?x=1&y=2.\n"),
            std::string::npos);
  // Another address in the text, even on the server's own host, is not the action.
  EXPECT_EQ(r.text.find("https://seatwise.example/help"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(std::string("https:") + std::string(kJoiner) + "//seatwise." +
                        std::string(kJoiner) + "example/help"),
            std::string::npos);
}

TEST(TemplatesTest, WithoutAnActionUrlNothingIsALinkNorAButton) {
  // The old rule made the first web address of the text the button: here the attacker's.
  const auto message = Message("invitation",
                               "Hello https://evil.example/x,\n\nAccept the invitation:\n"
                               "https://seatwise.example/invitations/swi_abc\n\nSeatwise\n");
  const RenderedEmail r = RenderEmail(message);
  EXPECT_TRUE(Hrefs(r.html).empty()) << r.html;
  EXPECT_EQ(r.html.find("<a "), std::string::npos);
  EXPECT_EQ(r.html.find("evil.example"), std::string::npos);
  EXPECT_EQ(r.text.find("://"), std::string::npos) << r.text;
}

TEST(TemplatesTest, AnActionUrlThatIsNotAWebAddressIsIgnored) {
  for (const std::string url : {"javascript:alert(1)", "https://seatwise.example/a b",
                                "https://seatwise.example/\"onmouseover=\"x"}) {
    SCOPED_TRACE(url);
    const RenderedEmail r = RenderEmail(Message("assignment", "Sign in at " + url + "\n", url));
    EXPECT_TRUE(Hrefs(r.html).empty()) << r.html;
  }
}

TEST(TemplatesTest, ACopyOfTheActionUrlRunningIntoOtherTextIsNoLink) {
  // Text typed right after (or before) the server's address would make a mail client read
  // a longer address, with another host; such a copy stays text.
  const std::string url = "https://seatwise.example";
  const auto message = Message("assignment",
                               "Hello " + url + "@evil.example,\n\nSee " + url +
                                   ".evil.example/x and x" + url + "\n\nSign in at " + url + ".\n",
                               url);
  const RenderedEmail r = RenderEmail(message);
  EXPECT_EQ(Hrefs(r.html), (std::vector<std::string>{url, url})) << r.html;
  EXPECT_EQ(Count(r.text, "://"), 1u) << r.text;
  EXPECT_NE(r.text.find("Sign in at " + url + ".\n"), std::string::npos);
  EXPECT_EQ(r.text.find("evil.example"), std::string::npos);
  EXPECT_EQ(r.html.find("evil.example"), std::string::npos);
}

// Text people type (names, company, team and product names) shown in every template: it
// never becomes a link or a button, in either part, and mail clients that link addresses in
// text by themselves find none; the server's action URL stays the one link.
TEST(TemplatesTest, HostileTextNeverBecomesALinkInAnyTemplate) {
  const std::set<std::string_view> with_button = {"get_started",
                                                  "invitation",
                                                  "assignment",
                                                  "password_reset",
                                                  "company_change_request",
                                                  "company_change_decided",
                                                  "inactive_users",
                                                  "invitation_expired",
                                                  "reseller_staff_added",
                                                  "team_move"};
  const std::string url = "https://seatwise.example/invitations/swi_abc";
  for (const std::string hostile :
       {"https://evil.example/x", "<a href=x>", "evil.example", "[x](https://evil.example)",
        "ann@evil.example", "evil\u3002example", "http://127.0.0.1:8080/"}) {
    for (std::string_view name : TemplateNames()) {
      SCOPED_TRACE(std::string(name) + " with " + hostile);
      auto message =
          Message(std::string(name),
                  "Hello " + hostile + ",\n\n" + hostile + " " + hostile +
                      " (ann@example.test) of the company " + hostile + " added you to the team " +
                      hostile + ":\n- " + hostile + ": 2 seats\n1. " + hostile +
                      "\n\nOpen it here:\n" + url + "\n\nSeatwise\n",
                  url);
      message.subject = "You are invited to " + hostile + " on Seatwise";
      const RenderedEmail r = RenderEmail(message);

      const bool button = with_button.contains(name);
      const std::size_t links = button ? 2 : 1;  // the button and the copy in the text
      EXPECT_EQ(Hrefs(r.html), std::vector<std::string>(links, url)) << r.html;
      EXPECT_EQ(Count(r.html, "<a "), links);
      EXPECT_EQ(r.html.find("<a href=x"), std::string::npos);
      EXPECT_NE(r.text.find("\n" + url + "\n"), std::string::npos) << r.text;
      EXPECT_EQ(Count(r.text, "://"), 1u) << r.text;
      EXPECT_EQ(Count(r.html, "://"), button ? 3u : 2u) << r.html;  // hrefs, the copy's label
      for (const std::string_view intact : {"evil.example", "evil\u3002example", "https://evil",
                                            "127.0.0.1", "@evil", "ann@example", "](https://"}) {
        EXPECT_EQ(r.text.find(intact), std::string::npos) << intact << " in\n" << r.text;
        EXPECT_EQ(r.html.find(intact), std::string::npos) << intact << " in\n" << r.html;
        EXPECT_EQ(r.subject.find(intact), std::string::npos) << intact << " in " << r.subject;
      }
    }
  }
}

TEST(TemplatesTest, DashAndNumberedLinesBecomeLists) {
  const auto message = Message("order_processed",
                               "Products:\n- AutoCAD: 5 seats\n- Revit: 2 seats\n\n"
                               "1. Sign in.\n2. Assign seats.\n");
  const RenderedEmail r = RenderEmail(message);
  EXPECT_NE(r.html.find("<li>AutoCAD: 5 seats</li>\n<li>Revit: 2 seats</li>\n</ul>"),
            std::string::npos)
      << r.html;
  EXPECT_NE(r.html.find("<li>Sign in.</li>\n<li>Assign seats.</li>\n</ol>"), std::string::npos);
  EXPECT_NE(r.html.find("Products:</p>"), std::string::npos);
}

TEST(TemplatesTest, EveryTemplateHasAHeadingAReasonAndNoExternalResources) {
  const std::vector<std::string_view> expected = {"order_processed",
                                                  "get_started",
                                                  "invitation",
                                                  "assignment",
                                                  "role_change",
                                                  "migration_notice",
                                                  "renewal_notice",
                                                  "contract_renewed",
                                                  "contract_expired",
                                                  "contract_suspended",
                                                  "contract_cancelled",
                                                  "password_reset",
                                                  "company_change_request",
                                                  "company_change_request_received",
                                                  "company_change_decided",
                                                  "inactive_users",
                                                  "invitation_expired",
                                                  "reseller_staff_added",
                                                  "team_move"};
  EXPECT_EQ(TemplateNames(), expected);
  for (std::string_view name : TemplateNames()) {
    SCOPED_TRACE(std::string(name));
    const RenderedEmail r = RenderEmail(Message(std::string(name), "Hello Ann,\n\nBody.\n"));
    EXPECT_NE(r.html.find("<h1"), std::string::npos);
    EXPECT_NE(r.html.find("Seatwise</p>"), std::string::npos);
    EXPECT_NE(r.text.find("You receive this e-mail because"), std::string::npos);
    EXPECT_NE(r.html.find("You receive this e-mail because"), std::string::npos);
    for (const char* external : {"src=", "<img", "<link", "url(", "@import", "<script"}) {
      EXPECT_EQ(r.html.find(external), std::string::npos) << external;
    }
  }
}

TEST(TemplatesTest, InactiveUsersListsEachSeatEscapedWithAButtonToTheByProductPage) {
  auto message = Message(
      "inactive_users",
      "Hello Ann,\n\nReview the seats on the By product page:\n"
      "https://seatwise.example/teams/team_1/by-product\n\nThese seats were not used:\n"
      "- Bob <b>Evil</b> (bob@example.test): AutoCAD & Revit, assigned since 2025-11-01, last "
      "used never\n- Cy (cy@example.test): Revit, assigned since 2025-10-01, last used "
      "2025-10-20\n\nSeatwise\n",
      "https://seatwise.example/teams/team_1/by-product");
  message.subject = "2 people in R&D did not use an assigned product in the last 30 days";
  const RenderedEmail r = RenderEmail(message);
  // The addresses people typed are shown, but not as mailto links.
  const std::string bob = "bob\u2060@\u2060example.\u2060test";
  const std::string cy = "cy\u2060@\u2060example.\u2060test";
  EXPECT_NE(r.text.find("- Bob <b>Evil</b> (" + bob + "): AutoCAD & Revit"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("because you are an admin of this team"), std::string::npos);
  EXPECT_NE(r.html.find("<li>Bob &lt;b&gt;Evil&lt;/b&gt; (" + bob +
                        "): AutoCAD &amp; Revit, assigned since 2025-11-01, last used never</li>"),
            std::string::npos)
      << r.html;
  EXPECT_NE(r.html.find("<li>Cy (" + cy +
                        "): Revit, assigned since 2025-10-01, last used 2025-10-20</li>"),
            std::string::npos);
  EXPECT_EQ(r.html.find("<b>Evil"), std::string::npos);
  EXPECT_NE(r.html.find("<h1 style=\"margin:0 0 16px;font-size:20px;\">Seats not used in the "
                        "last 30 days</h1>"),
            std::string::npos);
  EXPECT_NE(r.html.find("href=\"https://seatwise.example/teams/team_1/by-product\" "
                        "style=\"display:inline-block;"),
            std::string::npos)
      << r.html;
  EXPECT_NE(r.html.find(">Review seats by product</a>"), std::string::npos);
  EXPECT_NE(r.html.find("<title>2 people in R&amp;D did not use"), std::string::npos);
}

TEST(TemplatesTest, UnknownTemplateSendsTheStoredSubjectAndText) {
  const auto message = Message("something_new", "Hello Ann,\n\nA & B.\n\nSeatwise\n");
  const RenderedEmail r = RenderEmail(message);
  EXPECT_EQ(r.subject, "Subject of something_new");
  EXPECT_EQ(r.text, message.body_text);
  EXPECT_NE(r.html.find("A &amp; B."), std::string::npos);
  EXPECT_EQ(r.html.find("You receive this e-mail"), std::string::npos);
}

}  // namespace
}  // namespace seatwise::mail
