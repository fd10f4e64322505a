#include "http/auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace seatwise::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(CookieValueTest, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; sw_session=sws_abc; b=2", "sw_session"), "sws_abc");
  EXPECT_EQ(CookieValue("sw_session=sws_abc", "sw_session"), "sws_abc");
  EXPECT_EQ(CookieValue("  sw_session = \"sws_q\" ;x=y", "sw_session"), "sws_q");
}

TEST(CookieValueTest, IgnoresSimilarNamesAndMalformedPairs) {
  EXPECT_EQ(CookieValue("xsw_session=1; sw_session_old=2", "sw_session"), std::nullopt);
  EXPECT_EQ(CookieValue("sw_session; other=1", "sw_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "sw_session"), std::nullopt);
  EXPECT_EQ(CookieValue(";;;", "sw_session"), std::nullopt);
}

TEST(CookieValueTest, TheFirstOfDuplicatesWins) {
  EXPECT_EQ(CookieValue("sw_session=first; sw_session=second", "sw_session"), "first");
}

TEST(BearerCredentialTest, AcceptsTheBearerSchemeInAnyCase) {
  EXPECT_EQ(BearerCredential("Bearer swp_abc"), "swp_abc");
  EXPECT_EQ(BearerCredential("bearer   swa_x  "), "swa_x");
  EXPECT_EQ(BearerCredential("BEARER swp_1"), "swp_1");
}

TEST(BearerCredentialTest, RefusesOtherSchemesAndMalformedCredentials) {
  EXPECT_EQ(BearerCredential("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(BearerCredential("Bearer"), std::nullopt);
  EXPECT_EQ(BearerCredential("Bearer "), std::nullopt);
  EXPECT_EQ(BearerCredential("Bearer a b"), std::nullopt);
  EXPECT_EQ(BearerCredential("Bearer a,b"), std::nullopt);
  EXPECT_EQ(BearerCredential("Bearerswp_x"), std::nullopt);
}

TEST(ParseFormTest, DecodesPlusAndPercentEscapes) {
  auto fields = ParseForm("grant_type=urn%3Aietf%3Aparams&client_id=my+app&empty=&flag");
  ASSERT_TRUE(fields.ok());
  EXPECT_THAT(*fields,
              ElementsAre(Pair("grant_type", "urn:ietf:params"), Pair("client_id", "my app"),
                          Pair("empty", ""), Pair("flag", "")));
}

TEST(ParseFormTest, SkipsEmptyPairs) {
  auto fields = ParseForm("&a=1&&b=2&");
  ASSERT_TRUE(fields.ok());
  EXPECT_THAT(*fields, ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

TEST(ParseFormTest, RefusesMalformedEscapes) {
  for (const char* body : {"a=%", "a=%4", "a=%zz", "%g1=x"}) {
    auto fields = ParseForm(body);
    ASSERT_FALSE(fields.ok()) << body;
    EXPECT_EQ(fields.error().code, core::ErrorCode::kInvalidArgument);
  }
}

Request RequestFrom(std::string remote, std::vector<HeaderField> headers,
                    Method method = Method::kGet, std::string body = "") {
  Request request;
  request.method = method;
  request.SetTarget("/x");
  request.remote = std::move(remote);
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.request_id = "req1";
  return request;
}

TEST(SessionCookiesTest, SessionCookieIsHttpOnlyLaxAndSecureOnlyOverHttps) {
  auto plain = SessionCookies("sws_a", "swc_b", false);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0], "sw_session=sws_a; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_THAT(plain[1], HasSubstr("sw_csrf=swc_b"));
  EXPECT_THAT(plain[1], ::testing::Not(HasSubstr("HttpOnly")));
  auto secure = SessionCookies("sws_a", "swc_b", true);
  EXPECT_EQ(secure[0], "sw_session=sws_a; Path=/; Secure; HttpOnly; SameSite=Lax");
  auto cleared = ClearedSessionCookies(false);
  EXPECT_THAT(cleared[0], HasSubstr("sw_session=; Path=/; Max-Age=0"));
}

// A fake credential check recording what the authenticator asked.
struct Recorded {
  std::string session;
  std::string csrf;
  bool state_changing = false;
  std::string bearer;
  std::string ip;
};

Authenticator FakeAuthenticator(Recorded& seen, std::vector<std::string> proxies = {}) {
  CredentialCheck check;
  check.session = [&seen](std::string_view session, std::string_view csrf, bool state_changing,
                          const service::RequestMeta& meta) -> core::Result<service::Principal> {
    seen.session = session;
    seen.csrf = csrf;
    seen.state_changing = state_changing;
    seen.ip = meta.ip;
    if (session != "sws_good") {
      return core::MakeError(core::ErrorCode::kUnauthenticated, "session expired");
    }
    if (state_changing && csrf != "swc_good") {
      return core::MakeError(core::ErrorCode::kPermissionDenied, "CSRF token missing or wrong");
    }
    return service::Principal{service::AuthMethod::kSession, "usr_1", false, {}, "ses_1", true, {}};
  };
  check.bearer = [&seen](std::string_view token,
                         const service::RequestMeta&) -> core::Result<service::Principal> {
    seen.bearer = token;
    if (token != "swp_good") return core::MakeError(core::ErrorCode::kUnauthenticated, "revoked");
    return service::Principal{
        service::AuthMethod::kApiToken, "usr_2", false, {}, "tok_1", false, {}};
  };
  check.device = [&seen](std::string_view token,
                         const service::RequestMeta&) -> core::Result<service::Principal> {
    seen.bearer = token;
    if (token != "swm_good") return core::MakeError(core::ErrorCode::kUnauthenticated, "replaced");
    service::Principal principal;
    principal.method = service::AuthMethod::kDevice;
    principal.device_id = "dev_1";
    return principal;
  };
  auto trusted = TrustedProxies::Parse(proxies);
  EXPECT_TRUE(trusted.ok());
  return Authenticator(std::move(check), AuthOptions{.trusted_proxies = *trusted});
}

TEST(AuthenticatorTest, NoCredentialsIsAnonymous) {
  Recorded seen;
  auto caller = FakeAuthenticator(seen).Resolve(RequestFrom("1.2.3.4:5", {}));
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->principal.authenticated());
  EXPECT_EQ(caller->meta.ip, "1.2.3.4");
  EXPECT_EQ(caller->meta.request_id, "req1");
}

TEST(AuthenticatorTest, SessionCookieWithCsrfOnStateChanges) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  auto get = auth.Resolve(RequestFrom("1.2.3.4:5", {{"Cookie", "sw_session=sws_good"}}));
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->principal.user_id, "usr_1");
  EXPECT_FALSE(seen.state_changing);

  auto post = auth.Resolve(
      RequestFrom("1.2.3.4:5", {{"Cookie", "sw_session=sws_good"}, {"X-CSRF-Token", "swc_good"}},
                  Method::kPost));
  ASSERT_TRUE(post.ok());
  EXPECT_TRUE(seen.state_changing);
  EXPECT_EQ(seen.csrf, "swc_good");

  auto missing =
      auth.Resolve(RequestFrom("1.2.3.4:5", {{"Cookie", "sw_session=sws_good"}}, Method::kDelete));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(auth.Refuse(RequestFrom("1.2.3.4:5", {}), missing.error()).status, 403);
}

TEST(AuthenticatorTest, FormPostsMayCarryTheCsrfTokenAsAField) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  auto post = auth.Resolve(RequestFrom(
      "1.2.3.4:5",
      {{"Cookie", "sw_session=sws_good"}, {"Content-Type", "application/x-www-form-urlencoded"}},
      Method::kPost, "user_code=ABCD-EFGH&csrf_token=swc_good"));
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(seen.csrf, "swc_good");
}

TEST(AuthenticatorTest, BearerTokenWinsOverTheCookie) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  auto caller = auth.Resolve(RequestFrom(
      "1.2.3.4:5", {{"Cookie", "sw_session=sws_good"}, {"Authorization", "Bearer swp_good"}}));
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->principal.user_id, "usr_2");
  EXPECT_EQ(seen.session, "");
}

