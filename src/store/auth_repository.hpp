#pragma once
// Credentials and their lifecycles: invitations, sessions, API tokens, OAuth device
// authorizations and refresh tokens, password resets, MFA recovery codes; plus the shared
// rate-limit counters and idempotency records. Every secret is looked up by its hash.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// A rate-limit counter's current window.
struct RateLimitWindow {
  int hits = 0;
  core::TimePoint ends_at{};  // a new window (and a clean count) starts then
};

class AuthRepository {
 public:
  virtual ~AuthRepository() = default;

  // Invitations
  virtual Result<core::Invitation> CreateInvitation(Tx& tx, core::Invitation invitation) = 0;
  virtual Result<std::optional<core::Invitation>> FindInvitationByTokenHash(
      Tx& tx, const std::string& token_hash) = 0;
  // Single use: true only for the first acceptance of a live, unexpired invitation.
  virtual Result<bool> AcceptInvitation(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // Revokes the user's open invitations to the team (before a resend, or on removal).
  virtual Result<int> RevokeInvitations(Tx& tx, const std::string& team_id,
                                        const std::string& user_id, core::TimePoint now) = 0;
  virtual Result<std::vector<core::Invitation>> ListInvitations(Tx& tx,
                                                                const std::string& user_id) = 0;
  // Up to `limit` open invitations (not accepted, revoked or marked expired) whose expiry is
  // at or before `now`, oldest expiry first: what the invitation_expiry job marks.
  virtual Result<std::vector<core::Invitation>> ListInvitationsToExpire(Tx& tx, core::TimePoint now,
                                                                        int limit) = 0;
  // Sets expired_at to `now`; true only for the first mark of an open invitation past its
  // expiry.
  virtual Result<bool> MarkInvitationExpired(Tx& tx, const std::string& id,
                                             core::TimePoint now) = 0;

  // Sessions
  virtual Result<core::Session> CreateSession(Tx& tx, core::Session session) = 0;
  // Live sessions only: not revoked and not past either expiry at `now`.
  virtual Result<std::optional<core::Session>> FindLiveSession(Tx& tx,
                                                               const std::string& token_hash,
                                                               core::TimePoint now) = 0;
  virtual Result<void> TouchSession(Tx& tx, const std::string& id, core::TimePoint now,
                                    core::TimePoint idle_expires_at) = 0;
  virtual Result<void> SetSessionMfaVerified(Tx& tx, const std::string& id) = 0;
  virtual Result<bool> RevokeSession(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // On password change and removal; returns how many were live.
  virtual Result<int> RevokeUserSessions(Tx& tx, const std::string& user_id,
                                         core::TimePoint now) = 0;
  virtual Result<std::vector<core::Session>> ListUserSessions(Tx& tx,
                                                              const std::string& user_id) = 0;
  // Removes sessions past their absolute expiry before `before`.
  virtual Result<int> DeleteExpiredSessions(Tx& tx, core::TimePoint before) = 0;

  // Personal API tokens. kAlreadyExists when the user has a live token with the same name.
  virtual Result<core::ApiToken> CreateApiToken(Tx& tx, core::ApiToken token) = 0;
  // Live tokens only: not revoked, not expired at `now`.
  virtual Result<std::optional<core::ApiToken>> FindLiveApiToken(Tx& tx,
                                                                 const std::string& token_hash,
                                                                 core::TimePoint now) = 0;
  virtual Result<std::vector<core::ApiToken>> ListApiTokens(Tx& tx, const std::string& user_id) = 0;
  // kNotFound unless the token is the user's and live.
  virtual Result<void> RevokeApiToken(Tx& tx, const std::string& user_id, const std::string& id,
                                      core::TimePoint now) = 0;
  virtual Result<void> TouchApiToken(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  // Revokes every live personal API token of the user; returns how many.
  virtual Result<int> RevokeUserApiTokens(Tx& tx, const std::string& user_id,
                                          core::TimePoint now) = 0;

  // OAuth 2.0 device authorization grant (RFC 8628)
  virtual Result<core::DeviceAuthorization> CreateDeviceAuthorization(
      Tx& tx, core::DeviceAuthorization authorization) = 0;
  virtual Result<std::optional<core::DeviceAuthorization>> FindDeviceAuthorizationByCodeHash(
      Tx& tx, const std::string& device_code_hash) = 0;
  virtual Result<std::optional<core::DeviceAuthorization>> FindPendingByUserCode(
      Tx& tx, const std::string& user_code) = 0;
  // Compare-and-set of the status; true when it was `from` and is now `to`. `user_id` is
  // recorded when given (approval).
  virtual Result<bool> TransitionDeviceAuthorization(Tx& tx, const std::string& id,
                                                     core::DeviceAuthorizationStatus from,
                                                     core::DeviceAuthorizationStatus to,
                                                     const std::optional<std::string>& user_id) = 0;
  virtual Result<void> RecordDevicePoll(Tx& tx, const std::string& id, core::TimePoint now,
                                        int interval_seconds) = 0;

  // Refresh tokens rotate: each use replaces the token with a new one of the same family.
  virtual Result<core::RefreshToken> CreateRefreshToken(Tx& tx, core::RefreshToken token) = 0;
  virtual Result<std::optional<core::RefreshToken>> FindRefreshTokenByHash(
      Tx& tx, const std::string& token_hash) = 0;
  // Marks `old_id` rotated and stores `replacement`; kConflict when `old_id` was already
  // rotated or revoked (a replayed token: the caller revokes the family).
  virtual Result<core::RefreshToken> RotateRefreshToken(Tx& tx, const std::string& old_id,
                                                        core::RefreshToken replacement,
                                                        core::TimePoint now) = 0;
  // Both also revoke the access tokens issued with the revoked refresh tokens; they return
  // how many refresh tokens were not yet revoked.
  virtual Result<int> RevokeRefreshFamily(Tx& tx, const std::string& family_id,
                                          core::TimePoint now) = 0;
  virtual Result<int> RevokeUserRefreshTokens(Tx& tx, const std::string& user_id,
                                              core::TimePoint now) = 0;
  // Every refresh token of the user, oldest first (GDPR export).
  virtual Result<std::vector<core::RefreshToken>> ListUserRefreshTokens(
      Tx& tx, const std::string& user_id) = 0;

  // OAuth access tokens (opaque, short-lived).
  virtual Result<core::AccessToken> CreateAccessToken(Tx& tx, core::AccessToken token) = 0;
  // Live tokens only: not revoked, not expired at `now`.
  virtual Result<std::optional<core::AccessToken>> FindLiveAccessToken(
      Tx& tx, const std::string& token_hash, core::TimePoint now) = 0;
  // The newest access token issued in a refresh family, live or not.
  virtual Result<std::optional<core::AccessToken>> FindLatestFamilyAccessToken(
      Tx& tx, const std::string& family_id) = 0;
  virtual Result<std::vector<core::AccessToken>> ListUserAccessTokens(
      Tx& tx, const std::string& user_id) = 0;

  // GDPR erasure: deletes every credential of the user and every request for one: sessions,
  // API tokens, access and refresh tokens, device authorizations, invitations, password
  // resets and recovery codes. Returns how many rows went; idempotent.
  virtual Result<int> DeleteUserCredentials(Tx& tx, const std::string& user_id) = 0;

  // Password resets (single use).
  virtual Result<core::PasswordReset> CreatePasswordReset(Tx& tx, core::PasswordReset reset) = 0;
  virtual Result<std::optional<core::PasswordReset>> FindPasswordResetByHash(
      Tx& tx, const std::string& token_hash) = 0;
  // True only for the first use of a live, unexpired reset.
  virtual Result<bool> UsePasswordReset(Tx& tx, const std::string& id, core::TimePoint now) = 0;

  // MFA recovery codes: replacing deletes every previous code of the user.
  virtual Result<void> ReplaceRecoveryCodes(Tx& tx, const std::string& user_id,
                                            const std::vector<std::string>& code_hashes,
                                            core::TimePoint now) = 0;
  // True when an unused code with that hash existed and is now used.
  virtual Result<bool> UseRecoveryCode(Tx& tx, const std::string& user_id,
                                       const std::string& code_hash, core::TimePoint now) = 0;
  virtual Result<int> CountUnusedRecoveryCodes(Tx& tx, const std::string& user_id) = 0;

  // Fixed-window counter shared by every node: adds one hit to `bucket` and returns the hits
  // in the current window (a new window starts `window` after the previous one began).
  virtual Result<int> HitRateLimit(Tx& tx, const std::string& bucket,
                                   std::chrono::milliseconds window, core::TimePoint now) = 0;
  virtual Result<void> ResetRateLimit(Tx& tx, const std::string& bucket) = 0;
  // The hits of `bucket`'s window current at `now` without adding one; {0, now} when none.
  virtual Result<RateLimitWindow> PeekRateLimit(Tx& tx, const std::string& bucket,
                                                core::TimePoint now) = 0;

  // Idempotency-Key records: Put is insert-if-absent (false when the key was taken).
  virtual Result<bool> PutIdempotencyRecord(Tx& tx, const core::IdempotencyRecord& record) = 0;
  virtual Result<std::optional<core::IdempotencyRecord>> GetIdempotencyRecord(
      Tx& tx, const std::string& principal_id, const std::string& key, core::TimePoint now) = 0;
  virtual Result<int> DeleteExpiredIdempotencyRecords(Tx& tx, core::TimePoint now) = 0;
  // The answer of a record claimed while its request ran (status 0 until then).
  virtual Result<void> CompleteIdempotencyRecord(Tx& tx, const std::string& principal_id,
                                                 const std::string& key, int status_code,
                                                 const std::string& response_body) = 0;
  // Forgets a claim whose request failed, so that a retry with the same key runs again.
  virtual Result<void> DeleteIdempotencyRecord(Tx& tx, const std::string& principal_id,
                                               const std::string& key) = 0;
};

}  // namespace seatwise::store
