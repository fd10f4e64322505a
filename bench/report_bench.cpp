// The seat-usage report over a large usage history: seeds the demo plus a large team into a
// fresh database, inserts N usage events (default 10 million) spread over the last 12 months,
// runs the usage rollup to completion, then times the reports as a team admin sees them.
//
//   report_bench [--events N] [--users N] [--runs N] [--seed N] [--keep DIR] [--postgres]
//
// --keep DIR leaves DIR/report.db and DIR/report.env (an admin API token and the team id, for
// bench/bench.sh seat-usage). --postgres runs on a throwaway PostgreSQL cluster instead of
// SQLite (only in a build with the test helpers). See bench/README.md.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"
#include "crypto/sodium_random.hpp"
#include "jobs/builtin_jobs.hpp"
#include "service/context.hpp"
#include "service/demo_seed.hpp"
#include "service/reports.hpp"
#include "service/tokens.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"
#include "store/repositories.hpp"

#ifdef SEATWISE_BENCH_POSTGRES
#include "fakes/test_databases.hpp"
#endif

namespace sw = seatwise;
using sw::core::Result;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::int64_t events = 10'000'000;
  int users = 2'000;
  int runs = 20;
  std::uint64_t seed = 20261122;
  std::string keep;
  bool postgres = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "report_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Must(Result<T> result, std::string_view what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.error().message);
  return std::move(result).value();
}
void Must(Result<void> result, std::string_view what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.error().message);
}

