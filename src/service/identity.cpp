#include "service/identity.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>

#include "core/roles.hpp"
#include "crypto/base32.hpp"
#include "crypto/password.hpp"
#include "crypto/password_policy.hpp"
#include "crypto/secret_box.hpp"
#include "crypto/tokens.hpp"
#include "crypto/totp.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"
#include "service/users.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MakeError;

constexpr std::string_view kWrongCredentials = "e-mail or password is wrong";
constexpr std::string_view kEnterTotpCode = "enter the 6-digit code from your authenticator app";
constexpr int kRecoveryCodeCount = 10;
// The idle expiry is rewritten at most this often, so busy sessions do not write per request.
constexpr auto kTouchInterval = std::chrono::minutes(1);

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizedEmail(std::string_view email) {
  auto not_space = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
  auto first = std::find_if(email.begin(), email.end(), not_space);
  auto last = std::find_if(email.rbegin(), email.rend(), not_space).base();
  if (first >= last) return "";
  return Lower(std::string_view(&*first, static_cast<std::size_t>(last - first)));
}

// Recovery codes are compared without case, spaces or dashes ("abcde-fghij").
std::string NormalizedRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string Date(core::TimePoint t) {
  std::time_t seconds = static_cast<std::time_t>(core::ToUnixMillis(t) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

core::User WithoutSecrets(core::User user) {
  user.password_hash.reset();
  user.totp_secret.reset();
  return user;
}

core::Error FieldError(ErrorCode code, std::string message, std::string field,
                       std::string field_message) {
  core::Error error = MakeError(code, std::move(message));
  error.fields.push_back({std::move(field), std::move(field_message)});
  return error;
}

core::Result<void> RequireUser(const Caller& caller) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  return core::Ok();
}

// The caller as the signed-in user, for audit entries of the moment they sign in.
Caller AsUser(const Caller& caller, const core::User& user) {
  Caller out = caller;
  out.principal.method = AuthMethod::kSession;
  out.principal.user_id = user.id;
  out.principal.is_operator = user.is_operator;
  out.principal.reseller_id = user.reseller_id;
  return out;
}

AuditRecord UserRecord(std::string action, const std::string& user_id, std::string detail = "") {
  AuditRecord record;
  record.action = std::move(action);
  record.target_type = "user";
  record.target_id = user_id;
  record.detail = std::move(detail);
  return record;
}

std::string NameJson(const core::User& user) {
  return "{\"first_name\":" + JsonQuote(user.first_name) +
         ",\"last_name\":" + JsonQuote(user.last_name) + "}";
}

std::string SignInBucket(std::string_view kind, std::string_view key) {
  return "signin:" + std::string(kind) + ":" + std::string(key);
}

// A sign-in attempt's result, committed either way so failed attempts are counted.
struct Attempt {
  std::optional<SignInResult> result;
  std::optional<core::Error> refusal;
  std::string user_id;  // when known, for the audit entry of a refusal
};

}  // namespace

IdentityService::IdentityService(Deps& deps, IdentityOptions options)
    : deps_(deps), options_(std::move(options)) {
  // A hash with the server's parameters, checked when the e-mail is unknown so that the
  // answer takes as long as for a wrong password.
  std::string filler = crypto::NewToken(deps_.random, "");
  auto hash = crypto::HashPassword(filler);
  if (hash.ok()) dummy_hash_ = std::move(hash).value();
}

// ---------------------------------------------------------------------------------------
// Sign-in and sessions

namespace {

// Creates the session rows of a successful sign-in and fills the tokens of `out`.
core::Result<void> OpenSession(store::Tx& tx, const Deps& deps, const IdentityOptions& options,
                               const Caller& caller, const core::User& user, SignInResult& out) {
  const auto now = deps.clock.Now();
  out.session_token = crypto::NewToken(deps.random, crypto::token_prefix::kSession);
  out.csrf_token = crypto::NewToken(deps.random, crypto::token_prefix::kCsrf);
  core::Session session;
  session.token_hash = crypto::HashToken(out.session_token);
  session.user_id = user.id;
  session.csrf_token = crypto::HashToken(out.csrf_token);
  session.mfa_verified = true;  // every path here passed the second factor when enrolled
  session.ip = caller.meta.ip;
  session.user_agent = caller.meta.user_agent.substr(0, 512);
  session.created_at = now;
  session.last_seen_at = now;
  session.absolute_expires_at = now + options.session_absolute_lifetime;
  session.idle_expires_at =
      std::min(now + options.session_idle_timeout, session.absolute_expires_at);
  SW_ASSIGN_OR_RETURN(core::Session created, deps.repos.auth->CreateSession(tx, session));
  out.expires_at = created.idle_expires_at;
  out.mfa_required = user.totp_enrolled;
  out.user = WithoutSecrets(user);
  return core::Ok();
}

}  // namespace