TEST(AuthenticatorTest, BadBearerIs401WithWwwAuthenticate) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  for (const char* header : {"Bearer swp_bad", "Bearer sws_session_token", "Basic abc"}) {
    auto request = RequestFrom("1.2.3.4:5", {{"Authorization", header}});
    auto caller = auth.Resolve(request);
    ASSERT_FALSE(caller.ok()) << header;
    Response response = auth.Refuse(request, caller.error());
    EXPECT_EQ(response.status, 401) << header;
    bool found = false;
    for (const auto& [name, value] : response.headers) {
      if (name == "WWW-Authenticate") {
        found = true;
        EXPECT_THAT(value, HasSubstr("invalid_token"));
      }
    }
    EXPECT_TRUE(found) << header;
  }
  EXPECT_EQ(seen.bearer, "swp_bad");  // only API/access token prefixes reach the service
}

TEST(AuthenticatorTest, AuthenticatedHandlersRefuseAnonymousCallers) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  bool ran = false;
  Handler handler = auth.Authenticated([&ran](const Request&, const service::Caller&) {
    ran = true;
    return Response{};
  });
  Response response = handler(RequestFrom("1.2.3.4:5", {}));
  EXPECT_EQ(response.status, 401);
  EXPECT_FALSE(ran);
  EXPECT_EQ(handler(RequestFrom("1.2.3.4:5", {{"Authorization", "Bearer swp_good"}})).status, 200);
  EXPECT_TRUE(ran);
}

