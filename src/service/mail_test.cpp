#include "service/mail.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/jws.hpp"
#include "mail/templates.hpp"
#include "service/assignments.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

const std::string kJ = "\u2060";  // WORD JOINER

TEST(UnlinkableTextTest, BreaksWebAndMailAddressesWithInvisibleJoiners) {
  EXPECT_EQ(UnlinkableText("https://evil.example/x"), "https:" + kJ + "//evil." + kJ + "example/x");
  EXPECT_EQ(UnlinkableText("ann@evil.example"), "ann" + kJ + "@" + kJ + "evil." + kJ + "example");
  EXPECT_EQ(UnlinkableText("www.evil.com"), "www." + kJ + "evil." + kJ + "com");
  EXPECT_EQ(UnlinkableText("[x](http://127.0.0.1:8080)"),
            "[x](http:" + kJ + "//127." + kJ + "0." + kJ + "0." + kJ + "1:8080)");
  EXPECT_EQ(UnlinkableText("http:\\\\evil"), "http:" + kJ + "\\\\evil");
  // The dots and the "at" that host names and addresses also accept.
  EXPECT_EQ(UnlinkableText("evil\u3002example"), "evil\u3002" + kJ + "example");
  EXPECT_EQ(UnlinkableText("evil\uff0eexample"), "evil\uff0e" + kJ + "example");
  EXPECT_EQ(UnlinkableText("evil\uff61example"), "evil\uff61" + kJ + "example");
  EXPECT_EQ(UnlinkableText("ann\uff20evil"), "ann" + kJ + "\uff20" + kJ + "evil");
}

TEST(UnlinkableTextTest, LeavesOrdinaryTextAsItIsAndAddsNothingTheSecondTime) {
  for (const std::string plain :
       {"", "Ann-Marie O'Neil", "R&D <b>team</b>", "Sign in. Then go.", "ends on 2026-01-02.",
        "Note: yes", "at 10:30", "Müller", "...", "a.", "\u00e9t\u00e9"}) {
    EXPECT_EQ(UnlinkableText(plain), plain);
  }
  for (const std::string hostile : {"https://evil.example/x", "ann@evil.example",
                                    "evil\u3002example", "[x](https://evil.example)"}) {
    const std::string once = UnlinkableText(hostile);
    EXPECT_EQ(UnlinkableText(once), once) << hostile;
  }
}

TEST(PayloadWithActionUrlTest, AddsTheMemberToAFlatObject) {
  const std::string url = "https://portal.example/invitations/swi_1";
  EXPECT_EQ(PayloadWithActionUrl("{}", url), "{\"action_url\":\"" + url + "\"}");
  EXPECT_EQ(PayloadWithActionUrl("{\"team_id\":\"t1\"}", ""), "{\"team_id\":\"t1\"}");
  auto members = crypto::FlatJsonMembers(PayloadWithActionUrl(" { \"team_id\": \"t1\" } ", url));
  ASSERT_TRUE(members.ok()) << members.error().message;
  EXPECT_EQ(members->at("team_id"), "t1");
  EXPECT_EQ(members->at("action_url"), url);
}

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::vector<std::string> Hrefs(std::string_view html) {
  std::vector<std::string> hrefs;
  constexpr std::string_view kHref = "href=\"";
  for (auto at = html.find(kHref); at != std::string_view::npos; at = html.find(kHref, at + 1)) {
    const auto begin = at + kHref.size();
    hrefs.emplace_back(html.substr(begin, html.find('"', begin) - begin));
  }
  return hrefs;
}

// What people typed, in the names the e-mails below show.
const std::string kEvilFirstName = "https://evil.example/x";
const std::string kEvilLastName = "[x](https://evil.example)";
const std::string kEvilInviter = "evil.example";
const std::string kEvilTeam = "<a href=x>evil.example</a>";
const std::string kEvilProduct = "Evil https://evil.example/x";

