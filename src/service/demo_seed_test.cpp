#include "service/demo_seed.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "crypto/password.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "service/devices.hpp"
#include "service/lifecycle.hpp"
#include "service/reports.hpp"
#include "store/migrator.hpp"

namespace seatwise::service {
namespace {

class DemoSeedTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = testing::NewTestDatabase(GetParam());
    ASSERT_TRUE(store::Migrate(*db_, clock_).ok());
  }

  template <typename T>
  T Read(const std::function<core::Result<T>(store::Tx&)>& fn) {
    auto result = db_->Transact<T>(store::TxMode::kRead, fn);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<store::Database> db_;
  store::Repositories repos_ = store::MakeRepositories(random_);
};

TEST_P(DemoSeedTest, SeedsEveryKindOfSeatAndEveryRole) {
  auto summary = SeedDemo(*db_, repos_, clock_, random_);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->seeded);
  EXPECT_EQ(summary->contracts, 5);
  EXPECT_GE(summary->users, 12);

  auto contracts = Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    return repos_.contracts->ListContracts(tx, {}, {"", 100});
  });
  ASSERT_EQ(contracts.items.size(), 5U);
  std::set<std::string> kinds;
  bool has_sc = false;
  for (const auto& contract : contracts.items) {
    has_sc |= contract.software_coordinator_id.has_value();
    auto subs = Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); });
    for (const auto& sub : subs) {
      kinds.insert(std::string(core::EnumName(sub.access)) + "/" +
                   std::string(core::EnumName(sub.activation)) + "/" +
                   std::string(core::EnumName(sub.model)));
      if (sub.activation == core::ActivationMethod::kSerialNumber) {
        ASSERT_TRUE(sub.serial_number.has_value());
        EXPECT_EQ(sub.serial_number->size(), 12U);
        EXPECT_EQ((*sub.serial_number)[3], '-');
        EXPECT_TRUE(sub.product_key.has_value());
      }
    }
  }
  EXPECT_TRUE(has_sc);
  EXPECT_TRUE(kinds.count("single_user/sign_in/term"));
  EXPECT_TRUE(kinds.count("single_user/serial_number/term"));
  EXPECT_TRUE(kinds.count("multi_user/serial_number/term"));
  EXPECT_TRUE(kinds.count("single_user/serial_number/perpetual_maintenance"));
}

TEST_P(DemoSeedTest, PrimaryAdminAndContractManagerHoldTheirDefaultSeats) {
  ASSERT_TRUE(SeedDemo(*db_, repos_, clock_, random_).ok());
  auto ann = Read<std::optional<core::User>>(
      [&](store::Tx& tx) { return repos_.users->FindByEmail(tx, "ANN@contoso.example"); });
  ASSERT_TRUE(ann.has_value());
  ASSERT_TRUE(ann->password_hash.has_value());
  EXPECT_TRUE(crypto::VerifyPassword(*ann->password_hash, kDemoPassword));
  auto held = Read<std::vector<core::Assignment>>(
      [&](store::Tx& tx) { return repos_.assignments->ListActiveByUser(tx, ann->id); });
  // As an order leaves them: the Primary Admin holds a seat of the sign-in product, the
  // collection and the cloud service; as the Contract Manager ("the contract manager is
  // assigned as the end user by default") she also holds access to both single-user
  // serial-number subscriptions.
  EXPECT_EQ(held.size(), 5U);
}

TEST_P(DemoSeedTest, LeavesAnExistingInstanceAlone) {
  ASSERT_TRUE(SeedDemo(*db_, repos_, clock_, random_).ok());
  auto again = SeedDemo(*db_, repos_, clock_, random_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->seeded);
  EXPECT_FALSE(again->logins.empty());
  auto contracts = Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    return repos_.contracts->ListContracts(tx, {}, {"", 100});
  });
  EXPECT_EQ(contracts.items.size(), 5U);
}

// ---- The living demo (issue 15, point 13) --------------------------------------------------

// 2026-12-08T14:00:00Z, a Tuesday afternoon: the demo's "now" in these tests.
core::TimePoint DemoNow() {
  const std::chrono::sys_days day{std::chrono::year(2026) / 12 / 8};
  return core::TimePoint(day) + std::chrono::hours(14);
}