core::Result<SignInResult> IdentityService::SignIn(const Caller& caller,
                                                   const SignInRequest& request) {
  const auto now = deps_.clock.Now();
  const std::string email = NormalizedEmail(request.email);
  const std::string account_bucket = SignInBucket("acct", email);
  const std::string ip_bucket = SignInBucket("ip", caller.meta.ip);
  AuditRecord record = UserRecord("auth.sign_in", "");

  // Refuse at once while either counter is full; nothing is verified or counted.
  struct Before {
    store::RateLimitWindow account;
    store::RateLimitWindow ip;
    std::optional<core::User> user;
  };
  SW_ASSIGN_OR_RETURN(
      Before before,
      deps_.db.Transact<Before>(store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<Before> {
        Before b;
        SW_ASSIGN_OR_RETURN(b.account, deps_.repos.auth->PeekRateLimit(tx, account_bucket, now));
        SW_ASSIGN_OR_RETURN(b.ip, deps_.repos.auth->PeekRateLimit(tx, ip_bucket, now));
        if (!email.empty()) {
          SW_ASSIGN_OR_RETURN(b.user, deps_.repos.users->FindByEmail(tx, email));
        }
        return b;
      }));
  if (before.user) record.target_id = before.user->id;
  std::optional<core::Error> limited;
  if (before.ip.hits >= options_.sign_in_failures_per_ip.max_hits) {
    limited = RateLimited(before.ip.ends_at, now, "too many failed sign-ins from your network");
  } else if (before.account.hits >= options_.sign_in_failures_per_account.max_hits) {
    limited = RateLimited(before.account.ends_at, now, "too many failed sign-ins to this account");
  }
  if (limited) {
    AuditDenied(deps_, caller, record, *limited);
    return *limited;
  }

  // The slow part, outside any transaction. Unknown e-mails cost the same as wrong passwords.
  const core::User* user = before.user ? &*before.user : nullptr;
  bool usable = user && user->password_hash && !user->erased;
  bool password_ok =
      crypto::VerifyPassword(usable ? *user->password_hash : dummy_hash_, request.password) &&
      usable;

  SW_ASSIGN_OR_RETURN(
      Attempt attempt,
      deps_.db.Transact<Attempt>(
          store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<Attempt> {
            Attempt a;
            auto fail = [&](core::Error error, bool count) -> core::Result<Attempt> {
              if (count) {
                SW_RETURN_IF_ERROR(deps_.repos.auth->HitRateLimit(
                    tx, account_bucket, options_.sign_in_failures_per_account.window, now));
                SW_RETURN_IF_ERROR(deps_.repos.auth->HitRateLimit(
                    tx, ip_bucket, options_.sign_in_failures_per_ip.window, now));
              }
              a.refusal = std::move(error);
              return a;
            };
            // An invited account that never set a password answers like an unknown e-mail,
            // so sign-in cannot be used to learn who has been invited.
            if (user && user->status == core::UserStatus::kInvited && !user->erased) {
              return fail(MakeError(ErrorCode::kUnauthenticated, std::string(kWrongCredentials)),
                          true);
            }
            if (!password_ok) {
              return fail(MakeError(ErrorCode::kUnauthenticated, std::string(kWrongCredentials)),
                          true);
            }
            // Re-read: the password, status or MFA may have changed while hashing.
            SW_ASSIGN_OR_RETURN(core::User current, deps_.repos.users->Get(tx, user->id));
            if (current.password_hash != user->password_hash) {
              return fail(MakeError(ErrorCode::kUnauthenticated, std::string(kWrongCredentials)),
                          true);
            }
            if (current.status != core::UserStatus::kActive) {
              return fail(
                  MakeError(ErrorCode::kUnauthenticated,
                            "this account is no longer active — ask an admin of your team to "
                            "add you again"),
                  false);
            }
            std::string detail = "password";
            if (current.totp_enrolled) {
              if (request.recovery_code && !request.recovery_code->empty()) {
                std::string hash =
                    crypto::HashToken(NormalizedRecoveryCode(*request.recovery_code));
                SW_ASSIGN_OR_RETURN(bool used,
                                    deps_.repos.auth->UseRecoveryCode(tx, current.id, hash, now));
                if (!used) {
                  return fail(FieldError(ErrorCode::kUnauthenticated,
                                         "the recovery code is wrong or was already used",
                                         "recovery_code", "each recovery code works only once"),
                              true);
                }
                detail = "password and recovery code";
              } else if (request.totp_code && !request.totp_code->empty()) {
                SW_ASSIGN_OR_RETURN(std::vector<std::uint8_t> secret, OpenTotpSecret(current));
                auto step = crypto::VerifyTotp(secret, *request.totp_code, now);
                if (!step) {
                  return fail(FieldError(ErrorCode::kUnauthenticated,
                                         "the code is wrong or expired — enter the current code "
                                         "from your authenticator app",
                                         "totp_code", "wrong or expired code"),
                              true);
                }
                SW_ASSIGN_OR_RETURN(bool fresh,
                                    deps_.repos.users->ClaimTotpStep(tx, current.id, *step));
                if (!fresh) {
                  return fail(FieldError(ErrorCode::kUnauthenticated,
                                         "this code was already used — wait for the next code in "
                                         "your authenticator app",
                                         "totp_code", "code already used"),
                              true);
                }
                detail = "password and TOTP";
              } else {
                // Not a failure: the client asks for the code and tries again.
                return fail(FieldError(ErrorCode::kUnauthenticated, std::string(kEnterTotpCode),
                                       "totp_code", std::string(kEnterTotpCode)),
                            false);
              }
            }
            SW_RETURN_IF_ERROR(deps_.repos.auth->ResetRateLimit(tx, account_bucket));
            current.last_sign_in_at = now;
            current.updated_at = now;
            SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, current));
            SignInResult result;
            SW_RETURN_IF_ERROR(OpenSession(tx, deps_, options_, caller, current, result));
            SW_RETURN_IF_ERROR(Audit(tx, deps_, AsUser(caller, current),
                                     UserRecord("auth.sign_in", current.id, detail)));
            a.result = std::move(result);
            return a;
          }));
  if (attempt.refusal) {
    AuditDenied(deps_, caller, record, *attempt.refusal);
    return *attempt.refusal;
  }
  return std::move(*attempt.result);
}

