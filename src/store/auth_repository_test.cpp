#include "store/auth_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class AuthRepositoryTest : public RepositoryTest {};

TEST_P(AuthRepositoryTest, InvitationsAreSingleUseAndExpire) {
  auto c = NewCustomer();
  auto invitee = NewUser("new@acme.example");
  core::Invitation inv;
  inv.team_id = c.team.id;
  inv.user_id = invitee.id;
  inv.token_hash = "hash-1";
  inv.invited_by = c.admin.id;
  inv.created_at = Now();
  inv.expires_at = Now() + days(7);
  inv = Must(Write([&](Tx& tx) { return repos_.auth->CreateInvitation(tx, inv); }));
  auto found =
      Must(Read([&](Tx& tx) { return repos_.auth->FindInvitationByTokenHash(tx, "hash-1"); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, invitee.id);
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, inv.id, Now()); })));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, inv.id, Now()); })));

  core::Invitation late = inv;
  late.id.clear();
  late.token_hash = "hash-2";
  late = Must(Write([&](Tx& tx) { return repos_.auth->CreateInvitation(tx, late); }));
  clock_.Advance(days(8));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, late.id, Now()); })));

  core::Invitation resent = inv;
  resent.id.clear();
  resent.token_hash = "hash-3";
  resent.created_at = Now();
  resent.expires_at = Now() + days(7);
  resent = Must(Write([&](Tx& tx) { return repos_.auth->CreateInvitation(tx, resent); }));
  EXPECT_EQ(Must(Write([&](Tx& tx) {
              return repos_.auth->RevokeInvitations(tx, c.team.id, invitee.id, Now());
            })),
            2);  // the expired one and the fresh one; the accepted one stays
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, resent.id, Now()); })));
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.auth->ListInvitations(tx, invitee.id); })).size(),
            3u);
}

TEST_P(AuthRepositoryTest, OpenInvitationsPastTheirExpiryAreMarkedExpiredOnce) {
  auto c = NewCustomer();
  auto invite = [&](const std::string& email, const std::string& hash) {
    auto invitee = NewUser(email);
    core::Invitation inv;
    inv.team_id = c.team.id;
    inv.user_id = invitee.id;
    inv.token_hash = hash;
    inv.invited_by = c.admin.id;
    inv.created_at = Now();
    inv.expires_at = Now() + days(7);
    return Must(Write([&](Tx& tx) { return repos_.auth->CreateInvitation(tx, inv); }));
  };
  auto open = invite("open@acme.example", "h-open");
  auto accepted = invite("accepted@acme.example", "h-accepted");
  auto revoked = invite("revoked@acme.example", "h-revoked");
  ASSERT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, accepted.id, Now()); })));
  Must(Write([&](Tx& tx) {
    return repos_.auth->RevokeInvitations(tx, c.team.id, revoked.user_id, Now());
  }));
  auto to_expire = [&] {
    return Must(Read([&](Tx& tx) { return repos_.auth->ListInvitationsToExpire(tx, Now(), 10); }));
  };
  EXPECT_TRUE(to_expire().empty());
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->MarkInvitationExpired(tx, open.id, Now()); })));

  clock_.Advance(days(7));  // exactly at the expiry
  auto due = to_expire();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, open.id);
  EXPECT_FALSE(due[0].expired_at.has_value());
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.auth->MarkInvitationExpired(tx, open.id, Now()); })));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->MarkInvitationExpired(tx, open.id, Now()); })));
  EXPECT_TRUE(to_expire().empty());
  auto stored =
      Must(Read([&](Tx& tx) { return repos_.auth->FindInvitationByTokenHash(tx, "h-open"); }));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->expired_at, Now());
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->AcceptInvitation(tx, open.id, Now()); })));
}

TEST_P(AuthRepositoryTest, SessionsExpireAndAreRevokedTogether) {
  auto u = NewUser("s@acme.example");
  core::Session s;
  s.token_hash = "sess-1";
  s.user_id = u.id;
  s.csrf_token = "csrf";
  s.created_at = s.last_seen_at = Now();
  s.idle_expires_at = Now() + minutes(30);
  s.absolute_expires_at = Now() + hours(12);
  s = Must(Write([&](Tx& tx) { return repos_.auth->CreateSession(tx, s); }));
  core::Session s2 = s;
  s2.id.clear();
  s2.token_hash = "sess-2";
  s2 = Must(Write([&](Tx& tx) { return repos_.auth->CreateSession(tx, s2); }));

  clock_.Advance(minutes(20));
  Must(Write(
      [&](Tx& tx) { return repos_.auth->TouchSession(tx, s.id, Now(), Now() + minutes(30)); }));
  clock_.Advance(minutes(20));
  EXPECT_TRUE(
      Must(Read([&](Tx& tx) { return repos_.auth->FindLiveSession(tx, "sess-1", Now()); })));
  EXPECT_FALSE(  // idle for 40 minutes
      Must(Read([&](Tx& tx) { return repos_.auth->FindLiveSession(tx, "sess-2", Now()); })));

  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.auth->RevokeUserSessions(tx, u.id, Now()); })),
            2);
  EXPECT_FALSE(
      Must(Read([&](Tx& tx) { return repos_.auth->FindLiveSession(tx, "sess-1", Now()); })));
  clock_.Advance(days(1));
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.auth->DeleteExpiredSessions(tx, Now()); })), 2);
}

