#include "service/alerts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"
#include "service/mail.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using std::chrono::days;
using std::chrono::hours;

constexpr const char* kBaseUrl = "https://seatwise.example";

class AlertsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
    sub_ = Must(Read<std::vector<core::Subscription>>([&](store::Tx& tx) {
             return repos_.contracts->ListSubscriptions(tx, c1_.id);
           })).front();
  }

  AlertService alerts() { return AlertService(*deps_, kBaseUrl); }

  void AssignAt(const std::string& who, core::TimePoint at) {
    Must(db_->Transact<core::Assignment>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Assignment a;
      a.subscription_id = sub_.id;
      a.user_id = Id(who);
      a.assigned_at = at;
      return repos_.assignments->AssignSeat(tx, a);
    }));
  }

  core::Device NewDevice(const std::string& fingerprint) {
    return Must(db_->Transact<core::Device>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Device d;
      d.team_id = team_.id;
      d.fingerprint_hash = fingerprint;
      d.asset_name = "WS-" + fingerprint;
      d.registered_at = d.updated_at = clock_.Now();
      return repos_.devices->Register(tx, d);
    }));
  }

  void CheckIn(const core::Device& device) {
    auto done = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return repos_.devices->CheckIn(tx, device.id, std::nullopt, "2026.1", "Windows 11",
                                     clock_.Now());
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // `who` opened Product 1001 on `device` at `at`; the rollup is brought up to date.
  void UseProduct(const std::string& who, const core::Device& device, core::TimePoint at) {
    core::UsageEvent e;
    e.client_event_id = "e" + std::to_string(++events_);
    e.kind = core::UsageKind::kStart;
    e.device_id = device.id;
    e.user_id = Id(who);
    e.subscription_id = sub_.id;
    e.product_id = sub_.product_id;
    e.at = at;
    e.received_at = at;
    Must(db_->Transact<int>(store::TxMode::kWrite,
                            [&](store::Tx& tx) { return repos_.usage->RecordEvents(tx, {e}); }));
    rolled_ = Must(db_->Transact<std::int64_t>(store::TxMode::kWrite, [&](store::Tx& tx) {
      return repos_.usage->RollUp(tx, rolled_, 1000);
    }));
  }

  std::vector<core::OutboxMessage> Mails(const std::string& template_name) {
    std::vector<core::OutboxMessage> out;
    for (auto& m : Outbox()) {
      if (m.template_name == template_name) out.push_back(m);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.event_key < b.event_key; });
    return out;
  }

  int AuditCount(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return static_cast<int>(AuditEntries(filter).size());
  }

  std::string Endpoint(const std::string& event) {
    WebhookOptions options;
    options.sealing_key.fill(3);
    WebhookService webhooks(*deps_, options);
    WebhookEndpointInput input;
    input.url = "https://hooks.example.test/seatwise";
    input.events = std::vector<std::string>{event};
    input.enabled = true;
    return Must(webhooks.CreateEndpoint(As("pa"), team_.id, input)).endpoint.id;
  }

  std::vector<core::WebhookDelivery> Deliveries(const std::string& endpoint_id) {
    return Must(Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
             return repos_.webhooks->ListDeliveries(tx, endpoint_id, {"", store::kMaxPageSize});
           }))
        .items;
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  core::Subscription sub_;
  int events_ = 0;
  std::int64_t rolled_ = 0;
};

TEST(IsoWeekTest, WeeksStartOnMondayAndBelongToTheYearOfTheirThursday) {
  const auto day = [](int y, unsigned m, unsigned d) {
    return core::TimePoint(std::chrono::sys_days(std::chrono::year(y) / m / d));
  };
  EXPECT_EQ(IsoWeek(day(2026, 1, 1)), "2026-W01");              // a Thursday
  EXPECT_EQ(IsoWeek(day(2026, 1, 4) + hours(23)), "2026-W01");  // Sunday night
  EXPECT_EQ(IsoWeek(day(2026, 1, 5)), "2026-W02");              // Monday
  EXPECT_EQ(IsoWeek(day(2027, 1, 1)), "2026-W53");              // a Friday: 2026 has 53 weeks
  EXPECT_EQ(IsoWeek(day(2024, 12, 30)), "2025-W01");            // Monday of 2025's first week
  EXPECT_EQ(InactiveUsersKey("team_1", day(2026, 2, 10), "usr_9"),
            "inactive-users:team_1:2026-W07:usr_9");
}

