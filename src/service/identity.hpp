#pragma once
// Identity of people: password sign-in with optional TOTP, portal sessions with CSRF tokens,
// invitations, password resets, and MFA enrolment. Every secret handed out here (session,
// CSRF, invitation and reset tokens, recovery codes) is shown once and stored only hashed;
// TOTP secrets are stored sealed with a server key.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "service/identity_reach.hpp"
#include "service/rate_limit.hpp"

namespace seatwise::service {

struct IdentityOptions {
  std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds session_absolute_lifetime{std::chrono::hours(12)};
  std::chrono::milliseconds invitation_lifetime{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds reset_lifetime{std::chrono::hours(1)};
  // Failed sign-ins; the next attempt after the limit is refused until the window ends.
  RateLimit sign_in_failures_per_account{5, std::chrono::minutes(1)};
  RateLimit sign_in_failures_per_ip{5, std::chrono::minutes(1)};
  // Password-reset requests (every request counts, successful or not).
  RateLimit reset_requests_per_account{5, std::chrono::hours(1)};
  RateLimit reset_requests_per_ip{5, std::chrono::hours(1)};
  // Seals TOTP secrets at rest (crypto_secretbox key).
  std::array<std::uint8_t, 32> totp_sealing_key{};
  // Public origin of the portal, used in e-mailed links; no trailing slash.
  std::string base_url = "http://127.0.0.1:8080";
};

struct SignInRequest {
  std::string email;
  std::string password;
  std::optional<std::string> totp_code;      // required when the user has TOTP enrolled
  std::optional<std::string> recovery_code;  // instead of totp_code; each works once
};

// A new portal session. The user carries no secrets (password hash and TOTP secret cleared).
struct SignInResult {
  std::string session_token;  // raw "sws_..." value for the HttpOnly session cookie
  std::string csrf_token;     // raw "swc_..." value every state-changing request echoes
  core::User user;
  core::TimePoint expires_at{};  // the idle expiry; it slides while the session is used
  // The user has TOTP enrolled. From SignIn: the session passed it. From AcceptInvitation:
  // no session was opened (tokens empty); the person signs in with their code next.
  bool mfa_required = false;
};

// Completes an invitation; names are optional (kept when absent).
struct AcceptRequest {
  std::string password;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
};

// What the signed-in user sees about themselves.
struct MeMembership {
  std::string team_id;
  std::string team_name;
  std::string account_id;
  core::TeamRole role = core::TeamRole::kUser;
  core::MembershipStatus status = core::MembershipStatus::kActive;
};

enum class ContractRole { kContractManager, kSoftwareCoordinator };

struct MeContract {
  std::string contract_id;
  std::string number;
  std::string team_id;
  ContractRole role = ContractRole::kContractManager;
};

struct MeResult {
  core::User user;                        // secrets cleared
  std::vector<MeMembership> memberships;  // active and invited ones, by team id
  std::vector<MeContract> contracts;      // where the user is CM or SC (one row per role)
};

// A TOTP secret waiting for its first code; not active until ConfirmTotpEnrollment.
struct TotpEnrollment {
  std::string secret_base32;  // for manual entry
  std::string otpauth_uri;    // for a QR code
};

class IdentityService {
 public:
  IdentityService(Deps& deps, IdentityOptions options);

  // Password (+ TOTP or recovery code) sign-in. Errors:
  //  kUnauthenticated "e-mail or password is wrong" for an unknown e-mail or a wrong password
  //    (same message, same cost); "accept your invitation first" for invited users; with a
  //    field error on "totp_code" when the second factor is missing, wrong or replayed;
  //  kRateLimited with retry_after_seconds after 5 failures a minute per account or per IP.
  core::Result<SignInResult> SignIn(const Caller& caller, const SignInRequest& request);

  // The principal behind a session cookie. kUnauthenticated for an unknown, expired or
  // revoked session; kPermissionDenied when `state_changing` and the CSRF token does not
  // match. Slides the idle expiry (written at most once a minute).
  core::Result<Principal> AuthenticateSession(std::string_view session_token,
                                              std::string_view csrf_token, bool state_changing,
                                              const RequestMeta& meta);

  // Revokes the caller's session (no-op for other credentials).
  core::Result<void> SignOut(const Caller& caller);

  // Checks the current password and the policy; revokes every other session of the user
  // and all their OAuth refresh tokens.
  core::Result<void> ChangePassword(const Caller& caller, std::string_view current_password,
                                    std::string_view new_password);

  // Changes the signed-in person's own first and/or last name (a name not given is kept;
  // validated as for an invitation); audited with before and after. Returns the stored user.
  core::Result<core::User> UpdateMyName(const Caller& caller, std::optional<std::string> first_name,
                                        std::optional<std::string> last_name);

  // Revokes every session and refresh token of the user (removal, admin action); returns
  // how many sessions were live. `reason` is for the audit trail of the calling service.
  core::Result<int> RevokeAllSessions(const std::string& user_id, std::string_view reason);
  core::Result<int> RevokeAllSessions(store::Tx& tx, const std::string& user_id,
                                      std::string_view reason);