TEST_P(AuthRepositoryTest, ApiTokensAreNamedPerUserAndRevocable) {
  auto u = NewUser("t@acme.example");
  core::ApiToken t;
  t.user_id = u.id;
  t.name = "ci";
  t.token_hash = "tok-1";
  t.display_prefix = "sw_ab";
  t.created_at = Now();
  t.expires_at = Now() + days(30);
  t = Must(Write([&](Tx& tx) { return repos_.auth->CreateApiToken(tx, t); }));
  core::ApiToken same_name = t;
  same_name.id.clear();
  same_name.token_hash = "tok-2";
  auto dup = Write([&](Tx& tx) { return repos_.auth->CreateApiToken(tx, same_name); });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);

  auto live = Must(Read([&](Tx& tx) { return repos_.auth->FindLiveApiToken(tx, "tok-1", Now()); }));
  ASSERT_TRUE(live.has_value());
  Must(Write([&](Tx& tx) { return repos_.auth->TouchApiToken(tx, t.id, Now()); }));
  auto other = NewUser("other@acme.example");
  auto not_theirs =
      Write([&](Tx& tx) { return repos_.auth->RevokeApiToken(tx, other.id, t.id, Now()); });
  ASSERT_FALSE(not_theirs.ok());
  EXPECT_EQ(not_theirs.error().code, ErrorCode::kNotFound);
  Must(Write([&](Tx& tx) { return repos_.auth->RevokeApiToken(tx, u.id, t.id, Now()); }));
  EXPECT_FALSE(
      Must(Read([&](Tx& tx) { return repos_.auth->FindLiveApiToken(tx, "tok-1", Now()); })));
  // The name is free again once the old token is revoked.
  clock_.Advance(minutes(1));
  same_name.created_at = Now();
  Must(Write([&](Tx& tx) { return repos_.auth->CreateApiToken(tx, same_name); }));
  auto listed = Must(Read([&](Tx& tx) { return repos_.auth->ListApiTokens(tx, u.id); }));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].last_used_at.has_value());
}

