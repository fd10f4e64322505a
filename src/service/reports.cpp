#include "service/reports.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/csv_writer.hpp"
#include "store/contract_repository.hpp"
#include "store/lease_repository.hpp"
#include "store/page.hpp"
#include "store/usage_repository.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::int64_t kDayMs = 86'400'000;

std::string Date(core::TimePoint at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const std::chrono::year_month_day ymd(
      std::chrono::floor<std::chrono::days>(std::chrono::sys_time(ms)));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

core::TimePoint DayOf(core::TimePoint at) {
  const std::int64_t ms = core::ToUnixMillis(at);
  return core::FromUnixMillis((ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs) * kDayMs);
}

std::string Hours(std::int64_t seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(seconds) / 3600.0);
  return text;
}

int MonthsOf(ReportRange range) {
  switch (range) {
    case ReportRange::kThisMonth:
      return 1;
    case ReportRange::kMonths3:
      return 3;
    case ReportRange::kMonths6:
      return 6;
    case ReportRange::kMonths9:
      return 9;
    case ReportRange::kMonths12:
      return 12;
  }
  return 1;
}

std::string FullName(const core::User& user) {
  std::string name = user.first_name;
  if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
  return name;
}

// ---- who sees what -------------------------------------------------------------------------

struct Reach {
  ReportScope scope = ReportScope::kSelf;
  core::Role role = core::Role::kUser;
  std::set<std::string> contract_ids;  // kOwnContracts
  std::string user_id;                 // the caller

  bool SeesContract(const std::string& contract_id) const {
    return scope != ReportScope::kOwnContracts || contract_ids.contains(contract_id);
  }
};

// The team-wide grant if the caller has one, else their own usage; refusals of both are
// returned as the authorizer words them.
Result<Reach> ReachOf(store::Tx& tx, const Deps& deps, const Caller& caller,
                      const std::string& team_id) {
  Reach reach;
  reach.user_id = caller.principal.user_id;
  auto team =
      Authorize(tx, deps, caller.principal, core::Capability::kReportTeamUsage, {team_id, {}, {}});
  if (team.ok()) {
    reach.role = team->role;
    if (team->grant == core::Grant::kOwnContracts) {
      reach.scope = ReportScope::kOwnContracts;
      reach.contract_ids.insert(team->contract_ids.begin(), team->contract_ids.end());
    } else {
      reach.scope = ReportScope::kTeam;
    }
    return reach;
  }
  if (team.error().code != ErrorCode::kPermissionDenied) return team.error();
  SW_ASSIGN_OR_RETURN(
      Authorization own,
      Authorize(tx, deps, caller.principal, core::Capability::kReportOwnUsage, {team_id, {}, {}}));
  reach.role = own.role;
  reach.scope = ReportScope::kSelf;
  return reach;
}

// Cached reads of people and catalog entries by id.
class Names {
 public:
  Names(store::Tx& tx, const Deps& deps) : tx_(tx), deps_(deps) {}

  Result<std::pair<std::string, std::string>> User(const std::string& id) {
    if (auto it = users_.find(id); it != users_.end()) return it->second;
    auto user = deps_.repos.users->Get(tx_, id);
    if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
    std::pair<std::string, std::string> out;
    if (user.ok()) out = {FullName(*user), user->email};
    users_.emplace(id, out);
    return out;
  }

  Result<core::Product> Product(const std::string& id) {
    if (auto it = products_.find(id); it != products_.end()) return it->second;
    SW_ASSIGN_OR_RETURN(core::Product product, deps_.repos.catalog->GetProduct(tx_, id));
    products_.emplace(id, product);
    return product;
  }

  Result<std::optional<core::Service>> Service(const std::string& id) {
    if (auto it = services_.find(id); it != services_.end()) return it->second;
    auto service = deps_.repos.catalog->GetService(tx_, id);
    if (!service.ok() && service.error().code != ErrorCode::kNotFound) return service.error();
    std::optional<core::Service> out;
    if (service.ok()) out = *service;
    services_.emplace(id, out);
    return out;
  }

 private:
  store::Tx& tx_;
  const Deps& deps_;
  std::map<std::string, std::pair<std::string, std::string>> users_;
  std::map<std::string, core::Product> products_;
  std::map<std::string, std::optional<core::Service>> services_;
};