// E-mails of the real use cases, through the real outbox, as they are delivered.
class EmailContentTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    IdentityOptions options;
    options.base_url = "https://portal.example";
    identity_ = std::make_unique<IdentityService>(*deps_, options);
    auto built = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      const auto now = clock_.Now();
      SW_ASSIGN_OR_RETURN(evil_team_, repos_.accounts->CreateTeam(
                                          tx, core::Team{"", account_a_.id, kEvilTeam, now, now}));
      for (const auto& [who, role] : {std::pair{"pa", core::TeamRole::kPrimaryAdmin},
                                      std::pair{"user", core::TeamRole::kUser}}) {
        SW_RETURN_IF_ERROR(repos_.users->AddMembership(
            tx, core::Membership{evil_team_.id, Id(who), role, core::MembershipStatus::kActive,
                                 std::nullopt, now, now, std::nullopt, now}));
      }
      users_["pa"].first_name = kEvilInviter;
      users_["pa"].last_name = "<a href=x>";
      SW_RETURN_IF_ERROR(repos_.users->Update(tx, users_["pa"]));
      for (const char* who : {"user", "newbie"}) {
        users_[who].first_name = kEvilFirstName;
        users_[who].last_name = kEvilLastName;
        SW_RETURN_IF_ERROR(repos_.users->Update(tx, users_[who]));
      }
      core::Contract contract = c1_;
      contract.id.clear();
      contract.number = "3001";
      contract.subscription_ref = "SUB-3001";
      contract.team_id = evil_team_.id;
      SW_ASSIGN_OR_RETURN(contract, repos_.contracts->CreateContract(tx, contract));
      core::Product product{"", "EVIL", kEvilProduct, "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx, product));
      core::Subscription s;
      s.contract_id = contract.id;
      s.product_id = product.id;
      s.seats = 5;
      s.created_at = s.updated_at = now;
      SW_ASSIGN_OR_RETURN(evil_sub_, repos_.contracts->CreateSubscription(tx, s));
      return core::Ok();
    });
    ASSERT_TRUE(built.ok()) << built.error().message;
  }

  core::OutboxMessage OnlyMail(const std::string& template_name) {
    std::vector<core::OutboxMessage> found;
    for (auto& m : Outbox()) {
      if (m.template_name == template_name) found.push_back(std::move(m));
    }
    EXPECT_EQ(found.size(), 1u) << template_name;
    return found.empty() ? core::OutboxMessage{} : found.front();
  }

  // The stored row carries the people's text as typed; the delivered e-mail shows it only as
  // text, and its one link (button and copy) is `url`.
  void ExpectOnlyTheServersLink(const core::OutboxMessage& row, const std::string& url) {
    auto payload = crypto::FlatJsonMembers(row.payload_json);
    ASSERT_TRUE(payload.ok()) << row.payload_json;
    EXPECT_EQ((*payload)["action_url"], url);
    EXPECT_NE(row.body_text.find("evil.example"), std::string::npos) << row.body_text;

    const mail::RenderedEmail r = mail::RenderEmail(row);
    EXPECT_EQ(Hrefs(r.html), (std::vector<std::string>{url, url})) << r.html;
    EXPECT_EQ(Count(r.html, "<a "), 2u) << r.html;
    EXPECT_NE(r.text.find(url), std::string::npos) << r.text;
    EXPECT_EQ(Count(r.text, "://"), 1u) << r.text;  // that copy is the only address
    EXPECT_EQ(r.html.find("<a href=x"), std::string::npos) << r.html;  // plain text may show it
    for (const std::string_view intact :
         {"evil.example", "https://evil", "](https://", "@example.test"}) {
      EXPECT_EQ(r.text.find(intact), std::string::npos) << intact << " in\n" << r.text;
      EXPECT_EQ(r.html.find(intact), std::string::npos) << intact << " in\n" << r.html;
      EXPECT_EQ(r.subject.find(intact), std::string::npos) << intact << " in " << r.subject;
    }
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  core::Team evil_team_;
  core::Subscription evil_sub_;
};