core::Result<Principal> IdentityService::AuthenticateSession(std::string_view session_token,
                                                             std::string_view csrf_token,
                                                             bool state_changing,
                                                             const RequestMeta& meta) {
  const auto now = deps_.clock.Now();
  const core::Error expired =
      MakeError(ErrorCode::kUnauthenticated, "your session has ended — sign in again");
  if (!session_token.starts_with(crypto::token_prefix::kSession)) return expired;
  struct Found {
    std::optional<core::Session> session;
    std::optional<core::User> user;
  };
  SW_ASSIGN_OR_RETURN(
      Found found,
      deps_.db.Transact<Found>(store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<Found> {
        Found f;
        SW_ASSIGN_OR_RETURN(f.session, deps_.repos.auth->FindLiveSession(
                                           tx, crypto::HashToken(session_token), now));
        if (f.session) {
          SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, f.session->user_id));
          f.user = std::move(user);
        }
        return f;
      }));
  if (!found.session || !found.user || found.user->status != core::UserStatus::kActive) {
    return expired;
  }
  const core::Session& session = *found.session;
  Principal principal;
  principal.method = AuthMethod::kSession;
  principal.user_id = session.user_id;
  principal.is_operator = found.user->is_operator;
  principal.reseller_id = found.user->reseller_id;
  principal.credential_id = session.id;
  principal.mfa_verified = session.mfa_verified;

  if (state_changing &&
      !crypto::ConstantTimeEquals(crypto::HashToken(csrf_token), session.csrf_token)) {
    core::Error refusal =
        MakeError(ErrorCode::kPermissionDenied, "missing or wrong CSRF token — reload the page");
    AuditRecord record = UserRecord("auth.csrf_check", session.user_id);
    AuditDenied(deps_, Caller{principal, meta}, record, refusal);
    return refusal;
  }
  if (now - session.last_seen_at >= kTouchInterval) {
    auto idle = std::min(now + options_.session_idle_timeout, session.absolute_expires_at);
    SW_RETURN_IF_ERROR(deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return deps_.repos.auth->TouchSession(tx, session.id, now, idle);
    }));
  }
  return principal;
}

core::Result<void> IdentityService::SignOut(const Caller& caller) {
  if (caller.principal.method != AuthMethod::kSession || caller.principal.credential_id.empty()) {
    return core::Ok();
  }
  const auto now = deps_.clock.Now();
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(bool revoked,
                        deps_.repos.auth->RevokeSession(tx, caller.principal.credential_id, now));
    if (!revoked) return core::Ok();
    return Audit(tx, deps_, caller, UserRecord("auth.sign_out", caller.principal.user_id));
  });
}

core::Result<core::User> IdentityService::LoadUser(const std::string& user_id) {
  return deps_.db.Transact<core::User>(
      store::TxMode::kRead, [&](store::Tx& tx) { return deps_.repos.users->Get(tx, user_id); });
}

core::Result<void> IdentityService::CheckPasswordOf(const core::User& user,
                                                    std::string_view password,
                                                    std::string_view field) {
  const auto now = deps_.clock.Now();
  const std::string bucket = SignInBucket("acct", NormalizedEmail(user.email));
  SW_ASSIGN_OR_RETURN(
      store::RateLimitWindow window,
      deps_.db.Transact<store::RateLimitWindow>(store::TxMode::kRead, [&](store::Tx& tx) {
        return deps_.repos.auth->PeekRateLimit(tx, bucket, now);
      }));
  if (window.hits >= options_.sign_in_failures_per_account.max_hits) {
    return RateLimited(window.ends_at, now, "too many wrong passwords for this account");
  }
  if (user.password_hash && crypto::VerifyPassword(*user.password_hash, password)) {
    return core::Ok();
  }
  auto counted = deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(deps_.repos.auth->HitRateLimit(
        tx, bucket, options_.sign_in_failures_per_account.window, now));
    return core::Ok();
  });
  if (!counted.ok()) return counted;
  return FieldError(ErrorCode::kInvalidArgument, "the password is wrong", std::string(field),
                    "enter your current password");
}

core::Result<void> IdentityService::ChangePassword(const Caller& caller,
                                                   std::string_view current_password,
                                                   std::string_view new_password) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  SW_ASSIGN_OR_RETURN(core::User user, LoadUser(caller.principal.user_id));
  SW_RETURN_IF_ERROR(CheckPasswordOf(user, current_password, "current_password"));
  SW_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(new_password, user.email));
  SW_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(new_password));
  const auto now = deps_.clock.Now();
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(core::User current, deps_.repos.users->Get(tx, user.id));
    if (current.password_hash != user.password_hash) {
      return MakeError(ErrorCode::kConflict,
                       "your password was changed meanwhile — sign in again and retry");
    }
    current.password_hash = hash;
    current.password_changed_at = now;
    current.updated_at = now;
    SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, current));
    SW_ASSIGN_OR_RETURN(std::vector<core::Session> sessions,
                        deps_.repos.auth->ListUserSessions(tx, current.id));
    int revoked = 0;
    for (const auto& session : sessions) {
      if (session.revoked_at || session.id == caller.principal.credential_id) continue;
      SW_ASSIGN_OR_RETURN(bool done, deps_.repos.auth->RevokeSession(tx, session.id, now));
      revoked += done ? 1 : 0;
    }
    SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeUserRefreshTokens(tx, current.id, now));
    return Audit(tx, deps_, caller,
                 UserRecord("user.password_change", current.id,
                            "other sessions signed out: " + std::to_string(revoked)));
  });
}

core::Result<core::User> IdentityService::UpdateMyName(const Caller& caller,
                                                       std::optional<std::string> first_name,
                                                       std::optional<std::string> last_name) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  return deps_.db.Transact<core::User>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::User> {
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, caller.principal.user_id));
        std::string first = first_name.value_or(user.first_name);
        std::string last = last_name.value_or(user.last_name);
        // A name not given is not judged: an older account may lack one.
        auto errors = ValidateNames(first, last);
        std::erase_if(errors, [&](const core::FieldError& e) {
          return e.field == "first_name" ? !first_name : !last_name;
        });
        if (!errors.empty()) return core::InvalidFields("your name is invalid", std::move(errors));
        if (user.first_name == first && user.last_name == last) return user;
        AuditRecord record = UserRecord("user.name_change", user.id);
        record.before_json = NameJson(user);
        user.first_name = std::move(first);
        user.last_name = std::move(last);
        user.updated_at = deps_.clock.Now();
        SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
        record.after_json = NameJson(user);
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
        return user;
      });
}

