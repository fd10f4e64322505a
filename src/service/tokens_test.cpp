#include "service/tokens.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::service {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using store::Backend;

class TokenServiceTest : public store::RepositoryTest {
 protected:
  Caller SessionOf(const core::User& user) {
    Caller c;
    c.principal.method = AuthMethod::kSession;
    c.principal.user_id = user.id;
    c.principal.credential_id = "ses_test";
    c.meta.ip = "192.0.2.7";
    return c;
  }

  static const TokenResponse& Tokens(const TokenOutcome& outcome) {
    if (const auto* e = std::get_if<OAuthError>(&outcome)) {
      throw std::runtime_error("oauth error " + e->error + ": " + e->description);
    }
    return std::get<TokenResponse>(outcome);
  }

  static std::string ErrorOf(const TokenOutcome& outcome) {
    const auto* e = std::get_if<OAuthError>(&outcome);
    return e ? e->error : "tokens";
  }

  // Starts a device request and approves it as `user`; returns the device code.
  std::string ApprovedDevice(const core::User& user) {
    auto start = store::Must(tokens_->StartDeviceAuthorization({}, "desktop", "licenses"));
    EXPECT_TRUE(tokens_->ApproveDevice(SessionOf(user), start.user_code).ok());
    return start.device_code;
  }

  void SetUp() override {
    RepositoryTest::SetUp();
    deps_ = std::make_unique<Deps>(Deps{*db_, repos_, clock_, random_});
    tokens_ = std::make_unique<TokenService>(*deps_);
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<TokenService> tokens_;
};

TEST_P(TokenServiceTest, ApiTokenIsShownOnceListedWithoutSecretAndRevocable) {
  auto ann = NewUser("ann@acme.example");
  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "ci deploy", 30));
  EXPECT_TRUE(created.token.starts_with("swp_"));
  EXPECT_EQ(created.info.display_prefix, created.token.substr(0, 8));
  EXPECT_EQ(created.info.expires_at, Now() + days(30));

  auto listed = store::Must(tokens_->ListApiTokens(SessionOf(ann)));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "ci deploy");
  auto stored =
      store::Must(Read([&](store::Tx& tx) { return repos_.auth->ListApiTokens(tx, ann.id); }));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_NE(stored[0].token_hash, created.token);  // only the hash is kept

  auto principal = store::Must(tokens_->AuthenticateBearer(created.token, {}));
  EXPECT_EQ(principal.method, AuthMethod::kApiToken);
  EXPECT_EQ(principal.user_id, ann.id);
  EXPECT_EQ(principal.credential_id, created.info.id);

  auto duplicate = tokens_->CreateApiToken(SessionOf(ann), "ci deploy", 30);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, core::ErrorCode::kAlreadyExists);

  ASSERT_TRUE(tokens_->RevokeApiToken(SessionOf(ann), created.info.id).ok());
  auto refused = tokens_->AuthenticateBearer(created.token, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_NE(refused.error().message.find("create a new one"), std::string::npos);
  EXPECT_TRUE(store::Must(tokens_->ListApiTokens(SessionOf(ann))).empty());
}

TEST_P(TokenServiceTest, ApiTokenExpiresByTheClockAndValidatesItsInput) {
  auto ann = NewUser("ann@acme.example");
  EXPECT_EQ(tokens_->CreateApiToken(SessionOf(ann), "", 30).error().code,
            core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_->CreateApiToken(SessionOf(ann), std::string(101, 'x'), 30).error().code,
            core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_->CreateApiToken(SessionOf(ann), "x", 0).error().code,
            core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_->CreateApiToken(SessionOf(ann), "x", 366).error().code,
            core::ErrorCode::kInvalidArgument);

  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "short", 1));
  clock_.Advance(days(1) - minutes(1));
  EXPECT_TRUE(tokens_->AuthenticateBearer(created.token, {}).ok());
  clock_.Advance(minutes(2));
  EXPECT_EQ(tokens_->AuthenticateBearer(created.token, {}).error().code,
            core::ErrorCode::kUnauthenticated);
  auto listed = store::Must(tokens_->ListApiTokens(SessionOf(ann)));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].expired);
  // The expired token's name can be used again.
  EXPECT_TRUE(tokens_->CreateApiToken(SessionOf(ann), "short", 1).ok());
}