TEST_P(AuthRepositoryTest, DeviceAuthorizationMovesThroughItsStates) {
  auto u = NewUser("d@acme.example");
  core::DeviceAuthorization d;
  d.device_code_hash = "dc-1";
  d.user_code = "WDJB-MJHT";
  d.client_id = "desktop";
  d.created_at = Now();
  d.expires_at = Now() + minutes(15);
  d = Must(Write([&](Tx& tx) { return repos_.auth->CreateDeviceAuthorization(tx, d); }));
  auto pending =
      Must(Read([&](Tx& tx) { return repos_.auth->FindPendingByUserCode(tx, "WDJB-MJHT"); }));
  ASSERT_TRUE(pending.has_value());

  core::DeviceAuthorization clash = d;
  clash.id.clear();
  clash.device_code_hash = "dc-2";
  auto refused = Write([&](Tx& tx) { return repos_.auth->CreateDeviceAuthorization(tx, clash); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);

  using S = core::DeviceAuthorizationStatus;
  EXPECT_TRUE(Must(Write([&](Tx& tx) {
    return repos_.auth->TransitionDeviceAuthorization(tx, d.id, S::kPending, S::kApproved, u.id);
  })));
  EXPECT_FALSE(Must(Write([&](Tx& tx) {
    return repos_.auth->TransitionDeviceAuthorization(tx, d.id, S::kPending, S::kDenied,
                                                      std::nullopt);
  })));
  EXPECT_TRUE(Must(Write([&](Tx& tx) {
    return repos_.auth->TransitionDeviceAuthorization(tx, d.id, S::kApproved, S::kConsumed,
                                                      std::nullopt);
  })));
  Must(Write([&](Tx& tx) { return repos_.auth->RecordDevicePoll(tx, d.id, Now(), 10); }));
  auto got = Must(
      Read([&](Tx& tx) { return repos_.auth->FindDeviceAuthorizationByCodeHash(tx, "dc-1"); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, S::kConsumed);
  EXPECT_EQ(got->user_id, u.id);
  EXPECT_EQ(got->interval_seconds, 10);
  // The user code is free for a new request once the old one left pending.
  Must(Write([&](Tx& tx) { return repos_.auth->CreateDeviceAuthorization(tx, clash); }));
}

TEST_P(AuthRepositoryTest, RefreshTokensRotateOnceAndRevokeByFamily) {
  auto u = NewUser("r@acme.example");
  core::RefreshToken t;
  t.token_hash = "rt-1";
  t.user_id = u.id;
  t.client_id = "desktop";
  t.created_at = Now();
  t.expires_at = Now() + days(30);
  t = Must(Write([&](Tx& tx) { return repos_.auth->CreateRefreshToken(tx, t); }));
  EXPECT_EQ(t.family_id, t.id);

  core::RefreshToken next;
  next.token_hash = "rt-2";
  next.client_id = "desktop";
  next.created_at = Now();
  next.expires_at = Now() + days(30);
  auto rotated =
      Must(Write([&](Tx& tx) { return repos_.auth->RotateRefreshToken(tx, t.id, next, Now()); }));
  EXPECT_EQ(rotated.family_id, t.family_id);
  EXPECT_EQ(rotated.user_id, u.id);

  next.token_hash = "rt-3";
  auto replay =
      Write([&](Tx& tx) { return repos_.auth->RotateRefreshToken(tx, t.id, next, Now()); });
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::kConflict);

  EXPECT_EQ(
      Must(Write([&](Tx& tx) { return repos_.auth->RevokeRefreshFamily(tx, t.family_id, Now()); })),
      2);
  auto old = Must(Read([&](Tx& tx) { return repos_.auth->FindRefreshTokenByHash(tx, "rt-1"); }));
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->replaced_by, rotated.id);
  EXPECT_TRUE(old->revoked_at.has_value());
}

TEST_P(AuthRepositoryTest, PasswordResetsAndRecoveryCodesAreSingleUse) {
  auto u = NewUser("p@acme.example");
  core::PasswordReset r;
  r.user_id = u.id;
  r.token_hash = "pr-1";
  r.created_at = Now();
  r.expires_at = Now() + hours(1);
  r = Must(Write([&](Tx& tx) { return repos_.auth->CreatePasswordReset(tx, r); }));
  EXPECT_TRUE(Must(Read([&](Tx& tx) { return repos_.auth->FindPasswordResetByHash(tx, "pr-1"); })));
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.auth->UsePasswordReset(tx, r.id, Now()); })));
  EXPECT_FALSE(Must(Write([&](Tx& tx) { return repos_.auth->UsePasswordReset(tx, r.id, Now()); })));

  Must(Write([&](Tx& tx) {
    return repos_.auth->ReplaceRecoveryCodes(tx, u.id, {"c1", "c2", "c3"}, Now());
  }));
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.auth->UseRecoveryCode(tx, u.id, "c2", Now()); })));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.auth->UseRecoveryCode(tx, u.id, "c2", Now()); })));
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.auth->CountUnusedRecoveryCodes(tx, u.id); })), 2);
  Must(Write([&](Tx& tx) { return repos_.auth->ReplaceRecoveryCodes(tx, u.id, {"c9"}, Now()); }));
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.auth->CountUnusedRecoveryCodes(tx, u.id); })), 1);
}

TEST_P(AuthRepositoryTest, RateLimitCountsPerWindow) {
  const auto window = minutes(1);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(Must(Write([&](Tx& tx) {
                return repos_.auth->HitRateLimit(tx, "signin:ip:10.0.0.1", window, Now());
              })),
              i);
    clock_.Advance(std::chrono::seconds(5));
  }
  clock_.Advance(window);
  EXPECT_EQ(Must(Write([&](Tx& tx) {
              return repos_.auth->HitRateLimit(tx, "signin:ip:10.0.0.1", window, Now());
            })),
            1);
  Must(Write([&](Tx& tx) { return repos_.auth->ResetRateLimit(tx, "signin:ip:10.0.0.1"); }));
}

