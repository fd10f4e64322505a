#pragma once
// The team reports: seat usage (from the daily usage rollup) and cloud credits (from the
// credit ledger), as JSON views and CSV exports.
//
// Who sees what (DOMAIN.md rule 8, "Reporting" rows of the matrix): the team's Primary and
// Secondary Admins, its Contract Managers and operators see the whole team; a Software
// Coordinator sees the subscriptions and contracts of their own contracts; every other
// member sees only their own usage (the totals are then their own too). Anyone else is
// refused.
//
// Ranges are calendar months in UTC on the injected clock:
//   this_month  from 00:00 UTC on the 1st of the current month;
//   3m, 6m, 9m, 12m  the last N calendar months including the current one, i.e. from
//               00:00 UTC on the 1st of the month N-1 months before the current one.
// Every range ends at 00:00 UTC on the 1st of the next month (so today counts in full).
// Usage is counted on the UTC day its session started.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

enum class ReportRange { kThisMonth, kMonths3, kMonths6, kMonths9, kMonths12 };
std::string_view ReportRangeName(ReportRange range);  // this_month, 3m, 6m, 9m, 12m
std::optional<ReportRange> ParseReportRange(std::string_view name);

struct ReportWindow {
  ReportRange range = ReportRange::kThisMonth;
  core::TimePoint from{};  // inclusive
  core::TimePoint to{};    // exclusive
};
// The window of `range` for a report asked at `now` (see above).
ReportWindow WindowOf(ReportRange range, core::TimePoint now);

// How far the caller's report reaches.
enum class ReportScope { kTeam, kOwnContracts, kSelf };
std::string_view ReportScopeName(ReportScope scope);  // team, contracts, self

// ---- seat usage --------------------------------------------------------------------------

enum class SeatUsageView { kByProduct, kByUser };

struct SeatUsageQuery {
  ReportRange range = ReportRange::kThisMonth;
  SeatUsageView by = SeatUsageView::kByProduct;
  // by product: the id of a collection or product group to list its products (drill-down).
  std::string group;
};

struct SeatUsageTotals {
  // Distinct people who opened an assigned product in the range.
  std::int64_t users = 0;
  // Distinct products with at least one session in the range.
  std::int64_t products = 0;
  // Seats of the single-user product and collection subscriptions in force now (contract
  // active or expiring and started, product term not ended). For a user seeing only
  // themselves: the seats of those subscriptions they hold.
  std::int64_t single_user_seats = 0;
};

enum class UsageRowKind { kCollection, kProductGroup, kProduct };
std::string_view UsageRowKindName(UsageRowKind kind);  // collection, product_group, product

// One row of the by-product view. Usage through a collection subscription belongs to the
// collection; other usage to the product group the product is in (the first by name), or
// to the product alone when it is in none.
struct ProductUsageRow {
  UsageRowKind kind = UsageRowKind::kProduct;
  std::string id;
  std::string code;
  std::string name;
  std::int64_t sessions = 0;
  std::int64_t seconds = 0;
  std::int64_t users = 0;     // distinct people
  std::int64_t products = 0;  // distinct products used (1 for a product row)
};

struct UserUsageRow {
  std::string user_id;
  std::string name;  // "First Last"
  std::string email;
  std::int64_t products = 0;  // distinct products used
  std::int64_t sessions = 0;
  std::int64_t seconds = 0;
  core::TimePoint last_used{};  // the UTC day of the latest session
};

struct ReportGroup {
  UsageRowKind kind = UsageRowKind::kCollection;
  std::string id;
  std::string code;
  std::string name;
};

struct SeatUsageReport {
  ReportWindow window;
  ReportScope scope = ReportScope::kSelf;
  SeatUsageView by = SeatUsageView::kByProduct;
  SeatUsageTotals totals;                 // over everything the caller sees, whatever the view
  std::optional<ReportGroup> group;       // the drill-down parent
  std::vector<ProductUsageRow> products;  // by product, sorted by name then id
  std::vector<UserUsageRow> users;        // by user, sorted by name, e-mail, id
};