TEST_P(AlertsTest, OnlyASeatAssignedLongAgoAndUnusedFor30DaysIsReportedToEachAdminOncePerWeek) {
  const auto t0 = clock_.Now();
  const auto now = t0 + days(40);
  const auto device = NewDevice("ws-1");
  AssignAt("user", t0);           // never used since: inactive
  AssignAt("cm", t0);             // used 10 days ago
  AssignAt("sc", now - days(5));  // too recent to tell
  UseProduct("cm", device, now - days(10));
  clock_.Set(now);

  auto seats = Must(alerts().ListInactiveSeats(team_.id, now));
  ASSERT_EQ(seats.size(), 1u);
  EXPECT_EQ(seats[0].user.id, Id("user"));
  EXPECT_EQ(seats[0].product_name, "Product 1001");
  EXPECT_EQ(seats[0].assigned_at, t0);
  EXPECT_FALSE(seats[0].last_used.has_value());

  EXPECT_EQ(Must(alerts().SendInactiveUserAlerts(now)), 2);  // the PA and the SA
  auto mails = Mails("inactive_users");
  ASSERT_EQ(mails.size(), 2u);
  std::vector<std::string> to{mails[0].recipient, mails[1].recipient};
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{users_.at("pa").email, users_.at("sa").email}));
  for (const auto& m : mails) {
    SCOPED_TRACE(m.recipient);
    EXPECT_EQ(m.team_id, std::optional<std::string>(team_.id));
    const std::string admin = m.recipient == users_.at("pa").email ? Id("pa") : Id("sa");
    EXPECT_EQ(m.event_key, InactiveUsersKey(team_.id, now, admin));
    EXPECT_EQ(m.subject, "1 person in Design did not use an assigned product in the last 30 days");
    const std::string row = "- user Tester (user@example.test): Product 1001, assigned since " +
                            DateText(t0) + ", last used never\n";
    EXPECT_NE(m.body_text.find(row), std::string::npos) << m.body_text;
    EXPECT_NE(m.body_text.find(std::string(kBaseUrl) + "/teams/" + team_.id + "/by-product"),
              std::string::npos);
    for (const char* absent : {"cm@example.test", "sc@example.test"}) {
      EXPECT_EQ(m.body_text.find(absent), std::string::npos) << absent;
    }
  }
  EXPECT_EQ(AuditCount("team.inactive_users_alert"), 2);

  // Later the same ISO week: nothing new.
  EXPECT_EQ(Must(alerts().SendInactiveUserAlerts(now + days(1))), 0);
  EXPECT_EQ(Mails("inactive_users").size(), 2u);

  // Next week, still unused: a fresh summary to each admin.
  EXPECT_EQ(Must(alerts().SendInactiveUserAlerts(now + days(7))), 2);
  EXPECT_EQ(Mails("inactive_users").size(), 4u);

  // Once they open it, they are no longer listed and nobody is e-mailed.
  UseProduct("user", device, now + days(8));
  EXPECT_TRUE(Must(alerts().ListInactiveSeats(team_.id, now + days(14))).empty());
  EXPECT_EQ(Must(alerts().SendInactiveUserAlerts(now + days(14))), 0);
  EXPECT_EQ(Mails("inactive_users").size(), 4u);
  EXPECT_EQ(AuditCount("team.inactive_users_alert"), 4);
}

TEST_P(AlertsTest, LastUseOlderThan30DaysIsShownWithItsDate) {
  const auto t0 = clock_.Now();
  const auto device = NewDevice("ws-1");
  AssignAt("user", t0);
  UseProduct("user", device, t0 + days(2));
  const auto now = t0 + days(45);
  auto seats = Must(alerts().ListInactiveSeats(team_.id, now));
  ASSERT_EQ(seats.size(), 1u);
  ASSERT_TRUE(seats[0].last_used.has_value());
  EXPECT_EQ(DateText(*seats[0].last_used), DateText(t0 + days(2)));
  clock_.Set(now);
  EXPECT_EQ(Must(alerts().SendInactiveUserAlerts(now)), 2);
  EXPECT_NE(Mails("inactive_users")[0].body_text.find("last used " + DateText(t0 + days(2))),
            std::string::npos);
}