Result<std::vector<core::Contract>> TeamContracts(store::Tx& tx, const Deps& deps,
                                                  const std::string& team_id) {
  std::vector<core::Contract> out;
  store::ContractFilter filter;
  filter.team_id = team_id;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto contracts, deps.repos.contracts->ListContracts(tx, filter, page));
    for (auto& c : contracts.items) out.push_back(std::move(c));
    if (contracts.next_after.empty()) break;
    page.after = contracts.next_after;
  }
  return out;
}

bool InForce(const core::Contract& contract, const core::Subscription& sub, core::TimePoint now) {
  const bool live = contract.status == core::ContractStatus::kActive ||
                    contract.status == core::ContractStatus::kExpiring;
  return live && contract.starts_at <= now && (!sub.ends_at || *sub.ends_at > now);
}

// ---- seat usage --------------------------------------------------------------------------

struct Parent {
  UsageRowKind kind = UsageRowKind::kProduct;
  std::string id;
  std::string code;
  std::string name;
};

struct Tally {
  std::int64_t sessions = 0;
  std::int64_t seconds = 0;
  std::set<std::string> users;
  std::set<std::string> products;
  core::TimePoint last{};

  void Add(const store::UsageSummary& s) {
    sessions += s.sessions;
    seconds += s.seconds;
    users.insert(s.user_id);
    products.insert(s.product_id);
    last = std::max(last, s.last_day);
  }
};

ProductUsageRow RowOf(UsageRowKind kind, std::string id, std::string code, std::string name,
                      const Tally& tally) {
  return ProductUsageRow{kind,
                         std::move(id),
                         std::move(code),
                         std::move(name),
                         tally.sessions,
                         tally.seconds,
                         static_cast<std::int64_t>(tally.users.size()),
                         static_cast<std::int64_t>(tally.products.size())};
}

void SortRows(std::vector<ProductUsageRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ProductUsageRow& a, const ProductUsageRow& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });
}

