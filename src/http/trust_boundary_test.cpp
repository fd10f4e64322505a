// The client address behind proxies, as the limits on guessing see it: the real API over a
// real database of each backend, served on 127.0.0.1:0, with X-Forwarded-For written as a
// client (and a proxy in front of it) would write it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/password.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "http/server_testing.hpp"
#include "service/assignments.hpp"
#include "service/audit_query.hpp"
#include "service/catalog.hpp"
#include "service/contracts.hpp"
#include "service/devices.hpp"
#include "service/downloads.hpp"
#include "service/entitlements.hpp"
#include "service/gdpr.hpp"
#include "service/identity.hpp"
#include "service/leases.hpp"
#include "service/orders.hpp"
#include "service/reports.hpp"
#include "service/resellers.hpp"
#include "service/roles.hpp"
#include "service/teams.hpp"
#include "service/tokens.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"
#include "store/repository_test_fixture.hpp"

namespace seatwise::http {
namespace {

using ::testing::HasSubstr;
using testing::RawConnection;
using testing::RawResponse;

constexpr std::string_view kPassword = "a long enough passphrase 7";
const std::string kFingerprint(64, 'a');

using Headers = std::vector<std::pair<std::string, std::string>>;

// The API of one `seatwise serve`, built as the composition root builds it.
struct Api {
  Api(service::Deps& deps, service::TokenOptions token_options, TrustedProxies trusted)
      : identity(deps, service::IdentityOptions{}),
        tokens(deps, std::move(token_options)),
        gdpr(deps),
        roles(deps),
        audit(deps),
        catalog(deps),
        users(deps, identity),
        orders(deps, identity, "http://127.0.0.1:8080"),
        teams(deps, "http://127.0.0.1:8080"),
        resellers(deps, "http://127.0.0.1:8080"),
        contracts(deps, identity, "http://127.0.0.1:8080"),
        assignments(deps, identity, "http://127.0.0.1:8080"),
        entitlements(deps, service::EntitlementOptions{}),
        leases(deps, entitlements),
        devices(deps),
        reports(deps),
        webhooks(deps, service::WebhookOptions{}),
        downloads(deps),
        authenticator(CredentialCheckFor(identity, tokens, entitlements),
                      AuthOptions{.trusted_proxies = std::move(trusted)}),
        services{.identity = identity,
                 .tokens = tokens,
                 .gdpr = gdpr,
                 .roles = roles,
                 .audit = audit,
                 .users = users,
                 .catalog = catalog,
                 .orders = orders,
                 .teams = teams,
                 .resellers = resellers,
                 .contracts = contracts,
                 .assignments = assignments,
                 .entitlements = entitlements,
                 .leases = leases,
                 .devices = devices,
                 .reports = reports,
                 .webhooks = webhooks,
                 .downloads = downloads,
                 .auth = authenticator,
                 .public_url = "http://127.0.0.1:8080"} {}

  service::IdentityService identity;
  service::TokenService tokens;
  service::GdprService gdpr;
  service::RoleService roles;
  service::AuditQueryService audit;
  service::CatalogService catalog;
  service::UserService users;
  service::OrderService orders;
  service::TeamService teams;
  service::ResellerService resellers;
  service::ContractService contracts;
  service::AssignmentService assignments;
  service::EntitlementService entitlements;
  service::LeaseService leases;
  service::DeviceService devices;
  service::ReportService reports;
  service::WebhookService webhooks;
  service::DownloadService downloads;
  Authenticator authenticator;
  ApiServices services;
};

class TrustBoundaryTest : public store::RepositoryTest {
 protected:
  void TearDown() override {
    if (server_) server_->Shutdown();
    if (run_.valid()) run_.wait();
    server_.reset();
    api_.reset();
  }

  // Serves the API trusting `proxies` (this test connects from 127.0.0.1).
  void Start(std::vector<std::string> proxies, service::TokenOptions token_options = {}) {
    deps_ = std::make_unique<service::Deps>(service::Deps{*db_, repos_, clock_, random_});
    auto trusted = TrustedProxies::Parse(proxies);
    ASSERT_TRUE(trusted.ok());
    api_ = std::make_unique<Api>(*deps_, std::move(token_options), *trusted);
    ServerOptions options = testing::TestOptions();
    options.trusted_proxies = *trusted;
    server_ = std::make_unique<Server>(options, ServerDeps{*db_, clock_, {}});
    RegisterApiRoutes(server_->router(), api_->services);
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    run_ = std::async(std::launch::async, [this] { server_->Run(); });
  }

  RawResponse Call(std::string_view method, std::string_view target, const Headers& headers,
                   std::string_view body = "", std::string_view type = "application/json") {
    std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n";
    for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
    if (!body.empty()) text += "Content-Type: " + std::string(type) + "\r\n";
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
    RawConnection connection(port_);
    EXPECT_TRUE(connection.Send(text));
    auto response = connection.ReadResponse();
    EXPECT_TRUE(response) << method << " " << target << " got no answer";
    return response.value_or(RawResponse{});
  }

