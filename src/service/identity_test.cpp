#include "service/identity.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "crypto/base32.hpp"
#include "crypto/password.hpp"
#include "crypto/totp.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/migrator.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kPassword = "blue kettle morning 42";
constexpr std::string_view kNewPassword = "seven quiet lanterns";

// Argon2id is slow: the seeded users share one hash of kPassword.
const std::string& SharedPasswordHash() {
  static const std::string hash = crypto::HashPassword(kPassword).value();
  return hash;
}

class IdentityTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = testing::NewTestDatabase(GetParam());
    ASSERT_TRUE(store::Migrate(*db_, clock_).ok());
    deps_ = std::make_unique<Deps>(Deps{*db_, repos_, clock_, random_});
    IdentityOptions options;
    options.totp_sealing_key.fill(7);
    options.base_url = "https://seats.example";
    identity_ = std::make_unique<IdentityService>(*deps_, options);

    Must(Write<bool>([&](store::Tx& tx) -> core::Result<bool> {
      core::Account account;
      account.company.name = "Contoso";
      account.company.country = "DE";
      account.created_at = account.updated_at = clock_.Now();
      SW_ASSIGN_OR_RETURN(account, repos_.accounts->CreateAccount(tx, account));
      core::Team team;
      team.account_id = account.id;
      team.name = "Contoso Design";
      team.created_at = team.updated_at = clock_.Now();
      SW_ASSIGN_OR_RETURN(team, repos_.accounts->CreateTeam(tx, team));
      team_id_ = team.id;
      account_id_ = account.id;
      SW_ASSIGN_OR_RETURN(ann_, AddUser(tx, "ann@contoso.example", core::UserStatus::kActive,
                                        core::TeamRole::kPrimaryAdmin));
      SW_ASSIGN_OR_RETURN(bob_, AddUser(tx, "bob@contoso.example", core::UserStatus::kActive,
                                        core::TeamRole::kUser));
      SW_ASSIGN_OR_RETURN(ivy_, AddUser(tx, "ivy@contoso.example", core::UserStatus::kInvited,
                                        core::TeamRole::kUser));
      return true;
    }));
  }

  core::Result<core::User> AddUser(store::Tx& tx, const std::string& email, core::UserStatus status,
                                   core::TeamRole role) {
    core::User user;
    user.email = email;
    user.first_name = email.substr(0, email.find('@'));
    user.status = status;
    if (status == core::UserStatus::kActive) user.password_hash = SharedPasswordHash();
    user.created_at = user.updated_at = clock_.Now();
    SW_ASSIGN_OR_RETURN(user, repos_.users->Create(tx, user));
    core::Membership membership;
    membership.team_id = team_id_;
    membership.user_id = user.id;
    membership.role = role;
    membership.status = status == core::UserStatus::kActive ? core::MembershipStatus::kActive
                                                            : core::MembershipStatus::kInvited;
    membership.created_at = membership.updated_at = clock_.Now();
    SW_RETURN_IF_ERROR(repos_.users->AddMembership(tx, membership));
    return user;
  }

  template <typename T>
  core::Result<T> Write(const std::function<core::Result<T>(store::Tx&)>& fn) {
    return db_->Transact<T>(store::TxMode::kWrite, fn);
  }
  template <typename T>
  T Read(const std::function<core::Result<T>(store::Tx&)>& fn) {
    return Must(db_->Transact<T>(store::TxMode::kRead, fn));
  }
  template <typename T>
  T Must(core::Result<T> result) {
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
  }

  static Caller Anonymous(const std::string& ip = "203.0.113.7") {
    Caller caller;
    caller.meta.ip = ip;
    caller.meta.request_id = "req-1";
    return caller;
  }

  core::Result<SignInResult> SignIn(const std::string& email, std::string_view password,
                                    const std::string& ip = "203.0.113.7",
                                    std::optional<std::string> totp = std::nullopt,
                                    std::optional<std::string> recovery = std::nullopt) {
    return identity_->SignIn(Anonymous(ip),
                             {email, std::string(password), std::move(totp), std::move(recovery)});
  }

  // The caller behind a session, as the http layer would build it.
  Caller CallerOf(const SignInResult& session) {
    Principal principal = Must(identity_->AuthenticateSession(
        session.session_token, session.csrf_token, true, Anonymous().meta));
    return Caller{principal, Anonymous().meta};
  }

  core::Result<Principal> Authenticate(const SignInResult& session, bool state_changing = false) {
    return identity_->AuthenticateSession(session.session_token, session.csrf_token, state_changing,
                                          Anonymous().meta);
  }

  core::User GetUser(const std::string& id) {
    return Read<core::User>([&](store::Tx& tx) { return repos_.users->Get(tx, id); });
  }

  // Every outbox message of `template_name`, oldest first.
  std::vector<core::OutboxMessage> Mails(const std::string& template_name) {
    auto page = Read<store::Page<core::OutboxMessage>>([&](store::Tx& tx) {
      return repos_.outbox->List(tx, std::nullopt, {"", 100});
    });
    std::vector<core::OutboxMessage> out;
    for (auto& m : page.items) {
      if (m.template_name == template_name) out.push_back(m);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
    return out;
  }

  // The token after `path` in an e-mail body ("https://seats.example/<path>/<token>").
  static std::string LinkToken(const std::string& body, const std::string& path) {
    std::string prefix = "https://seats.example/" + path + "/";
    auto at = body.find(prefix);
    if (at == std::string::npos) return "";
    auto start = at + prefix.size();
    return body.substr(start, body.find('\n', start) - start);
  }

  std::string Invite(const std::string& user_id) {
    return Must(Write<std::string>([&](store::Tx& tx) {
      return identity_->CreateInvitationToken(tx, team_id_, user_id, ann_.id);
    }));
  }

  std::vector<std::uint8_t> EnrolTotp(const Caller& caller, std::vector<std::string>* codes) {
    TotpEnrollment enrollment = Must(identity_->BeginTotpEnrollment(caller));
    auto secret = crypto::Base32Decode(enrollment.secret_base32).value();
    auto result = identity_->ConfirmTotpEnrollment(
        caller, crypto::TotpCode(secret, crypto::TotpStep(clock_.Now())));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    if (codes && result.ok()) *codes = *result;
    return secret;
  }

  std::string CurrentCode(const std::vector<std::uint8_t>& secret) {
    return crypto::TotpCode(secret, crypto::TotpStep(clock_.Now()));
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<store::Database> db_;
  store::Repositories repos_ = store::MakeRepositories(random_);
  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  std::string team_id_;
  std::string account_id_;
  core::User ann_;
  core::User bob_;
  core::User ivy_;
};

// ---------------------------------------------------------------------------------------
// Sign-in

TEST_P(IdentityTest, SignInOpensASessionThatAuthenticates) {
  auto session = Must(SignIn("  ANN@contoso.example ", kPassword));
  EXPECT_TRUE(session.session_token.starts_with("sws_"));
  EXPECT_TRUE(session.csrf_token.starts_with("swc_"));
  EXPECT_EQ(session.user.id, ann_.id);
  EXPECT_FALSE(session.user.password_hash.has_value());
  EXPECT_FALSE(session.mfa_required);
  EXPECT_EQ(session.expires_at, clock_.Now() + minutes(30));

  Principal principal = Must(Authenticate(session));
  EXPECT_EQ(principal.method, AuthMethod::kSession);
  EXPECT_EQ(principal.user_id, ann_.id);
  EXPECT_FALSE(principal.credential_id.empty());
  EXPECT_TRUE(GetUser(ann_.id).last_sign_in_at.has_value());
}

TEST_P(IdentityTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  auto wrong = SignIn("ann@contoso.example", "not the password at all");
  auto unknown = SignIn("nobody@contoso.example", kPassword);
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, "e-mail or password is wrong");
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

// Sign-in must not tell who has been invited: an invited account that never set a password
// answers exactly as an unknown e-mail.
TEST_P(IdentityTest, AnInvitedAccountAnswersLikeAnUnknownOne) {
  auto invited = SignIn("ivy@contoso.example", kPassword);
  auto unknown = SignIn("nobody@contoso.example", kPassword);
  ASSERT_FALSE(invited.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(invited.error().code, unknown.error().code);
  EXPECT_EQ(invited.error().message, unknown.error().message);
}

TEST_P(IdentityTest, LocksAnAccountAfterFiveFailuresUntilTheWindowEnds) {
  for (int i = 0; i < 5; ++i) {
    auto failed = SignIn("ann@contoso.example", "wrong password " + std::to_string(i),
                         "198.51.100." + std::to_string(i));
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kUnauthenticated);
    clock_.Advance(seconds(2));
  }
  // The sixth attempt is refused even with the right password, from yet another address.
  auto locked = SignIn("ann@contoso.example", kPassword, "192.0.2.99");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(locked.error().retry_after_seconds, 50);

  clock_.Advance(seconds(50));
  EXPECT_TRUE(SignIn("ann@contoso.example", kPassword, "192.0.2.99").ok());
}

TEST_P(IdentityTest, LocksAnAddressAfterFiveFailuresAcrossAccounts) {
  for (int i = 0; i < 5; ++i) {
    auto failed = SignIn("guess" + std::to_string(i) + "@contoso.example", kPassword);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kUnauthenticated);
  }
  auto locked = SignIn("ann@contoso.example", kPassword);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(locked.error().retry_after_seconds, 60);
  EXPECT_TRUE(SignIn("ann@contoso.example", kPassword, "192.0.2.1").ok());
  clock_.Advance(minutes(1));
  EXPECT_TRUE(SignIn("ann@contoso.example", kPassword).ok());
}

