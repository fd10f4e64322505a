// The webhook events the use cases emit: each queues one delivery per subscribed endpoint,
// in the transaction of the change it reports, and never twice for the same event.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/entitlements.hpp"
#include "service/identity.hpp"
#include "service/leases.hpp"
#include "service/lifecycle.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::days;
using std::chrono::hours;

std::string Quoted(const std::string& name, const std::string& value) {
  return "\"" + name + "\":\"" + value + "\"";
}

// The body without whitespace outside strings: PostgreSQL stores it as jsonb, which writes
// ", " and ": " between members (and orders them its own way).
std::string Compact(const std::string& json) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

class WebhookEventsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    key_.fill(4);
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
    EntitlementOptions options;
    options.sealing_key.fill(6);
    entitlements_ = std::make_unique<EntitlementService>(deps(), options);
  }

  // An endpoint of the team subscribed to `events`, registered by its Primary Admin.
  core::WebhookEndpoint Endpoint(const std::string& path, std::vector<std::string> events,
                                 const core::Team& team) {
    WebhookEndpointInput input;
    input.url = "https://hooks.example.test/" + path;
    input.events = std::move(events);
    const std::string admin = team.id == team_.id ? "pa" : "other";
    return Must(WebhookService(deps(), {key_, false}).CreateEndpoint(As(admin), team.id, input))
        .endpoint;
  }
  core::WebhookEndpoint Endpoint(const std::string& path, std::vector<std::string> events) {
    return Endpoint(path, std::move(events), team_);
  }

  // Newest first, each body compacted (see Compact).
  std::vector<core::WebhookDelivery> Deliveries(const core::WebhookEndpoint& endpoint) {
    auto items =
        Must(Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
          return repos_.webhooks->ListDeliveries(tx, endpoint.id, {"", store::kMaxPageSize});
        })).items;
    for (auto& d : items) d.payload_json = Compact(d.payload_json);
    return items;
  }

  core::Subscription FirstSubscription(const core::Contract& contract) {
    return Must(Read<std::vector<core::Subscription>>([&](store::Tx& tx) {
             return repos_.contracts->ListSubscriptions(tx, contract.id);
           }))
        .front();
  }

  void AssignSeat(const core::Subscription& sub, const std::string& who) {
    auto done = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      core::Assignment a;
      a.subscription_id = sub.id;
      a.user_id = Id(who);
      a.assigned_at = clock_.Now();
      SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
      return core::Ok();
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::string RegisterDevice(const std::string& who, char fingerprint) {
    DeviceRegistration r;
    r.fingerprint = std::string(64, fingerprint);
    r.asset_name = who + "-ws-" + fingerprint;
    r.os = "Linux 6.8";
    r.app_version = "2026.1";
    return Must(entitlements_->RegisterDevice(As(who), r)).device.id;
  }

  SerialActivationRequest SerialRequest(char fingerprint) {
    SerialActivationRequest r;
    r.serial_number = "400-1002";  // c2's subscription
    r.product_key = "001K1";
    r.product = "P1002";
    r.fingerprint = std::string(64, fingerprint);
    r.asset_name = std::string("lab-") + fingerprint;
    r.os = "Windows 11";
    r.app_version = "2026.1";
    return r;
  }

  std::array<std::uint8_t, 32> key_{};
  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<EntitlementService> entitlements_;
};

TEST_P(WebhookEventsTest, InvitingAUserQueuesOneUserInvitedForSubscribedEndpointsOnly) {
  const auto invited = Endpoint("invited", {"user.invited"});
  const auto seats = Endpoint("seats", {"seat.assigned", "seat.unassigned"});
  const auto other_team = Endpoint("plant", {"user.invited"}, team2_);

  UserService users(deps(), *identity_);
  auto member = users.InviteUser(As("pa"), team_.id, {"Zoe", "Ng", "zoe@new.example"});
  ASSERT_TRUE(member.ok()) << member.error().message;

  const auto queued = Deliveries(invited);
  ASSERT_EQ(queued.size(), 1u);
  const auto& d = queued.front();
  EXPECT_EQ(d.event_type, "user.invited");
  EXPECT_EQ(d.status, core::DeliveryStatus::kPending);
  EXPECT_EQ(d.next_attempt_at, clock_.Now());
  EXPECT_NE(d.payload_json.find(Quoted("type", "user.invited")), std::string::npos)
      << d.payload_json;
  EXPECT_NE(d.payload_json.find(Quoted("team_id", team_.id)), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("user_id", member->user.id)), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("email", "zoe@new.example")), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("id", d.event_key)), std::string::npos);
  EXPECT_TRUE(Deliveries(seats).empty());
  EXPECT_TRUE(Deliveries(other_team).empty());

  // A second person is a second event.
  ASSERT_TRUE(users.InviteUser(As("sa"), team_.id, {"Yan", "Li", "yan@new.example"}).ok());
  EXPECT_EQ(Deliveries(invited).size(), 2u);
}