Result<SeatUsageReport> BuildSeatUsage(store::Tx& tx, const Deps& deps, const Caller& caller,
                                       const std::string& team_id, const SeatUsageQuery& query) {
  SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
  SW_ASSIGN_OR_RETURN(Reach reach, ReachOf(tx, deps, caller, team.id));
  const auto now = deps.clock.Now();
  SeatUsageReport report;
  report.window = WindowOf(query.range, now);
  report.scope = reach.scope;
  report.by = query.by;

  SW_ASSIGN_OR_RETURN(auto contract_list, TeamContracts(tx, deps, team.id));
  std::map<std::string, core::Contract> contracts;
  for (auto& c : contract_list) contracts.emplace(c.id, std::move(c));
  SW_ASSIGN_OR_RETURN(auto sub_list, deps.repos.contracts->ListTeamSubscriptions(tx, team.id));
  std::map<std::string, core::Subscription> subs;
  for (auto& s : sub_list) subs.emplace(s.id, std::move(s));

  // Single-user seats in force.
  std::set<std::string> held;
  if (reach.scope == ReportScope::kSelf) {
    SW_ASSIGN_OR_RETURN(auto assignments,
                        deps.repos.assignments->ListActiveByUser(tx, reach.user_id));
    for (const auto& a : assignments) held.insert(a.subscription_id);
  }
  for (const auto& [id, sub] : subs) {
    if (sub.access != core::Access::kSingleUser || sub.service_id) continue;
    auto contract = contracts.find(sub.contract_id);
    if (contract == contracts.end() || !reach.SeesContract(sub.contract_id)) continue;
    if (!InForce(contract->second, sub, now)) continue;
    if (reach.scope == ReportScope::kSelf) {
      if (held.contains(id)) report.totals.single_user_seats += 1;
    } else {
      report.totals.single_user_seats += sub.seats;
    }
  }

  // The rollup, summed over the window.
  store::UsageDailyQuery daily;
  daily.team_id = team.id;
  daily.from = report.window.from;
  daily.to = report.window.to;
  if (reach.scope == ReportScope::kSelf) daily.user_id = reach.user_id;
  SW_ASSIGN_OR_RETURN(auto summary, deps.repos.usage->SummarizeDaily(tx, daily));
  std::vector<store::UsageSummary> rows;
  for (auto& s : summary) {
    auto sub = subs.find(s.subscription_id);
    if (sub == subs.end() || !reach.SeesContract(sub->second.contract_id)) continue;
    rows.push_back(std::move(s));
  }
  Tally all;
  for (const auto& s : rows) all.Add(s);
  report.totals.users = static_cast<std::int64_t>(all.users.size());
  report.totals.products = static_cast<std::int64_t>(all.products.size());

  Names names(tx, deps);
  if (query.by == SeatUsageView::kByUser) {
    std::map<std::string, Tally> by_user;
    for (const auto& s : rows) by_user[s.user_id].Add(s);
    for (const auto& [user_id, tally] : by_user) {
      SW_ASSIGN_OR_RETURN(auto who, names.User(user_id));
      report.users.push_back(UserUsageRow{user_id, who.first, who.second,
                                          static_cast<std::int64_t>(tally.products.size()),
                                          tally.sessions, tally.seconds, tally.last});
    }
    std::sort(report.users.begin(), report.users.end(),
              [](const UserUsageRow& a, const UserUsageRow& b) {
                return std::tie(a.name, a.email, a.user_id) < std::tie(b.name, b.email, b.user_id);
              });
    return report;
  }

  // Parents: a collection subscription's collection, else the product's group.
  SW_ASSIGN_OR_RETURN(auto collection_list, deps.repos.catalog->ListCollections(tx));
  SW_ASSIGN_OR_RETURN(auto group_list, deps.repos.catalog->ListProductGroups(tx));
  std::sort(group_list.begin(), group_list.end(),
            [](const core::ProductGroup& a, const core::ProductGroup& b) {
              return std::tie(a.name, a.id) < std::tie(b.name, b.id);
            });
  std::map<std::string, Parent> collections;
  for (const auto& c : collection_list) {
    collections.emplace(c.id, Parent{UsageRowKind::kCollection, c.id, c.code, c.name});
  }
  std::map<std::string, Parent> group_of_product;
  std::map<std::string, Parent> groups;
  for (const auto& g : group_list) {
    Parent parent{UsageRowKind::kProductGroup, g.id, g.code, g.name};
    groups.emplace(g.id, parent);
    for (const auto& p : g.product_ids) group_of_product.emplace(p, parent);
  }
  auto parent_of = [&](const store::UsageSummary& s) -> std::optional<Parent> {
    const core::Subscription& sub = subs.at(s.subscription_id);
    if (sub.collection_id) {
      if (auto it = collections.find(*sub.collection_id); it != collections.end()) {
        return it->second;
      }
    }
    if (auto it = group_of_product.find(s.product_id); it != group_of_product.end()) {
      return it->second;
    }
    return std::nullopt;
  };

  if (!query.group.empty()) {
    const Parent* wanted = nullptr;
    if (auto it = collections.find(query.group); it != collections.end()) wanted = &it->second;
    if (auto it = groups.find(query.group); it != groups.end()) wanted = &it->second;
    if (wanted == nullptr) {
      core::Error error = core::MakeError(ErrorCode::kNotFound,
                                          "no collection or product group " + query.group +
                                              "; use the id of a collection or product group row");
      error.fields.push_back({"group", "is not a collection or product group"});
      return error;
    }
    report.group = ReportGroup{wanted->kind, wanted->id, wanted->code, wanted->name};
    std::map<std::string, Tally> by_product;
    for (const auto& s : rows) {
      auto parent = parent_of(s);
      if (parent && parent->id == wanted->id) by_product[s.product_id].Add(s);
    }
    for (const auto& [product_id, tally] : by_product) {
      SW_ASSIGN_OR_RETURN(core::Product product, names.Product(product_id));
      report.products.push_back(
          RowOf(UsageRowKind::kProduct, product.id, product.code, product.name, tally));
    }
    SortRows(report.products);
    return report;
  }

  std::map<std::string, std::pair<Parent, Tally>> by_parent;
  std::map<std::string, Tally> standalone;
  for (const auto& s : rows) {
    if (auto parent = parent_of(s)) {
      auto& entry = by_parent[parent->id];
      entry.first = *parent;
      entry.second.Add(s);
    } else {
      standalone[s.product_id].Add(s);
    }
  }
  for (const auto& [id, entry] : by_parent) {
    report.products.push_back(
        RowOf(entry.first.kind, id, entry.first.code, entry.first.name, entry.second));
  }
  for (const auto& [product_id, tally] : standalone) {
    SW_ASSIGN_OR_RETURN(core::Product product, names.Product(product_id));
    report.products.push_back(
        RowOf(UsageRowKind::kProduct, product.id, product.code, product.name, tally));
  }
  SortRows(report.products);
  return report;
}