TEST_P(IdentityTest, SuccessClearsTheAccountsFailures) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(SignIn("ann@contoso.example", "wrong password", "192.0.2.1").ok());
  }
  ASSERT_TRUE(SignIn("ann@contoso.example", kPassword, "192.0.2.2").ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(SignIn("ann@contoso.example", "wrong password", "192.0.2.3").ok());
  }
  auto fifth = SignIn("ann@contoso.example", "wrong password", "192.0.2.4");
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.error().code, ErrorCode::kUnauthenticated);
}

// ---------------------------------------------------------------------------------------
// Sessions

TEST_P(IdentityTest, SessionEndsAfterThirtyIdleMinutesAndSlidesWhileUsed) {
  auto session = Must(SignIn("ann@contoso.example", kPassword));
  clock_.Advance(minutes(20));
  ASSERT_TRUE(Authenticate(session).ok());
  clock_.Advance(minutes(20));  // 40 minutes after sign-in, 20 after the last use
  ASSERT_TRUE(Authenticate(session).ok());
  clock_.Advance(minutes(31));
  auto expired = Authenticate(session);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(IdentityTest, SessionEndsAfterTwelveHoursHoweverBusy) {
  auto session = Must(SignIn("ann@contoso.example", kPassword));
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock_.Advance(minutes(20));
    ASSERT_TRUE(Authenticate(session).ok()) << i;
  }
  clock_.Advance(minutes(20));  // exactly 12 hours
  auto expired = Authenticate(session);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(IdentityTest, CsrfTokenIsRequiredOnlyForStateChanges) {
  auto session = Must(SignIn("ann@contoso.example", kPassword));
  RequestMeta meta = Anonymous().meta;
  EXPECT_TRUE(identity_->AuthenticateSession(session.session_token, "", false, meta).ok());
  auto missing = identity_->AuthenticateSession(session.session_token, "", true, meta);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(missing.error().message, "missing or wrong CSRF token — reload the page");
  std::string wrong = session.csrf_token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(identity_->AuthenticateSession(session.session_token, wrong, true, meta).ok());
  EXPECT_TRUE(
      identity_->AuthenticateSession(session.session_token, session.csrf_token, true, meta).ok());
  // Another session's CSRF token does not fit.
  auto other = Must(SignIn("ann@contoso.example", kPassword));
  EXPECT_FALSE(
      identity_->AuthenticateSession(session.session_token, other.csrf_token, true, meta).ok());
}

TEST_P(IdentityTest, UnknownSessionTokensAreRefused) {
  RequestMeta meta = Anonymous().meta;
  EXPECT_EQ(identity_->AuthenticateSession("sws_nope", "", false, meta).error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(identity_->AuthenticateSession("", "", false, meta).error().code,
            ErrorCode::kUnauthenticated);
}

TEST_P(IdentityTest, SignOutRevokesTheSession) {
  auto session = Must(SignIn("ann@contoso.example", kPassword));
  ASSERT_TRUE(identity_->SignOut(CallerOf(session)).ok());
  EXPECT_EQ(Authenticate(session).error().code, ErrorCode::kUnauthenticated);
}

TEST_P(IdentityTest, ChangePasswordSignsOutEveryOtherSession) {
  auto here = Must(SignIn("ann@contoso.example", kPassword));
  auto elsewhere = Must(SignIn("ann@contoso.example", kPassword));
  Caller caller = CallerOf(here);

  auto wrong = identity_->ChangePassword(caller, "not my password", kNewPassword);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  auto weak = identity_->ChangePassword(caller, kPassword, "password1234");
  ASSERT_FALSE(weak.ok());
  ASSERT_EQ(weak.error().fields.size(), 1U);
  EXPECT_EQ(weak.error().fields[0].field, "password");

  ASSERT_TRUE(identity_->ChangePassword(caller, kPassword, kNewPassword).ok());
  EXPECT_TRUE(Authenticate(here).ok());
  EXPECT_FALSE(Authenticate(elsewhere).ok());
  EXPECT_FALSE(SignIn("ann@contoso.example", kPassword).ok());
  EXPECT_TRUE(SignIn("ann@contoso.example", kNewPassword).ok());
}

TEST_P(IdentityTest, PeopleChangeTheirOwnNameTrimmedValidatedAndAudited) {
  Caller caller = CallerOf(Must(SignIn("ann@contoso.example", kPassword)));
  const core::User before = GetUser(ann_.id);

  auto bad = identity_->UpdateMyName(caller, std::string("  "), std::string(101, 'x'));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().fields.size(), 2U);
  EXPECT_EQ(bad.error().fields[0].field, "first_name");
  EXPECT_EQ(bad.error().fields[1].field, "last_name");
  EXPECT_EQ(GetUser(ann_.id).first_name, before.first_name);

  // Only the first name given: the last name is kept.
  auto renamed = identity_->UpdateMyName(caller, std::string("  Annika "), std::nullopt);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->first_name, "Annika");
  EXPECT_EQ(renamed->last_name, before.last_name);
  EXPECT_EQ(GetUser(ann_.id).first_name, "Annika");

  // The same name again changes nothing and writes no second entry.
  ASSERT_TRUE(identity_->UpdateMyName(caller, std::string("Annika"), std::nullopt).ok());
  store::AuditFilter filter;
  filter.action = "user.name_change";
  auto entries = Read<store::Page<core::AuditEntry>>([&](store::Tx& tx) {
    return repos_.audit->List(tx, filter, {"", 10});
  });
  ASSERT_EQ(entries.items.size(), 1U);
  EXPECT_EQ(entries.items[0].target_id, ann_.id);
  std::string after = entries.items[0].after_json.value_or("");
  std::erase(after, ' ');
  EXPECT_NE(after.find("\"first_name\":\"Annika\""), std::string::npos) << after;

  auto anonymous = identity_->UpdateMyName(Anonymous(), std::string("X"), std::string("Y"));
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(IdentityTest, RevokeAllSessionsEndsEverySessionOfTheUser) {
  auto a = Must(SignIn("ann@contoso.example", kPassword));
  auto b = Must(SignIn("ann@contoso.example", kPassword));
  EXPECT_EQ(Must(identity_->RevokeAllSessions(ann_.id, "removed from the team")), 2);
  EXPECT_FALSE(Authenticate(a).ok());
  EXPECT_FALSE(Authenticate(b).ok());
}

TEST_P(IdentityTest, MeListsMembershipsAndContracts) {
  Must(Write<core::Contract>([&](store::Tx& tx) {
    core::Contract contract;
    contract.number = "110001234567";
    contract.subscription_ref = "SUB-1";
    contract.account_id = account_id_;
    contract.team_id = team_id_;
    contract.contract_manager_id = ann_.id;
    contract.starts_at = clock_.Now();
    contract.ends_at = clock_.Now() + hours(24 * 365);
    contract.created_at = contract.updated_at = clock_.Now();
    return repos_.contracts->CreateContract(tx, contract);
  }));
  auto session = Must(SignIn("ann@contoso.example", kPassword));
  MeResult me = Must(identity_->Me(CallerOf(session)));
  EXPECT_EQ(me.user.email, "ann@contoso.example");
  EXPECT_FALSE(me.user.password_hash.has_value());
  ASSERT_EQ(me.memberships.size(), 1U);
  EXPECT_EQ(me.memberships[0].team_name, "Contoso Design");
  EXPECT_EQ(me.memberships[0].role, core::TeamRole::kPrimaryAdmin);
  ASSERT_EQ(me.contracts.size(), 1U);
  EXPECT_EQ(me.contracts[0].number, "110001234567");
  EXPECT_EQ(me.contracts[0].role, ContractRole::kContractManager);
  EXPECT_EQ(identity_->Me(Anonymous()).error().code, ErrorCode::kUnauthenticated);
}

// ---------------------------------------------------------------------------------------
// Invitations

TEST_P(IdentityTest, AcceptingAnInvitationActivatesAndSignsIn) {
  std::string token = Invite(ivy_.id);
  EXPECT_TRUE(token.starts_with("swi_"));
  auto mails = Mails("invitation");
  ASSERT_EQ(mails.size(), 1U);
  EXPECT_EQ(mails[0].recipient, "ivy@contoso.example");
  EXPECT_TRUE(mails[0].event_key.starts_with("invite:inv_"));
  EXPECT_EQ(LinkToken(mails[0].body_text, "invitations"), token);

  auto weak = identity_->AcceptInvitation(Anonymous(), token, {"iloveyou12", {}, {}});
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().code, ErrorCode::kInvalidArgument);

  // Names typed when accepting are judged as an inviter's are.
  for (const char* name : {"Ivy\r\nBcc: x@evil.example", "<img src=x>", ""}) {
    std::string bad = *name != 0 ? name : std::string(101, 'i');
    auto refused =
        identity_->AcceptInvitation(Anonymous(), token, {std::string(kNewPassword), bad, {}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << bad;
    ASSERT_FALSE(refused.error().fields.empty()) << bad;
    EXPECT_EQ(refused.error().fields[0].field, "first_name");
  }

  auto session =
      Must(identity_->AcceptInvitation(Anonymous(), token, {std::string(kNewPassword), "Ivy", {}}));
  EXPECT_TRUE(Authenticate(session).ok());
  core::User ivy = GetUser(ivy_.id);
  EXPECT_EQ(ivy.status, core::UserStatus::kActive);
  EXPECT_EQ(ivy.first_name, "Ivy");
  auto membership = Read<std::optional<core::Membership>>(
      [&](store::Tx& tx) { return repos_.users->GetMembership(tx, team_id_, ivy_.id); });
  ASSERT_TRUE(membership.has_value());
  EXPECT_EQ(membership->status, core::MembershipStatus::kActive);

  auto again = identity_->AcceptInvitation(Anonymous(), token, {std::string(kNewPassword), {}, {}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "this invitation was already used — sign in instead");
  EXPECT_TRUE(SignIn("ivy@contoso.example", kNewPassword).ok());
}

TEST_P(IdentityTest, ExpiredOrReplacedInvitationsAreRefused) {
  std::string first = Invite(ivy_.id);
  clock_.Advance(hours(24 * 7) + seconds(1));
  auto expired =
      identity_->AcceptInvitation(Anonymous(), first, {std::string(kNewPassword), {}, {}});
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(expired.error().message.find("expired on 2026-01-08"), std::string::npos);
  EXPECT_NE(expired.error().message.find("ask your admin to resend it"), std::string::npos);

  std::string second = Must(Write<std::string>(
      [&](store::Tx& tx) { return identity_->ResendInvitation(tx, team_id_, ivy_.id, ann_.id); }));
  EXPECT_NE(second, first);
  EXPECT_EQ(Mails("invitation").size(), 2U);
  EXPECT_EQ(
      identity_->AcceptInvitation(Anonymous(), "swi_unknown", {std::string(kNewPassword), {}, {}})
          .error()
          .code,
      ErrorCode::kNotFound);
  EXPECT_TRUE(
      identity_->AcceptInvitation(Anonymous(), second, {std::string(kNewPassword), {}, {}}).ok());
}

TEST_P(IdentityTest, ExistingAccountAcceptsWithItsOwnPassword) {
  std::string token = Invite(bob_.id);
  auto wrong = identity_->AcceptInvitation(Anonymous(), token, {std::string(kNewPassword), {}, {}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(
      identity_->AcceptInvitation(Anonymous(), token, {std::string(kPassword), {}, {}}).ok());
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword).ok());
}

// ---------------------------------------------------------------------------------------
// Password reset

TEST_P(IdentityTest, PasswordResetByEmailedSingleUseLink) {
  auto old_session = Must(SignIn("ann@contoso.example", kPassword));
  ASSERT_TRUE(identity_->RequestPasswordReset(Anonymous(), "Ann@Contoso.example").ok());
  auto mails = Mails("password_reset");
  ASSERT_EQ(mails.size(), 1U);
  EXPECT_EQ(mails[0].recipient, "ann@contoso.example");
  std::string token = LinkToken(mails[0].body_text, "reset-password");
  ASSERT_TRUE(token.starts_with("swt_")) << mails[0].body_text;

  auto weak = identity_->ResetPassword(Anonymous(), token, "qwertyuiop");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().code, ErrorCode::kInvalidArgument);

  ASSERT_TRUE(identity_->ResetPassword(Anonymous(), token, kNewPassword).ok());
  EXPECT_FALSE(Authenticate(old_session).ok());
  EXPECT_TRUE(SignIn("ann@contoso.example", kNewPassword).ok());
  auto again = identity_->ResetPassword(Anonymous(), token, "another long passphrase");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_P(IdentityTest, ExpiredResetLinkIsRefused) {
  ASSERT_TRUE(identity_->RequestPasswordReset(Anonymous(), "ann@contoso.example").ok());
  std::string token = LinkToken(Mails("password_reset").at(0).body_text, "reset-password");
  clock_.Advance(hours(1));
  auto expired = identity_->ResetPassword(Anonymous(), token, kNewPassword);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
}

TEST_P(IdentityTest, ResetRequestsRevealNothingAndAreLimited) {
  EXPECT_TRUE(identity_->RequestPasswordReset(Anonymous(), "nobody@contoso.example").ok());
  EXPECT_TRUE(identity_->RequestPasswordReset(Anonymous(), "ivy@contoso.example").ok());
  EXPECT_TRUE(Mails("password_reset").empty());

  // Per account: beyond 5 an hour the requests are dropped silently.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        identity_
            ->RequestPasswordReset(Anonymous("192.0.2." + std::to_string(i)), "bob@contoso.example")
            .ok());
  }
  EXPECT_EQ(Mails("password_reset").size(), 5U);

  // Per address: the sixth request of the hour is refused (two were made above).
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(identity_->RequestPasswordReset(Anonymous(), "x@contoso.example").ok());
  }
  auto limited = identity_->RequestPasswordReset(Anonymous(), "x@contoso.example");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().retry_after_seconds, 3600);
  clock_.Advance(hours(1));
  EXPECT_TRUE(identity_->RequestPasswordReset(Anonymous(), "x@contoso.example").ok());
}