TEST_P(EmailContentTest, InvitationShowsTheTeamAndInviterAsTextAndLinksOnlyToItsAcceptPage) {
  const std::string token = Must(db_->Transact<std::string>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<std::string> {
        return identity_->CreateInvitationToken(tx, evil_team_.id, Id("newbie"), Id("pa"));
      }));
  const auto row = OnlyMail("invitation");
  ExpectOnlyTheServersLink(row, "https://portal.example/invitations/" + token);
  const auto r = mail::RenderEmail(row);
  EXPECT_NE(r.text.find(UnlinkableText(kEvilTeam)), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(UnlinkableText(kEvilInviter)), std::string::npos);
  EXPECT_NE(r.html.find(">Accept the invitation</a>"), std::string::npos);
}

TEST_P(EmailContentTest, AssignmentShowsNamesAsTextAndLinksOnlyToSignIn) {
  AssignmentService assignments(*deps_, *identity_, "https://portal.example");
  auto assigned = assignments.Assign(As("pa"), evil_team_.id, evil_sub_.id, Id("user"));
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  const auto row = OnlyMail("assignment");
  ExpectOnlyTheServersLink(row, "https://portal.example/sign-in");
  const auto r = mail::RenderEmail(row);
  EXPECT_NE(r.text.find("Hello " + UnlinkableText(kEvilFirstName) + ","), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(UnlinkableText(kEvilProduct)), std::string::npos);
  EXPECT_NE(r.subject.find(UnlinkableText(kEvilProduct)), std::string::npos) << r.subject;
  EXPECT_NE(r.html.find(">Sign in to Seatwise</a>"), std::string::npos);
}

TEST_P(EmailContentTest, PasswordResetLinksOnlyToItsResetPage) {
  ASSERT_TRUE(identity_->RequestPasswordReset(As("anonymous"), "user@example.test").ok());
  const auto row = OnlyMail("password_reset");
  auto payload = crypto::FlatJsonMembers(row.payload_json);
  ASSERT_TRUE(payload.ok()) << row.payload_json;
  const std::string url = (*payload)["action_url"];
  const std::string prefix = "https://portal.example/reset-password/";
  EXPECT_TRUE(url.starts_with(prefix) && url.size() > prefix.size()) << url;
  const auto r = mail::RenderEmail(row);
  EXPECT_EQ(Hrefs(r.html), (std::vector<std::string>{url, url})) << r.html;
  EXPECT_NE(r.text.find("\n" + url + "\n"), std::string::npos) << r.text;
  EXPECT_NE(r.html.find(">Choose a new password</a>"), std::string::npos);
}

TEST_P(EmailContentTest, AnActionUrlMustBeAWebAddressCopiedInTheText) {
  Email email;
  email.event_key = "test:1";
  email.template_name = "assignment";
  email.to = &users_.at("user");
  email.subject = "Test";
  email.body = "Sign in at https://portal.example/sign-in to start.";
  const auto enqueue = [&] {
    return db_->Transact<bool>(store::TxMode::kWrite,
                               [&](store::Tx& tx) { return EnqueueEmail(tx, *deps_, email); });
  };
  email.action_url = "https://portal.example/elsewhere";
  auto missing = enqueue();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
  EXPECT_NE(missing.error().message.find("lacks a copy of its action URL"), std::string::npos);
  email.action_url = "javascript:alert(1)";
  email.body += " " + email.action_url;
  auto scheme = enqueue();
  ASSERT_FALSE(scheme.ok());
  EXPECT_EQ(scheme.error().code, ErrorCode::kInternal);
  email.action_url = "https://portal.example/sign-in";
  EXPECT_TRUE(Must(enqueue()));
  EXPECT_EQ(OnlyMail("assignment").payload_json.find("javascript"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, EmailContentTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