// ---- cloud credits -------------------------------------------------------------------------

Result<std::vector<core::CreditEntry>> Consumptions(store::Tx& tx, const Deps& deps,
                                                    const std::string& contract_id,
                                                    const std::optional<std::string>& user_id,
                                                    const ReportWindow& window) {
  std::vector<core::CreditEntry> out;
  store::CreditQuery q;
  q.contract_id = contract_id;
  q.user_id = user_id;
  q.from = window.from;
  q.to = window.to;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto entries, deps.repos.usage->ListCreditEntries(tx, q, page));
    for (auto& e : entries.items) {
      if (e.reason == core::CreditReason::kConsumption) out.push_back(std::move(e));
    }
    if (entries.next_after.empty()) break;
    page.after = entries.next_after;
  }
  return out;
}

Result<CreditReport> BuildCredits(store::Tx& tx, const Deps& deps, const Caller& caller,
                                  const std::string& team_id, ReportRange range) {
  SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
  SW_ASSIGN_OR_RETURN(Reach reach, ReachOf(tx, deps, caller, team.id));
  CreditReport report;
  report.window = WindowOf(range, deps.clock.Now());
  report.scope = reach.scope;
  SW_ASSIGN_OR_RETURN(auto contracts, TeamContracts(tx, deps, team.id));
  std::sort(contracts.begin(), contracts.end(),
            [](const core::Contract& a, const core::Contract& b) {
              return std::tie(a.number, a.id) < std::tie(b.number, b.id);
            });
  Names names(tx, deps);

  // Personal: every contract of the team, the caller's consumption only.
  std::map<std::pair<core::TimePoint, std::string>, std::int64_t> personal;
  if (!reach.user_id.empty()) {
    for (const auto& contract : contracts) {
      SW_ASSIGN_OR_RETURN(auto mine,
                          Consumptions(tx, deps, contract.id, reach.user_id, report.window));
      for (const auto& e : mine) {
        personal[{DayOf(e.at), e.service_id.value_or("")}] += -e.amount;
        report.personal_total += -e.amount;
      }
    }
  }
  for (const auto& [key, credits] : personal) {
    PersonalCreditRow row{key.first, key.second, "", "", credits};
    if (!key.second.empty()) {
      SW_ASSIGN_OR_RETURN(auto service, names.Service(key.second));
      if (service) {
        row.service_code = service->code;
        row.service_name = service->name;
      }
    }
    report.personal.push_back(std::move(row));
  }
  std::sort(report.personal.begin(), report.personal.end(),
            [](const PersonalCreditRow& a, const PersonalCreditRow& b) {
              return std::tie(a.day, a.service_code, a.service_id) <
                     std::tie(b.day, b.service_code, b.service_id);
            });
  if (reach.scope == ReportScope::kSelf) return report;

  std::map<std::string, std::int64_t> by_user;
  for (const auto& contract : contracts) {
    if (!reach.SeesContract(contract.id)) continue;
    SW_ASSIGN_OR_RETURN(auto used,
                        Consumptions(tx, deps, contract.id, std::nullopt, report.window));
    ContractCreditRow row{contract.id, contract.number, 0, 0, contract.credit_balance};
    std::set<std::string> consumers;
    for (const auto& e : used) {
      row.used += -e.amount;
      if (e.user_id) {
        consumers.insert(*e.user_id);
        by_user[*e.user_id] += -e.amount;
      }
    }
    row.consumers = static_cast<std::int64_t>(consumers.size());
    report.contracts.push_back(std::move(row));
  }
  for (const auto& [user_id, credits] : by_user) {
    SW_ASSIGN_OR_RETURN(auto who, names.User(user_id));
    report.users.push_back(UserCreditRow{user_id, who.first, who.second, credits});
  }
  std::sort(report.users.begin(), report.users.end(),
            [](const UserCreditRow& a, const UserCreditRow& b) {
              return std::tie(a.name, a.email, a.user_id) < std::tie(b.name, b.email, b.user_id);
            });
  return report;
}

