#include "mail/templates.hpp"

#include <gtest/gtest.h>

#include <string>

namespace seatwise::mail {
namespace {

core::OutboxMessage Message(const std::string& template_name, const std::string& body) {
  core::OutboxMessage m;
  m.id = "out_1";
  m.template_name = template_name;
  m.recipient = "ann@example.test";
  m.subject = "Subject of " + template_name;
  m.body_text = body;
  return m;
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

TEST(TemplatesTest, LinksBecomeLinksAndTheMainOneAButton) {
  const auto message = Message(
      "invitation",
      "Hello Ann,\n\nAccept the invitation:\nhttps://seatwise.example/invitations/swi_abc?x=1&y=2."
      "\n\nSeatwise\n");
  const RenderedEmail r = RenderEmail(message);
  const std::string href = "href=\"https://seatwise.example/invitations/swi_abc?x=1&amp;y=2\"";
  EXPECT_NE(r.html.find(href), std::string::npos) << r.html;
  EXPECT_NE(r.html.find(">Accept the invitation</a>"), std::string::npos);
  EXPECT_NE(r.text.find("https://seatwise.example/invitations/swi_abc?x=1&y=2."),
            std::string::npos);
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
                                                  "inactive_users",
                                                  "invitation_expired",
                                                  "reseller_staff_added"};
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
      "2025-10-20\n\nSeatwise\n");
  message.subject = "2 people in R&D did not use an assigned product in the last 30 days";
  const RenderedEmail r = RenderEmail(message);
  EXPECT_NE(r.text.find("- Bob <b>Evil</b> (bob@example.test): AutoCAD & Revit"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("because you are an admin of this team"), std::string::npos);
  EXPECT_NE(r.html.find("<li>Bob &lt;b&gt;Evil&lt;/b&gt; (bob@example.test): AutoCAD &amp; Revit,"
                        " assigned since 2025-11-01, last used never</li>"),
            std::string::npos)
      << r.html;
  EXPECT_NE(r.html.find("<li>Cy (cy@example.test): Revit, assigned since 2025-10-01, last used "
                        "2025-10-20</li>"),
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