Options Parse(int argc, char** argv) {
  Options o;
  auto number = [&](int& i) -> std::int64_t {
    if (i + 1 >= argc) Die(std::string(argv[i]) + " needs a value");
    char* end = nullptr;
    const long long v = std::strtoll(argv[++i], &end, 10);
    if (end == argv[i] || *end != '\0' || v <= 0) Die(std::string(argv[i]) + " is not a count");
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--events") {
      o.events = number(i);
    } else if (arg == "--users") {
      o.users = static_cast<int>(number(i));
    } else if (arg == "--runs") {
      o.runs = static_cast<int>(number(i));
    } else if (arg == "--seed") {
      o.seed = static_cast<std::uint64_t>(number(i));
    } else if (arg == "--keep") {
      if (i + 1 >= argc) Die("--keep needs a directory");
      o.keep = argv[++i];
    } else if (arg == "--postgres") {
      o.postgres = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "report_bench [--events N] [--users N] [--runs N] [--seed N] [--keep DIR]"
                   " [--postgres]\n";
      std::exit(0);
    } else {
      Die("unknown argument " + std::string(arg) + " (try --help)");
    }
  }
  return o;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Thousands(double v) {
  std::string digits = std::to_string(static_cast<std::int64_t>(v + 0.5));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// What one person of the large team may open: a subscription and a product it grants.
struct Use {
  std::string subscription_id;
  std::string product_id;
};

struct Person {
  std::string user_id;
  std::string device_id;
  std::vector<Use> uses;
};

struct Instance {
  std::string team_id;
  std::string admin_id;  // ann, the team's Primary Admin
  std::vector<Person> people;
  std::string credit_contract_id;
  std::string credit_service_id;
  std::string pool_subscription_id;
  std::string pool_product_id;
};

std::string ProductId(sw::store::Tx& tx, sw::store::Repositories& repos, const std::string& code) {
  auto product = Must(repos.catalog->FindProductByCode(tx, code), "product " + code);
  if (!product) Die("the demo has no product " + code);
  return product->id;
}

// The demo's Contoso Design plus `users` more members, with seats of Draftline (DRL) and of
// the AEC Collection raised to fit them; a third hold DRL only, a third the collection only,
// a third both, each using one or two of the collection's products.
Instance Prepare(sw::store::Database& db, sw::store::Repositories& repos,
                 const sw::core::Clock& clock, const Options& options) {
  return Must(
      db.Transact<Instance>(
          sw::store::TxMode::kWrite,
          [&](sw::store::Tx& tx) -> Result<Instance> {
            Instance out;
            const auto now = clock.Now();
            auto ann = Must(repos.users->FindByEmail(tx, "ann@contoso.example"), "ann");
            if (!ann) Die("the demo has no ann@contoso.example");
            out.admin_id = ann->id;
            auto accounts =
                Must(repos.accounts->ListAccounts(tx, std::nullopt, {"", sw::store::kMaxPageSize}),
                     "accounts");
            for (const auto& account : accounts.items) {
              for (const auto& team : Must(repos.accounts->ListTeams(tx, account.id), "teams")) {
                if (team.name == "Contoso Design") out.team_id = team.id;
              }
            }
            if (out.team_id.empty()) Die("the demo has no team Contoso Design");

            const std::string drl = ProductId(tx, repos, "DRL");
            const std::string str = ProductId(tx, repos, "STR");
            auto aec = Must(repos.catalog->FindCollectionByCode(tx, "AEC"), "AEC");
            if (!aec) Die("the demo has no AEC collection");
            auto rnd = Must(repos.catalog->FindServiceByCode(tx, "RND"), "RND");
            if (!rnd) Die("the demo has no RND service");
            sw::core::Subscription drl_sub, aec_sub, pool;
            for (auto& sub :
                 Must(repos.contracts->ListTeamSubscriptions(tx, out.team_id), "subscriptions")) {
              if (sub.product_id == drl && sub.access == sw::core::Access::kSingleUser &&
                  sub.activation == sw::core::ActivationMethod::kSignIn) {
                drl_sub = sub;
              }
              if (sub.collection_id == aec->id) aec_sub = sub;
              if (sub.product_id == str && sub.access == sw::core::Access::kMultiUser) {
                pool = sub;
              }
              if (sub.service_id == rnd->id) out.credit_contract_id = sub.contract_id;
            }
            if (drl_sub.id.empty() || aec_sub.id.empty() || pool.id.empty()) {
              Die("the demo subscriptions changed: DRL, AEC or STR is missing");
            }
            out.credit_service_id = rnd->id;
            out.pool_subscription_id = pool.id;
            out.pool_product_id = str;
            for (auto* sub : {&drl_sub, &aec_sub}) {
              sub->seats += options.users;
              SW_RETURN_IF_ERROR(repos.contracts->UpdateSubscription(tx, *sub));
            }

            for (int i = 0; i < options.users; ++i) {
              sw::core::User user;
              char email[64];
              std::snprintf(email, sizeof email, "member%05d@contoso.example", i);
              user.email = email;
              user.first_name = "Member";
              user.last_name = std::to_string(i);
              user.status = sw::core::UserStatus::kActive;
              user.created_at = user.updated_at = now;
              SW_ASSIGN_OR_RETURN(user, repos.users->Create(tx, user));
              SW_RETURN_IF_ERROR(repos.users->AddMembership(
                  tx, sw::core::Membership{out.team_id, user.id, sw::core::TeamRole::kUser,
                                           sw::core::MembershipStatus::kActive, std::nullopt, now,
                                           now, std::nullopt, now}));
              sw::core::Device device;
              device.team_id = out.team_id;
              char fingerprint[65];
              std::snprintf(fingerprint, sizeof fingerprint, "%064x", i + 1);
              device.fingerprint_hash = fingerprint;
              device.asset_name = "ws-" + std::to_string(i);
              device.os = "Windows 11";
              device.app_version = "2027.1";
              device.registered_at = device.updated_at = now;
              SW_ASSIGN_OR_RETURN(device, repos.devices->Register(tx, device));
              Person person{user.id, device.id, {}};
              auto assign = [&](const sw::core::Subscription& sub) -> Result<void> {
                sw::core::Assignment a;
                a.subscription_id = sub.id;
                a.user_id = user.id;
                a.assigned_by = ann->id;
                a.assigned_at = now;
                SW_RETURN_IF_ERROR(repos.assignments->AssignSeat(tx, a));
                return sw::core::Ok();
              };
              if (i % 3 != 2) {
                SW_RETURN_IF_ERROR(assign(drl_sub));
                person.uses.push_back({drl_sub.id, drl});
              }
              if (i % 3 != 0) {
                SW_RETURN_IF_ERROR(assign(aec_sub));
                const auto& products = aec->product_ids;
                person.uses.push_back({aec_sub.id, products[i % products.size()]});
                if (i % 2 == 0) {
                  person.uses.push_back({aec_sub.id, products[(i / 2 + 1) % products.size()]});
                }
              }
              out.people.push_back(std::move(person));
            }
            return out;
          }),
      "preparing the large team");
}

constexpr std::int64_t kDayMs = 86'400'000;

// Sessions (a start and a stop event each) spread evenly over the 365 days before today,
// in time order within each day, from a fixed seed. Returns the events inserted.
std::int64_t InsertEvents(sw::store::Database& db, sw::store::Repositories& repos,
                          const Instance& instance, const Options& options, std::int64_t now_ms) {
  std::mt19937_64 rng(options.seed);
  const std::int64_t today = now_ms / kDayMs * kDayMs;
  const std::int64_t first_day = today - 364 * kDayMs;
  const std::int64_t sessions = options.events / 2;
  constexpr std::size_t kPerTransaction = 100'000;
  std::vector<sw::core::UsageEvent> batch;
  batch.reserve(kPerTransaction);
  std::int64_t inserted = 0;
  std::int64_t counter = 0;
  const auto began = Clock::now();
  auto flush = [&] {
    if (batch.empty()) return;
    inserted += Must(db.Transact<int>(sw::store::TxMode::kWrite,
                                      [&](sw::store::Tx& tx) {
                                        return repos.usage->RecordEvents(tx, std::move(batch));
                                      }),
                     "inserting usage events");
    batch.clear();
    batch.reserve(kPerTransaction);
    if (inserted % 1'000'000 == 0) {
      std::cerr << "report_bench: " << Thousands(static_cast<double>(inserted))
                << " events inserted after " << Seconds(Clock::now() - began) << " s\n";
    }
  };
  std::uniform_int_distribution<std::size_t> who(0, instance.people.size() - 1);
  std::uniform_int_distribution<std::int64_t> duration(300, 4 * 3600);
  for (int day = 0; day < 365; ++day) {
    const std::int64_t begin = first_day + day * kDayMs;
    // Today is only partly over: its sessions end before now.
    const std::int64_t length = day == 364 ? std::max<std::int64_t>(1, now_ms - begin) : kDayMs;
    const std::int64_t today_sessions = sessions * (day + 1) / 365 - sessions * day / 365;
    std::vector<std::int64_t> starts(static_cast<std::size_t>(today_sessions));
    std::uniform_int_distribution<std::int64_t> offset(0, length - 1);
    for (auto& s : starts) s = begin + offset(rng);
    std::sort(starts.begin(), starts.end());
    for (std::int64_t start : starts) {
      const Person& person = instance.people[who(rng)];
      const Use& use = person.uses[rng() % person.uses.size()];
      const std::int64_t seconds = duration(rng);
      for (auto kind : {sw::core::UsageKind::kStart, sw::core::UsageKind::kStop}) {
        sw::core::UsageEvent e;
        e.client_event_id = "e" + std::to_string(++counter);
        e.device_id = person.device_id;
        e.user_id = person.user_id;
        e.product_id = use.product_id;
        e.subscription_id = use.subscription_id;
        e.kind = kind;
        const std::int64_t at =
            kind == sw::core::UsageKind::kStart ? start : std::min(start + seconds * 1000, now_ms);
        e.duration_seconds = kind == sw::core::UsageKind::kStop ? (at - start) / 1000 : 0;
        e.at = sw::core::FromUnixMillis(at);
        e.received_at = sw::core::FromUnixMillis(std::min(at + 2'000, now_ms));
        batch.push_back(std::move(e));
        if (batch.size() == kPerTransaction) flush();
      }
    }
  }
  flush();
  return inserted;
}

// Network leases of the 5-seat Structa pool through the year (some refused when full) and
// cloud-credit consumption on the sign-in contract, so those two reports read real rows.
void InsertLeasesAndCredits(sw::store::Database& db, sw::store::Repositories& repos,
                            const Instance& instance, const Options& options, std::int64_t now_ms) {
  std::mt19937_64 rng(options.seed + 1);
  const std::int64_t first_day = now_ms / kDayMs * kDayMs - 364 * kDayMs;
  Must(db.Transact(sw::store::TxMode::kWrite,
                   [&](sw::store::Tx& tx) -> Result<void> {
                     std::uniform_int_distribution<std::int64_t> offset(0, now_ms - first_day - 1);
                     std::vector<std::int64_t> checkouts(20'000);
                     for (auto& c : checkouts) c = first_day + offset(rng);
                     std::sort(checkouts.begin(), checkouts.end());
                     std::uniform_int_distribution<std::int64_t> hours(1, 8);
                     for (std::size_t i = 0; i < checkouts.size(); ++i) {
                       const Person& person = instance.people[i % instance.people.size()];
                       sw::core::Lease lease;
                       lease.subscription_id = instance.pool_subscription_id;
                       lease.product_id = instance.pool_product_id;
                       lease.device_id = person.device_id;
                       lease.user_id = person.user_id;
                       lease.user_name = "member";
                       lease.host = "ws";
                       lease.checked_out_at = sw::core::FromUnixMillis(checkouts[i]);
                       lease.expires_at = lease.checked_out_at + std::chrono::hours(hours(rng));
                       SW_RETURN_IF_ERROR(repos.leases->Checkout(tx, lease));
                     }
                     sw::core::CreditEntry purchase;
                     purchase.contract_id = instance.credit_contract_id;
                     purchase.amount = 1'000'000;
                     purchase.reason = sw::core::CreditReason::kPurchase;
                     purchase.at = sw::core::FromUnixMillis(first_day);
                     SW_RETURN_IF_ERROR(repos.usage->AddCreditEntry(tx, purchase, false));
                     std::vector<std::int64_t> uses(20'000);
                     for (auto& u : uses) u = first_day + offset(rng);
                     std::sort(uses.begin(), uses.end());
                     for (std::size_t i = 0; i < uses.size(); ++i) {
                       sw::core::CreditEntry use;
                       use.contract_id = instance.credit_contract_id;
                       use.user_id = instance.people[(i * 7) % instance.people.size()].user_id;
                       use.service_id = instance.credit_service_id;
                       use.amount = -static_cast<std::int64_t>(1 + rng() % 20);
                       use.reason = sw::core::CreditReason::kConsumption;
                       use.at = sw::core::FromUnixMillis(uses[i]);
                       SW_RETURN_IF_ERROR(repos.usage->AddCreditEntry(tx, use, false));
                     }
                     return sw::core::Ok();
                   }),
       "inserting leases and credits");
}

struct Timing {
  double median_ms = 0;
  double p95_ms = 0;
  double min_ms = 0;
};

Timing Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Timing t;
  t.min_ms = ms.front();
  t.median_ms = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  // Nearest rank.
  const auto rank = static_cast<std::size_t>(std::max<double>(1.0, std::ceil(0.95 * ms.size())));
  t.p95_ms = ms[rank - 1];
  return t;
}

template <typename F>
Timing Time(int runs, F&& call) {
  call();  // warm the caches once, not counted
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    call();
    ms.push_back(Seconds(Clock::now() - start) * 1000.0);
  }
  return Summarize(std::move(ms));
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  sw::core::SystemClock clock;
  sw::crypto::SodiumRandom random;
  sw::store::Repositories repos = sw::store::MakeRepositories(random);

  std::filesystem::path dir;
  if (!options.keep.empty()) {
    dir = std::filesystem::absolute(options.keep);
    std::filesystem::create_directories(dir);
    std::filesystem::remove(dir / "report.db");
    std::filesystem::remove(dir / "report.db-wal");
    std::filesystem::remove(dir / "report.db-shm");
  } else {
    dir = std::filesystem::temp_directory_path() /
          ("seatwise-report-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  struct Cleanup {
    std::filesystem::path dir;
    bool keep;
    ~Cleanup() {
      if (!keep) std::filesystem::remove_all(dir);
    }
  } cleanup{dir, !options.keep.empty()};

  sw::store::DatabaseOptions db_options;
  // One connection, so the loading page cache below is the one every statement uses.
  db_options.pool_size = 1;
  db_options.sqlite_synchronous = "NORMAL";  // the server's default
  std::string backend = "SQLite";
  if (options.postgres) {
#ifdef SEATWISE_BENCH_POSTGRES
    db_options.url = sw::testing::PostgresCluster::Shared().CreateDatabase();
    backend = "PostgreSQL";
#else
    Die("--postgres needs a build with the test helpers (SEATWISE_TESTS=ON)");
#endif
  } else {
    db_options.url = "sqlite://" + (dir / "report.db").string();
  }
  auto db = Must(sw::store::OpenDatabase(db_options), "opening the database");
  Must(sw::store::Migrate(*db, clock), "migrating");
  Must(sw::service::SeedDemo(*db, repos, clock, random), "seeding the demo");

  std::cout << "seat-usage report benchmark: " << backend << ", " << Thousands(options.events)
            << " usage events, " << options.users << " extra members, " << options.runs
            << " timed runs per report\n";
  std::cout << "load average (1/5/15 min) at start: " << LoadAverage() << "\n\n";

  // SQLite's default page cache is 2 MB; loading 10 million rows into five indexes with it
  // reads the same pages from the OS again and again. Loading uses 1 GiB; the reports below
  // run with the default again, as the server has it.
  auto page_cache = [&](const char* pragma) {
    if (options.postgres) return;
    Must(db->Transact(sw::store::TxMode::kWrite,
                      [&](sw::store::Tx& tx) -> Result<void> {
                        SW_RETURN_IF_ERROR(tx.Exec(pragma));
                        return sw::core::Ok();
                      }),
         pragma);
  };
  page_cache("PRAGMA cache_size = -1048576");
  const Instance instance = Prepare(*db, repos, clock, options);
  const std::int64_t now_ms = sw::core::ToUnixMillis(clock.Now());

  auto start = Clock::now();
  const std::int64_t inserted = InsertEvents(*db, repos, instance, options, now_ms);
  const double insert_s = Seconds(Clock::now() - start);
  std::printf("insert   %12s events in %8.1f s  %12s rows/s (transactions of 100,000)\n",
              Thousands(static_cast<double>(inserted)).c_str(), insert_s,
              Thousands(static_cast<double>(inserted) / insert_s).c_str());
  std::fflush(stdout);
  InsertLeasesAndCredits(*db, repos, instance, options, now_ms);

  sw::service::Deps deps{*db, repos, clock, random};
  const std::string node = "report-bench";
  sw::jobs::UsageRollupJob rollup(deps, node);
  start = Clock::now();
  Must(db->Transact<bool>(sw::store::TxMode::kWrite,
                          [&](sw::store::Tx& tx) {
                            return repos.jobs->TryLock(tx, std::string(rollup.Name()), node,
                                                       clock.Now(), std::chrono::hours(24));
                          }),
       "locking the rollup job");
  std::int64_t rolled = 0;
  int job_runs = 0;
  while (true) {
    auto result = Must(rollup.Run(clock.Now()), "rolling up");
    ++job_runs;
    rolled += result.processed;
    if (result.processed == 0) break;
  }
  const double rollup_s = Seconds(Clock::now() - start);
  Must(db->Transact(sw::store::TxMode::kWrite,
                    [&](sw::store::Tx& tx) {
                      return repos.jobs->Finish(tx, std::string(rollup.Name()), node, "ok",
                                                std::to_string(rolled), clock.Now());
                    }),
       "releasing the rollup job");
  const auto daily_rows =
      Must(db->Transact<std::int64_t>(
               sw::store::TxMode::kRead,
               [&](sw::store::Tx& tx) -> Result<std::int64_t> {
                 SW_ASSIGN_OR_RETURN(auto row,
                                     tx.QueryOne("SELECT COUNT(*) FROM usage_daily", {}, "count"));
                 return row.Int(0);
               }),
           "counting usage_daily");
  std::printf(
      "rollup   %12s events in %8.1f s  %12s events/s (%d job runs of %d batches of %d; %s "
      "usage_daily rows)\n\n",
      Thousands(static_cast<double>(rolled)).c_str(), rollup_s,
      Thousands(static_cast<double>(rolled) / rollup_s).c_str(), job_runs,
      sw::jobs::UsageRollupJob::kMaxBatches, sw::jobs::UsageRollupJob::kBatchEvents,
      Thousands(static_cast<double>(daily_rows)).c_str());
  std::fflush(stdout);

  page_cache("PRAGMA cache_size = -2000");

  // The team's Primary Admin, as the HTTP layer would build the caller.
  sw::service::Caller admin;
  admin.principal.method = sw::service::AuthMethod::kApiToken;
  admin.principal.user_id = instance.admin_id;
  admin.meta = {"127.0.0.1", "report-bench", "report_bench"};
  sw::service::ReportService reports(deps);

  std::printf("%-34s %10s %10s %10s %8s\n", "report (team-wide, admin)", "median_ms", "p95_ms",
              "min_ms", "rows");
  const std::vector<sw::service::ReportRange> ranges = {
      sw::service::ReportRange::kThisMonth, sw::service::ReportRange::kMonths3,
      sw::service::ReportRange::kMonths6, sw::service::ReportRange::kMonths12};
  for (auto by : {sw::service::SeatUsageView::kByProduct, sw::service::SeatUsageView::kByUser}) {
    for (auto range : ranges) {
      sw::service::SeatUsageQuery query;
      query.range = range;
      query.by = by;
      std::size_t rows = 0;
      const Timing t = Time(options.runs, [&] {
        auto report = Must(reports.SeatUsage(admin, instance.team_id, query), "seat usage");
        rows = by == sw::service::SeatUsageView::kByProduct ? report.products.size()
                                                            : report.users.size();
      });
      const std::string label =
          std::string("seat-usage ") +
          (by == sw::service::SeatUsageView::kByProduct ? "by product " : "by user ") +
          std::string(sw::service::ReportRangeName(range));
      std::printf("%-34s %10.1f %10.1f %10.1f %8zu\n", label.c_str(), t.median_ms, t.p95_ms,
                  t.min_ms, rows);
      std::fflush(stdout);
    }
  }
  {
    std::size_t rows = 0;
    const Timing t = Time(1, [&] {
      rows = Must(reports.NetworkLicenses(admin, instance.team_id,
                                          sw::service::ReportRange::kMonths12),
                  "network licenses")
                 .subscriptions.size();
    });
    std::printf("%-34s %10.1f %10s %10s %8zu\n", "network-licenses 12m (once)", t.median_ms, "-",
                "-", rows);
  }
  {
    std::size_t rows = 0;
    const Timing t = Time(1, [&] {
      rows =
          Must(reports.CloudCredits(admin, instance.team_id, sw::service::ReportRange::kMonths12),
               "cloud credits")
              .users.size();
    });
    std::printf("%-34s %10.1f %10s %10s %8zu\n", "cloud-credits 12m (once)", t.median_ms, "-", "-",
                rows);
  }
  std::cout << "\nload average (1/5/15 min) at the end: " << LoadAverage() << "\n";

  if (!options.keep.empty()) {
    // A session caller may mint a personal API token; the HTTP benchmark sends it as Bearer.
    sw::service::Caller session = admin;
    session.principal.method = sw::service::AuthMethod::kSession;
    sw::service::TokenService tokens(deps);
    auto token = Must(tokens.CreateApiToken(session, "report-bench", 30), "creating a token");
    std::ofstream env(dir / "report.env");
    env << "BENCH_REPORT_TOKEN=" << token.token << "\nBENCH_TEAM_ID=" << instance.team_id << "\n";
    std::cout << "kept " << db_options.url << " and " << (dir / "report.env").string() << "\n";
  }
  return 0;
}