TEST_P(AuthRepositoryTest, PeekRateLimitReadsTheCurrentWindowWithoutCounting) {
  const auto window = minutes(1);
  const std::string bucket = "signin:acct:ann@example.com";
  auto peek = [&] {
    return Must(Read([&](Tx& tx) { return repos_.auth->PeekRateLimit(tx, bucket, Now()); }));
  };
  EXPECT_EQ(peek().hits, 0);
  const auto started = Now();
  for (int i = 0; i < 2; ++i) {
    Must(Write([&](Tx& tx) { return repos_.auth->HitRateLimit(tx, bucket, window, Now()); }));
  }
  clock_.Advance(std::chrono::seconds(20));
  EXPECT_EQ(peek().hits, 2);
  EXPECT_EQ(peek().hits, 2);
  EXPECT_EQ(peek().ends_at, started + window);
  clock_.Advance(std::chrono::seconds(40));
  EXPECT_EQ(peek().hits, 0);
}

TEST_P(AuthRepositoryTest, IdempotencyRecordsAreInsertIfAbsent) {
  core::IdempotencyRecord r{"usr_1", "key-1", "h", 201, R"({"id":"x"})", Now(), Now() + hours(24)};
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.auth->PutIdempotencyRecord(tx, r); })));
  r.status_code = 500;
  EXPECT_FALSE(Must(Write([&](Tx& tx) { return repos_.auth->PutIdempotencyRecord(tx, r); })));
  auto got = Must(
      Read([&](Tx& tx) { return repos_.auth->GetIdempotencyRecord(tx, "usr_1", "key-1", Now()); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status_code, 201);
  clock_.Advance(days(2));
  EXPECT_FALSE(Must(Read(
      [&](Tx& tx) { return repos_.auth->GetIdempotencyRecord(tx, "usr_1", "key-1", Now()); })));
  EXPECT_EQ(
      Must(Write([&](Tx& tx) { return repos_.auth->DeleteExpiredIdempotencyRecords(tx, Now()); })),
      1);
}

TEST_P(AuthRepositoryTest, AnIdempotencyClaimIsCompletedOrForgotten) {
  core::IdempotencyRecord claim{"usr_1", "key-2", "h", 0, "", Now(), Now() + hours(24)};
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.auth->PutIdempotencyRecord(tx, claim); })));
  Must(Write([&](Tx& tx) -> core::Result<bool> {
    SW_RETURN_IF_ERROR(
        repos_.auth->CompleteIdempotencyRecord(tx, "usr_1", "key-2", 201, R"({"id":"y"})"));
    return true;
  }));
  auto got = Must(
      Read([&](Tx& tx) { return repos_.auth->GetIdempotencyRecord(tx, "usr_1", "key-2", Now()); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status_code, 201);
  EXPECT_EQ(got->response_body, R"({"id":"y"})");

  Must(Write([&](Tx& tx) -> core::Result<bool> {
    SW_RETURN_IF_ERROR(repos_.auth->DeleteIdempotencyRecord(tx, "usr_1", "key-2"));
    return true;
  }));
  EXPECT_FALSE(Must(Read(
      [&](Tx& tx) { return repos_.auth->GetIdempotencyRecord(tx, "usr_1", "key-2", Now()); })));
  // Once forgotten the key can be claimed again.
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.auth->PutIdempotencyRecord(tx, claim); })));
}

core::AccessToken NewAccess(const std::string& hash, const std::string& user_id,
                            const std::string& family_id, core::TimePoint now) {
  core::AccessToken a;
  a.token_hash = hash;
  a.user_id = user_id;
  a.family_id = family_id;
  a.client_id = "desktop";
  a.scope = "licenses";
  a.created_at = now;
  a.expires_at = now + hours(1);
  return a;
}

TEST_P(AuthRepositoryTest, AccessTokensExpireAndDieWithTheirRefreshFamily) {
  auto u = NewUser("at@acme.example");
  core::RefreshToken r;
  r.token_hash = "rt-a";
  r.user_id = u.id;
  r.client_id = "desktop";
  r.created_at = Now();
  r.expires_at = Now() + days(30);
  r = Must(Write([&](Tx& tx) { return repos_.auth->CreateRefreshToken(tx, r); }));

  auto first = Must(Write([&](Tx& tx) {
    return repos_.auth->CreateAccessToken(tx, NewAccess("at-1", u.id, r.family_id, Now()));
  }));
  EXPECT_EQ(first.id.rfind("atk_", 0), 0u);
  auto live =
      Must(Read([&](Tx& tx) { return repos_.auth->FindLiveAccessToken(tx, "at-1", Now()); }));
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->family_id, r.family_id);
  EXPECT_EQ(live->scope, "licenses");

  clock_.Advance(minutes(61));
  EXPECT_FALSE(Must(Read([&](Tx& tx) {
                 return repos_.auth->FindLiveAccessToken(tx, "at-1", Now());
               })).has_value());
  Must(Write([&](Tx& tx) {
    return repos_.auth->CreateAccessToken(tx, NewAccess("at-2", u.id, r.family_id, Now()));
  }));
  auto latest =
      Must(Read([&](Tx& tx) { return repos_.auth->FindLatestFamilyAccessToken(tx, r.family_id); }));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->token_hash, "at-2");

  EXPECT_EQ(
      Must(Write([&](Tx& tx) { return repos_.auth->RevokeRefreshFamily(tx, r.family_id, Now()); })),
      1);
  EXPECT_FALSE(Must(Read([&](Tx& tx) {
                 return repos_.auth->FindLiveAccessToken(tx, "at-2", Now());
               })).has_value());
  auto all = Must(Read([&](Tx& tx) { return repos_.auth->ListUserAccessTokens(tx, u.id); }));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[1].revoked_at.has_value());
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.auth->ListUserRefreshTokens(tx, u.id); })).size(),
            1u);
}

