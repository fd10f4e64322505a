#include "service/reports.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/csv.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::hours;
using std::chrono::minutes;

core::TimePoint At(int y, unsigned m, unsigned d, int h = 0) {
  const std::chrono::sys_days day{std::chrono::year(y) / std::chrono::month(m) /
                                  std::chrono::day(d)};
  return core::TimePoint(
      std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch() + hours(h)));
}

// Team T of the fixture (C1 sign-in, C2 serial with SC "sc") with:
//   collection "Kit" = products Alpha + Beta, sold on C1 as a 3-seat single-user subscription
//     ("user" holds one of its seats);
//   product group "Gamma tools" = C1's product "Product 1001" (5 seats, single-user);
//   C2's "Product 1002" (5 seats, single-user, serial) in no group or collection: standalone.
// Single-user seats in force: 5 (P1001) + 3 (Kit) + 5 (P1002) = 13; on C2 alone: 5.
//
// Sessions (start + stop with its duration, same UTC day), the report asked on 2026-03-15:
//   2025-12-31  user  Alpha  via Kit   1 session  1200 s   (in 6m only)
//   2026-01-20  pa    Alpha  via Kit   1 session  7200 s
//   2026-02-28  user  Beta   via Kit   1 session  3600 s
//   2026-03-02  pa    Alpha  via Kit   2 sessions 1800 s each
//   2026-03-10  user  P1002  via C2    1 session  5400 s
//   2026-03-12  pa    P1001  via C1    1 session   600 s
//   2026-03-14  sc    P1002  via C2    1 session  1800 s
class ReportsTest : public AuthzTest {
 protected:
  ReportService reports() { return ReportService(deps()); }

  template <typename T>
  T Write(const std::function<core::Result<T>(store::Tx&)>& fn) {
    return Must(db_->Transact<T>(store::TxMode::kWrite, fn));
  }