// ---------------------------------------------------------------------------------------
// MFA

TEST_P(IdentityTest, TotpEnrolmentThenSignInNeedsAFreshCode) {
  Caller caller = CallerOf(Must(SignIn("bob@contoso.example", kPassword)));
  TotpEnrollment enrollment = Must(identity_->BeginTotpEnrollment(caller));
  EXPECT_TRUE(enrollment.otpauth_uri.starts_with(
      "otpauth://totp/Seatwise:bob%40contoso.example?secret=" + enrollment.secret_base32));
  core::User pending = GetUser(bob_.id);
  EXPECT_FALSE(pending.totp_enrolled);
  ASSERT_TRUE(pending.totp_secret.has_value());
  EXPECT_EQ(pending.totp_secret->find(enrollment.secret_base32), std::string::npos);  // sealed
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword).ok());  // not active yet

  auto secret = crypto::Base32Decode(enrollment.secret_base32).value();
  auto wrong = identity_->ConfirmTotpEnrollment(caller, "000000");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  auto codes = Must(identity_->ConfirmTotpEnrollment(caller, CurrentCode(secret)));
  EXPECT_EQ(codes.size(), 10U);
  EXPECT_TRUE(GetUser(bob_.id).totp_enrolled);

  auto missing = SignIn("bob@contoso.example", kPassword);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(missing.error().message, "enter the 6-digit code from your authenticator app");

  // The code that confirmed the enrolment was used up.
  auto replay = SignIn("bob@contoso.example", kPassword, "203.0.113.7", CurrentCode(secret));
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.error().message.find("already used"), std::string::npos);

  clock_.Advance(seconds(30));
  std::string code = CurrentCode(secret);
  auto signed_in = Must(SignIn("bob@contoso.example", kPassword, "203.0.113.7", code));
  EXPECT_TRUE(signed_in.mfa_required);
  EXPECT_TRUE(Must(Authenticate(signed_in)).mfa_verified);
  EXPECT_FALSE(SignIn("bob@contoso.example", kPassword, "203.0.113.8", code).ok());
}

