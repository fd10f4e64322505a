#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

// Invitations
constexpr std::string_view kInsertInvitation =
    "INSERT INTO invitations (id, team_id, user_id, token_hash, invited_by, created_at,"
    " expires_at, accepted_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_INVITATIONS                                                                 \
  "SELECT id, team_id, user_id, token_hash, invited_by, created_at, expires_at, accepted_at," \
  " revoked_at, expired_at FROM invitations"
constexpr std::string_view kSelectInvitationByHash = SW_SELECT_INVITATIONS " WHERE token_hash = ?";
constexpr std::string_view kSelectUserInvitations =
    SW_SELECT_INVITATIONS " WHERE user_id = ? ORDER BY created_at, id";
constexpr std::string_view kSelectInvitationsToExpire = SW_SELECT_INVITATIONS
    " WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL"
    " AND expires_at <= ? ORDER BY expires_at, id LIMIT ?";
#undef SW_SELECT_INVITATIONS
constexpr std::string_view kMarkInvitationExpired =
    "UPDATE invitations SET expired_at = ? WHERE id = ? AND accepted_at IS NULL"
    " AND revoked_at IS NULL AND expired_at IS NULL AND expires_at <= ?";
constexpr std::string_view kAcceptInvitation =
    "UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL"
    " AND revoked_at IS NULL AND expires_at > ?";
constexpr std::string_view kRevokeInvitations =
    "UPDATE invitations SET revoked_at = ? WHERE team_id = ? AND user_id = ?"
    " AND accepted_at IS NULL AND revoked_at IS NULL";

