#include "service/webhooks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/secret_box.hpp"
#include "fakes/fake_host_resolver.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/lifecycle.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

class WebhooksTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    key_.fill(3);
  }

  WebhookService Service(bool allow_loopback_http = false) {
    return WebhookService(deps(), {key_, allow_loopback_http, &resolver_});
  }

  static WebhookEndpointInput Input(std::string url, std::vector<std::string> events,
                                    std::optional<bool> enabled = std::nullopt) {
    WebhookEndpointInput input;
    input.url = std::move(url);
    input.events = std::move(events);
    input.enabled = enabled;
    return input;
  }

  WebhookWithSecret Create(const std::string& who, const core::Team& team,
                           const std::vector<std::string>& events, bool enabled = true) {
    return Must(Service().CreateEndpoint(
        As(who), team.id, Input("https://hooks.example.test/" + who, events, enabled)));
  }

  std::vector<core::WebhookDelivery> DeliveriesOf(const core::WebhookEndpoint& endpoint) {
    return Must(Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
             return repos_.webhooks->ListDeliveries(tx, endpoint.id, {"", store::kMaxPageSize});
           }))
        .items;
  }

  int Emit(const std::string& team_id, std::string_view event, const std::string& key = "") {
    return Must(db_->Transact<int>(store::TxMode::kWrite, [&](store::Tx& tx) {
      return EnqueueWebhookEvent(tx, deps(), team_id, event, R"({"n":1})", key);
    }));
  }

  std::array<std::uint8_t, 32> key_{};
  testing::FakeHostResolver resolver_;
};

TEST_P(WebhooksTest, OnlyTheTeamsPrimaryAndSecondaryAdminsManageWebhooks) {
  const auto created = Create("pa", team_, {"lease.denied"});
  auto service = Service();
  EXPECT_EQ(Must(service.ListEndpoints(As("sa"), team_.id)).size(), 1u);
  Must(service.UpdateEndpoint(As("sa"), team_.id, created.endpoint.id,
                              WebhookEndpointInput{std::nullopt, std::nullopt, false}));

  for (const char* who : {"user", "sc", "cm", "reseller", "operator", "other"}) {
    SCOPED_TRACE(who);
    auto listed = service.ListEndpoints(As(who), team_.id);
    ASSERT_FALSE(listed.ok());
    EXPECT_EQ(listed.error().code, ErrorCode::kPermissionDenied);
    EXPECT_FALSE(listed.error().conceal_existence);
    EXPECT_NE(listed.error().message.find("Primary Admin"), std::string::npos);
    auto made = service.CreateEndpoint(As(who), team_.id,
                                       Input("https://evil.example.test/", {"lease.denied"}));
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().code, ErrorCode::kPermissionDenied);
  }
  // Someone of another customer is told nothing exists.
  auto outsider = service.GetEndpoint(As("outsider"), team_.id, created.endpoint.id);
  ASSERT_FALSE(outsider.ok());
  EXPECT_TRUE(outsider.error().conceal_existence);
  // An admin of another team cannot reach this team's endpoint through their own team.
  auto cross = service.GetEndpoint(As("other"), team2_.id, created.endpoint.id);
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);

  EXPECT_EQ(Must(service.ListEndpoints(As("pa"), team_.id)).size(), 1u);
  const auto entries = AuditEntries();
  const auto denied = std::count_if(entries.begin(), entries.end(), [&](const auto& e) {
    return e.action == "webhook.create" && e.outcome == core::AuditOutcome::kDenied &&
           e.actor_id == Id("user");
  });
  EXPECT_EQ(denied, 1);
  const auto allowed = std::count_if(entries.begin(), entries.end(), [&](const auto& e) {
    return (e.action == "webhook.create" || e.action == "webhook.update") &&
           e.outcome == core::AuditOutcome::kAllowed;
  });
  EXPECT_EQ(allowed, 2);
}