// ---- network licenses ----------------------------------------------------------------------

Result<NetworkLicenseRow> PoolUsage(store::Tx& tx, const Deps& deps, const core::Subscription& sub,
                                    const ReportWindow& window, core::TimePoint now, Names& names) {
  NetworkLicenseRow row;
  row.subscription_id = sub.id;
  row.contract_id = sub.contract_id;
  row.seats = sub.seats;
  if (sub.product_id) {
    SW_ASSIGN_OR_RETURN(core::Product product, names.Product(*sub.product_id));
    row.product_id = product.id;
    row.product_code = product.code;
    row.product_name = product.name;
  }
  const std::int64_t from = core::ToUnixMillis(window.from);
  const std::int64_t to = std::min(core::ToUnixMillis(window.to), core::ToUnixMillis(now));
  std::map<std::int64_t, NetworkDayRow> days;
  auto day_of = [](std::int64_t ms) { return (ms / kDayMs) * kDayMs; };
  SW_ASSIGN_OR_RETURN(auto leases,
                      deps.repos.leases->ListOverlapping(tx, sub.id, window.from, window.to));
  std::vector<std::pair<std::int64_t, int>> events;  // (time, +1 start / -1 end)
  for (const auto& lease : leases) {
    core::TimePoint end = lease.released_at.value_or(
        std::max(lease.expires_at, lease.borrowed_until.value_or(lease.expires_at)));
    const std::int64_t start = std::max(core::ToUnixMillis(lease.checked_out_at), from);
    const std::int64_t stop = std::min(core::ToUnixMillis(end), to);
    const std::int64_t checked_out = core::ToUnixMillis(lease.checked_out_at);
    if (checked_out >= from && checked_out < to) days[day_of(checked_out)].checkouts += 1;
    if (stop <= start) continue;
    events.emplace_back(start, +1);
    events.emplace_back(stop, -1);
    if (lease.borrowed_until) {
      row.borrowed += 1;
      for (std::int64_t d = day_of(start); d < stop; d += kDayMs) days[d].borrowed += 1;
    }
  }
  // Ends before starts at the same instant: a seat handed on is not counted twice.
  std::sort(events.begin(), events.end());
  int level = 0;
  std::int64_t previous = from;
  for (const auto& [at, delta] : events) {
    if (level > 0 && at > previous) {
      for (std::int64_t d = day_of(previous); d < at; d += kDayMs) {
        days[d].peak = std::max(days[d].peak, level);
      }
    }
    level += delta;
    previous = at;
  }
  SW_ASSIGN_OR_RETURN(auto denials,
                      deps.repos.leases->ListDenials(tx, sub.id, window.from, window.to));
  for (const auto& denial : denials) days[day_of(core::ToUnixMillis(denial.at))].denials += 1;
  for (auto& [day, entry] : days) {
    entry.day = core::FromUnixMillis(day);
    row.peak = std::max(row.peak, entry.peak);
    row.checkouts += entry.checkouts;
    row.denials += entry.denials;
    row.days.push_back(entry);
  }
  return row;
}

Result<NetworkLicenseReport> BuildNetwork(store::Tx& tx, const Deps& deps, const Caller& caller,
                                          const std::string& team_id, ReportRange range) {
  SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
  SW_ASSIGN_OR_RETURN(
      Authorization authz,
      Authorize(tx, deps, caller.principal, core::Capability::kReportTeamUsage, {team.id, {}, {}}));
  const std::set<std::string> own(authz.contract_ids.begin(), authz.contract_ids.end());
  const bool scoped = authz.grant == core::Grant::kOwnContracts;
  const auto now = deps.clock.Now();
  NetworkLicenseReport report;
  report.window = WindowOf(range, now);
  report.scope = scoped ? ReportScope::kOwnContracts : ReportScope::kTeam;
  SW_ASSIGN_OR_RETURN(auto subs, deps.repos.contracts->ListTeamSubscriptions(tx, team.id));
  Names names(tx, deps);
  for (const auto& sub : subs) {
    if (sub.access != core::Access::kMultiUser) continue;
    if (scoped && !own.contains(sub.contract_id)) continue;
    SW_ASSIGN_OR_RETURN(auto row, PoolUsage(tx, deps, sub, report.window, now, names));
    report.subscriptions.push_back(std::move(row));
  }
  std::sort(report.subscriptions.begin(), report.subscriptions.end(),
            [](const NetworkLicenseRow& a, const NetworkLicenseRow& b) {
              return std::tie(a.product_name, a.subscription_id) <
                     std::tie(b.product_name, b.subscription_id);
            });
  return report;
}