core::Result<int> IdentityService::RevokeAllSessions(const std::string& user_id,
                                                     std::string_view reason) {
  return deps_.db.Transact<int>(
      store::TxMode::kWrite, [&](store::Tx& tx) { return RevokeAllSessions(tx, user_id, reason); });
}

core::Result<int> IdentityService::RevokeAllSessions(store::Tx& tx, const std::string& user_id,
                                                     std::string_view reason) {
  (void)reason;  // recorded by the calling service's audit entry
  const auto now = deps_.clock.Now();
  SW_ASSIGN_OR_RETURN(int sessions, deps_.repos.auth->RevokeUserSessions(tx, user_id, now));
  SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeUserRefreshTokens(tx, user_id, now));
  return sessions;
}

core::Result<MeResult> IdentityService::Me(const Caller& caller) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  return deps_.db.Transact<MeResult>(
      store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<MeResult> {
        MeResult me;
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, caller.principal.user_id));
        me.user = WithoutSecrets(std::move(user));
        SW_ASSIGN_OR_RETURN(std::vector<core::Membership> memberships,
                            deps_.repos.users->ListMemberships(tx, me.user.id));
        for (const auto& m : memberships) {
          if (m.status == core::MembershipStatus::kRemoved) continue;
          SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, m.team_id));
          me.memberships.push_back({team.id, team.name, team.account_id, m.role, m.status});
        }
        auto add_contracts = [&](store::ContractFilter filter,
                                 ContractRole role) -> core::Result<void> {
          store::PageRequest page{"", store::kMaxPageSize};
          do {
            SW_ASSIGN_OR_RETURN(store::Page<core::Contract> contracts,
                                deps_.repos.contracts->ListContracts(tx, filter, page));
            for (const auto& c : contracts.items) {
              me.contracts.push_back({c.id, c.number, c.team_id, role});
            }
            page.after = contracts.next_after;
          } while (!page.after.empty());
          return core::Ok();
        };
        store::ContractFilter as_cm;
        as_cm.contract_manager_id = me.user.id;
        SW_RETURN_IF_ERROR(add_contracts(as_cm, ContractRole::kContractManager));
        store::ContractFilter as_sc;
        as_sc.software_coordinator_id = me.user.id;
        SW_RETURN_IF_ERROR(add_contracts(as_sc, ContractRole::kSoftwareCoordinator));
        return me;
      });
}

// ---------------------------------------------------------------------------------------
// Invitations

core::Result<std::string> IdentityService::CreateInvitationToken(
    store::Tx& tx, const std::string& team_id, const std::string& user_id,
    const std::optional<std::string>& invited_by) {
  const auto now = deps_.clock.Now();
  SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, user_id));
  SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
  std::string inviter_name;
  if (invited_by) {
    SW_ASSIGN_OR_RETURN(core::User inviter, deps_.repos.users->Get(tx, *invited_by));
    inviter_name =
        inviter.first_name.empty() ? inviter.email : inviter.first_name + " " + inviter.last_name;
  }
  std::string token = crypto::NewToken(deps_.random, crypto::token_prefix::kInvitation);
  core::Invitation invitation;
  invitation.team_id = team_id;
  invitation.user_id = user_id;
  invitation.token_hash = crypto::HashToken(token);
  invitation.invited_by = invited_by;
  invitation.created_at = now;
  invitation.expires_at = now + options_.invitation_lifetime;
  SW_ASSIGN_OR_RETURN(core::Invitation created, deps_.repos.auth->CreateInvitation(tx, invitation));

  const std::string link = options_.base_url + "/invitations/" + token;
  core::OutboxMessage mail;
  mail.event_key = "invite:" + created.id;
  mail.kind = core::OutboxKind::kEmail;
  mail.template_name = "invitation";
  mail.recipient = user.email;
  mail.subject = "You are invited to " + team.name + " on Seatwise";
  // Someone who already has an account decides: until they accept, the team has no say
  // over it, and declining takes one click.
  const bool has_account = user.password_hash.has_value();
  const std::string how =
      has_account ? "You already have a Seatwise account. Open the invitation to accept it with "
                    "your password, or to decline it; you can also sign in and answer it there:\n"
                  : "Accept the invitation and choose a password, or decline it:\n";
  mail.body_text = (inviter_name.empty() ? std::string("You") : inviter_name + " has") +
                   (inviter_name.empty() ? " are invited" : " invited you") + " to join the team " +
                   team.name + " on Seatwise.\n\n" + how + link +
                   "\n\nThe link works once and expires on " + Date(created.expires_at) +
                   ". If you did not expect this e-mail, ignore it: nothing changes until you "
                   "accept.\n";
  mail.payload_json =
      PayloadWithActionUrl("{\"invitation_id\":\"" + created.id + "\",\"team_id\":\"" + team_id +
                               "\",\"user_id\":\"" + user_id + "\"}",
                           link);
  mail.team_id = team_id;
  mail.next_attempt_at = now;
  mail.created_at = now;
  SW_RETURN_IF_ERROR(deps_.repos.outbox->Enqueue(tx, mail));
  return token;
}

core::Result<std::string> IdentityService::ResendInvitation(
    store::Tx& tx, const std::string& team_id, const std::string& user_id,
    const std::optional<std::string>& invited_by) {
  SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeInvitations(tx, team_id, user_id, deps_.clock.Now()));
  return CreateInvitationToken(tx, team_id, user_id, invited_by);
}