TEST_P(WebhooksTest, EndpointsMustUseHttpsUnlessLoopbackHttpIsAllowed) {
  auto strict = Service(false);
  auto loopback = Service(true);
  for (const char* url : {"http://hooks.example.test/x", "ftp://hooks.example.test/x",
                          "hooks.example.test/x", "https://", "https://user:pw@hooks.example.test/",
                          "https://hooks.example.test/a b", "http://127.0.0.1.evil.test/"}) {
    SCOPED_TRACE(url);
    auto made = loopback.CreateEndpoint(As("pa"), team_.id, Input(url, {"lease.denied"}));
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
    ASSERT_EQ(made.error().fields.size(), 1u);
    EXPECT_EQ(made.error().fields[0].field, "url");
  }
  for (const char* url : {"http://127.0.0.1:8080/hook", "http://[::1]:9000/hook"}) {
    SCOPED_TRACE(url);
    auto refused = strict.CreateEndpoint(As("pa"), team_.id, Input(url, {"lease.denied"}));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(loopback.CreateEndpoint(As("pa"), team_.id, Input(url, {"lease.denied"})).ok());
  }
  auto unknown_event =
      strict.CreateEndpoint(As("pa"), team_.id, Input("https://hooks.example.test/", {"nope"}));
  ASSERT_FALSE(unknown_event.ok());
  EXPECT_EQ(unknown_event.error().fields.at(0).field, "events");
  auto no_events =
      strict.CreateEndpoint(As("pa"), team_.id, Input("https://hooks.example.test/", {}));
  ASSERT_FALSE(no_events.ok());
  EXPECT_EQ(no_events.error().fields.at(0).field, "events");
  EXPECT_TRUE(
      strict.CreateEndpoint(As("pa"), team_.id, Input("https://hooks.example.test/", {"test.ping"}))
          .ok());
}

TEST_P(WebhooksTest, EndpointsThatReachInsideAreRefusedInEverySpelling) {
  resolver_.Answer("intranet.example.test", {{"10.0.0.5"}});
  resolver_.Answer("metadata.example.test", {{"169.254.169.254"}});
  resolver_.Answer("v6.example.test", {{"fd12:3456::1"}});
  resolver_.Answer("mapped.example.test", {{"::ffff:127.0.0.1"}});
  // Every address counts, not only the first one a connection would try.
  resolver_.Answer("mixed.example.test", {{"93.184.216.34", "2606:4700::1", "192.168.0.10"}});
  // The test switch opens exactly 127.0.0.1 and [::1]: none of these, with it or without.
  for (const bool loopback_switch : {false, true}) {
    auto service = Service(loopback_switch);
    for (const char* url : {
             "https://127.0.0.2/",
             "https://2130706433/",
             "https://017700000001/",
             "https://0177.0.0.1/",
             "https://0x7f.0.0.1/",
             "https://0x7f000001/",
             "https://127.1/",
             "https://0x7f.1:8443/hook",
             "https://127.0.0.1./",
             "https://[::ffff:127.0.0.1]/",
             "https://[::ffff:7f00:1]/",
             "https://[0:0:0:0:0:0:0:1]/",
             "https://[::127.0.0.1]/",
             "https://10.0.0.1/",
             "https://012.0.0.1/",
             "https://172.16.5.4/",
             "https://192.168.1.1/",
             "https://0xc0a80101/",
             "https://169.254.169.254/latest/meta-data/",
             "https://[fe80::1]/",
             "https://[fe80::1%25eth0]/",
             "https://100.64.0.1/",
             "https://[fd00::1]/",
             "https://224.0.0.1/",
             "https://[ff02::1]/",
             "https://0.0.0.0/",
             "https://0/",
             "https://[::]/",
             "https://255.255.255.255/",
             "https://240.0.0.1/",
             "https://192.0.0.8/",
             "https://198.18.0.1/",
             "https://[64:ff9b::a00:1]/",
             "https://[2002:c0a8:101::1]/",
             "https://a@127.0.0.1/",
             "https://hooks.example.test@10.0.0.1/",
             "https://hooks.example.test:443@127.0.0.1/",
             "https://localhost/",
             "https://LOCALHOST./",
             "https://api.localhost/",
             "https://intranet.example.test/",
             "https://INTRANET.Example.Test./hook",
             "https://metadata.example.test/",
             "https://v6.example.test:8443/",
             "https://mapped.example.test/",
             "https://mixed.example.test/",
             "https://%31%32%37.0.0.1/",
             "https://[2606:4700::1%25eth0]/",  // a zone id has no meaning beyond a link
             "https://134744072/",              // public, but no two parsers read it alike
         }) {
      SCOPED_TRACE(std::string(url) + (loopback_switch ? " (loopback switch on)" : ""));
      auto made = service.CreateEndpoint(As("pa"), team_.id, Input(url, {"lease.denied"}));
      ASSERT_FALSE(made.ok());
      EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
      ASSERT_EQ(made.error().fields.size(), 1u);
      EXPECT_EQ(made.error().fields[0].field, "url");
    }
  }
  // Loopback itself only under the test switch, which a normal configuration never sets.
  for (const char* url : {"https://127.0.0.1/", "https://[::1]:8443/", "http://127.0.0.1:8080/"}) {
    SCOPED_TRACE(url);
    auto refused = Service(false).CreateEndpoint(As("pa"), team_.id, Input(url, {"test.ping"}));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().fields.at(0).field, "url");
    auto by_default =
        WebhookService(deps(), {}).CreateEndpoint(As("pa"), team_.id, Input(url, {"test.ping"}));
    ASSERT_FALSE(by_default.ok());
    EXPECT_TRUE(Service(true).CreateEndpoint(As("pa"), team_.id, Input(url, {"test.ping"})).ok());
  }

  // The admin is told why, in words that never name where an inside name resolves.
  auto spelled =
      Service().CreateEndpoint(As("pa"), team_.id, Input("https://2130706433/", {"lease.denied"}));
  ASSERT_FALSE(spelled.ok());
  EXPECT_EQ(spelled.error().fields.at(0).message,
            "must reach a public address; 2130706433 means 127.0.0.1, a loopback address");
  auto named = Service().CreateEndpoint(As("pa"), team_.id,
                                        Input("https://intranet.example.test/", {"test.ping"}));
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().fields.at(0).message,
            "must reach a public address; this host name resolves to an address that is not "
            "public");
  EXPECT_EQ(named.error().fields.at(0).message.find("10.0.0.5"), std::string::npos);

  // Public addresses and names pass; a name without an address yet is checked at delivery.
  resolver_.Answer("hooks.example.test", {{"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"}});
  auto service = Service();
  for (const char* url :
       {"https://hooks.example.test/seatwise", "https://Hooks.Example.Test./x?a=b#c",
        "https://8.8.8.8/", "https://[2606:4700:4700::1111]:8443/x",
        "https://not-yet.example.test/hook"}) {
    SCOPED_TRACE(url);
    auto made = service.CreateEndpoint(As("pa"), team_.id, Input(url, {"lease.denied"}));
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().fields.at(0).message);
  }
}