  // Profile, team memberships and contracts where the caller is CM or SC.
  core::Result<MeResult> Me(const Caller& caller);

  // Issues an invitation of `user_id` to `team_id` (7 days) and enqueues its e-mail with
  // the link {base_url}/invitations/{token}. Returns the raw token. For user management.
  core::Result<std::string> CreateInvitationToken(store::Tx& tx, const std::string& team_id,
                                                  const std::string& user_id,
                                                  const std::optional<std::string>& invited_by);
  // Revokes the user's open invitations to the team and issues a new one (new e-mail).
  core::Result<std::string> ResendInvitation(store::Tx& tx, const std::string& team_id,
                                             const std::string& user_id,
                                             const std::optional<std::string>& invited_by);
  // Sets the password, activates the user and the membership, and signs the user in. A
  // person who already has an account enters its password instead (kUnauthenticated when
  // wrong) and keeps it.
  // kNotFound for an unknown token; kConflict when already used; kFailedPrecondition when
  // expired or revoked; kInvalidArgument (field "password") for a weak password.
  core::Result<SignInResult> AcceptInvitation(const Caller& caller, std::string_view token,
                                              const AcceptRequest& request);

  // The signed-in person answers a pending invitation to `team_id` (listed by Me): accepting
  // makes them an active member, declining removes the pending membership and withdraws the
  // invitation. kNotFound when they have no open invitation to the team. Audited.
  core::Result<void> AnswerMyInvitation(const Caller& caller, const std::string& team_id,
                                        bool accept);
  // Declines from the e-mailed link, without signing in. kNotFound for an unknown token;
  // kConflict when the invitation is no longer open.
  core::Result<void> DeclineInvitation(const Caller& caller, std::string_view token);

  // Always ok for an unknown or inactive e-mail (no account enumeration). Enqueues the link
  // {base_url}/reset-password/{token} (1 hour, single use). kRateLimited only when the
  // caller's IP made too many requests; too many for one account are dropped silently.
  core::Result<void> RequestPasswordReset(const Caller& caller, std::string_view email);
  // Sets the new password; revokes every session and refresh token of the user.
  // kNotFound for an unknown token; kConflict when already used; kFailedPrecondition when
  // expired; kInvalidArgument (field "password") when weak.
  core::Result<void> ResetPassword(const Caller& caller, std::string_view token,
                                   std::string_view new_password);

  // Starts TOTP enrolment with a fresh secret (replacing an unconfirmed one).
  // kConflict when TOTP is already on.
  core::Result<TotpEnrollment> BeginTotpEnrollment(const Caller& caller);
  // Activates TOTP after a valid code; returns 10 recovery codes, shown only now.
  core::Result<std::vector<std::string>> ConfirmTotpEnrollment(const Caller& caller,
                                                               std::string_view code);
  // Replaces the recovery codes after a valid TOTP code.
  core::Result<std::vector<std::string>> RegenerateRecoveryCodes(const Caller& caller,
                                                                 std::string_view code);
  // Turns TOTP off after checking the password; deletes the recovery codes.
  core::Result<void> DisableTotp(const Caller& caller, std::string_view password);
  // Turns TOTP off for a user who lost their device; the caller service checks permission.
  core::Result<void> AdminResetMfa(store::Tx& tx, const std::string& target_user_id);
  // As above for an admin acting through `team_id` (AuthorizeIdentityAct decides). Revokes
  // the user's sessions. Audited.
  core::Result<void> AdminResetMfa(const Caller& caller, const std::string& team_id,
                                   const std::string& user_id);
  // An act on a person's account through `team_id`: reset two-step verification, sign out
  // everywhere (sessions, OAuth tokens) or revoke personal API tokens, as AuthorizeIdentityAct
  // allows. Returns how many sessions or tokens ended. Audited, refusals too.
  core::Result<int> ActOnIdentity(const Caller& caller, const std::string& team_id,
                                  const std::string& user_id, IdentityAct act);

 private:
  core::Result<core::User> LoadUser(const std::string& user_id);
  // Accepts (activates) or declines (removes) a pending membership and settles its
  // invitations, inside the caller's transaction.
  core::Result<void> AnswerInvitation(store::Tx& tx, core::Membership membership, bool accept,
                                      core::TimePoint now);
  // Verifies a signed-in user's password, counted and limited like failed sign-ins;
  // kInvalidArgument on `field` when wrong.
  core::Result<void> CheckPasswordOf(const core::User& user, std::string_view password,
                                     std::string_view field);
  core::Result<std::vector<std::uint8_t>> OpenTotpSecret(const core::User& user);
  // Verifies a TOTP code of an enrolled (or enrolling) user and uses up its time step.
  core::Result<void> CheckTotpCode(store::Tx& tx, const core::User& user, std::string_view code);
  core::Result<std::vector<std::string>> NewRecoveryCodes(store::Tx& tx,
                                                          const std::string& user_id);

  Deps deps_;
  IdentityOptions options_;
  std::string dummy_hash_;  // verified against for unknown e-mails, to cost the same time
};

}  // namespace seatwise::service