// Sessions
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (id, token_hash, user_id, csrf_token, mfa_verified, ip, user_agent,"
    " created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_SESSIONS                                                                \
  "SELECT id, token_hash, user_id, csrf_token, mfa_verified, ip, user_agent, created_at," \
  " last_seen_at, idle_expires_at, absolute_expires_at, revoked_at FROM sessions"
constexpr std::string_view kSelectLiveSession = SW_SELECT_SESSIONS
    " WHERE token_hash = ? AND revoked_at IS NULL AND idle_expires_at > ?"
    " AND absolute_expires_at > ?";
constexpr std::string_view kSelectUserSessions =
    SW_SELECT_SESSIONS " WHERE user_id = ? ORDER BY created_at, id";
#undef SW_SELECT_SESSIONS
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?";
constexpr std::string_view kSessionMfaVerified =
    "UPDATE sessions SET mfa_verified = 1 WHERE id = ?";
constexpr std::string_view kRevokeSession =
    "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
constexpr std::string_view kRevokeUserSessions =
    "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE absolute_expires_at < ?";

// API tokens
constexpr std::string_view kInsertApiToken =
    "INSERT INTO api_tokens (id, user_id, name, token_hash, display_prefix, created_at,"
    " expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_API_TOKENS                                                                  \
  "SELECT id, user_id, name, token_hash, display_prefix, created_at, expires_at, revoked_at," \
  " last_used_at FROM api_tokens"
constexpr std::string_view kSelectLiveApiToken = SW_SELECT_API_TOKENS
    " WHERE token_hash = ? AND revoked_at IS NULL"
    " AND (expires_at IS NULL OR expires_at > ?)";
constexpr std::string_view kSelectUserApiTokens =
    SW_SELECT_API_TOKENS " WHERE user_id = ? ORDER BY created_at, id";
#undef SW_SELECT_API_TOKENS
constexpr std::string_view kRevokeApiToken =
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL";
constexpr std::string_view kRevokeUserApiTokens =
    "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";
constexpr std::string_view kTouchApiToken = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";

// OAuth device authorizations
constexpr std::string_view kInsertDeviceAuthorization =
    "INSERT INTO oauth_device_authorizations (id, device_code_hash, user_code, client_id, scope,"
    " status, user_id, interval_seconds, created_at, expires_at, last_polled_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_DEVICE_AUTHORIZATIONS                                        \
  "SELECT id, device_code_hash, user_code, client_id, scope, status, user_id," \
  " interval_seconds, created_at, expires_at, last_polled_at FROM oauth_device_authorizations"
constexpr std::string_view kSelectDeviceAuthorizationByHash =
    SW_SELECT_DEVICE_AUTHORIZATIONS " WHERE device_code_hash = ?";
constexpr std::string_view kSelectPendingByUserCode =
    SW_SELECT_DEVICE_AUTHORIZATIONS " WHERE user_code = ? AND status = 'pending'";
#undef SW_SELECT_DEVICE_AUTHORIZATIONS
constexpr std::string_view kTransitionDeviceAuthorization =
    "UPDATE oauth_device_authorizations SET status = ?, user_id = COALESCE(?, user_id)"
    " WHERE id = ? AND status = ?";
constexpr std::string_view kRecordDevicePoll =
    "UPDATE oauth_device_authorizations SET last_polled_at = ?, interval_seconds = ?"
    " WHERE id = ?";

// Refresh tokens
constexpr std::string_view kInsertRefreshToken =
    "INSERT INTO refresh_tokens (id, token_hash, family_id, user_id, device_id, client_id,"
    " created_at, expires_at, rotated_at, replaced_by, revoked_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectRefreshTokenByHash =
    "SELECT id, token_hash, family_id, user_id, device_id, client_id, created_at, expires_at,"
    " rotated_at, replaced_by, revoked_at FROM refresh_tokens WHERE token_hash = ?";
constexpr std::string_view kRotateRefreshToken =
    "UPDATE refresh_tokens SET rotated_at = ?, replaced_by = ?"
    " WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL RETURNING family_id, user_id";
constexpr std::string_view kRevokeRefreshFamily =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";
constexpr std::string_view kRevokeUserRefreshTokens =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";
constexpr std::string_view kSelectUserRefreshTokens =
    "SELECT id, token_hash, family_id, user_id, device_id, client_id, created_at, expires_at,"
    " rotated_at, replaced_by, revoked_at FROM refresh_tokens WHERE user_id = ?"
    " ORDER BY created_at, id";

// Access tokens
constexpr std::string_view kInsertAccessToken =
    "INSERT INTO access_tokens (id, token_hash, user_id, family_id, client_id, scope, created_at,"
    " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_ACCESS_TOKENS                                                          \
  "SELECT id, token_hash, user_id, family_id, client_id, scope, created_at, expires_at," \
  " revoked_at FROM access_tokens"
constexpr std::string_view kSelectLiveAccessToken =
    SW_SELECT_ACCESS_TOKENS " WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?";
constexpr std::string_view kSelectLatestFamilyAccessToken =
    SW_SELECT_ACCESS_TOKENS " WHERE family_id = ? ORDER BY created_at DESC, id DESC LIMIT 1";
constexpr std::string_view kSelectUserAccessTokens =
    SW_SELECT_ACCESS_TOKENS " WHERE user_id = ? ORDER BY created_at, id";
#undef SW_SELECT_ACCESS_TOKENS
constexpr std::string_view kRevokeFamilyAccessTokens =
    "UPDATE access_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";
constexpr std::string_view kRevokeUserAccessTokens =
    "UPDATE access_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

// Erasure: children before what they might reference.
constexpr std::string_view kDeleteUserCredentials[] = {
    "DELETE FROM access_tokens WHERE user_id = ?",
    "DELETE FROM refresh_tokens WHERE user_id = ?",
    "DELETE FROM oauth_device_authorizations WHERE user_id = ?",
    "DELETE FROM api_tokens WHERE user_id = ?",
    "DELETE FROM sessions WHERE user_id = ?",
    "DELETE FROM invitations WHERE user_id = ?",
    "DELETE FROM password_resets WHERE user_id = ?",
    "DELETE FROM mfa_recovery_codes WHERE user_id = ?",
};

// Password resets
constexpr std::string_view kInsertPasswordReset =
    "INSERT INTO password_resets (id, user_id, token_hash, created_at, expires_at, used_at)"
    " VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectPasswordResetByHash =
    "SELECT id, user_id, token_hash, created_at, expires_at, used_at FROM password_resets"
    " WHERE token_hash = ?";
constexpr std::string_view kUsePasswordReset =
    "UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?";

// MFA recovery codes
constexpr std::string_view kDeleteRecoveryCodes =
    "DELETE FROM mfa_recovery_codes WHERE user_id = ?";
constexpr std::string_view kInsertRecoveryCode =
    "INSERT INTO mfa_recovery_codes (id, user_id, code_hash, created_at, used_at)"
    " VALUES (?, ?, ?, ?, NULL)";
constexpr std::string_view kUseRecoveryCode =
    "UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?"
    " AND used_at IS NULL";
constexpr std::string_view kCountUnusedRecoveryCodes =
    "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL";

// Rate limits: one statement, so concurrent hits from several nodes all count. In the
// UPDATE both dialects read the row's previous values on the right-hand side.
constexpr std::string_view kHitRateLimit =
    "INSERT INTO rate_limits (bucket_key, window_start, hits, expires_at) VALUES (?, ?, 1, ?)"
    " ON CONFLICT (bucket_key) DO UPDATE SET"
    " hits = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END,"
    " window_start = CASE WHEN rate_limits.window_start <= ? THEN ?"
    " ELSE rate_limits.window_start END,"
    " expires_at = CASE WHEN rate_limits.window_start <= ? THEN ? ELSE rate_limits.expires_at END"
    " RETURNING hits";
constexpr std::string_view kResetRateLimit = "DELETE FROM rate_limits WHERE bucket_key = ?";
constexpr std::string_view kPeekRateLimit =
    "SELECT hits, expires_at FROM rate_limits WHERE bucket_key = ? AND expires_at > ?";

// Idempotency records
constexpr std::string_view kInsertIdempotency =
    "INSERT INTO idempotency_keys (principal_id, idem_key, request_hash, status_code,"
    " response_body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (principal_id, idem_key) DO NOTHING";
constexpr std::string_view kSelectIdempotency =
    "SELECT principal_id, idem_key, request_hash, status_code, response_body, created_at,"
    " expires_at FROM idempotency_keys WHERE principal_id = ? AND idem_key = ?"
    " AND expires_at > ?";
constexpr std::string_view kDeleteExpiredIdempotency =
    "DELETE FROM idempotency_keys WHERE expires_at <= ?";
constexpr std::string_view kCompleteIdempotency =
    "UPDATE idempotency_keys SET status_code = ?, response_body = ?"
    " WHERE principal_id = ? AND idem_key = ?";
constexpr std::string_view kDeleteIdempotency =
    "DELETE FROM idempotency_keys WHERE principal_id = ? AND idem_key = ?";

core::Invitation InvitationFrom(const Row& r) {
  return core::Invitation{r.Text(0),       r.Text(1),      r.Text(2),    r.Text(3),
                          r.OptText(4),    TimeAt(r, 5),   TimeAt(r, 6), OptTimeAt(r, 7),
                          OptTimeAt(r, 8), OptTimeAt(r, 9)};
}

core::Session SessionFrom(const Row& r) {
  core::Session s;
  s.id = r.Text(0);
  s.token_hash = r.Text(1);
  s.user_id = r.Text(2);
  s.csrf_token = r.Text(3);
  s.mfa_verified = r.Bool(4);
  s.ip = r.Text(5);
  s.user_agent = r.Text(6);
  s.created_at = TimeAt(r, 7);
  s.last_seen_at = TimeAt(r, 8);
  s.idle_expires_at = TimeAt(r, 9);
  s.absolute_expires_at = TimeAt(r, 10);
  s.revoked_at = OptTimeAt(r, 11);
  return s;
}

core::ApiToken ApiTokenFrom(const Row& r) {
  return core::ApiToken{r.Text(0),    r.Text(1),       r.Text(2),       r.Text(3),      r.Text(4),
                        TimeAt(r, 5), OptTimeAt(r, 6), OptTimeAt(r, 7), OptTimeAt(r, 8)};
}

core::DeviceAuthorization DeviceAuthorizationFrom(const Row& r) {
  core::DeviceAuthorization d;
  d.id = r.Text(0);
  d.device_code_hash = r.Text(1);
  d.user_code = r.Text(2);
  d.client_id = r.Text(3);
  d.scope = r.Text(4);
  d.status = EnumAt<core::DeviceAuthorizationStatus>(r, 5);
  d.user_id = r.OptText(6);
  d.interval_seconds = IntAt(r, 7);
  d.created_at = TimeAt(r, 8);
  d.expires_at = TimeAt(r, 9);
  d.last_polled_at = OptTimeAt(r, 10);
  return d;
}

core::RefreshToken RefreshTokenFrom(const Row& r) {
  core::RefreshToken t;
  t.id = r.Text(0);
  t.token_hash = r.Text(1);
  t.family_id = r.Text(2);
  t.user_id = r.Text(3);
  t.device_id = r.OptText(4);
  t.client_id = r.Text(5);
  t.created_at = TimeAt(r, 6);
  t.expires_at = TimeAt(r, 7);
  t.rotated_at = OptTimeAt(r, 8);
  t.replaced_by = r.OptText(9);
  t.revoked_at = OptTimeAt(r, 10);
  return t;
}

core::AccessToken AccessTokenFrom(const Row& r) {
  core::AccessToken t;
  t.id = r.Text(0);
  t.token_hash = r.Text(1);
  t.user_id = r.Text(2);
  t.family_id = r.Text(3);
  t.client_id = r.Text(4);
  t.scope = r.Text(5);
  t.created_at = TimeAt(r, 6);
  t.expires_at = TimeAt(r, 7);
  t.revoked_at = OptTimeAt(r, 8);
  return t;
}

template <typename T, typename FromRow>
Result<std::optional<T>> FindOne(Tx& tx, std::string_view sql, const Params& params,
                                 FromRow from_row) {
  SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(sql, params));
  if (!row) return std::optional<T>();
  return std::optional<T>(from_row(*row));
}