TEST_P(TokenServiceTest, LastUseIsRecordedAtMostOnceAMinute) {
  auto ann = NewUser("ann@acme.example");
  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "cli", 30));
  auto last_used = [&] {
    auto tokens = store::Must(tokens_->ListApiTokens(SessionOf(ann)));
    return tokens.at(0).last_used_at;
  };
  ASSERT_TRUE(tokens_->AuthenticateBearer(created.token, {}).ok());
  const auto first = last_used();
  ASSERT_TRUE(first.has_value());
  clock_.Advance(seconds(30));
  ASSERT_TRUE(tokens_->AuthenticateBearer(created.token, {}).ok());
  EXPECT_EQ(last_used(), first);
  clock_.Advance(seconds(31));
  ASSERT_TRUE(tokens_->AuthenticateBearer(created.token, {}).ok());
  EXPECT_EQ(last_used(), Now());
}

TEST_P(TokenServiceTest, ATokenMintsNoLongerLivedTokensAndOthersTokensAreConcealed) {
  auto ann = NewUser("ann@acme.example");
  auto bob = NewUser("bob@acme.example");
  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "cli", 30));
  Caller by_token{store::Must(tokens_->AuthenticateBearer(created.token, {})), {}};
  auto minted = tokens_->CreateApiToken(by_token, "another", 300);
  ASSERT_TRUE(minted.ok()) << minted.error().message;
  ASSERT_TRUE(minted->info.expires_at.has_value());
  EXPECT_EQ(*minted->info.expires_at, Now() + std::chrono::days(30));
  Caller desktop;
  desktop.principal.method = AuthMethod::kAccessToken;
  desktop.principal.user_id = ann.id;
  auto from_desktop = tokens_->CreateApiToken(desktop, "desktop", 30);
  ASSERT_FALSE(from_desktop.ok());
  EXPECT_EQ(from_desktop.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_EQ(tokens_->CreateApiToken(Caller{}, "anon", 30).error().code,
            core::ErrorCode::kUnauthenticated);

  auto steal = tokens_->RevokeApiToken(SessionOf(bob), created.info.id);
  ASSERT_FALSE(steal.ok());
  EXPECT_EQ(steal.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_TRUE(steal.error().conceal_existence);
  EXPECT_TRUE(tokens_->AuthenticateBearer(created.token, {}).ok());
  auto denied = store::Must(Read([&](store::Tx& tx) {
    store::AuditFilter filter;
    filter.actor_id = bob.id;
    return repos_.audit->List(tx, filter, {"", 10});
  }));
  ASSERT_EQ(denied.items.size(), 1u);
  EXPECT_EQ(denied.items[0].outcome, core::AuditOutcome::kDenied);
}

TEST_P(TokenServiceTest, RemovedOrErasedUsersNeverAuthenticate) {
  auto ann = NewUser("ann@acme.example");
  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "cli", 30));
  ann.status = core::UserStatus::kRemoved;
  store::Must(Write([&](store::Tx& tx) { return repos_.users->Update(tx, ann); }));
  EXPECT_EQ(tokens_->AuthenticateBearer(created.token, {}).error().code,
            core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(tokens_->AuthenticateBearer("swx_garbage", {}).error().code,
            core::ErrorCode::kUnauthenticated);
}

TEST_P(TokenServiceTest, TokenEndpointsAreBoundedPerClientAddress) {
  TokenOptions options;
  options.device_authorizations_per_ip = {2, std::chrono::minutes(1)};
  options.token_requests_per_ip = {3, std::chrono::minutes(1)};
  TokenService bounded(*deps_, options);
  Caller office;
  office.meta.ip = "192.0.2.7";
  ASSERT_TRUE(bounded.StartDeviceAuthorization(office, "desktop", "").ok());
  ASSERT_TRUE(bounded.StartDeviceAuthorization(office, "desktop", "").ok());
  auto third = bounded.StartDeviceAuthorization(office, "desktop", "");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, core::ErrorCode::kRateLimited);
  EXPECT_GE(third.error().retry_after_seconds, 1);
  Caller elsewhere;
  elsewhere.meta.ip = "198.51.100.1";
  EXPECT_TRUE(bounded.StartDeviceAuthorization(elsewhere, "desktop", "").ok());

  for (int i = 0; i < 3; ++i) {
    auto answered = bounded.RefreshAccessToken("swr_unknown", "desktop", office.meta);
    ASSERT_TRUE(answered.ok());  // an OAuth error (invalid_grant), not a refusal
  }
  auto refused = bounded.RefreshAccessToken("swr_unknown", "desktop", office.meta);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kRateLimited);
  auto poll = bounded.PollDeviceToken("swd_unknown", "desktop", office.meta);
  ASSERT_FALSE(poll.ok());
  EXPECT_EQ(poll.error().code, core::ErrorCode::kRateLimited);

  clock_.Advance(std::chrono::minutes(1));
  EXPECT_TRUE(bounded.RefreshAccessToken("swr_unknown", "desktop", office.meta).ok());
  EXPECT_TRUE(bounded.StartDeviceAuthorization(office, "desktop", "").ok());
}