TEST(AuthenticatorTest, ADeviceCredentialOpensOnlyTheRoutesThatAcceptIt) {
  Recorded seen;
  Authenticator auth = FakeAuthenticator(seen);
  std::string device_seen;
  auto record = [&device_seen](const Request&, const service::Caller& caller) {
    device_seen = caller.principal.device_id;
    return Response{};
  };
  Handler user_only = auth.Authenticated(record);
  Handler client = auth.UserOrDevice(record);
  const Request by_device = RequestFrom("1.2.3.4:5", {{"Authorization", "Bearer swm_good"}});

  Response refused = user_only(by_device);
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("device credential"), std::string::npos) << refused.body;
  EXPECT_EQ(device_seen, "");
  EXPECT_TRUE(seen.bearer.empty()) << "the device check must not run for a user-only route";

  EXPECT_EQ(client(by_device).status, 200);
  EXPECT_EQ(device_seen, "dev_1");
  EXPECT_EQ(seen.bearer, "swm_good");
  EXPECT_EQ(client(RequestFrom("1.2.3.4:5", {{"Authorization", "Bearer swm_bad"}})).status, 401);
  EXPECT_EQ(client(RequestFrom("1.2.3.4:5", {})).status, 401);
  device_seen = "unset";
  EXPECT_EQ(client(RequestFrom("1.2.3.4:5", {{"Authorization", "Bearer swp_good"}})).status, 200);
  EXPECT_EQ(device_seen, "") << "a user's token is not a device";
}

TEST(AuthenticatorTest, MetaUsesTheForwardedAddressOnlyBehindATrustedProxy) {
  Recorded seen;
  auto request = RequestFrom(
      "10.0.0.1:5", {{"X-Forwarded-For", "198.51.100.4"}, {"User-Agent", "seatwise-cli/0.1"}});
  EXPECT_EQ(FakeAuthenticator(seen).Meta(request).ip, "10.0.0.1");
  EXPECT_EQ(FakeAuthenticator(seen, {"10.0.0.2"}).Meta(request).ip, "10.0.0.1");
  auto meta = FakeAuthenticator(seen, {"10.0.0.0/8"}).Meta(request);
  EXPECT_EQ(meta.ip, "198.51.100.4");
  EXPECT_EQ(meta.user_agent, "seatwise-cli/0.1");
}

}  // namespace
}  // namespace seatwise::http