// A fresh migrated database seeded at `now` with ids drawn from `id_seed`, and what a person
// and the reports read from it.
class SeededDemo {
 public:
  SeededDemo(store::Backend backend, core::TimePoint now, std::uint64_t id_seed,
             DemoOptions options = {})
      : clock_(now), random_(id_seed), db_(testing::NewTestDatabase(backend)) {
    EXPECT_TRUE(store::Migrate(*db_, clock_).ok());
    const auto started = std::chrono::steady_clock::now();
    auto seeded = SeedDemo(*db_, repos_, clock_, random_, options);
    seed_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count();
    EXPECT_TRUE(seeded.ok()) << (seeded.ok() ? "" : seeded.error().message);
    if (seeded.ok()) summary_ = *seeded;
  }

  template <typename T>
  T Read(const std::function<core::Result<T>(store::Tx&)>& fn) {
    auto result = db_->Transact<T>(store::TxMode::kRead, fn);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
  }

  core::User Person(const std::string& email) {
    auto user = Read<std::optional<core::User>>(
        [&](store::Tx& tx) { return repos_.users->FindByEmail(tx, email); });
    EXPECT_TRUE(user.has_value()) << email;
    return user.value_or(core::User{});
  }

  core::Team TeamNamed(const std::string& name) {
    auto accounts = Read<store::Page<core::Account>>([&](store::Tx& tx) {
      return repos_.accounts->ListAccounts(tx, std::nullopt, {"", 100});
    });
    for (const auto& account : accounts.items) {
      auto teams = Read<std::vector<core::Team>>(
          [&](store::Tx& tx) { return repos_.accounts->ListTeams(tx, account.id); });
      for (const auto& team : teams) {
        if (team.name == name) return team;
      }
    }
    ADD_FAILURE() << "no team " << name;
    return {};
  }

  // The reports as `email` (a member of the team) reads them.
  Deps deps() { return Deps{*db_, repos_, clock_, random_}; }
  ReportService Reports() { return ReportService(deps()); }
  Caller As(const std::string& email) {
    Caller caller;
    caller.principal.method = AuthMethod::kSession;
    caller.principal.user_id = Person(email).id;
    return caller;
  }

  core::TimePoint now() const { return clock_.Now(); }
  store::Repositories& repos() { return repos_; }
  const DemoSummary& summary() const { return summary_; }
  std::int64_t seed_ms() const { return seed_ms_; }

 private:
  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<store::Database> db_;
  store::Repositories repos_ = store::MakeRepositories(random_);
  DemoSummary summary_;
  std::int64_t seed_ms_ = 0;
};