  static Headers From(std::string forwarded_for) {
    return {{"X-Forwarded-For", std::move(forwarded_for)}};
  }

  RawResponse WrongSerial(const Headers& headers) {
    return Call("POST", "/api/v1/client/serial-activations", headers,
                R"({"serial_number":"123-45678901","product_key":"NOPE-NOPE","product":"ACD",)"
                R"("fingerprint":")" +
                    kFingerprint + R"(","asset_name":"PC-1"})");
  }

  // An active person who can sign in with kPassword.
  core::User Person(const std::string& email) {
    static const std::string hash = crypto::HashPassword(kPassword).value();
    core::User user = NewUser(email);
    user.password_hash = hash;
    store::Must(Write([&](store::Tx& tx) { return repos_.users->Update(tx, user); }));
    return user;
  }

  struct Session {
    std::string cookie;
    std::string csrf;
  };

  // Signs `email` in from `forwarded_for` (through the proxy at 127.0.0.1).
  Session SignIn(const std::string& email, const std::string& forwarded_for) {
    RawResponse signed_in = Call("POST", "/api/v1/auth/sign-in", From(forwarded_for),
                                 boost::json::serialize(boost::json::object{
                                     {"email", email}, {"password", std::string(kPassword)}}));
    EXPECT_EQ(signed_in.status, 200) << signed_in.body;
    Session session;
    for (const auto& [name, value] : signed_in.headers) {
      if (name != "set-cookie") continue;
      std::string pair = value.substr(0, value.find(';'));
      if (pair.starts_with("sw_session=")) session.cookie = pair;
      if (pair.starts_with("sw_csrf=")) session.csrf = pair.substr(8);
    }
    return session;
  }

  RawResponse Approve(const Session& session, const std::string& forwarded_for,
                      const std::string& user_code) {
    Headers headers = From(forwarded_for);
    headers.emplace_back("Cookie", session.cookie);
    headers.emplace_back("X-CSRF-Token", session.csrf);
    return Call("POST", "/api/v1/oauth/device/approve", headers,
                boost::json::serialize(boost::json::object{{"user_code", user_code}}));
  }

  std::string StartDevice() {
    RawResponse started = Call("POST", "/api/v1/oauth/device_authorization", {},
                               "client_id=desktop", "application/x-www-form-urlencoded");
    EXPECT_EQ(started.status, 200) << started.body;
    if (started.status != 200) return "";
    return std::string(boost::json::parse(started.body).at("user_code").as_string());
  }

  // The i-th of some codes shaped like user codes, none of them `real`.
  static std::string WrongCode(int i, const std::string& real) {
    static constexpr std::string_view kLetters = "BCDFGHJKLMNPQRSTVWXZ";
    std::string code = "BBBB-BB" + std::string(1, kLetters[i % 20]) + "B";
    if (code == real) code[0] = 'C';
    return code;
  }

  std::vector<core::AuditEntry> Audit(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return store::Must(Read([&](store::Tx& tx) {
             return repos_.audit->List(tx, filter, store::PageRequest{"", 1000});
           }))
        .items;
  }

  std::unique_ptr<service::Deps> deps_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  std::future<void> run_;
  std::uint16_t port_ = 0;
};

TEST_P(TrustBoundaryTest, ASpoofedForwardedForBehindTheProxyStillCountsTheRealClient) {
  Start({"127.0.0.1"});
  // The client writes its own X-Forwarded-For; the proxy appends the address it saw.
  for (int i = 1; i <= 10; ++i) {
    RawResponse refused = WrongSerial(From("198.51.100." + std::to_string(i) + ", 203.0.113.5"));
    EXPECT_NE(refused.status, 429) << "attempt " << i << ": " << refused.body;
  }
  RawResponse limited = WrongSerial(From("198.51.100.99, 203.0.113.5"));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.Header("retry-after").empty());
  // Another client behind the same proxy is not held back.
  EXPECT_NE(WrongSerial(From("203.0.113.6")).status, 429);

  // The audit log names the real client, never the address the client wrote.
  auto entries = Audit("activation.serial_create");
  ASSERT_GE(entries.size(), 11u);
  for (const auto& entry : entries) {
    EXPECT_THAT(entry.ip, ::testing::AnyOf("203.0.113.5", "203.0.113.6"));
  }
}

TEST_P(TrustBoundaryTest, AForwardedForFromAnUntrustedPeerChangesNothing) {
  Start({"10.0.0.0/8"});  // the test's own address, 127.0.0.1, is no proxy
  for (int i = 1; i <= 10; ++i) {
    RawResponse refused = WrongSerial(From("198.51.100." + std::to_string(i)));
    EXPECT_NE(refused.status, 429) << "attempt " << i;
  }
  EXPECT_EQ(WrongSerial(From("192.0.2.200")).status, 429);
  for (const auto& entry : Audit("activation.serial_create")) EXPECT_EQ(entry.ip, "127.0.0.1");
}