core::Result<SignInResult> IdentityService::AcceptInvitation(const Caller& caller,
                                                             std::string_view token,
                                                             const AcceptRequest& request) {
  const auto now = deps_.clock.Now();
  struct Found {
    core::Invitation invitation;
    core::User user;
  };
  // Every refusal of a link, whether or not it was ever valid.
  auto check = [&](const core::Invitation& inv) -> core::Result<void> {
    if (inv.accepted_at) {
      return MakeError(ErrorCode::kConflict, "this invitation was already used — sign in instead");
    }
    if (inv.revoked_at) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "this invitation was replaced or withdrawn — use the link in the latest "
                       "invitation e-mail, or ask your admin to resend it");
    }
    if (inv.expires_at <= now) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "this invitation expired on " + Date(inv.expires_at) + " — ask your admin to resend it");
    }
    return core::Ok();
  };
  SW_ASSIGN_OR_RETURN(
      Found found,
      deps_.db.Transact<Found>(store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<Found> {
        SW_ASSIGN_OR_RETURN(
            std::optional<core::Invitation> inv,
            deps_.repos.auth->FindInvitationByTokenHash(tx, crypto::HashToken(token)));
        if (!inv) {
          return MakeError(ErrorCode::kNotFound,
                           "this invitation link is not valid — check that you copied all of it");
        }
        SW_RETURN_IF_ERROR(check(*inv));
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, inv->user_id));
        return Found{*inv, std::move(user)};
      }));
  // Names typed here are judged exactly as an inviter's are (length, control characters,
  // markup); a name left out keeps the one the inviter typed.
  std::optional<std::string> first_name = request.first_name;
  std::optional<std::string> last_name = request.last_name;
  if (first_name && first_name->empty()) first_name.reset();
  if (last_name && last_name->empty()) last_name.reset();
  {
    std::string first = first_name.value_or("x");
    std::string last = last_name.value_or("x");
    auto errors = ValidateNames(first, last);
    if (!errors.empty()) return core::InvalidFields("your name is invalid", std::move(errors));
    if (first_name) first_name = std::move(first);
    if (last_name) last_name = std::move(last);
  }
  core::User& user = found.user;
  if (user.erased || user.status == core::UserStatus::kRemoved) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "this account is no longer active — ask your admin to invite you again");
  }
  // An existing account keeps its password (and its second factor): the invitation only
  // adds a team, after the person proves who they are.
  const bool existing = user.password_hash.has_value();
  std::optional<std::string> new_hash;
  if (existing) {
    if (!crypto::VerifyPassword(*user.password_hash, request.password)) {
      return FieldError(ErrorCode::kUnauthenticated,
                        "you already have a Seatwise account — enter its password to accept",
                        "password", "enter the password of your existing account");
    }
  } else {
    SW_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(request.password, user.email));
    SW_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(request.password));
    new_hash = std::move(hash);
  }

  return deps_.db.Transact<SignInResult>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<SignInResult> {
        SW_ASSIGN_OR_RETURN(bool accepted,
                            deps_.repos.auth->AcceptInvitation(tx, found.invitation.id, now));
        if (!accepted) {
          SW_ASSIGN_OR_RETURN(
              std::optional<core::Invitation> again,
              deps_.repos.auth->FindInvitationByTokenHash(tx, crypto::HashToken(token)));
          SW_RETURN_IF_ERROR(check(again.value_or(found.invitation)));
          return MakeError(ErrorCode::kConflict,
                           "this invitation was already used — sign in instead");
        }
        SW_ASSIGN_OR_RETURN(core::User current, deps_.repos.users->Get(tx, user.id));
        if (current.password_hash != user.password_hash) {
          return MakeError(ErrorCode::kConflict, "the account changed meanwhile — try again");
        }
        if (new_hash) {
          current.password_hash = new_hash;
          current.password_changed_at = now;
        }
        if (first_name) current.first_name = *first_name;
        if (last_name) current.last_name = *last_name;
        current.status = core::UserStatus::kActive;
        current.updated_at = now;
        SW_ASSIGN_OR_RETURN(
            std::optional<core::Membership> membership,
            deps_.repos.users->GetMembership(tx, found.invitation.team_id, user.id));
        if (!membership || membership->status == core::MembershipStatus::kRemoved) {
          return MakeError(
              ErrorCode::kFailedPrecondition,
              "you were removed from this team after the invitation was sent — ask your "
              "admin to invite you again");
        }
        if (membership->status == core::MembershipStatus::kInvited) {
          membership->status = core::MembershipStatus::kActive;
          membership->accepted_at = now;
          membership->updated_at = now;
          SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, *membership));
        }
        SignInResult result;
        if (current.totp_enrolled) {
          // No session without the second factor: the person signs in with their code next.
          current.updated_at = now;
          result.user = WithoutSecrets(current);
          result.mfa_required = true;
        } else {
          current.last_sign_in_at = now;
          SW_RETURN_IF_ERROR(OpenSession(tx, deps_, options_, caller, current, result));
        }
        SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, current));
        AuditRecord record = UserRecord("invitation.accept", current.id,
                                        existing ? "existing account" : "new account");
        record.team_id = found.invitation.team_id;
        SW_RETURN_IF_ERROR(Audit(tx, deps_, AsUser(caller, current), record));
        return result;
      });
}

core::Result<void> IdentityService::AnswerMyInvitation(const Caller& caller,
                                                       const std::string& team_id, bool accept) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  const std::string& user_id = caller.principal.user_id;
  AuditRecord record = UserRecord(accept ? "invitation.accept" : "invitation.decline", user_id);
  record.team_id = team_id;
  auto done = RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> core::Result<bool> {
    const auto now = deps_.clock.Now();
    SW_ASSIGN_OR_RETURN(std::optional<core::Membership> membership,
                        deps_.repos.users->GetMembership(tx, team_id, user_id));
    if (!membership || membership->status != core::MembershipStatus::kInvited) {
      return MakeError(ErrorCode::kNotFound,
                       "you have no open invitation to this team — it may have been withdrawn");
    }
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
    SW_RETURN_IF_ERROR(AnswerInvitation(tx, *membership, accept, now));
    AuditRecord entry = record;
    entry.account_id = team.account_id;
    entry.detail = accept ? "joined " + team.name : "declined to join " + team.name;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, entry));
    return true;
  });
  if (!done.ok()) return std::move(done).error();
  return core::Ok();
}