// Everything a person of the demo can see, as text without ids (which come from the injected
// Random): the stored facts first, then each report's CSV.
std::string Snapshot(SeededDemo& demo) {
  std::ostringstream out;
  const core::Team design = demo.TeamNamed("Contoso Design");
  const core::Team plant = demo.TeamNamed("Contoso Plant");
  auto& repos = demo.repos();
  for (const core::Team* team : {&design, &plant}) {
    auto devices = demo.Read<store::Page<core::Device>>([&](store::Tx& tx) {
      return repos.devices->ListByTeam(tx, team->id, {}, {"", 1000});
    });
    for (const auto& d : devices.items) {
      out << "device " << d.asset_name << " " << d.os << " " << d.app_version << " "
          << DeviceStatusName(DeviceStatusAt(d.last_check_in_at, demo.now())) << " "
          << (d.last_check_in_at ? core::ToUnixMillis(*d.last_check_in_at) : 0) << "\n";
    }
    auto endpoints = demo.Read<std::vector<core::WebhookEndpoint>>(
        [&](store::Tx& tx) { return repos.webhooks->ListEndpoints(tx, team->id); });
    for (const auto& endpoint : endpoints) {
      auto deliveries = demo.Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
        return repos.webhooks->ListDeliveries(tx, endpoint.id, {"", 1000});
      });
      for (const auto& d : deliveries.items) {
        out << "delivery " << endpoint.url << " " << d.event_type << " " << core::EnumName(d.status)
            << " " << d.attempts << " " << d.last_status_code.value_or(0) << " "
            << core::ToUnixMillis(d.created_at) << "\n";
      }
    }
  }
  auto audit = demo.Read<store::Page<core::AuditEntry>>([&](store::Tx& tx) {
    return repos.audit->List(tx, {}, {"", 1000});
  });
  for (const auto& e : audit.items) {
    out << "audit " << e.seq << " " << core::ToUnixMillis(e.at) << " " << e.action << " "
        << core::EnumName(e.outcome) << " " << e.actor_role << " " << e.ip << " " << e.detail
        << "\n";
  }
  auto mail = demo.Read<store::Page<core::OutboxMessage>>([&](store::Tx& tx) {
    return repos.outbox->List(tx, std::nullopt, {"", 1000});
  });
  for (const auto& m : mail.items) {
    out << "mail " << m.recipient << " " << m.subject << " " << core::EnumName(m.status) << " "
        << (m.sent_at ? core::ToUnixMillis(*m.sent_at) : 0) << "\n"
        << m.body_text << "\n";
  }
  auto reports = demo.Reports();
  const Caller ann = demo.As("ann@contoso.example");
  for (auto range : {ReportRange::kThisMonth, ReportRange::kMonths12}) {
    for (auto by : {SeatUsageView::kByProduct, SeatUsageView::kByUser}) {
      auto csv = reports.ExportSeatUsage(ann, design.id, {range, by, ""});
      EXPECT_TRUE(csv.ok());
      if (csv.ok()) out << csv->csv;
    }
    auto credits = reports.ExportCloudCredits(ann, design.id, range);
    EXPECT_TRUE(credits.ok());
    if (credits.ok()) out << credits->csv;
    auto network = reports.ExportNetworkLicenses(ann, design.id, range);
    EXPECT_TRUE(network.ok());
    if (network.ok()) out << network->csv;
  }
  auto plant_usage = reports.ExportSeatUsage(demo.As("kim@contoso.example"), plant.id,
                                             {ReportRange::kMonths3, SeatUsageView::kByUser, ""});
  EXPECT_TRUE(plant_usage.ok());
  if (plant_usage.ok()) out << plant_usage->csv;
  // Without ids, and in an order of their own: listings ordered by id list the same rows in
  // another order when the ids differ.
  static const std::regex kId("[a-z]{3}_[0-9a-z]{24}");
  std::istringstream text(std::regex_replace(out.str(), kId, "<id>"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string sorted;
  for (const auto& line : lines) sorted += line + "\n";
  return sorted;
}

// "Deterministic: a fixed seed ... two seeds of a fresh database give identical data". The
// second seed draws other ids (another Random seed): the data must not depend on them. How
// long each seed took is logged, not asserted (issue 15: the whole demo under 10 seconds).
TEST_P(DemoSeedTest, TwoSeedsAtTheSameInstantHoldTheSameData) {
  SeededDemo first(GetParam(), DemoNow(), 7);
  SeededDemo second(GetParam(), DemoNow(), 1234567);
  std::cout << "[ demo seed ] " << (GetParam() == store::Backend::kSqlite ? "SQLite" : "PostgreSQL")
            << ": " << first.seed_ms() << " ms and " << second.seed_ms() << " ms for "
            << first.summary().usage_events << " usage events, " << first.summary().leases
            << " leases, " << first.summary().audit_entries << " audit entries\n";
  RecordProperty("seed_ms", std::to_string(first.seed_ms()));
  EXPECT_EQ(first.summary().usage_events, second.summary().usage_events);
  EXPECT_EQ(first.summary().leases, second.summary().leases);
  EXPECT_EQ(first.summary().lease_denials, second.summary().lease_denials);
  EXPECT_EQ(first.summary().credit_entries, second.summary().credit_entries);
  EXPECT_EQ(first.summary().audit_entries, second.summary().audit_entries);
  const std::string a = Snapshot(first);
  const std::string b = Snapshot(second);
  EXPECT_GT(a.size(), 5000U);
  EXPECT_EQ(a, b);
  // A few values, so that a change of the generator is a visible decision.
  EXPECT_EQ(first.summary().devices, 12);
  EXPECT_EQ(first.summary().webhook_deliveries, 6);
}

// Every page of the portal has data: usage in every range, devices of each status, the
// Structa pool's peaks, refusals and borrowed seat, credits used, the renewal notice sent,
// Finn's open invitation, webhook deliveries delivered and failed, an audit trail.
TEST_P(DemoSeedTest, TheLivingDemoHasEveryKindOfActivity) {
  SeededDemo demo(GetParam(), DemoNow(), 42);
  const core::Team design = demo.TeamNamed("Contoso Design");
  const core::Team plant = demo.TeamNamed("Contoso Plant");
  auto reports = demo.Reports();
  const Caller ann = demo.As("ann@contoso.example");

  // "this month, last 3/6/9/12 months" all have usage, and more the longer the range.
  std::int64_t sessions_before = 0;
  for (auto range : {ReportRange::kThisMonth, ReportRange::kMonths3, ReportRange::kMonths6,
                     ReportRange::kMonths9, ReportRange::kMonths12}) {
    auto report = reports.SeatUsage(ann, design.id, {range, SeatUsageView::kByProduct, ""});
    ASSERT_TRUE(report.ok()) << report.error().message;
    std::int64_t sessions = 0;
    for (const auto& row : report->products) sessions += row.sessions;
    EXPECT_GT(sessions, sessions_before) << ReportRangeName(range);
    sessions_before = sessions;
    if (range == ReportRange::kMonths12) {
      EXPECT_GE(report->products.size(), 3U);  // the collection, Draftline's group, Structa
    }
  }
  // Twelve months back: usage in the oldest month of the 12-month range too.
  auto twelve =
      reports.SeatUsage(ann, design.id, {ReportRange::kMonths12, SeatUsageView::kByUser, ""});
  ASSERT_TRUE(twelve.ok());
  EXPECT_GE(twelve->users.size(), 6U);
  auto oldest = demo.Read<std::vector<store::UsageSummary>>([&](store::Tx& tx) {
    const auto window = WindowOf(ReportRange::kMonths12, demo.now());
    return demo.repos().usage->SummarizeDaily(
        tx, {design.id, window.from, window.from + std::chrono::days(28), {}, {}});
  });
  EXPECT_FALSE(oldest.empty());
  // The drill-down of the collection lists its products.
  auto by_product =
      reports.SeatUsage(ann, design.id, {ReportRange::kMonths12, SeatUsageView::kByProduct, ""});
  ASSERT_TRUE(by_product.ok());
  std::string collection;
  for (const auto& row : by_product->products) {
    if (row.kind == UsageRowKind::kCollection) collection = row.id;
  }
  ASSERT_FALSE(collection.empty());
  auto drilled = reports.SeatUsage(ann, design.id,
                                   {ReportRange::kMonths12, SeatUsageView::kByProduct, collection});
  ASSERT_TRUE(drilled.ok());
  EXPECT_GE(drilled->products.size(), 2U);
  // Ivy's use is the browser tests' to add (they count her hours): none seeded.
  for (const auto& row : twelve->users) EXPECT_NE(row.email, "ivy@contoso.example");

  // Devices online, offline and out of date, in both teams.
  std::map<DeviceStatus, int> statuses;
  for (const core::Team* team : {&design, &plant}) {
    auto devices = demo.Read<store::Page<core::Device>>([&](store::Tx& tx) {
      return demo.repos().devices->ListByTeam(tx, team->id, {}, {"", 100});
    });
    for (const auto& d : devices.items) ++statuses[DeviceStatusAt(d.last_check_in_at, demo.now())];
  }
  EXPECT_GE(statuses[DeviceStatus::kOnline], 2);
  EXPECT_GE(statuses[DeviceStatus::kOffline], 2);
  EXPECT_GE(statuses[DeviceStatus::kOutOfDate], 2);

  // The network pool: daily peaks, refusals, a borrowed seat held now.
  auto network = reports.NetworkLicenses(ann, design.id, ReportRange::kMonths3);
  ASSERT_TRUE(network.ok()) << network.error().message;
  ASSERT_EQ(network->subscriptions.size(), 1U);
  const auto& pool = network->subscriptions.front();
  EXPECT_EQ(pool.peak, pool.seats);
  EXPECT_GT(pool.denials, 0);
  EXPECT_EQ(pool.borrowed, 1);
  EXPECT_GE(pool.days.size(), 10U);

  // Cloud credits consumed over the year.
  auto credits = reports.CloudCredits(ann, design.id, ReportRange::kMonths12);
  ASSERT_TRUE(credits.ok());
  ASSERT_FALSE(credits->contracts.empty());
  EXPECT_GT(credits->contracts.front().used, 0);
  EXPECT_FALSE(credits->users.empty());
  // The ledger lists oldest first, 50 a page: a purchase made in the demo (the billing browser
  // test makes one) must still show on the first page.
  EXPECT_LE(demo.summary().credit_entries, 40);

  // The 90-day renewal notice of 110001234567, sent; the renewal job has nothing left to do.
  auto contracts = demo.Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    return demo.repos().contracts->ListContracts(tx, {}, {"", 100});
  });
  const core::Contract* renewing = nullptr;
  for (const auto& c : contracts.items) {
    if (c.number == "110001234567") renewing = &c;
  }
  ASSERT_NE(renewing, nullptr);
  auto notice = demo.Read<std::optional<core::OutboxMessage>>([&](store::Tx& tx) {
    return demo.repos().outbox->FindByEventKey(
        tx, RenewalNoticeKey(renewing->id, renewing->ends_at, 90));
  });
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->status, core::OutboxStatus::kSent);
  EXPECT_EQ(notice->recipient, "ann@contoso.example");
  EXPECT_LT(*notice->sent_at, demo.now());
  auto queued = LifecycleService(demo.deps()).SendRenewalNotices(demo.now());
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  EXPECT_EQ(*queued, 0) << "the renewal job at now finds the notice already sent";

  // Finn's invitation is open.
  const core::User finn = demo.Person("finn@contoso.example");
  auto invitations = demo.Read<std::vector<core::Invitation>>(
      [&](store::Tx& tx) { return demo.repos().auth->ListInvitations(tx, finn.id); });
  ASSERT_EQ(invitations.size(), 1U);
  EXPECT_FALSE(invitations.front().accepted_at.has_value());
  EXPECT_GT(invitations.front().expires_at, demo.now());

  // Plant's webhook endpoint: deliveries delivered and failed, none left to send.
  auto endpoints = demo.Read<std::vector<core::WebhookEndpoint>>(
      [&](store::Tx& tx) { return demo.repos().webhooks->ListEndpoints(tx, plant.id); });
  ASSERT_EQ(endpoints.size(), 1U);
  auto deliveries = demo.Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
    return demo.repos().webhooks->ListDeliveries(tx, endpoints.front().id, {"", 100});
  });
  std::set<core::DeliveryStatus> delivery_statuses;
  for (const auto& d : deliveries.items) delivery_statuses.insert(d.status);
  EXPECT_EQ(delivery_statuses, (std::set<core::DeliveryStatus>{core::DeliveryStatus::kDelivered,
                                                               core::DeliveryStatus::kFailed}));
  // Design's own webhook page starts empty (the browser test of webhooks expects it).
  auto design_endpoints = demo.Read<std::vector<core::WebhookEndpoint>>(
      [&](store::Tx& tx) { return demo.repos().webhooks->ListEndpoints(tx, design.id); });
  EXPECT_TRUE(design_endpoints.empty());

  // An audit trail in time order, with a refused attempt.
  store::AuditFilter filter;
  filter.team_id = design.id;
  auto audit = demo.Read<store::Page<core::AuditEntry>>([&](store::Tx& tx) {
    return demo.repos().audit->List(tx, filter, {"", 1000});
  });
  EXPECT_GE(audit.items.size(), 20U);
  std::set<std::string> actions;
  bool denied = false;
  for (std::size_t i = 0; i < audit.items.size(); ++i) {
    actions.insert(audit.items[i].action);
    denied |= audit.items[i].outcome == core::AuditOutcome::kDenied;
    if (i > 0) {
      EXPECT_LE(audit.items[i].at, audit.items[i - 1].at) << audit.items[i].action;
    }
  }
  EXPECT_TRUE(denied);
  for (const char* action : {"order.create", "user.invite", "device.register", "assignment.create",
                             "contract.renewal_notice", "credit.purchase"}) {
    EXPECT_TRUE(actions.count(action)) << action;
  }
}