TEST_P(TrustBoundaryTest, DeviceCodeGuessingOnTheTokenEndpointIsLimitedPerRealClient) {
  service::TokenOptions options;
  options.token_requests_per_ip = {5, std::chrono::minutes(1)};
  Start({"127.0.0.1"}, options);
  auto poll = [&](const std::string& forwarded_for, int i) {
    return Call("POST", "/api/v1/oauth/token", From(forwarded_for),
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id="
                "desktop&device_code=swd_guess" +
                    std::to_string(i),
                "application/x-www-form-urlencoded");
  };
  for (int i = 0; i < 5; ++i) {
    RawResponse guess = poll("198.51.100." + std::to_string(i) + ", 203.0.113.5", i);
    EXPECT_THAT(guess.body, HasSubstr("invalid_grant")) << i;
  }
  RawResponse limited = poll("198.51.100.77, 203.0.113.5", 77);
  EXPECT_THAT(limited.body, HasSubstr("slow_down"));
  EXPECT_THAT(poll("203.0.113.6", 78).body, HasSubstr("invalid_grant"));
}

TEST_P(TrustBoundaryTest, TheDeviceAuthorizationLimitAnswers429WithRetryAfter) {
  service::TokenOptions options;
  options.device_authorizations_per_ip = {2, std::chrono::minutes(1)};
  Start({}, options);
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(StartDevice().empty());
  RawResponse limited = Call("POST", "/api/v1/oauth/device_authorization", From("198.51.100.1"),
                             "client_id=desktop", "application/x-www-form-urlencoded");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("content-type"), "application/problem+json");
  EXPECT_GE(std::atoi(limited.Header("retry-after").c_str()), 1);
}

TEST_P(TrustBoundaryTest, WrongDeviceCodesAreLimitedPerAddressAndPerPerson) {
  Start({"127.0.0.1"});
  Person("ann@contoso.example");
  Person("bob@contoso.example");
  const std::string user_code = StartDevice();
  ASSERT_FALSE(user_code.empty());
  Session ann = SignIn("ann@contoso.example", "203.0.113.5");

  for (int i = 0; i < 10; ++i) {
    RawResponse wrong =
        Approve(ann, "198.51.100." + std::to_string(i) + ", 203.0.113.5", WrongCode(i, user_code));
    EXPECT_EQ(wrong.status, 404) << i << ": " << wrong.body;
  }
  // The eleventh try is refused before any code is looked up, even the right one.
  RawResponse limited = Approve(ann, "203.0.113.5", user_code);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_GE(std::atoi(limited.Header("retry-after").c_str()), 1);
  // The device page refuses too.
  Headers page = From("203.0.113.5");
  page.emplace_back("Cookie", ann.cookie);
  EXPECT_EQ(Call("GET", "/device?user_code=" + user_code, page).status, 429);
  // So does the same person from another address.
  EXPECT_EQ(Approve(ann, "203.0.113.7", user_code).status, 429);

  // Someone else elsewhere is not held back.
  Session bob = SignIn("bob@contoso.example", "203.0.113.6");
  EXPECT_EQ(Approve(bob, "203.0.113.6", user_code).status, 204);
  // The refusals are audited with the address of the real client.
  bool refused_ann_audited = false;
  for (const auto& entry : Audit("device.approve")) {
    if (entry.outcome == core::AuditOutcome::kDenied && entry.ip == "203.0.113.5") {
      refused_ann_audited = true;
    }
  }
  EXPECT_TRUE(refused_ann_audited);
}

TEST_P(TrustBoundaryTest, WrongDeviceCodesAreBoundedForTheWholeInstance) {
  service::TokenOptions options;
  options.wrong_user_codes_per_instance = {4, std::chrono::minutes(1)};
  Start({"127.0.0.1"}, options);
  Person("ann@contoso.example");
  Person("bob@contoso.example");
  const std::string user_code = StartDevice();
  Session ann = SignIn("ann@contoso.example", "203.0.113.5");
  Session bob = SignIn("bob@contoso.example", "203.0.113.6");
  EXPECT_EQ(Approve(ann, "203.0.113.5", WrongCode(0, user_code)).status, 404);
  EXPECT_EQ(Approve(ann, "203.0.113.5", WrongCode(1, user_code)).status, 404);
  EXPECT_EQ(Approve(bob, "203.0.113.6", WrongCode(2, user_code)).status, 404);
  EXPECT_EQ(Approve(bob, "203.0.113.6", WrongCode(3, user_code)).status, 404);
  // However many addresses and people guess, a pending code faces at most this many.
  RawResponse limited = Approve(bob, "203.0.113.8", user_code);
  EXPECT_EQ(limited.status, 429);
  EXPECT_THAT(limited.body, HasSubstr("on this server"));
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Approve(bob, "203.0.113.8", user_code).status, 204);
}

INSTANTIATE_TEST_SUITE_P(Backends, TrustBoundaryTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::http