TEST_P(TokenServiceTest, DeviceFlowRunsEndToEnd) {
  auto ann = NewUser("ann@acme.example");
  auto start = store::Must(tokens_->StartDeviceAuthorization({}, "desktop", "licenses"));
  EXPECT_TRUE(start.device_code.starts_with("swd_"));
  ASSERT_EQ(start.user_code.size(), 9u);
  EXPECT_EQ(start.user_code[4], '-');
  for (char c : start.user_code) {
    if (c != '-') {
      EXPECT_NE(std::string_view("BCDFGHJKLMNPQRSTVWXZ").find(c), std::string::npos);
    }
  }
  EXPECT_EQ(start.verification_uri, "http://127.0.0.1:8080/device");
  EXPECT_EQ(start.verification_uri_complete,
            "http://127.0.0.1:8080/device?user_code=" + start.user_code);
  EXPECT_EQ(start.interval, 5);
  EXPECT_EQ(start.expires_in, 600);

  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"))),
            "authorization_pending");
  clock_.Advance(seconds(2));
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"))),
            "slow_down");
  clock_.Advance(seconds(6));  // the interval is now 10 s
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"))),
            "slow_down");
  clock_.Advance(seconds(16));
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"))),
            "authorization_pending");

  // Lower case and without the dash, as people type it.
  std::string typed = start.user_code.substr(0, 4) + start.user_code.substr(5);
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto pending = store::Must(tokens_->DescribeDevice(SessionOf(ann), typed));
  EXPECT_EQ(pending.client_id, "desktop");
  ASSERT_TRUE(tokens_->ApproveDevice(SessionOf(ann), typed).ok());

  clock_.Advance(seconds(30));
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "other-client"))),
            "invalid_grant");
  auto outcome = store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"));
  const auto& tokens = Tokens(outcome);
  EXPECT_TRUE(tokens.access_token.starts_with("swa_"));
  EXPECT_TRUE(tokens.refresh_token.starts_with("swr_"));
  EXPECT_EQ(tokens.token_type, "Bearer");
  EXPECT_EQ(tokens.expires_in, 3600);
  EXPECT_EQ(tokens.scope, "licenses");

  auto principal = store::Must(tokens_->AuthenticateBearer(tokens.access_token, {}));
  EXPECT_EQ(principal.method, AuthMethod::kAccessToken);
  EXPECT_EQ(principal.user_id, ann.id);
  EXPECT_FALSE(principal.credential_id.empty());

  clock_.Advance(seconds(30));
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(start.device_code, "desktop"))),
            "invalid_grant");  // exchanged once

  clock_.Advance(minutes(61));
  EXPECT_EQ(tokens_->AuthenticateBearer(tokens.access_token, {}).error().code,
            core::ErrorCode::kUnauthenticated);
}