// On the 1st of a month at midnight "this month" still has a session: the one open now.
TEST_P(DemoSeedTest, ThisMonthHasUsageEvenAtTheFirstInstantOfAMonth) {
  SeededDemo demo(GetParam(), core::FromUnixMillis(1'767'225'600'000), 42);  // 2026-01-01
  auto report =
      demo.Reports().SeatUsage(demo.As("ann@contoso.example"), demo.TeamNamed("Contoso Design").id,
                               {ReportRange::kThisMonth, SeatUsageView::kByProduct, ""});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GE(report->totals.users, 1);
}

// The bare demo (what the integration tests start from) has the organisation and no activity.
TEST_P(DemoSeedTest, TheBareDemoHasNoActivity) {
  DemoOptions bare;
  bare.activity = false;
  SeededDemo demo(GetParam(), DemoNow(), 42, bare);
  EXPECT_EQ(demo.summary().contracts, 5);
  EXPECT_EQ(demo.summary().usage_events, 0);
  auto devices = demo.Read<store::Page<core::Device>>([&](store::Tx& tx) {
    return demo.repos().devices->ListByTeam(tx, demo.TeamNamed("Contoso Design").id, {}, {"", 100});
  });
  EXPECT_TRUE(devices.items.empty());
  auto mail = demo.Read<store::Page<core::OutboxMessage>>([&](store::Tx& tx) {
    return demo.repos().outbox->List(tx, std::nullopt, {"", 100});
  });
  EXPECT_TRUE(mail.items.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoSeedTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