core::Result<void> IdentityService::DeclineInvitation(const Caller& caller,
                                                      std::string_view token) {
  AuditRecord record = UserRecord("invitation.decline", "");
  auto done = RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> core::Result<bool> {
    const auto now = deps_.clock.Now();
    SW_ASSIGN_OR_RETURN(std::optional<core::Invitation> invitation,
                        deps_.repos.auth->FindInvitationByTokenHash(tx, crypto::HashToken(token)));
    if (!invitation) {
      return MakeError(ErrorCode::kNotFound,
                       "this invitation link is not valid — check that you copied all of it");
    }
    if (invitation->accepted_at || invitation->revoked_at || invitation->expires_at <= now) {
      return MakeError(ErrorCode::kConflict,
                       "this invitation is no longer open — there is nothing to decline");
    }
    SW_ASSIGN_OR_RETURN(
        std::optional<core::Membership> membership,
        deps_.repos.users->GetMembership(tx, invitation->team_id, invitation->user_id));
    if (!membership || membership->status != core::MembershipStatus::kInvited) {
      return MakeError(ErrorCode::kConflict,
                       "this invitation is no longer open — there is nothing to decline");
    }
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, invitation->team_id));
    SW_RETURN_IF_ERROR(AnswerInvitation(tx, *membership, false, now));
    AuditRecord entry = UserRecord("invitation.decline", invitation->user_id,
                                   "declined to join " + team.name + " from the e-mailed link");
    entry.team_id = team.id;
    entry.account_id = team.account_id;
    Caller as_person = caller;
    as_person.principal.user_id = invitation->user_id;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, as_person, entry));
    return true;
  });
  if (!done.ok()) return std::move(done).error();
  return core::Ok();
}

core::Result<void> IdentityService::AnswerInvitation(store::Tx& tx, core::Membership membership,
                                                     bool accept, core::TimePoint now) {
  if (accept) {
    SW_ASSIGN_OR_RETURN(auto invitations,
                        deps_.repos.auth->ListInvitations(tx, membership.user_id));
    for (const auto& invitation : invitations) {
      if (invitation.team_id != membership.team_id || invitation.accepted_at ||
          invitation.revoked_at) {
        continue;
      }
      SW_ASSIGN_OR_RETURN(bool accepted,
                          deps_.repos.auth->AcceptInvitation(tx, invitation.id, now));
      (void)accepted;  // one that expired meanwhile stays as it is
    }
    membership.status = core::MembershipStatus::kActive;
    membership.accepted_at = now;
  } else {
    SW_ASSIGN_OR_RETURN(int revoked, deps_.repos.auth->RevokeInvitations(tx, membership.team_id,
                                                                         membership.user_id, now));
    (void)revoked;
    membership.status = core::MembershipStatus::kRemoved;
    membership.removed_at = now;
  }
  membership.updated_at = now;
  return deps_.repos.users->UpdateMembership(tx, membership);
}

// ---------------------------------------------------------------------------------------
// Password reset

core::Result<void> IdentityService::RequestPasswordReset(const Caller& caller,
                                                         std::string_view email) {
  const auto now = deps_.clock.Now();
  const std::string normalized = NormalizedEmail(email);
  const std::string ip_bucket = "reset:ip:" + caller.meta.ip;
  const std::string account_bucket = "reset:acct:" + normalized;
  SW_ASSIGN_OR_RETURN(
      std::optional<core::Error> refusal,
      deps_.db.Transact<std::optional<core::Error>>(
          store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<std::optional<core::Error>> {
            SW_ASSIGN_OR_RETURN(int ip_hits,
                                deps_.repos.auth->HitRateLimit(
                                    tx, ip_bucket, options_.reset_requests_per_ip.window, now));
            if (ip_hits > options_.reset_requests_per_ip.max_hits) {
              SW_ASSIGN_OR_RETURN(store::RateLimitWindow window,
                                  deps_.repos.auth->PeekRateLimit(tx, ip_bucket, now));
              return std::optional<core::Error>(RateLimited(
                  window.ends_at, now, "too many password-reset requests from your network"));
            }
            SW_ASSIGN_OR_RETURN(
                int account_hits,
                deps_.repos.auth->HitRateLimit(tx, account_bucket,
                                               options_.reset_requests_per_account.window, now));
            if (account_hits > options_.reset_requests_per_account.max_hits) {
              return std::optional<core::Error>();  // dropped silently: no enumeration
            }
            if (normalized.empty()) return std::optional<core::Error>();
            SW_ASSIGN_OR_RETURN(std::optional<core::User> user,
                                deps_.repos.users->FindByEmail(tx, normalized));
            if (!user || user->erased || user->status != core::UserStatus::kActive) {
              return std::optional<core::Error>();
            }
            std::string token =
                crypto::NewToken(deps_.random, crypto::token_prefix::kPasswordReset);
            core::PasswordReset reset;
            reset.user_id = user->id;
            reset.token_hash = crypto::HashToken(token);
            reset.created_at = now;
            reset.expires_at = now + options_.reset_lifetime;
            SW_ASSIGN_OR_RETURN(core::PasswordReset created,
                                deps_.repos.auth->CreatePasswordReset(tx, reset));
            const std::string link = options_.base_url + "/reset-password/" + token;
            core::OutboxMessage mail;
            mail.event_key = "reset:" + created.id;
            mail.kind = core::OutboxKind::kEmail;
            mail.template_name = "password_reset";
            mail.recipient = user->email;
            mail.subject = "Reset your Seatwise password";
            mail.body_text =
                "Someone (hopefully you) asked to reset the password of your Seatwise account.\n\n"
                "Choose a new password here:\n" +
                link + "\n\nThe link works once and expires on " + Date(created.expires_at) +
                ". If you did not ask for this, ignore this e-mail; your password stays as it "
                "is.\n";
            mail.payload_json = PayloadWithActionUrl(
                "{\"password_reset_id\":\"" + created.id + "\",\"user_id\":\"" + user->id + "\"}",
                link);
            mail.next_attempt_at = now;
            mail.created_at = now;
            SW_RETURN_IF_ERROR(deps_.repos.outbox->Enqueue(tx, mail));
            SW_RETURN_IF_ERROR(
                Audit(tx, deps_, caller, UserRecord("auth.password_reset_request", user->id)));
            return std::optional<core::Error>();
          }));
  if (refusal) {
    AuditDenied(deps_, caller, UserRecord("auth.password_reset_request", ""), *refusal);
    return *refusal;
  }
  return core::Ok();
}