AuditRecord ReportRecord(std::string action, const std::string& team_id) {
  AuditRecord record;
  record.action = std::move(action);
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return record;
}

std::string FileName(std::string_view report, const std::string& team_id, ReportRange range,
                     core::TimePoint now) {
  return std::string(report) + "-" + team_id + "-" + std::string(ReportRangeName(range)) + "-" +
         Date(now) + ".csv";
}

}  // namespace

std::string_view ReportRangeName(ReportRange range) {
  switch (range) {
    case ReportRange::kThisMonth:
      return "this_month";
    case ReportRange::kMonths3:
      return "3m";
    case ReportRange::kMonths6:
      return "6m";
    case ReportRange::kMonths9:
      return "9m";
    case ReportRange::kMonths12:
      return "12m";
  }
  return "this_month";
}

std::optional<ReportRange> ParseReportRange(std::string_view name) {
  for (auto range : {ReportRange::kThisMonth, ReportRange::kMonths3, ReportRange::kMonths6,
                     ReportRange::kMonths9, ReportRange::kMonths12}) {
    if (ReportRangeName(range) == name) return range;
  }
  return std::nullopt;
}

ReportWindow WindowOf(ReportRange range, core::TimePoint now) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace)
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch());
  const year_month_day today(floor<days>(sys_time<milliseconds>(ms)));
  const year_month this_month = today.year() / today.month();
  const year_month first = this_month - months(MonthsOf(range) - 1);
  const year_month next = this_month + months(1);
  auto start_of = [](year_month ym) {
    const sys_days day(ym / 1);
    return core::FromUnixMillis(duration_cast<milliseconds>(day.time_since_epoch()).count());
  };
  return ReportWindow{range, start_of(first), start_of(next)};
}

std::string_view ReportScopeName(ReportScope scope) {
  switch (scope) {
    case ReportScope::kTeam:
      return "team";
    case ReportScope::kOwnContracts:
      return "contracts";
    case ReportScope::kSelf:
      return "self";
  }
  return "self";
}

std::string_view UsageRowKindName(UsageRowKind kind) {
  switch (kind) {
    case UsageRowKind::kCollection:
      return "collection";
    case UsageRowKind::kProductGroup:
      return "product_group";
    case UsageRowKind::kProduct:
      return "product";
  }
  return "product";
}

std::string SeatUsageCsv(const SeatUsageReport& report) {
  CsvWriter csv;
  if (report.by == SeatUsageView::kByUser) {
    csv.Row({"user_id", "name", "email", "products_used", "sessions", "hours", "last_used"});
    for (const auto& u : report.users) {
      csv.Row({u.user_id, u.name, u.email, std::to_string(u.products), std::to_string(u.sessions),
               Hours(u.seconds), Date(u.last_used)});
    }
    return csv.str();
  }
  csv.Row(
      {"kind", "id", "code", "name", "parent_id", "sessions", "hours", "users", "products_used"});
  const std::string parent = report.group ? report.group->id : "";
  for (const auto& p : report.products) {
    csv.Row({std::string(UsageRowKindName(p.kind)), p.id, p.code, p.name, parent,
             std::to_string(p.sessions), Hours(p.seconds), std::to_string(p.users),
             std::to_string(p.products)});
  }
  return csv.str();
}