TEST_P(IdentityTest, RecoveryCodeWorksOnce) {
  Caller caller = CallerOf(Must(SignIn("bob@contoso.example", kPassword)));
  std::vector<std::string> codes;
  EnrolTotp(caller, &codes);
  ASSERT_EQ(codes.size(), 10U);
  std::string upper = codes[3];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword, "203.0.113.7", std::nullopt, upper).ok());
  auto again = SignIn("bob@contoso.example", kPassword, "203.0.113.7", std::nullopt, codes[3]);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword, "203.0.113.7", std::nullopt, codes[4]).ok());
}

TEST_P(IdentityTest, RegeneratedRecoveryCodesReplaceTheOldOnes) {
  Caller caller = CallerOf(Must(SignIn("bob@contoso.example", kPassword)));
  std::vector<std::string> old_codes;
  auto secret = EnrolTotp(caller, &old_codes);
  clock_.Advance(seconds(30));
  auto fresh = Must(identity_->RegenerateRecoveryCodes(caller, CurrentCode(secret)));
  ASSERT_EQ(fresh.size(), 10U);
  EXPECT_FALSE(
      SignIn("bob@contoso.example", kPassword, "203.0.113.7", std::nullopt, old_codes[0]).ok());
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword, "203.0.113.7", std::nullopt, fresh[0]).ok());
}

TEST_P(IdentityTest, DisableTotpNeedsThePassword) {
  Caller caller = CallerOf(Must(SignIn("bob@contoso.example", kPassword)));
  EnrolTotp(caller, nullptr);
  EXPECT_EQ(identity_->DisableTotp(caller, "not my password").error().code,
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(identity_->DisableTotp(caller, kPassword).ok());
  EXPECT_FALSE(GetUser(bob_.id).totp_enrolled);
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword).ok());
}

TEST_P(IdentityTest, AdminOfTheTeamResetsAMembersMfaAndOthersCannot) {
  auto bob_session = Must(SignIn("bob@contoso.example", kPassword));
  Caller bob = CallerOf(bob_session);
  EnrolTotp(bob, nullptr);
  Caller ann = CallerOf(Must(SignIn("ann@contoso.example", kPassword)));

  auto refused = identity_->AdminResetMfa(bob, team_id_, ann_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);

  ASSERT_TRUE(identity_->AdminResetMfa(ann, team_id_, bob_.id).ok());
  EXPECT_FALSE(GetUser(bob_.id).totp_enrolled);
  EXPECT_FALSE(Authenticate(bob_session).ok());
  EXPECT_TRUE(SignIn("bob@contoso.example", kPassword).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