core::Result<void> IdentityService::ResetPassword(const Caller& caller, std::string_view token,
                                                  std::string_view new_password) {
  const auto now = deps_.clock.Now();
  auto check = [&](const core::PasswordReset& reset) -> core::Result<void> {
    if (reset.used_at) {
      return MakeError(ErrorCode::kConflict,
                       "this reset link was already used — request a new one if you need to");
    }
    if (reset.expires_at <= now) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "this reset link expired on " + Date(reset.expires_at) + " — request a new one");
    }
    return core::Ok();
  };
  struct Found {
    core::PasswordReset reset;
    core::User user;
  };
  SW_ASSIGN_OR_RETURN(
      Found found,
      deps_.db.Transact<Found>(store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<Found> {
        SW_ASSIGN_OR_RETURN(
            std::optional<core::PasswordReset> reset,
            deps_.repos.auth->FindPasswordResetByHash(tx, crypto::HashToken(token)));
        if (!reset) {
          return MakeError(ErrorCode::kNotFound,
                           "this reset link is not valid — check that you copied all of it, or "
                           "request a new one");
        }
        SW_RETURN_IF_ERROR(check(*reset));
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, reset->user_id));
        return Found{*reset, std::move(user)};
      }));
  SW_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(new_password, found.user.email));
  SW_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(new_password));
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(bool used, deps_.repos.auth->UsePasswordReset(tx, found.reset.id, now));
    if (!used) {
      SW_RETURN_IF_ERROR(check(found.reset));
      return MakeError(ErrorCode::kConflict,
                       "this reset link was already used — request a new one if you need to");
    }
    SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, found.user.id));
    if (user.erased || user.status != core::UserStatus::kActive) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "this account is no longer active — ask an admin of your team");
    }
    user.password_hash = hash;
    user.password_changed_at = now;
    user.updated_at = now;
    SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
    SW_ASSIGN_OR_RETURN(int sessions, RevokeAllSessions(tx, user.id, "password reset"));
    // The person proved access to the mailbox: earlier failed sign-ins no longer lock them out.
    SW_RETURN_IF_ERROR(
        deps_.repos.auth->ResetRateLimit(tx, SignInBucket("acct", NormalizedEmail(user.email))));
    return Audit(tx, deps_, AsUser(caller, user),
                 UserRecord("user.password_reset", user.id,
                            "sessions signed out: " + std::to_string(sessions)));
  });
}

// ---------------------------------------------------------------------------------------
// MFA

core::Result<std::vector<std::uint8_t>> IdentityService::OpenTotpSecret(const core::User& user) {
  if (!user.totp_secret) {
    return MakeError(ErrorCode::kFailedPrecondition, "two-step verification is not set up");
  }
  SW_ASSIGN_OR_RETURN(std::string base32,
                      crypto::Open(options_.totp_sealing_key, *user.totp_secret));
  auto secret = crypto::Base32Decode(base32);
  if (!secret) return MakeError(ErrorCode::kInternal, "a stored TOTP secret is malformed");
  return std::move(*secret);
}

core::Result<std::vector<std::string>> IdentityService::NewRecoveryCodes(
    store::Tx& tx, const std::string& user_id) {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::string body = crypto::NewToken(deps_.random, "").substr(0, 10);
    codes.push_back(body.substr(0, 5) + "-" + body.substr(5));
    hashes.push_back(crypto::HashToken(body));
  }
  SW_RETURN_IF_ERROR(
      deps_.repos.auth->ReplaceRecoveryCodes(tx, user_id, hashes, deps_.clock.Now()));
  return codes;
}

core::Result<void> IdentityService::CheckTotpCode(store::Tx& tx, const core::User& user,
                                                  std::string_view code) {
  SW_ASSIGN_OR_RETURN(std::vector<std::uint8_t> secret, OpenTotpSecret(user));
  auto step = crypto::VerifyTotp(secret, code, deps_.clock.Now());
  if (!step) {
    return FieldError(ErrorCode::kInvalidArgument,
                      "the code is wrong or expired — check that your phone's clock is right and "
                      "enter the current code",
                      "code", "wrong or expired code");
  }
  SW_ASSIGN_OR_RETURN(bool fresh, deps_.repos.users->ClaimTotpStep(tx, user.id, *step));
  if (!fresh) {
    return FieldError(ErrorCode::kInvalidArgument,
                      "this code was already used — wait for the next code", "code",
                      "code already used");
  }
  return core::Ok();
}