TEST_P(WebhookEventsTest, AnImportQueuesUserInvitedForEachPersonAddedAndNoneOnReimport) {
  const auto invited = Endpoint("invited", {"user.invited"});
  const std::string csv =
      "first_name,last_name,email\n"
      "Amy,Lo,amy@new.example\n"
      "Bad,Row,not-an-email\n"
      "O,Ther,other@example.test\n"  // has an account (another team): added
      "U,Ser,user@example.test\n";   // already a member: nothing happens
  UserService users(deps(), *identity_);
  auto imported = users.ImportUsers(As("pa"), team_.id, csv);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  auto queued = Deliveries(invited);
  ASSERT_EQ(queued.size(), 2u);
  for (const char* who : {"amy@new.example", "other@example.test"}) {
    EXPECT_EQ(std::count_if(queued.begin(), queued.end(),
                            [&](const auto& d) {
                              return d.event_type == "user.invited" &&
                                     d.payload_json.find(Quoted("email", who)) != std::string::npos;
                            }),
              1)
        << who;
  }
  EXPECT_NE(queued.front().event_key, queued.back().event_key);

  ASSERT_TRUE(users.ImportUsers(As("pa"), team_.id, csv).ok());
  EXPECT_EQ(Deliveries(invited).size(), 2u);
}

TEST_P(WebhookEventsTest, ARefusedInvitationQueuesNothing) {
  const auto invited = Endpoint("invited", {"user.invited"});
  UserService users(deps(), *identity_);

  auto bad_email = users.InviteUser(As("pa"), team_.id, {"Zoe", "Ng", "not-an-email"});
  ASSERT_FALSE(bad_email.ok());
  EXPECT_EQ(bad_email.error().code, ErrorCode::kInvalidArgument);
  auto member_already = users.InviteUser(As("pa"), team_.id, {"U", "Ser", "user@example.test"});
  ASSERT_FALSE(member_already.ok());
  EXPECT_EQ(member_already.error().code, ErrorCode::kAlreadyExists);
  auto not_admin = users.InviteUser(As("user"), team_.id, {"Zoe", "Ng", "zoe@new.example"});
  ASSERT_FALSE(not_admin.ok());
  EXPECT_EQ(not_admin.error().code, ErrorCode::kPermissionDenied);

  EXPECT_TRUE(Deliveries(invited).empty());
}

TEST_P(WebhookEventsTest, ASignInActivationOnANewDeviceQueuesDeviceActivatedOnce) {
  const auto activated = Endpoint("devices", {"device.activated"});
  AssignSeat(FirstSubscription(c1_), "user");
  const std::string laptop = RegisterDevice("user", 'a');

  auto first = entitlements_->Activate(As("user"), {"P1001", laptop});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto queued = Deliveries(activated);
  ASSERT_EQ(queued.size(), 1u);
  const auto& d = queued.front();
  EXPECT_EQ(d.event_type, "device.activated");
  EXPECT_EQ(d.event_key, "device.activated:" + first->activation.id);
  EXPECT_NE(d.payload_json.find(Quoted("activation_id", first->activation.id)), std::string::npos)
      << d.payload_json;
  EXPECT_NE(d.payload_json.find(Quoted("kind", "sign_in")), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("device_id", laptop)), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("user_id", Id("user"))), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("product", "P1001")), std::string::npos);

  // The same computer activating again keeps its activation: no second event.
  clock_.Advance(hours(2));
  auto again = entitlements_->Activate(As("user"), {"P1001", laptop});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->activation.id, first->activation.id);
  EXPECT_EQ(Deliveries(activated).size(), 1u);

  // Another computer is another activation.
  const std::string desktop = RegisterDevice("user", 'b');
  ASSERT_TRUE(entitlements_->Activate(As("user"), {"P1001", desktop}).ok());
  EXPECT_EQ(Deliveries(activated).size(), 2u);
}