std::string CloudCreditsCsv(const CreditReport& report) {
  CsvWriter csv;
  csv.Row({"section", "date", "service_code", "service_name", "user_name", "user_email",
           "contract_number", "consumers", "credits_used", "balance"});
  for (const auto& p : report.personal) {
    csv.Row({"personal", Date(p.day), p.service_code, p.service_name, "", "", "", "",
             std::to_string(p.credits), ""});
  }
  for (const auto& u : report.users) {
    csv.Row({"user", "", "", "", u.name, u.email, "", "", std::to_string(u.credits), ""});
  }
  for (const auto& c : report.contracts) {
    csv.Row({"contract", "", "", "", "", "", c.number, std::to_string(c.consumers),
             std::to_string(c.used), std::to_string(c.balance)});
  }
  return csv.str();
}

std::string NetworkLicensesCsv(const NetworkLicenseReport& report) {
  CsvWriter csv;
  csv.Row({"subscription_id", "product_code", "product_name", "seats", "date", "peak", "checkouts",
           "denials", "borrowed"});
  for (const auto& s : report.subscriptions) {
    for (const auto& d : s.days) {
      csv.Row({s.subscription_id, s.product_code, s.product_name, std::to_string(s.seats),
               Date(d.day), std::to_string(d.peak), std::to_string(d.checkouts),
               std::to_string(d.denials), std::to_string(d.borrowed)});
    }
  }
  return csv.str();
}

Result<NetworkLicenseReport> ReportService::NetworkLicenses(const Caller& caller,
                                                            const std::string& team_id,
                                                            ReportRange range) {
  const Deps& deps = deps_;
  return ReadAudited<NetworkLicenseReport>(
      deps, caller, ReportRecord("report.network_licenses", team_id),
      [&](store::Tx& tx) { return BuildNetwork(tx, deps, caller, team_id, range); });
}

Result<ReportExport> ReportService::ExportNetworkLicenses(const Caller& caller,
                                                          const std::string& team_id,
                                                          ReportRange range) {
  const Deps& deps = deps_;
  return ReadAudited<ReportExport>(
      deps, caller, ReportRecord("report.network_licenses_export", team_id),
      [&](store::Tx& tx) -> Result<ReportExport> {
        SW_ASSIGN_OR_RETURN(auto report, BuildNetwork(tx, deps, caller, team_id, range));
        return ReportExport{FileName("network-licenses", team_id, range, deps.clock.Now()),
                            NetworkLicensesCsv(report)};
      });
}

Result<SeatUsageReport> ReportService::SeatUsage(const Caller& caller, const std::string& team_id,
                                                 const SeatUsageQuery& query) {
  const Deps& deps = deps_;
  return ReadAudited<SeatUsageReport>(
      deps, caller, ReportRecord("report.seat_usage", team_id),
      [&](store::Tx& tx) { return BuildSeatUsage(tx, deps, caller, team_id, query); });
}

Result<ReportExport> ReportService::ExportSeatUsage(const Caller& caller,
                                                    const std::string& team_id,
                                                    const SeatUsageQuery& query) {
  const Deps& deps = deps_;
  return ReadAudited<ReportExport>(
      deps, caller, ReportRecord("report.seat_usage_export", team_id),
      [&](store::Tx& tx) -> Result<ReportExport> {
        SW_ASSIGN_OR_RETURN(auto report, BuildSeatUsage(tx, deps, caller, team_id, query));
        return ReportExport{FileName("seat-usage", team_id, query.range, deps.clock.Now()),
                            SeatUsageCsv(report)};
      });
}

Result<CreditReport> ReportService::CloudCredits(const Caller& caller, const std::string& team_id,
                                                 ReportRange range) {
  const Deps& deps = deps_;
  return ReadAudited<CreditReport>(
      deps, caller, ReportRecord("report.cloud_credits", team_id),
      [&](store::Tx& tx) { return BuildCredits(tx, deps, caller, team_id, range); });
}

Result<ReportExport> ReportService::ExportCloudCredits(const Caller& caller,
                                                       const std::string& team_id,
                                                       ReportRange range) {
  const Deps& deps = deps_;
  return ReadAudited<ReportExport>(
      deps, caller, ReportRecord("report.cloud_credits_export", team_id),
      [&](store::Tx& tx) -> Result<ReportExport> {
        SW_ASSIGN_OR_RETURN(auto report, BuildCredits(tx, deps, caller, team_id, range));
        return ReportExport{FileName("cloud-credits", team_id, range, deps.clock.Now()),
                            CloudCreditsCsv(report)};
      });
}

}  // namespace seatwise::service