Result<int> Changed(Result<std::int64_t> changed) {
  if (!changed.ok()) return std::move(changed).error();
  return static_cast<int>(*changed);
}

class SqlAuthRepository final : public AuthRepository {
 public:
  explicit SqlAuthRepository(core::Random& random) : random_(random) {}

  Result<core::Invitation> CreateInvitation(Tx& tx, core::Invitation i) override {
    EnsureId(i.id, random_, core::id_prefix::kInvitation);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertInvitation,
                {i.id, i.team_id, i.user_id, i.token_hash, OptText(i.invited_by), Ms(i.created_at),
                 Ms(i.expires_at), OptMs(i.accepted_at), OptMs(i.revoked_at)}));
    return i;
  }

  Result<std::optional<core::Invitation>> FindInvitationByTokenHash(
      Tx& tx, const std::string& token_hash) override {
    return FindOne<core::Invitation>(tx, kSelectInvitationByHash, {token_hash}, InvitationFrom);
  }

  Result<bool> AcceptInvitation(Tx& tx, const std::string& id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int changed, Changed(tx.Exec(kAcceptInvitation, {Ms(now), id, Ms(now)})));
    return changed > 0;
  }

  Result<int> RevokeInvitations(Tx& tx, const std::string& team_id, const std::string& user_id,
                                core::TimePoint now) override {
    return Changed(tx.Exec(kRevokeInvitations, {Ms(now), team_id, user_id}));
  }

  Result<std::vector<core::Invitation>> ListInvitations(Tx& tx,
                                                        const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserInvitations, {user_id}));
    return MapRows<core::Invitation>(rows, InvitationFrom);
  }

  Result<std::vector<core::Invitation>> ListInvitationsToExpire(Tx& tx, core::TimePoint now,
                                                                int limit) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectInvitationsToExpire, {Ms(now), Int(limit)}));
    return MapRows<core::Invitation>(rows, InvitationFrom);
  }

  Result<bool> MarkInvitationExpired(Tx& tx, const std::string& id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int changed,
                        Changed(tx.Exec(kMarkInvitationExpired, {Ms(now), id, Ms(now)})));
    return changed > 0;
  }

  Result<core::Session> CreateSession(Tx& tx, core::Session s) override {
    EnsureId(s.id, random_, core::id_prefix::kSession);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertSession, {s.id, s.token_hash, s.user_id, s.csrf_token, Bool(s.mfa_verified), s.ip,
                         s.user_agent, Ms(s.created_at), Ms(s.last_seen_at), Ms(s.idle_expires_at),
                         Ms(s.absolute_expires_at), OptMs(s.revoked_at)}));
    return s;
  }

  Result<std::optional<core::Session>> FindLiveSession(Tx& tx, const std::string& token_hash,
                                                       core::TimePoint now) override {
    return FindOne<core::Session>(tx, kSelectLiveSession, {token_hash, Ms(now), Ms(now)},
                                  SessionFrom);
  }

  Result<void> TouchSession(Tx& tx, const std::string& id, core::TimePoint now,
                            core::TimePoint idle_expires_at) override {
    return ExpectChanged(tx.Exec(kTouchSession, {Ms(now), Ms(idle_expires_at), id}), "session");
  }

  Result<void> SetSessionMfaVerified(Tx& tx, const std::string& id) override {
    return ExpectChanged(tx.Exec(kSessionMfaVerified, {id}), "session");
  }

  Result<bool> RevokeSession(Tx& tx, const std::string& id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int changed, Changed(tx.Exec(kRevokeSession, {Ms(now), id})));
    return changed > 0;
  }

  Result<int> RevokeUserSessions(Tx& tx, const std::string& user_id, core::TimePoint now) override {
    return Changed(tx.Exec(kRevokeUserSessions, {Ms(now), user_id}));
  }

  Result<std::vector<core::Session>> ListUserSessions(Tx& tx, const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserSessions, {user_id}));
    return MapRows<core::Session>(rows, SessionFrom);
  }

  Result<int> DeleteExpiredSessions(Tx& tx, core::TimePoint before) override {
    return Changed(tx.Exec(kDeleteExpiredSessions, {Ms(before)}));
  }

  Result<core::ApiToken> CreateApiToken(Tx& tx, core::ApiToken t) override {
    EnsureId(t.id, random_, core::id_prefix::kApiToken);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertApiToken, {t.id, t.user_id, t.name, t.token_hash, t.display_prefix, Ms(t.created_at),
                          OptMs(t.expires_at), OptMs(t.revoked_at), OptMs(t.last_used_at)}));
    return t;
  }

  Result<std::optional<core::ApiToken>> FindLiveApiToken(Tx& tx, const std::string& token_hash,
                                                         core::TimePoint now) override {
    return FindOne<core::ApiToken>(tx, kSelectLiveApiToken, {token_hash, Ms(now)}, ApiTokenFrom);
  }

  Result<std::vector<core::ApiToken>> ListApiTokens(Tx& tx, const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserApiTokens, {user_id}));
    return MapRows<core::ApiToken>(rows, ApiTokenFrom);
  }

  Result<void> RevokeApiToken(Tx& tx, const std::string& user_id, const std::string& id,
                              core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kRevokeApiToken, {Ms(now), id, user_id}), "API token");
  }

  Result<void> TouchApiToken(Tx& tx, const std::string& id, core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kTouchApiToken, {Ms(now), id}), "API token");
  }

  Result<core::DeviceAuthorization> CreateDeviceAuthorization(
      Tx& tx, core::DeviceAuthorization d) override {
    EnsureId(d.id, random_, core::id_prefix::kDeviceAuthorization);
    SW_RETURN_IF_ERROR(tx.Exec(kInsertDeviceAuthorization,
                               {d.id, d.device_code_hash, d.user_code, d.client_id, d.scope,
                                Enum(d.status), OptText(d.user_id), Int(d.interval_seconds),
                                Ms(d.created_at), Ms(d.expires_at), OptMs(d.last_polled_at)}));
    return d;
  }

  Result<std::optional<core::DeviceAuthorization>> FindDeviceAuthorizationByCodeHash(
      Tx& tx, const std::string& device_code_hash) override {
    return FindOne<core::DeviceAuthorization>(tx, kSelectDeviceAuthorizationByHash,
                                              {device_code_hash}, DeviceAuthorizationFrom);
  }

  Result<std::optional<core::DeviceAuthorization>> FindPendingByUserCode(
      Tx& tx, const std::string& user_code) override {
    return FindOne<core::DeviceAuthorization>(tx, kSelectPendingByUserCode, {user_code},
                                              DeviceAuthorizationFrom);
  }

  Result<bool> TransitionDeviceAuthorization(Tx& tx, const std::string& id,
                                             core::DeviceAuthorizationStatus from,
                                             core::DeviceAuthorizationStatus to,
                                             const std::optional<std::string>& user_id) override {
    SW_ASSIGN_OR_RETURN(int changed,
                        Changed(tx.Exec(kTransitionDeviceAuthorization,
                                        {Enum(to), OptText(user_id), id, Enum(from)})));
    return changed > 0;
  }

  Result<void> RecordDevicePoll(Tx& tx, const std::string& id, core::TimePoint now,
                                int interval_seconds) override {
    return ExpectChanged(tx.Exec(kRecordDevicePoll, {Ms(now), Int(interval_seconds), id}),
                         "device authorization");
  }

  Result<core::RefreshToken> CreateRefreshToken(Tx& tx, core::RefreshToken t) override {
    EnsureId(t.id, random_, core::id_prefix::kRefreshToken);
    if (t.family_id.empty()) t.family_id = t.id;
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertRefreshToken, {t.id, t.token_hash, t.family_id, t.user_id, OptText(t.device_id),
                              t.client_id, Ms(t.created_at), Ms(t.expires_at), OptMs(t.rotated_at),
                              OptText(t.replaced_by), OptMs(t.revoked_at)}));
    return t;
  }

  Result<std::optional<core::RefreshToken>> FindRefreshTokenByHash(
      Tx& tx, const std::string& token_hash) override {
    return FindOne<core::RefreshToken>(tx, kSelectRefreshTokenByHash, {token_hash},
                                       RefreshTokenFrom);
  }

  Result<core::RefreshToken> RotateRefreshToken(Tx& tx, const std::string& old_id,
                                                core::RefreshToken replacement,
                                                core::TimePoint now) override {
    EnsureId(replacement.id, random_, core::id_prefix::kRefreshToken);
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kRotateRefreshToken, {Ms(now), replacement.id, old_id}));
    if (rows.empty()) {
      return core::MakeError(ErrorCode::kConflict, "refresh token was already used or revoked");
    }
    replacement.family_id = rows.front().Text(0);
    replacement.user_id = rows.front().Text(1);
    return CreateRefreshToken(tx, std::move(replacement));
  }

  Result<int> RevokeRefreshFamily(Tx& tx, const std::string& family_id,
                                  core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int revoked, Changed(tx.Exec(kRevokeRefreshFamily, {Ms(now), family_id})));
    SW_RETURN_IF_ERROR(tx.Exec(kRevokeFamilyAccessTokens, {Ms(now), family_id}));
    return revoked;
  }

  Result<int> RevokeUserApiTokens(Tx& tx, const std::string& user_id,
                                  core::TimePoint now) override {
    return Changed(tx.Exec(kRevokeUserApiTokens, {Ms(now), user_id}));
  }

  Result<int> RevokeUserRefreshTokens(Tx& tx, const std::string& user_id,
                                      core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int revoked,
                        Changed(tx.Exec(kRevokeUserRefreshTokens, {Ms(now), user_id})));
    SW_RETURN_IF_ERROR(tx.Exec(kRevokeUserAccessTokens, {Ms(now), user_id}));
    return revoked;
  }

  Result<std::vector<core::RefreshToken>> ListUserRefreshTokens(
      Tx& tx, const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserRefreshTokens, {user_id}));
    return MapRows<core::RefreshToken>(rows, RefreshTokenFrom);
  }

  Result<core::AccessToken> CreateAccessToken(Tx& tx, core::AccessToken t) override {
    EnsureId(t.id, random_, core::id_prefix::kAccessToken);
    SW_RETURN_IF_ERROR(tx.Exec(kInsertAccessToken,
                               {t.id, t.token_hash, t.user_id, t.family_id, t.client_id, t.scope,
                                Ms(t.created_at), Ms(t.expires_at), OptMs(t.revoked_at)}));
    return t;
  }

  Result<std::optional<core::AccessToken>> FindLiveAccessToken(Tx& tx,
                                                               const std::string& token_hash,
                                                               core::TimePoint now) override {
    return FindOne<core::AccessToken>(tx, kSelectLiveAccessToken, {token_hash, Ms(now)},
                                      AccessTokenFrom);
  }

  Result<std::optional<core::AccessToken>> FindLatestFamilyAccessToken(
      Tx& tx, const std::string& family_id) override {
    return FindOne<core::AccessToken>(tx, kSelectLatestFamilyAccessToken, {family_id},
                                      AccessTokenFrom);
  }

  Result<std::vector<core::AccessToken>> ListUserAccessTokens(Tx& tx,
                                                              const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserAccessTokens, {user_id}));
    return MapRows<core::AccessToken>(rows, AccessTokenFrom);
  }

  Result<int> DeleteUserCredentials(Tx& tx, const std::string& user_id) override {
    int deleted = 0;
    for (std::string_view sql : kDeleteUserCredentials) {
      SW_ASSIGN_OR_RETURN(int n, Changed(tx.Exec(sql, {user_id})));
      deleted += n;
    }
    return deleted;
  }

  Result<core::PasswordReset> CreatePasswordReset(Tx& tx, core::PasswordReset r) override {
    EnsureId(r.id, random_, core::id_prefix::kPasswordReset);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertPasswordReset,
        {r.id, r.user_id, r.token_hash, Ms(r.created_at), Ms(r.expires_at), OptMs(r.used_at)}));
    return r;
  }

  Result<std::optional<core::PasswordReset>> FindPasswordResetByHash(
      Tx& tx, const std::string& token_hash) override {
    return FindOne<core::PasswordReset>(
        tx, kSelectPasswordResetByHash, {token_hash}, [](const Row& r) {
          return core::PasswordReset{r.Text(0),    r.Text(1),    r.Text(2),
                                     TimeAt(r, 3), TimeAt(r, 4), OptTimeAt(r, 5)};
        });
  }

  Result<bool> UsePasswordReset(Tx& tx, const std::string& id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int changed, Changed(tx.Exec(kUsePasswordReset, {Ms(now), id, Ms(now)})));
    return changed > 0;
  }

  Result<void> ReplaceRecoveryCodes(Tx& tx, const std::string& user_id,
                                    const std::vector<std::string>& code_hashes,
                                    core::TimePoint now) override {
    SW_RETURN_IF_ERROR(tx.Exec(kDeleteRecoveryCodes, {user_id}));
    for (const auto& hash : code_hashes) {
      SW_RETURN_IF_ERROR(
          tx.Exec(kInsertRecoveryCode,
                  {core::NewId(random_, core::id_prefix::kRecoveryCode), user_id, hash, Ms(now)}));
    }
    return core::Ok();
  }

  Result<bool> UseRecoveryCode(Tx& tx, const std::string& user_id, const std::string& code_hash,
                               core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(int changed,
                        Changed(tx.Exec(kUseRecoveryCode, {Ms(now), user_id, code_hash})));
    return changed > 0;
  }

  Result<int> CountUnusedRecoveryCodes(Tx& tx, const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountUnusedRecoveryCodes, {user_id}, "count"));
    return IntAt(row, 0);
  }

  Result<int> HitRateLimit(Tx& tx, const std::string& bucket, std::chrono::milliseconds window,
                           core::TimePoint now) override {
    const Value start = Ms(now);
    const Value end = Ms(now + window);
    const Value stale = Ms(now - window);
    SW_ASSIGN_OR_RETURN(
        Row row, tx.QueryOne(kHitRateLimit, {bucket, start, end, stale, stale, start, stale, end},
                             "rate limit"));
    return IntAt(row, 0);
  }

  Result<void> ResetRateLimit(Tx& tx, const std::string& bucket) override {
    SW_RETURN_IF_ERROR(tx.Exec(kResetRateLimit, {bucket}));
    return core::Ok();
  }

  Result<RateLimitWindow> PeekRateLimit(Tx& tx, const std::string& bucket,
                                        core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::optional<Row> row,
                        tx.QueryOptional(kPeekRateLimit, {bucket, Ms(now)}));
    if (!row) return RateLimitWindow{0, now};
    return RateLimitWindow{IntAt(*row, 0), TimeAt(*row, 1)};
  }

  Result<bool> PutIdempotencyRecord(Tx& tx, const core::IdempotencyRecord& r) override {
    SW_ASSIGN_OR_RETURN(int changed,
                        Changed(tx.Exec(kInsertIdempotency,
                                        {r.principal_id, r.key, r.request_hash, Int(r.status_code),
                                         r.response_body, Ms(r.created_at), Ms(r.expires_at)})));
    return changed > 0;
  }

  Result<std::optional<core::IdempotencyRecord>> GetIdempotencyRecord(
      Tx& tx, const std::string& principal_id, const std::string& key,
      core::TimePoint now) override {
    return FindOne<core::IdempotencyRecord>(
        tx, kSelectIdempotency, {principal_id, key, Ms(now)}, [](const Row& r) {
          return core::IdempotencyRecord{r.Text(0), r.Text(1),    r.Text(2),   IntAt(r, 3),
                                         r.Text(4), TimeAt(r, 5), TimeAt(r, 6)};
        });
  }

  Result<int> DeleteExpiredIdempotencyRecords(Tx& tx, core::TimePoint now) override {
    return Changed(tx.Exec(kDeleteExpiredIdempotency, {Ms(now)}));
  }

  Result<void> CompleteIdempotencyRecord(Tx& tx, const std::string& principal_id,
                                         const std::string& key, int status_code,
                                         const std::string& response_body) override {
    SW_RETURN_IF_ERROR(
        tx.Exec(kCompleteIdempotency, {Int(status_code), response_body, principal_id, key}));
    return core::Ok();
  }

  Result<void> DeleteIdempotencyRecord(Tx& tx, const std::string& principal_id,
                                       const std::string& key) override {
    SW_RETURN_IF_ERROR(tx.Exec(kDeleteIdempotency, {principal_id, key}));
    return core::Ok();
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<AuthRepository> NewSqlAuthRepository(core::Random& random) {
  return std::make_unique<SqlAuthRepository>(random);
}

}  // namespace seatwise::store