TEST_P(WebhooksTest, ChangingAnEndpointToAnInsideAddressIsRefusedToo) {
  resolver_.Answer("hooks.example.test", {{"93.184.216.34"}});
  resolver_.Answer("intranet.example.test", {{"172.20.1.2"}});
  const auto created = Must(Service().CreateEndpoint(
      As("pa"), team_.id, Input("https://hooks.example.test/x", {"lease.denied"})));
  for (const char* url : {"https://intranet.example.test/", "https://0xa9fea9fe/"}) {
    SCOPED_TRACE(url);
    WebhookEndpointInput change;
    change.url = url;
    auto changed = Service().UpdateEndpoint(As("sa"), team_.id, created.endpoint.id, change);
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(changed.error().fields.at(0).field, "url");
  }
  EXPECT_EQ(Must(Service().GetEndpoint(As("pa"), team_.id, created.endpoint.id)).url,
            "https://hooks.example.test/x");
}

TEST_P(WebhooksTest, OnlyAnAdminOfTheTeamMakesTheServerLookANameUp) {
  resolver_.Answer("probe.example.test", {{"10.9.8.7"}});
  for (const char* who : {"user", "outsider", "other"}) {
    SCOPED_TRACE(who);
    auto made = Service().CreateEndpoint(As(who), team_.id,
                                         Input("https://probe.example.test/", {"test.ping"}));
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(made.error().fields.empty());
  }
  EXPECT_EQ(resolver_.Lookups("probe.example.test"), 0);
  auto refused = Service().CreateEndpoint(As("pa"), team_.id,
                                          Input("https://probe.example.test/", {"test.ping"}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(resolver_.Lookups("probe.example.test"), 1);
}

TEST_P(WebhooksTest, TheSigningSecretIsShownOnceAndStoredSealed) {
  const auto created = Create("pa", team_, {"seat.assigned"});
  EXPECT_TRUE(created.secret.starts_with("whsec_")) << created.secret;
  EXPECT_GT(created.secret.size(), 30u);
  auto stored = Must(Service().GetEndpoint(As("pa"), team_.id, created.endpoint.id));
  EXPECT_EQ(stored.secret_sealed.find(created.secret.substr(6)), std::string::npos);
  EXPECT_EQ(Must(crypto::Open(key_, stored.secret_sealed)), created.secret);
  // Nothing else reveals the secret again: not the audit trail either.
  for (const auto& entry : AuditEntries()) {
    EXPECT_EQ(entry.detail.find(created.secret), std::string::npos);
    EXPECT_EQ(entry.after_json.value_or("").find(created.secret), std::string::npos);
  }

  const auto rotated = Must(Service().RotateSecret(As("sa"), team_.id, created.endpoint.id));
  EXPECT_NE(rotated.secret, created.secret);
  stored = Must(Service().GetEndpoint(As("pa"), team_.id, created.endpoint.id));
  EXPECT_EQ(Must(crypto::Open(key_, stored.secret_sealed)), rotated.secret);
  auto refused = Service().RotateSecret(As("user"), team_.id, created.endpoint.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(WebhooksTest, EventsFanOutToSubscribedEnabledEndpointsOfTheTeamOnly) {
  const auto denied = Create("pa", team_, {"lease.denied", "contract.expiring"});
  const auto both = Create("sa", team_, {"seat.assigned", "lease.denied"});
  const auto other_event = Create("pa", team_, {"seat.assigned"});
  const auto disabled = Create("pa", team_, {"lease.denied"}, /*enabled=*/false);
  const auto other_team = Create("other", team2_, {"lease.denied"});

  EXPECT_EQ(Emit(team_.id, "lease.denied", "evt_one"), 2);
  // The same event again queues nothing more.
  EXPECT_EQ(Emit(team_.id, "lease.denied", "evt_one"), 0);
  EXPECT_EQ(DeliveriesOf(denied.endpoint).size(), 1u);
  EXPECT_EQ(DeliveriesOf(both.endpoint).size(), 1u);
  EXPECT_TRUE(DeliveriesOf(other_event.endpoint).empty());
  EXPECT_TRUE(DeliveriesOf(disabled.endpoint).empty());
  EXPECT_TRUE(DeliveriesOf(other_team.endpoint).empty());

  const auto delivery = DeliveriesOf(denied.endpoint).front();
  EXPECT_EQ(delivery.event_type, "lease.denied");
  EXPECT_EQ(delivery.status, core::DeliveryStatus::kPending);
  EXPECT_EQ(delivery.next_attempt_at, clock_.Now());
  EXPECT_NE(delivery.payload_json.find("evt_one"), std::string::npos) << delivery.payload_json;
  EXPECT_NE(delivery.payload_json.find(team_.id), std::string::npos);

  // Enabled again, the endpoint receives the next events.
  Must(Service().UpdateEndpoint(As("pa"), team_.id, disabled.endpoint.id,
                                WebhookEndpointInput{std::nullopt, std::nullopt, true}));
  EXPECT_EQ(Emit(team_.id, "lease.denied"), 3);
  EXPECT_EQ(DeliveriesOf(disabled.endpoint).size(), 1u);
  EXPECT_EQ(Emit(team_.id, "device.activated"), 0);
}

TEST_P(WebhooksTest, PingQueuesATestDeliveryAndDeleteRemovesTheEndpoint) {
  const auto created = Create("pa", team_, {"lease.denied"});
  auto service = Service();
  const auto ping = Must(service.Ping(As("sa"), team_.id, created.endpoint.id));
  EXPECT_EQ(ping.event_type, "test.ping");
  auto listed =
      Must(service.ListDeliveries(As("pa"), team_.id, created.endpoint.id, {"", 50})).items;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, ping.id);
  EXPECT_EQ(listed[0].attempts, 0);
  auto refused = service.ListDeliveries(As("user"), team_.id, created.endpoint.id, {"", 50});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);

  auto deleted = service.DeleteEndpoint(As("sa"), team_.id, created.endpoint.id);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  auto gone = service.GetEndpoint(As("pa"), team_.id, created.endpoint.id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  const auto entries = AuditEntries();
  for (const char* action : {"webhook.ping", "webhook.delete"}) {
    EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [&](const auto& e) {
      return e.action == action && e.outcome == core::AuditOutcome::kAllowed &&
             e.target_id == created.endpoint.id;
    })) << action;
  }
}

TEST_P(WebhooksTest, RenewalNoticesQueueContractExpiringOncePerNotice) {
  const auto expiring = Create("pa", team_, {"contract.expiring"});
  const auto elsewhere = Create("pa", team_, {"lease.denied"});
  clock_.Advance(std::chrono::days(365 - 40));  // both contracts of the team end in 40 days
  LifecycleService lifecycle(deps());
  EXPECT_GE(Must(lifecycle.SendRenewalNotices(clock_.Now())), 2);
  auto queued = DeliveriesOf(expiring.endpoint);
  ASSERT_EQ(queued.size(), 2u);
  for (const auto& d : queued) {
    EXPECT_EQ(d.event_type, "contract.expiring");
    EXPECT_NE(d.payload_json.find("45"), std::string::npos) << d.payload_json;
  }
  EXPECT_TRUE(DeliveriesOf(elsewhere.endpoint).empty());
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(Must(lifecycle.SendRenewalNotices(clock_.Now())), 0);
  EXPECT_EQ(DeliveriesOf(expiring.endpoint).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         ::seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