core::Result<TotpEnrollment> IdentityService::BeginTotpEnrollment(const Caller& caller) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  const auto now = deps_.clock.Now();
  return deps_.db.Transact<TotpEnrollment>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<TotpEnrollment> {
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, caller.principal.user_id));
        if (user.totp_enrolled) {
          return MakeError(
              ErrorCode::kConflict,
              "two-step verification is already on — turn it off first to move it to a "
              "new device");
        }
        std::array<std::uint8_t, crypto::kTotpSecretBytes> secret{};
        deps_.random.Fill(secret);
        TotpEnrollment enrollment;
        enrollment.secret_base32 = crypto::Base32Encode(secret, false);
        enrollment.otpauth_uri = crypto::TotpUri(user.email, enrollment.secret_base32);
        user.totp_secret =
            crypto::Seal(options_.totp_sealing_key, enrollment.secret_base32, deps_.random);
        user.updated_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
        SW_RETURN_IF_ERROR(
            Audit(tx, deps_, caller, UserRecord("user.mfa_enrollment_start", user.id)));
        return enrollment;
      });
}

core::Result<std::vector<std::string>> IdentityService::ConfirmTotpEnrollment(
    const Caller& caller, std::string_view code) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  const auto now = deps_.clock.Now();
  return deps_.db.Transact<std::vector<std::string>>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<std::vector<std::string>> {
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, caller.principal.user_id));
        if (user.totp_enrolled) {
          return MakeError(ErrorCode::kConflict, "two-step verification is already on");
        }
        if (!user.totp_secret) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "start setting up two-step verification first");
        }
        SW_RETURN_IF_ERROR(CheckTotpCode(tx, user, code));
        user.totp_enrolled = true;
        user.updated_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
        if (caller.principal.method == AuthMethod::kSession &&
            !caller.principal.credential_id.empty()) {
          SW_RETURN_IF_ERROR(
              deps_.repos.auth->SetSessionMfaVerified(tx, caller.principal.credential_id));
        }
        SW_ASSIGN_OR_RETURN(std::vector<std::string> codes, NewRecoveryCodes(tx, user.id));
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, UserRecord("user.mfa_enable", user.id)));
        return codes;
      });
}

core::Result<std::vector<std::string>> IdentityService::RegenerateRecoveryCodes(
    const Caller& caller, std::string_view code) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  return deps_.db.Transact<std::vector<std::string>>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<std::vector<std::string>> {
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, caller.principal.user_id));
        if (!user.totp_enrolled) {
          return MakeError(ErrorCode::kFailedPrecondition, "turn on two-step verification first");
        }
        SW_RETURN_IF_ERROR(CheckTotpCode(tx, user, code));
        SW_ASSIGN_OR_RETURN(std::vector<std::string> codes, NewRecoveryCodes(tx, user.id));
        SW_RETURN_IF_ERROR(
            Audit(tx, deps_, caller, UserRecord("user.mfa_recovery_codes_regenerate", user.id)));
        return codes;
      });
}

core::Result<void> IdentityService::DisableTotp(const Caller& caller, std::string_view password) {
  SW_RETURN_IF_ERROR(RequireUser(caller));
  SW_ASSIGN_OR_RETURN(core::User user, LoadUser(caller.principal.user_id));
  SW_RETURN_IF_ERROR(CheckPasswordOf(user, password, "password"));
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(AdminResetMfa(tx, user.id));
    return Audit(tx, deps_, caller, UserRecord("user.mfa_disable", user.id));
  });
}

core::Result<void> IdentityService::AdminResetMfa(store::Tx& tx,
                                                  const std::string& target_user_id) {
  const auto now = deps_.clock.Now();
  SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, target_user_id));
  user.totp_secret.reset();
  user.totp_enrolled = false;
  user.updated_at = now;
  SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
  return deps_.repos.auth->ReplaceRecoveryCodes(tx, user.id, {}, now);
}

core::Result<void> IdentityService::AdminResetMfa(const Caller& caller, const std::string& team_id,
                                                  const std::string& user_id) {
  SW_RETURN_IF_ERROR(ActOnIdentity(caller, team_id, user_id, IdentityAct::kResetMfa));
  return core::Ok();
}

core::Result<int> IdentityService::ActOnIdentity(const Caller& caller, const std::string& team_id,
                                                 const std::string& user_id, IdentityAct act) {
  std::string_view action = "user.mfa_reset";
  if (act == IdentityAct::kSignOutEverywhere) action = "user.sign_out_everywhere";
  if (act == IdentityAct::kRevokeApiTokens) action = "user.api_tokens_revoke";
  AuditRecord record = UserRecord(std::string(action), user_id);
  record.team_id = team_id;
  return RunAudited<int>(deps_, caller, record, [&](store::Tx& tx) -> core::Result<int> {
    SW_RETURN_IF_ERROR(AuthorizeIdentityAct(tx, deps_, caller, team_id, user_id, act));
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
    int count = 0;
    AuditRecord done = record;
    done.account_id = team.account_id;
    switch (act) {
      case IdentityAct::kResetMfa: {
        SW_RETURN_IF_ERROR(AdminResetMfa(tx, user_id));
        SW_ASSIGN_OR_RETURN(count, SignOutEverywhere(tx, deps_, user_id));
        done.detail = "two-step verification reset; sessions signed out: " + std::to_string(count);
        break;
      }
      case IdentityAct::kSignOutEverywhere: {
        SW_ASSIGN_OR_RETURN(count, SignOutEverywhere(tx, deps_, user_id));
        done.detail = "sessions signed out: " + std::to_string(count);
        break;
      }
      case IdentityAct::kRevokeApiTokens: {
        SW_ASSIGN_OR_RETURN(count,
                            deps_.repos.auth->RevokeUserApiTokens(tx, user_id, deps_.clock.Now()));
        done.detail = "API tokens revoked: " + std::to_string(count);
        break;
      }
      case IdentityAct::kErase:
        return MakeError(ErrorCode::kInternal, "erasure is the GDPR service's");
    }
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return count;
  });
}

}  // namespace seatwise::service