TEST_P(TokenServiceTest, DeviceCodesExpireAndCanBeDenied) {
  auto ann = NewUser("ann@acme.example");
  auto late = store::Must(tokens_->StartDeviceAuthorization({}, "desktop", ""));
  clock_.Advance(minutes(11));
  EXPECT_EQ(tokens_->ApproveDevice(SessionOf(ann), late.user_code).error().code,
            core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(late.device_code, "desktop"))),
            "expired_token");

  auto denied = store::Must(tokens_->StartDeviceAuthorization({}, "desktop", ""));
  ASSERT_TRUE(tokens_->DenyDevice(SessionOf(ann), denied.user_code).ok());
  EXPECT_EQ(ErrorOf(store::Must(tokens_->PollDeviceToken(denied.device_code, "desktop"))),
            "access_denied");
  EXPECT_EQ(tokens_->ApproveDevice(SessionOf(ann), "BBBB-BBBB").error().code,
            core::ErrorCode::kNotFound);
  EXPECT_EQ(tokens_->ApproveDevice(SessionOf(ann), "not a code").error().code,
            core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_->StartDeviceAuthorization({}, "", "").error().code,
            core::ErrorCode::kInvalidArgument);

  // Approval needs a portal session, not a token.
  auto created = store::Must(tokens_->CreateApiToken(SessionOf(ann), "cli", 30));
  auto again = store::Must(tokens_->StartDeviceAuthorization({}, "desktop", ""));
  Caller by_token{store::Must(tokens_->AuthenticateBearer(created.token, {})), {}};
  EXPECT_EQ(tokens_->ApproveDevice(by_token, again.user_code).error().code,
            core::ErrorCode::kPermissionDenied);
}

TEST_P(TokenServiceTest, RefreshRotatesAndAReplayRevokesTheFamily) {
  auto ann = NewUser("ann@acme.example");
  auto first = Tokens(store::Must(tokens_->PollDeviceToken(ApprovedDevice(ann), "desktop")));
  auto second = Tokens(store::Must(tokens_->RefreshAccessToken(first.refresh_token, "desktop")));
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_NE(second.access_token, first.access_token);
  EXPECT_EQ(second.scope, "licenses");
  EXPECT_TRUE(tokens_->AuthenticateBearer(second.access_token, {}).ok());
  EXPECT_EQ(ErrorOf(store::Must(tokens_->RefreshAccessToken(second.refresh_token, "other"))),
            "invalid_grant");

  // The first refresh token is presented again: someone else holds a copy.
  EXPECT_EQ(ErrorOf(store::Must(tokens_->RefreshAccessToken(first.refresh_token, "desktop"))),
            "invalid_grant");
  EXPECT_EQ(tokens_->AuthenticateBearer(second.access_token, {}).error().code,
            core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(tokens_->AuthenticateBearer(first.access_token, {}).error().code,
            core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorOf(store::Must(tokens_->RefreshAccessToken(second.refresh_token, "desktop"))),
            "invalid_grant");
}

TEST_P(TokenServiceTest, RefreshTokensExpire) {
  auto ann = NewUser("ann@acme.example");
  auto tokens = Tokens(store::Must(tokens_->PollDeviceToken(ApprovedDevice(ann), "desktop")));
  clock_.Advance(days(31));
  EXPECT_EQ(ErrorOf(store::Must(tokens_->RefreshAccessToken(tokens.refresh_token, "desktop"))),
            "invalid_grant");
}

TEST_P(TokenServiceTest, RevokeUserTokensEndsRefreshAndAccessTokens) {
  auto ann = NewUser("ann@acme.example");
  auto bob = NewUser("bob@acme.example");
  auto anns = Tokens(store::Must(tokens_->PollDeviceToken(ApprovedDevice(ann), "desktop")));
  auto bobs = Tokens(store::Must(tokens_->PollDeviceToken(ApprovedDevice(bob), "desktop")));
  store::Must(Write([&](store::Tx& tx) { return tokens_->RevokeUserTokens(tx, ann.id); }));
  EXPECT_FALSE(tokens_->AuthenticateBearer(anns.access_token, {}).ok());
  EXPECT_EQ(ErrorOf(store::Must(tokens_->RefreshAccessToken(anns.refresh_token, "desktop"))),
            "invalid_grant");
  EXPECT_TRUE(tokens_->AuthenticateBearer(bobs.access_token, {}).ok());
}

TEST(UserCodeTest, NormalisesCaseAndDash) {
  EXPECT_EQ(NormaliseUserCode("wdjb-mjht"), "WDJB-MJHT");
  EXPECT_EQ(NormaliseUserCode(" WDJBMJHT "), "WDJB-MJHT");
  EXPECT_EQ(NormaliseUserCode("WDJB-MJH"), std::nullopt);
  EXPECT_EQ(NormaliseUserCode("WDJB-MJHA"), std::nullopt);  // vowels are not in the alphabet
}

SW_INSTANTIATE_BACKENDS(TokenServiceTest);

}  // namespace
}  // namespace seatwise::service