TEST_P(WebhookEventsTest, ASerialActivationQueuesDeviceActivatedOncePerComputer) {
  const auto activated = Endpoint("devices", {"device.activated"});
  const auto elsewhere = Endpoint("leases", {"lease.denied"});

  auto first = entitlements_->ActivateSerial(As("anonymous"), SerialRequest('c'));
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto queued = Deliveries(activated);
  ASSERT_EQ(queued.size(), 1u);
  const auto& d = queued.front();
  EXPECT_EQ(d.event_type, "device.activated");
  EXPECT_NE(d.payload_json.find(Quoted("activation_id", first->entitlement.activation.id)),
            std::string::npos)
      << d.payload_json;
  EXPECT_NE(d.payload_json.find(Quoted("kind", "serial")), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("device_id", first->entitlement.activation.device_id)),
            std::string::npos);
  EXPECT_NE(d.payload_json.find("\"user_id\":null"), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("asset_name", "lab-c")), std::string::npos);

  clock_.Advance(hours(1));
  auto again = entitlements_->ActivateSerial(As("anonymous"), SerialRequest('c'));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->entitlement.activation.id, first->entitlement.activation.id);
  EXPECT_EQ(Deliveries(activated).size(), 1u);
  ASSERT_TRUE(entitlements_->ActivateSerial(As("anonymous"), SerialRequest('d')).ok());
  EXPECT_EQ(Deliveries(activated).size(), 2u);
  EXPECT_TRUE(Deliveries(elsewhere).empty());
}

TEST_P(WebhookEventsTest, ARefusedSerialActivationQueuesNothing) {
  const auto activated = Endpoint("devices", {"device.activated"});
  auto wrong_key = SerialRequest('e');
  wrong_key.product_key = "999K1";
  EXPECT_FALSE(entitlements_->ActivateSerial(As("anonymous"), wrong_key).ok());
  // Five seats: the sixth computer is refused after its device row was written, and the
  // whole transaction, event included, is rolled back.
  for (char c : {'1', '2', '3', '4', '5'}) {
    ASSERT_TRUE(entitlements_->ActivateSerial(As("anonymous"), SerialRequest(c)).ok());
  }
  auto full = entitlements_->ActivateSerial(As("anonymous"), SerialRequest('6'));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_EQ(Deliveries(activated).size(), 5u);
}

TEST_P(WebhookEventsTest, AFullNetworkPoolQueuesLeaseDenied) {
  const auto denied = Endpoint("leases", {"lease.denied"});
  const auto other = Endpoint("devices", {"device.activated"});
  core::Subscription pool;
  auto built = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    const auto now = clock_.Now();
    core::Product structa{"", "STR", "Structa", "2026", "", false, now, now};
    SW_ASSIGN_OR_RETURN(structa, repos_.catalog->CreateProduct(tx, structa));
    core::Subscription s;
    s.contract_id = c1_.id;
    s.product_id = structa.id;
    s.seats = 1;
    s.access = core::Access::kMultiUser;
    s.activation = core::ActivationMethod::kSerialNumber;
    s.serial_number = "700-20000000";
    s.product_key = "587R1";
    s.created_at = s.updated_at = now;
    SW_ASSIGN_OR_RETURN(pool, repos_.contracts->CreateSubscription(tx, s));
    return core::Ok();
  });
  ASSERT_TRUE(built.ok()) << built.error().message;
  LeaseService leases(deps(), *entitlements_);
  const std::string first = RegisterDevice("user", '7');
  const std::string second = RegisterDevice("sa", '8');

  ASSERT_TRUE(leases.Checkout(As("user"), {"STR", first, "user", "ws-first", std::nullopt}).ok());
  EXPECT_TRUE(Deliveries(denied).empty());
  auto refused = leases.Checkout(As("sa"), {"STR", second, "sa", "ws-second", std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kSeatLimitReached);

  auto queued = Deliveries(denied);
  ASSERT_EQ(queued.size(), 1u);
  const auto& d = queued.front();
  EXPECT_EQ(d.event_type, "lease.denied");
  EXPECT_NE(d.payload_json.find(Quoted("subscription_id", pool.id)), std::string::npos)
      << d.payload_json;
  EXPECT_NE(d.payload_json.find(Quoted("product_id", pool.product_id.value_or(""))),
            std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("product", "Structa")), std::string::npos);
  EXPECT_NE(d.payload_json.find(Quoted("host", "ws-second")), std::string::npos);
  EXPECT_NE(d.payload_json.find("\"seats\":1"), std::string::npos);
  EXPECT_TRUE(Deliveries(other).empty());

  // Each refusal is an event of its own.
  ASSERT_FALSE(leases.Checkout(As("sa"), {"STR", second, "sa", "ws-second", std::nullopt}).ok());
  EXPECT_EQ(Deliveries(denied).size(), 2u);
}