  core::Subscription FirstSubscriptionOf(const core::Contract& contract) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); }));
    return subs.at(0);
  }

  void BuildUsage() {
    p1001_ = FirstSubscriptionOf(c1_);
    p1002_ = FirstSubscriptionOf(c2_);
    Write<bool>([&](store::Tx& tx) -> core::Result<bool> {
      const auto now = clock_.Now();
      core::Product alpha{"", "ALP", "Alpha", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(alpha_, repos_.catalog->CreateProduct(tx, alpha));
      core::Product beta{"", "BET", "Beta", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(beta_, repos_.catalog->CreateProduct(tx, beta));
      SW_ASSIGN_OR_RETURN(
          kit_, repos_.catalog->CreateCollection(
                    tx, core::Collection{"", "KIT", "Kit", {alpha_.id, beta_.id}, now, now}));
      SW_ASSIGN_OR_RETURN(
          gamma_,
          repos_.catalog->CreateProductGroup(
              tx, core::ProductGroup{"", "GAM", "Gamma tools", {*p1001_.product_id}, now, now}));
      core::Subscription s;
      s.contract_id = c1_.id;
      s.collection_id = kit_.id;
      s.seats = 3;
      s.created_at = s.updated_at = now;
      SW_ASSIGN_OR_RETURN(kit_sub_, repos_.contracts->CreateSubscription(tx, s));
      core::Assignment a;
      a.subscription_id = kit_sub_.id;
      a.user_id = Id("user");
      a.assigned_by = Id("pa");
      a.assigned_at = now;
      SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
      core::Device d;
      d.team_id = team_.id;
      d.fingerprint_hash = "fingerprint-reports";
      d.asset_name = "WS-01";
      d.registered_at = d.updated_at = now;
      SW_ASSIGN_OR_RETURN(device_, repos_.devices->Register(tx, d));
      return true;
    });
    Session("user", kit_sub_, alpha_.id, At(2025, 12, 31, 10), 1200);
    Session("pa", kit_sub_, alpha_.id, At(2026, 1, 20, 9), 7200);
    Session("user", kit_sub_, beta_.id, At(2026, 2, 28, 9), 3600);
    Session("pa", kit_sub_, alpha_.id, At(2026, 3, 2, 9), 1800);
    Session("pa", kit_sub_, alpha_.id, At(2026, 3, 2, 14), 1800);
    Session("user", p1002_, *p1002_.product_id, At(2026, 3, 10, 9), 5400);
    Session("pa", p1001_, *p1001_.product_id, At(2026, 3, 12, 9), 600);
    Session("sc", p1002_, *p1002_.product_id, At(2026, 3, 14, 9), 1800);
    Write<std::int64_t>([&](store::Tx& tx) { return repos_.usage->RollUp(tx, 0, 1000); });
    clock_.Set(At(2026, 3, 15, 12));
  }

  void Session(const std::string& who, const core::Subscription& sub, const std::string& product_id,
               core::TimePoint start, std::int64_t seconds) {
    std::vector<core::UsageEvent> events(2);
    for (int i = 0; i < 2; ++i) {
      auto& e = events[static_cast<std::size_t>(i)];
      e.client_event_id = "ev-" + std::to_string(++events_made_);
      e.device_id = device_.id;
      e.user_id = Id(who);
      e.product_id = product_id;
      e.subscription_id = sub.id;
      e.kind = i == 0 ? core::UsageKind::kStart : core::UsageKind::kStop;
      e.duration_seconds = i == 0 ? 0 : seconds;
      e.at = i == 0 ? start : start + std::chrono::seconds(seconds);
      e.received_at = e.at;
    }
    Write<int>([&](store::Tx& tx) { return repos_.usage->RecordEvents(tx, events); });
  }

  SeatUsageReport Seats(const std::string& who, ReportRange range,
                        SeatUsageView by = SeatUsageView::kByProduct, std::string group = "") {
    return Must(reports().SeatUsage(As(who), team_.id, SeatUsageQuery{range, by, group}));
  }

  static const ProductUsageRow& Row(const SeatUsageReport& report, const std::string& name) {
    for (const auto& row : report.products) {
      if (row.name == name) return row;
    }
    ADD_FAILURE() << "no row " << name;
    static const ProductUsageRow none;
    return none;
  }

  core::Product alpha_, beta_;
  core::Collection kit_;
  core::ProductGroup gamma_;
  core::Subscription kit_sub_, p1001_, p1002_;
  core::Device device_;
  int events_made_ = 0;
};

TEST_P(ReportsTest, RangesAreCalendarMonthsInUtcUpToTheEndOfThisMonth) {
  const auto now = At(2026, 3, 15, 12);
  auto w = WindowOf(ReportRange::kThisMonth, now);
  EXPECT_EQ(w.from, At(2026, 3, 1));
  EXPECT_EQ(w.to, At(2026, 4, 1));
  EXPECT_EQ(WindowOf(ReportRange::kMonths3, now).from, At(2026, 1, 1));
  EXPECT_EQ(WindowOf(ReportRange::kMonths6, now).from, At(2025, 10, 1));
  EXPECT_EQ(WindowOf(ReportRange::kMonths9, now).from, At(2025, 7, 1));
  EXPECT_EQ(WindowOf(ReportRange::kMonths12, now).from, At(2025, 4, 1));
  // The last millisecond of a year still belongs to December.
  const auto new_year_eve = At(2026, 1, 1) - std::chrono::milliseconds(1);
  EXPECT_EQ(WindowOf(ReportRange::kThisMonth, new_year_eve).from, At(2025, 12, 1));
  EXPECT_EQ(WindowOf(ReportRange::kThisMonth, new_year_eve).to, At(2026, 1, 1));
  EXPECT_EQ(ParseReportRange("6m"), ReportRange::kMonths6);
  EXPECT_FALSE(ParseReportRange("2m").has_value());
}

TEST_P(ReportsTest, ThisMonthCountsOnlySessionsSinceTheFirst) {
  BuildUsage();
  auto report = Seats("pa", ReportRange::kThisMonth);
  EXPECT_EQ(report.scope, ReportScope::kTeam);
  // pa (Alpha, P1001), user (P1002), sc (P1002): 3 people, 3 products.
  EXPECT_EQ(report.totals.users, 3);
  EXPECT_EQ(report.totals.products, 3);
  EXPECT_EQ(report.totals.single_user_seats, 13);
  ASSERT_EQ(report.products.size(), 3u);
  // By name: Gamma tools, Kit, Product 1002.
  EXPECT_EQ(report.products[0].name, "Gamma tools");
  EXPECT_EQ(report.products[0].kind, UsageRowKind::kProductGroup);
  EXPECT_EQ(report.products[0].sessions, 1);
  EXPECT_EQ(report.products[0].seconds, 600);
  EXPECT_EQ(report.products[1].name, "Kit");
  EXPECT_EQ(report.products[1].kind, UsageRowKind::kCollection);
  EXPECT_EQ(report.products[1].sessions, 2);  // pa's two sessions on 03-02
  EXPECT_EQ(report.products[1].seconds, 3600);
  EXPECT_EQ(report.products[1].users, 1);
  EXPECT_EQ(report.products[1].products, 1);
  EXPECT_EQ(report.products[2].name, "Product 1002");
  EXPECT_EQ(report.products[2].kind, UsageRowKind::kProduct);
  EXPECT_EQ(report.products[2].sessions, 2);
  EXPECT_EQ(report.products[2].seconds, 7200);  // 5400 + 1800
  EXPECT_EQ(report.products[2].users, 2);
}

TEST_P(ReportsTest, ThreeMonthsAddJanuaryAndFebruaryAndDrillDownToTheCollectionsProducts) {
  BuildUsage();
  auto report = Seats("sa", ReportRange::kMonths3);
  EXPECT_EQ(report.totals.users, 3);
  EXPECT_EQ(report.totals.products, 4);  // Alpha, Beta, P1001, P1002
  EXPECT_EQ(report.totals.single_user_seats, 13);
  const auto& kit = Row(report, "Kit");
  // pa Alpha 1 + 2 sessions (7200 + 3600 s), user Beta 1 session (3600 s).
  EXPECT_EQ(kit.sessions, 4);
  EXPECT_EQ(kit.seconds, 14400);
  EXPECT_EQ(kit.users, 2);
  EXPECT_EQ(kit.products, 2);
  EXPECT_EQ(Row(report, "Product 1002").sessions, 2);

  auto drill = Seats("pa", ReportRange::kMonths3, SeatUsageView::kByProduct, kit_.id);
  ASSERT_TRUE(drill.group.has_value());
  EXPECT_EQ(drill.group->name, "Kit");
  ASSERT_EQ(drill.products.size(), 2u);
  EXPECT_EQ(drill.products[0].name, "Alpha");
  EXPECT_EQ(drill.products[0].sessions, 3);
  EXPECT_EQ(drill.products[0].seconds, 10800);
  EXPECT_EQ(drill.products[0].users, 1);
  EXPECT_EQ(drill.products[1].name, "Beta");
  EXPECT_EQ(drill.products[1].sessions, 1);
  EXPECT_EQ(drill.products[1].seconds, 3600);
  // The totals stay those of the whole report.
  EXPECT_EQ(drill.totals.products, 4);

  auto group = Seats("pa", ReportRange::kMonths3, SeatUsageView::kByProduct, gamma_.id);
  ASSERT_EQ(group.products.size(), 1u);
  EXPECT_EQ(group.products[0].id, *p1001_.product_id);
  EXPECT_EQ(group.products[0].seconds, 600);

  // Six months reach back to October: user's Alpha session of 12-31 joins the Kit row.
  const auto& kit6 = Row(Seats("pa", ReportRange::kMonths6), "Kit");
  EXPECT_EQ(kit6.sessions, 5);
  EXPECT_EQ(kit6.seconds, 15600);
}

TEST_P(ReportsTest, AnUnknownDrillDownGroupIsNotFound) {
  BuildUsage();
  auto report = reports().SeatUsage(
      As("pa"), team_.id,
      SeatUsageQuery{ReportRange::kMonths3, SeatUsageView::kByProduct, "col_nothing"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
}

TEST_P(ReportsTest, ByUserListsProductsSessionsHoursAndLastUse) {
  BuildUsage();
  auto report = Seats("pa", ReportRange::kMonths3, SeatUsageView::kByUser);
  ASSERT_EQ(report.users.size(), 3u);
  // "pa Tester" < "sc Tester" < "user Tester".
  EXPECT_EQ(report.users[0].user_id, Id("pa"));
  EXPECT_EQ(report.users[0].products, 2);  // Alpha, P1001
  EXPECT_EQ(report.users[0].sessions, 4);
  EXPECT_EQ(report.users[0].seconds, 11400);  // 7200 + 3600 + 600
  EXPECT_EQ(report.users[0].last_used, At(2026, 3, 12));
  EXPECT_EQ(report.users[1].user_id, Id("sc"));
  EXPECT_EQ(report.users[1].sessions, 1);
  EXPECT_EQ(report.users[1].last_used, At(2026, 3, 14));
  EXPECT_EQ(report.users[2].user_id, Id("user"));
  EXPECT_EQ(report.users[2].products, 2);  // Beta, P1002
  EXPECT_EQ(report.users[2].seconds, 9000);
  EXPECT_EQ(report.users[2].name, "user Tester");
  EXPECT_EQ(report.users[2].email, "user@example.test");
}

TEST_P(ReportsTest, ASoftwareCoordinatorSeesOnlyTheirContractsSubscriptions) {
  BuildUsage();
  auto report = Seats("sc", ReportRange::kMonths3);
  EXPECT_EQ(report.scope, ReportScope::kOwnContracts);
  // Only P1002 on C2: user and sc, 5 seats.
  EXPECT_EQ(report.totals.users, 2);
  EXPECT_EQ(report.totals.products, 1);
  EXPECT_EQ(report.totals.single_user_seats, 5);
  ASSERT_EQ(report.products.size(), 1u);
  EXPECT_EQ(report.products[0].id, *p1002_.product_id);
  EXPECT_EQ(report.products[0].seconds, 7200);
  auto by_user = Seats("sc", ReportRange::kMonths3, SeatUsageView::kByUser);
  ASSERT_EQ(by_user.users.size(), 2u);
  EXPECT_EQ(by_user.users[1].user_id, Id("user"));
  EXPECT_EQ(by_user.users[1].products, 1);  // Beta on C1 is out of reach
  EXPECT_EQ(by_user.users[1].seconds, 5400);
}

TEST_P(ReportsTest, AUserSeesOnlyThemselvesAndTheirOwnTotals) {
  BuildUsage();
  auto report = Seats("user", ReportRange::kMonths3);
  EXPECT_EQ(report.scope, ReportScope::kSelf);
  EXPECT_EQ(report.totals.users, 1);
  EXPECT_EQ(report.totals.products, 2);           // Beta, P1002
  EXPECT_EQ(report.totals.single_user_seats, 1);  // the Kit seat they hold
  ASSERT_EQ(report.products.size(), 2u);
  EXPECT_EQ(report.products[0].name, "Kit");
  EXPECT_EQ(report.products[0].sessions, 1);
  EXPECT_EQ(report.products[0].seconds, 3600);
  EXPECT_EQ(report.products[1].name, "Product 1002");
  EXPECT_EQ(report.products[1].users, 1);
  auto by_user = Seats("user", ReportRange::kMonths3, SeatUsageView::kByUser);
  ASSERT_EQ(by_user.users.size(), 1u);
  EXPECT_EQ(by_user.users[0].user_id, Id("user"));
}

TEST_P(ReportsTest, SomeoneOutsideTheTeamIsRefusedAndTheRefusalAudited) {
  BuildUsage();
  auto report = reports().SeatUsage(As("other"), team_.id, SeatUsageQuery{});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kPermissionDenied);
  store::AuditFilter filter;
  filter.action = "report.seat_usage";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome, core::AuditOutcome::kDenied);
  EXPECT_EQ(entries[0].actor_id, Id("other"));
  auto credits = reports().CloudCredits(As("outsider"), team_.id, ReportRange::kThisMonth);
  ASSERT_FALSE(credits.ok());
  EXPECT_TRUE(credits.error().code == ErrorCode::kNotFound ||
              credits.error().code == ErrorCode::kPermissionDenied);
}

TEST_P(ReportsTest, SeatUsageCsvParsesBackToTheSameFigures) {
  BuildUsage();
  auto exported = Must(reports().ExportSeatUsage(
      As("pa"), team_.id, SeatUsageQuery{ReportRange::kMonths3, SeatUsageView::kByProduct, ""}));
  EXPECT_EQ(exported.filename, "seat-usage-" + team_.id + "-3m-2026-03-15.csv");
  auto table = ParseCsvWithHeader(exported.csv,
                                  {"kind", "name", "sessions", "hours", "users", "products_used"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->records.size(), 3u);
  const auto& cols = table->columns;
  auto field = [&](std::size_t row, std::size_t col) {
    return table->records[row].fields[static_cast<std::size_t>(cols[col])];
  };
  EXPECT_EQ(field(1, 0), "collection");
  EXPECT_EQ(field(1, 1), "Kit");
  EXPECT_EQ(field(1, 2), "4");
  EXPECT_EQ(field(1, 3), "4.00");
  EXPECT_EQ(field(1, 4), "2");
  EXPECT_EQ(field(1, 5), "2");
  EXPECT_EQ(field(0, 3), "0.17");  // 600 s

  auto by_user = Must(reports().ExportSeatUsage(
      As("pa"), team_.id, SeatUsageQuery{ReportRange::kMonths3, SeatUsageView::kByUser, ""}));
  auto users = ParseCsvWithHeader(by_user.csv, {"email", "sessions", "hours", "last_used"});
  ASSERT_TRUE(users.ok()) << users.error().message;
  ASSERT_EQ(users->records.size(), 3u);
  const auto& ucols = users->columns;
  const auto& last = users->records[2].fields;
  EXPECT_EQ(last[static_cast<std::size_t>(ucols[0])], "user@example.test");
  EXPECT_EQ(last[static_cast<std::size_t>(ucols[1])], "2");
  EXPECT_EQ(last[static_cast<std::size_t>(ucols[2])], "2.50");
  EXPECT_EQ(last[static_cast<std::size_t>(ucols[3])], "2026-03-10");
}

// Credits on the fixture's contracts C1 (1001) and C2 (1002), asked on 2026-03-15:
//   C1: +100 purchase; user -10 Render 03-03, user -5 Render 03-03, pa -20 Docs 03-05,
//       user -7 Render 02-10                                    balance 100 - 42 = 58
//   C2: +50 purchase;  user -4 Docs 03-05, sc -6 Render 03-08   balance 50 - 10 = 40
class CreditReportsTest : public ReportsTest {
 protected:
  void BuildCredits() {
    Write<bool>([&](store::Tx& tx) -> core::Result<bool> {
      const auto now = clock_.Now();
      SW_ASSIGN_OR_RETURN(render_, repos_.catalog->CreateService(
                                       tx, core::Service{"", "RND", "Render",
                                                         core::ServiceKind::kCloud, "", now, now}));
      SW_ASSIGN_OR_RETURN(docs_, repos_.catalog->CreateService(
                                     tx, core::Service{"", "DOC", "Docs", core::ServiceKind::kCloud,
                                                       "", now, now}));
      return true;
    });
    Entry(c1_, "", "", 100, At(2026, 1, 2));
    Entry(c2_, "", "", 50, At(2026, 1, 2));
    Entry(c1_, "user", render_.id, -10, At(2026, 3, 3, 9));
    Entry(c1_, "user", render_.id, -5, At(2026, 3, 3, 15));
    Entry(c1_, "pa", docs_.id, -20, At(2026, 3, 5, 9));
    Entry(c1_, "user", render_.id, -7, At(2026, 2, 10, 9));
    Entry(c2_, "user", docs_.id, -4, At(2026, 3, 5, 10));
    Entry(c2_, "sc", render_.id, -6, At(2026, 3, 8, 10));
    clock_.Set(At(2026, 3, 15, 12));
  }

  void Entry(const core::Contract& contract, const std::string& who, const std::string& service,
             std::int64_t amount, core::TimePoint at) {
    core::CreditEntry e;
    e.contract_id = contract.id;
    e.amount = amount;
    e.at = at;
    if (amount > 0) {
      e.reason = core::CreditReason::kPurchase;
      e.actor_id = Id("cm");
    } else {
      e.reason = core::CreditReason::kConsumption;
      e.user_id = Id(who);
      e.service_id = service;
    }
    Write<core::CreditEntry>(
        [&](store::Tx& tx) { return repos_.usage->AddCreditEntry(tx, e, false); });
  }

  CreditReport Credits(const std::string& who, ReportRange range) {
    return Must(reports().CloudCredits(As(who), team_.id, range));
  }

  core::Service render_, docs_;
};

TEST_P(CreditReportsTest, AUserSeesTheirOwnConsumptionByServiceAndDayOnly) {
  BuildCredits();
  auto report = Credits("user", ReportRange::kThisMonth);
  EXPECT_EQ(report.scope, ReportScope::kSelf);
  // 03-03 Render 10 + 5; 03-05 Docs 4 (on C2); February's 7 is outside this month.
  EXPECT_EQ(report.personal_total, 19);
  ASSERT_EQ(report.personal.size(), 2u);
  EXPECT_EQ(report.personal[0].day, At(2026, 3, 3));
  EXPECT_EQ(report.personal[0].service_code, "RND");
  EXPECT_EQ(report.personal[0].credits, 15);
  EXPECT_EQ(report.personal[1].day, At(2026, 3, 5));
  EXPECT_EQ(report.personal[1].service_name, "Docs");
  EXPECT_EQ(report.personal[1].credits, 4);
  EXPECT_TRUE(report.users.empty());
  EXPECT_TRUE(report.contracts.empty());
  EXPECT_EQ(Credits("user", ReportRange::kMonths3).personal_total, 26);
}

TEST_P(CreditReportsTest, AdminsSeeEveryUserAndPerContractConsumersUsedAndBalance) {
  BuildCredits();
  auto report = Credits("pa", ReportRange::kThisMonth);
  EXPECT_EQ(report.scope, ReportScope::kTeam);
  EXPECT_EQ(report.personal_total, 20);
  ASSERT_EQ(report.users.size(), 3u);
  EXPECT_EQ(report.users[0].user_id, Id("pa"));
  EXPECT_EQ(report.users[0].credits, 20);
  EXPECT_EQ(report.users[1].user_id, Id("sc"));
  EXPECT_EQ(report.users[1].credits, 6);
  EXPECT_EQ(report.users[2].user_id, Id("user"));
  EXPECT_EQ(report.users[2].credits, 19);
  ASSERT_EQ(report.contracts.size(), 2u);
  EXPECT_EQ(report.contracts[0].number, "1001");
  EXPECT_EQ(report.contracts[0].consumers, 2);  // user, pa
  EXPECT_EQ(report.contracts[0].used, 35);
  EXPECT_EQ(report.contracts[0].balance, 58);
  EXPECT_EQ(report.contracts[1].number, "1002");
  EXPECT_EQ(report.contracts[1].consumers, 2);  // user, sc
  EXPECT_EQ(report.contracts[1].used, 10);
  EXPECT_EQ(report.contracts[1].balance, 40);
  EXPECT_EQ(Credits("pa", ReportRange::kMonths3).contracts[0].used, 42);
}

TEST_P(CreditReportsTest, ASoftwareCoordinatorSeesTheirContractOnly) {
  BuildCredits();
  auto report = Credits("sc", ReportRange::kThisMonth);
  EXPECT_EQ(report.scope, ReportScope::kOwnContracts);
  EXPECT_EQ(report.personal_total, 6);
  ASSERT_EQ(report.contracts.size(), 1u);
  EXPECT_EQ(report.contracts[0].number, "1002");
  ASSERT_EQ(report.users.size(), 2u);
  EXPECT_EQ(report.users[1].user_id, Id("user"));
  EXPECT_EQ(report.users[1].credits, 4);  // C1's consumption is out of reach
}

TEST_P(CreditReportsTest, TheCsvHasOneRowPerSectionEntry) {
  BuildCredits();
  auto exported = Must(reports().ExportCloudCredits(As("pa"), team_.id, ReportRange::kThisMonth));
  auto table = ParseCsvWithHeader(
      exported.csv, {"section", "contract_number", "consumers", "credits_used", "balance"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  // personal 1 (pa Docs 03-05) + users 3 + contracts 2.
  ASSERT_EQ(table->records.size(), 6u);
  const auto& cols = table->columns;
  const auto& c1 = table->records[4].fields;
  EXPECT_EQ(c1[static_cast<std::size_t>(cols[0])], "contract");
  EXPECT_EQ(c1[static_cast<std::size_t>(cols[1])], "1001");
  EXPECT_EQ(c1[static_cast<std::size_t>(cols[2])], "2");
  EXPECT_EQ(c1[static_cast<std::size_t>(cols[3])], "35");
  EXPECT_EQ(c1[static_cast<std::size_t>(cols[4])], "58");
}

// A 2-seat floating pool "NET" on C1, asked on 2026-03-10 12:00 (leases end at their expiry
// unless borrowed; none is released):
//   L0 02-20 09:00-10:00                         (3m only)
//   L1 03-02 09:00-12:00, L2 03-02 10:00-11:00   peak 2 on 03-02
//   a third checkout 03-02 10:30                 refused: 1 denial
//   L3 03-03 23:00 - 03-04 01:00                 across midnight: peak 1 on both days
//   L4 03-05 09:00, expires 09:10, borrowed until 03-07 09:00: held 03-05, 03-06, 03-07
class NetworkReportsTest : public ReportsTest {
 protected:
  void BuildPool() {
    pool_ = Write<core::Subscription>([&](store::Tx& tx) -> core::Result<core::Subscription> {
      const auto now = clock_.Now();
      core::Product product{"", "NET", "Network Suite", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx, product));
      core::Subscription s;
      s.contract_id = c1_.id;
      s.product_id = product.id;
      s.seats = 2;
      s.access = core::Access::kMultiUser;
      s.created_at = s.updated_at = now;
      return repos_.contracts->CreateSubscription(tx, s);
    });
    device_ = Write<core::Device>([&](store::Tx& tx) {
      core::Device d;
      d.team_id = team_.id;
      d.fingerprint_hash = "fingerprint-net";
      d.asset_name = "NET-01";
      d.registered_at = d.updated_at = clock_.Now();
      return repos_.devices->Register(tx, d);
    });
    Lease(At(2026, 2, 20, 9), At(2026, 2, 20, 10));
    Lease(At(2026, 3, 2, 9), At(2026, 3, 2, 12));
    Lease(At(2026, 3, 2, 10), At(2026, 3, 2, 11));
    EXPECT_FALSE(Lease(At(2026, 3, 2, 10) + minutes(30), At(2026, 3, 2, 12)).granted);
    Lease(At(2026, 3, 3, 23), At(2026, 3, 4, 1));
    auto borrowed = Lease(At(2026, 3, 5, 9), At(2026, 3, 5, 9) + minutes(10));
    ASSERT_TRUE(borrowed.lease.has_value());
    Write<core::Lease>([&](store::Tx& tx) {
      return repos_.leases->Borrow(tx, borrowed.lease->id, At(2026, 3, 7, 9),
                                   At(2026, 3, 5, 9) + minutes(5));
    });
    clock_.Set(At(2026, 3, 10, 12));
  }

  store::LeaseCheckout Lease(core::TimePoint from, core::TimePoint until) {
    return Write<store::LeaseCheckout>([&](store::Tx& tx) {
      core::Lease l;
      l.subscription_id = pool_.id;
      l.product_id = *pool_.product_id;
      l.device_id = device_.id;
      l.user_name = "jdoe";
      l.host = "NET-01";
      l.checked_out_at = l.heartbeat_at = from;
      l.expires_at = until;
      return repos_.leases->Checkout(tx, l);
    });
  }

  core::Subscription pool_;
};

TEST_P(NetworkReportsTest, PeaksDenialsAndBorrowedSeatsPerDay) {
  BuildPool();
  auto report = Must(reports().NetworkLicenses(As("pa"), team_.id, ReportRange::kThisMonth));
  ASSERT_EQ(report.subscriptions.size(), 1u);
  const auto& pool = report.subscriptions[0];
  EXPECT_EQ(pool.product_code, "NET");
  EXPECT_EQ(pool.seats, 2);
  EXPECT_EQ(pool.peak, 2);
  EXPECT_EQ(pool.checkouts, 4);  // L1, L2, L3, L4
  EXPECT_EQ(pool.denials, 1);
  EXPECT_EQ(pool.borrowed, 1);
  ASSERT_EQ(pool.days.size(), 6u);  // 03-02 to 03-07
  EXPECT_EQ(pool.days[0].day, At(2026, 3, 2));
  EXPECT_EQ(pool.days[0].peak, 2);
  EXPECT_EQ(pool.days[0].checkouts, 2);
  EXPECT_EQ(pool.days[0].denials, 1);
  EXPECT_EQ(pool.days[1].day, At(2026, 3, 3));
  EXPECT_EQ(pool.days[1].peak, 1);
  EXPECT_EQ(pool.days[2].day, At(2026, 3, 4));
  EXPECT_EQ(pool.days[2].peak, 1);
  EXPECT_EQ(pool.days[2].checkouts, 0);
  EXPECT_EQ(pool.days[3].day, At(2026, 3, 5));
  EXPECT_EQ(pool.days[3].borrowed, 1);
  EXPECT_EQ(pool.days[5].day, At(2026, 3, 7));
  EXPECT_EQ(pool.days[5].peak, 1);
  EXPECT_EQ(pool.days[5].borrowed, 1);

  auto three = Must(reports().NetworkLicenses(As("pa"), team_.id, ReportRange::kMonths3));
  EXPECT_EQ(three.subscriptions.at(0).checkouts, 5);
  EXPECT_EQ(three.subscriptions.at(0).days.front().day, At(2026, 2, 20));

  auto csv = Must(reports().ExportNetworkLicenses(As("pa"), team_.id, ReportRange::kThisMonth));
  auto table = ParseCsvWithHeader(csv.csv, {"date", "peak", "denials"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->records.size(), 6u);
  const auto& first = table->records[0].fields;
  EXPECT_EQ(first[static_cast<std::size_t>(table->columns[0])], "2026-03-02");
  EXPECT_EQ(first[static_cast<std::size_t>(table->columns[1])], "2");
  EXPECT_EQ(first[static_cast<std::size_t>(table->columns[2])], "1");
}

TEST_P(NetworkReportsTest, ASoftwareCoordinatorSeesOnlyTheirPoolsAndAUserIsRefused) {
  BuildPool();
  auto sc = Must(reports().NetworkLicenses(As("sc"), team_.id, ReportRange::kThisMonth));
  EXPECT_EQ(sc.scope, ReportScope::kOwnContracts);
  EXPECT_TRUE(sc.subscriptions.empty());  // the pool is on C1, not on their C2
  auto user = reports().NetworkLicenses(As("user"), team_.id, ReportRange::kThisMonth);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code, ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, NetworkReportsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, ReportsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, CreditReportsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