// ---- cloud credits -------------------------------------------------------------------------

// Credits the caller consumed on one day (UTC) through one service.
struct PersonalCreditRow {
  core::TimePoint day{};
  std::string service_id;  // empty when the ledger names none
  std::string service_code;
  std::string service_name;
  std::int64_t credits = 0;
};

struct UserCreditRow {
  std::string user_id;
  std::string name;
  std::string email;
  std::int64_t credits = 0;
};

struct ContractCreditRow {
  std::string contract_id;
  std::string number;
  std::int64_t consumers = 0;  // distinct people who consumed credits in the range
  std::int64_t used = 0;       // credits consumed in the range
  std::int64_t balance = 0;    // credits left now
};

// "Used" counts consumption entries only (purchases, adjustments and refunds move the
// balance but are not usage).
struct CreditReport {
  ReportWindow window;
  ReportScope scope = ReportScope::kSelf;
  std::int64_t personal_total = 0;
  std::vector<PersonalCreditRow> personal;   // by day, then service code
  std::vector<UserCreditRow> users;          // team and contracts scope only; by name
  std::vector<ContractCreditRow> contracts;  // team and contracts scope only; by number
};

// ---- network licenses ----------------------------------------------------------------------

// One UTC day of a floating-seat pool: the most leases held at once, checkouts started,
// checkouts refused for want of a seat, and borrowed leases held that day.
struct NetworkDayRow {
  core::TimePoint day{};
  int peak = 0;
  int checkouts = 0;
  int denials = 0;
  int borrowed = 0;
};

// One multi-user subscription over the range. A lease is held from its checkout until it was
// released, else until the later of its expiry and its borrow end (never past now).
struct NetworkLicenseRow {
  std::string subscription_id;
  std::string contract_id;
  std::string product_id;
  std::string product_code;
  std::string product_name;
  int seats = 0;
  int peak = 0;  // the highest daily peak
  std::int64_t checkouts = 0;
  std::int64_t denials = 0;
  std::int64_t borrowed = 0;        // distinct borrowed leases held in the range
  std::vector<NetworkDayRow> days;  // days with a lease held or a denial, oldest first
};

// Team-wide only (floating seats belong to a pool, not a person): PA, SA, CM, operators see
// every pool of the team, a Software Coordinator those of their contracts; users are refused.
struct NetworkLicenseReport {
  ReportWindow window;
  ReportScope scope = ReportScope::kTeam;
  std::vector<NetworkLicenseRow> subscriptions;  // by product name, then subscription id
};

struct ReportExport {
  std::string filename;  // <report>-<team>-<range>-<YYYY-MM-DD>.csv
  std::string csv;
};

class ReportService {
 public:
  explicit ReportService(const Deps& deps) : deps_(deps) {}

  // kNotFound for a `group` that is neither a collection nor a product group.
  core::Result<SeatUsageReport> SeatUsage(const Caller& caller, const std::string& team_id,
                                          const SeatUsageQuery& query);
  // The view of `query` as CSV (header row, UTF-8, CRLF).
  core::Result<ReportExport> ExportSeatUsage(const Caller& caller, const std::string& team_id,
                                             const SeatUsageQuery& query);
  core::Result<CreditReport> CloudCredits(const Caller& caller, const std::string& team_id,
                                          ReportRange range);
  // One CSV with a `section` column: personal, user, contract.
  core::Result<ReportExport> ExportCloudCredits(const Caller& caller, const std::string& team_id,
                                                ReportRange range);
  core::Result<NetworkLicenseReport> NetworkLicenses(const Caller& caller,
                                                     const std::string& team_id, ReportRange range);
  // One row per subscription and day.
  core::Result<ReportExport> ExportNetworkLicenses(const Caller& caller, const std::string& team_id,
                                                   ReportRange range);

 private:
  Deps deps_;
};

std::string SeatUsageCsv(const SeatUsageReport& report);
std::string CloudCreditsCsv(const CreditReport& report);
std::string NetworkLicensesCsv(const NetworkLicenseReport& report);

}  // namespace seatwise::service