TEST_P(WebhookEventsTest, RenewalNoticesQueueContractExpiringOncePerNotice) {
  const auto expiring = Endpoint("contracts", {"contract.expiring"});
  LifecycleService lifecycle(deps());
  std::size_t expected = 0;
  // c1 and c2 of the team (and cb of another customer) end 365 days after the start; each
  // threshold is one notice per contract, sent to the webhooks of the contract's team only.
  for (int days_left : {90, 45, 30}) {
    SCOPED_TRACE(days_left);
    clock_.Set(c1_.ends_at - days(days_left));
    EXPECT_EQ(Must(lifecycle.SendRenewalNotices(clock_.Now())), 3);
    expected += 2;
    auto queued = Deliveries(expiring);
    ASSERT_EQ(queued.size(), expected);
    int at_threshold = 0;
    for (const auto& d : queued) {
      EXPECT_EQ(d.event_type, "contract.expiring");
      at_threshold +=
          d.payload_json.find("\"days\":" + std::to_string(days_left)) != std::string::npos;
    }
    EXPECT_EQ(at_threshold, 2);
    // Running again later the same day sends nothing more.
    clock_.Advance(hours(3));
    EXPECT_EQ(Must(lifecycle.SendRenewalNotices(clock_.Now())), 0);
    EXPECT_EQ(Deliveries(expiring).size(), expected);
  }
  const auto queued = Deliveries(expiring);
  for (const auto* contract : {&c1_, &c2_}) {
    EXPECT_EQ(std::count_if(queued.begin(), queued.end(),
                            [&](const auto& d) {
                              return d.payload_json.find(Quoted("contract_id", contract->id)) !=
                                     std::string::npos;
                            }),
              3);
  }
}

TEST_P(WebhookEventsTest, TheLifecycleRunQueuesContractExpiredOnce) {
  const auto expired = Endpoint("contracts", {"contract.expired"});
  const auto expiring = Endpoint("notices", {"contract.expiring"});
  LifecycleService lifecycle(deps());
  clock_.Set(c1_.ends_at + hours(1));
  // c1 and c2 of the team, and cb of another customer whose team has no endpoint.
  EXPECT_EQ(Must(lifecycle.AdvanceContracts(clock_.Now())).expired, 3);

  auto queued = Deliveries(expired);
  ASSERT_EQ(queued.size(), 2u);
  for (const auto* contract : {&c1_, &c2_}) {
    EXPECT_EQ(std::count_if(queued.begin(), queued.end(),
                            [&](const auto& d) {
                              return d.event_type == "contract.expired" &&
                                     d.payload_json.find(Quoted("contract_id", contract->id)) !=
                                         std::string::npos &&
                                     d.payload_json.find(Quoted("number", contract->number)) !=
                                         std::string::npos &&
                                     d.payload_json.find(Quoted("status", "expired")) !=
                                         std::string::npos;
                            }),
              1);
  }
  // Running again, and the later steps (suspended, cancelled), queue no second expiry.
  clock_.Advance(hours(1));
  EXPECT_EQ(Must(lifecycle.AdvanceContracts(clock_.Now())).total(), 0);
  clock_.Advance(kSuspendAfter);
  EXPECT_EQ(Must(lifecycle.AdvanceContracts(clock_.Now())).suspended, 3);
  clock_.Advance(kCancelAfter);
  EXPECT_EQ(Must(lifecycle.AdvanceContracts(clock_.Now())).cancelled, 3);
  EXPECT_EQ(Deliveries(expired).size(), 2u);
  EXPECT_TRUE(Deliveries(expiring).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookEventsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         ::seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