TEST_P(AlertsTest, AnExpiredInvitationIsMarkedOnceItsSenderToldAndItCanStillBeResent) {
  const std::string endpoint = Endpoint("invitation.expired");
  UserService users(*deps_, *identity_);
  const auto t0 = clock_.Now();
  InviteRequest request{"Ivy", "Lee", "ivy@example.test"};
  const auto ivy = Must(users.InviteUser(As("sa"), team_.id, request)).user;
  auto invitations = [&] {
    return Must(Read<std::vector<core::Invitation>>(
        [&](store::Tx& tx) { return repos_.auth->ListInvitations(tx, ivy.id); }));
  };
  ASSERT_EQ(invitations().size(), 1u);
  const auto expires_at = invitations()[0].expires_at;
  ASSERT_EQ(expires_at, t0 + days(7));

  auto ivy_in_list = [&] {
    UserQuery query;
    query.search = "ivy@";
    auto page = Must(users.ListUsers(As("pa"), team_.id, query));
    EXPECT_EQ(page.items.size(), 1u);
    return page.items.at(0);
  };
  clock_.Set(expires_at - hours(1));
  EXPECT_EQ(Must(alerts().ExpireInvitations(clock_.Now())), 0);
  EXPECT_FALSE(ivy_in_list().invitation_expired_at.has_value());
  EXPECT_TRUE(Mails("invitation_expired").empty());

  clock_.Set(expires_at + hours(1));
  EXPECT_EQ(Must(alerts().ExpireInvitations(clock_.Now())), 1);
  EXPECT_EQ(invitations()[0].expired_at, clock_.Now());
  EXPECT_EQ(AuditCount("invitation.expired"), 1);
  auto told = Mails("invitation_expired");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].recipient, users_.at("sa").email);
  EXPECT_EQ(told[0].subject, "The invitation to ivy@example.test expired");
  EXPECT_NE(told[0].body_text.find("The invitation to Ivy Lee (ivy@example.test) to join Design "
                                   "expired on " +
                                   DateText(expires_at)),
            std::string::npos)
      << told[0].body_text;
  EXPECT_NE(told[0].body_text.find("Resend it from Users:\n" + std::string(kBaseUrl) + "/teams/" +
                                   team_.id + "/users"),
            std::string::npos);
  auto hooks = Deliveries(endpoint);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].event_type, "invitation.expired");
  EXPECT_NE(hooks[0].payload_json.find(ivy.id), std::string::npos);

  // The team's user list shows the person as pending with an expired invitation.
  EXPECT_EQ(ivy_in_list().membership.status, core::MembershipStatus::kInvited);
  EXPECT_EQ(ivy_in_list().invitation_expired_at, std::optional<core::TimePoint>(expires_at));

  // Again: nothing new.
  EXPECT_EQ(Must(alerts().ExpireInvitations(clock_.Now() + hours(1))), 0);
  EXPECT_EQ(Mails("invitation_expired").size(), 1u);
  EXPECT_EQ(AuditCount("invitation.expired"), 1);
  EXPECT_EQ(Deliveries(endpoint).size(), 1u);

  // Resending gives a fresh invitation that can be accepted.
  Must(users.ResendInvitation(As("pa"), team_.id, ivy.id));
  EXPECT_FALSE(ivy_in_list().invitation_expired_at.has_value());
  auto sent = Mails("invitation");
  ASSERT_EQ(sent.size(), 2u);
  const auto latest = std::max_element(sent.begin(), sent.end(), [](const auto& a, const auto& b) {
    return a.created_at < b.created_at;
  });
  const std::string& body = latest->body_text;
  const auto at = body.find("/invitations/");
  ASSERT_NE(at, std::string::npos) << body;
  const auto begin = at + std::string("/invitations/").size();
  const std::string token = body.substr(begin, body.find_first_of(" \n", begin) - begin);
  Must(identity_->AcceptInvitation(Caller{}, token, {"seven quiet lanterns", {}, {}}));
  auto membership = Must(Read<std::optional<core::Membership>>(
      [&](store::Tx& tx) { return repos_.users->GetMembership(tx, team_.id, ivy.id); }));
  ASSERT_TRUE(membership.has_value());
  EXPECT_EQ(membership->status, core::MembershipStatus::kActive);
  EXPECT_EQ(Must(alerts().ExpireInvitations(clock_.Now() + days(30))), 0);
}

TEST_P(AlertsTest, AnInvitationWhoseSenderLeftExpiresWithoutAnEmail) {
  UserService users(*deps_, *identity_);
  Must(users.InviteUser(As("sa"), team_.id, {"Ivy", "Lee", "ivy@example.test"}));
  Must(users.RemoveUser(As("pa"), team_.id, Id("sa")));
  EXPECT_EQ(Must(alerts().ExpireInvitations(clock_.Now() + days(8))), 1);
  EXPECT_TRUE(Mails("invitation_expired").empty());
  EXPECT_EQ(AuditCount("invitation.expired"), 1);
}

TEST_P(AlertsTest, AStaleDeviceIsAnnouncedOncePerStalePeriod) {
  const std::string endpoint = Endpoint("device.out_of_date");
  const auto device = NewDevice("ws-1");
  CheckIn(device);
  const auto t0 = clock_.Now();

  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(29))), 0);
  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(31))), 1);
  auto hooks = Deliveries(endpoint);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].event_type, "device.out_of_date");
  EXPECT_NE(hooks[0].payload_json.find(device.id), std::string::npos);
  std::string compact = hooks[0].payload_json;  // PostgreSQL stores it with spaces
  std::erase(compact, ' ');
  EXPECT_NE(compact.find("\"days_without_check_in\":31"), std::string::npos) << compact;
  EXPECT_EQ(AuditCount("device.out_of_date"), 1);

  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(32))), 0);
  EXPECT_EQ(Deliveries(endpoint).size(), 1u);

  // It checks in again, then goes quiet for another 31 days: a new period, a new event.
  clock_.Set(t0 + days(32));
  CheckIn(device);
  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(60))), 0);
  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(63))), 1);
  EXPECT_EQ(Deliveries(endpoint).size(), 2u);
  EXPECT_EQ(Must(alerts().AnnounceStaleDevices(t0 + days(64))), 0);
  EXPECT_EQ(AuditCount("device.out_of_date"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