TEST_P(AuthRepositoryTest, RevokingAUsersRefreshTokensRevokesTheirAccessTokens) {
  auto u = NewUser("all@acme.example");
  auto other = NewUser("other@acme.example");
  Must(Write([&](Tx& tx) {
    return repos_.auth->CreateAccessToken(tx, NewAccess("u-1", u.id, "fam-1", Now()));
  }));
  Must(Write([&](Tx& tx) {
    return repos_.auth->CreateAccessToken(tx, NewAccess("u-2", u.id, "fam-2", Now()));
  }));
  Must(Write([&](Tx& tx) {
    return repos_.auth->CreateAccessToken(tx, NewAccess("o-1", other.id, "fam-3", Now()));
  }));
  Must(Write([&](Tx& tx) { return repos_.auth->RevokeUserRefreshTokens(tx, u.id, Now()); }));
  for (const char* hash : {"u-1", "u-2"}) {
    EXPECT_FALSE(Must(Read([&](Tx& tx) {
                   return repos_.auth->FindLiveAccessToken(tx, hash, Now());
                 })).has_value())
        << hash;
  }
  EXPECT_TRUE(Must(Read([&](Tx& tx) {
                return repos_.auth->FindLiveAccessToken(tx, "o-1", Now());
              })).has_value());
}

TEST_P(AuthRepositoryTest, DeletingAUsersCredentialsLeavesOthersAlone) {
  auto c = NewCustomer();
  auto u = NewUser("gone@acme.example");
  Must(Write([&](Tx& tx) -> core::Result<void> {
    core::Session s;
    s.token_hash = "s-1";
    s.user_id = u.id;
    s.csrf_token = "csrf";
    s.ip = "192.0.2.1";
    s.created_at = s.last_seen_at = Now();
    s.idle_expires_at = s.absolute_expires_at = Now() + hours(1);
    SW_RETURN_IF_ERROR(repos_.auth->CreateSession(tx, s));
    s.id.clear();
    s.token_hash = "s-2";
    s.user_id = c.admin.id;
    SW_RETURN_IF_ERROR(repos_.auth->CreateSession(tx, s));
    core::ApiToken t;
    t.user_id = u.id;
    t.name = "ci";
    t.token_hash = "api-1";
    t.created_at = Now();
    SW_RETURN_IF_ERROR(repos_.auth->CreateApiToken(tx, t));
    core::Invitation inv;
    inv.team_id = c.team.id;
    inv.user_id = u.id;
    inv.token_hash = "inv-1";
    inv.created_at = Now();
    inv.expires_at = Now() + days(7);
    SW_RETURN_IF_ERROR(repos_.auth->CreateInvitation(tx, inv));
    SW_RETURN_IF_ERROR(repos_.auth->CreateAccessToken(tx, NewAccess("a-1", u.id, "f", Now())));
    return repos_.auth->ReplaceRecoveryCodes(tx, u.id, {"rc-1", "rc-2"}, Now());
  }));
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.auth->DeleteUserCredentials(tx, u.id); })), 6);
  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.auth->DeleteUserCredentials(tx, u.id); })), 0);
  EXPECT_TRUE(Must(Read([&](Tx& tx) { return repos_.auth->ListUserSessions(tx, u.id); })).empty());
  EXPECT_EQ(
      Must(Read([&](Tx& tx) { return repos_.auth->ListUserSessions(tx, c.admin.id); })).size(), 1u);
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.auth->CountUnusedRecoveryCodes(tx, u.id); })), 0);
}

SW_INSTANTIATE_BACKENDS(AuthRepositoryTest);

}  // namespace
}  // namespace seatwise::store
