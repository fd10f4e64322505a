// Heavy requests over real HTTP (issue: abuse costs the attacker, not the server): a large
// CSV import runs on the bounded worker pool, so /healthz keeps answering while it runs; a
// hostile file costs no more memory than its own size; and an import killed half-way leaves
// an audit entry for every row it committed. SQLite only: the point is the server's
// threads and memory, not the backend (both backends run the import itself elsewhere).

#include <gtest/gtest.h>
#include <signal.h>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A 25,000-row import takes seconds, more on a loaded machine.
constexpr milliseconds kImportBound{180'000};

// The peak resident set of `pid` (VmHWM) in KiB, or -1.
long PeakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string PeopleCsv(const std::string& tag, int rows) {
  std::string csv = "first_name,last_name,email\n";
  csv.reserve(csv.size() + 40u * static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    csv += "P" + std::to_string(i) + ",Row," + tag + std::to_string(i) + "@import.example\n";
  }
  return csv;
}

Headers CsvHeaders(const Credential& who) {
  Headers headers = who.HeadersFor();
  headers.emplace_back("Content-Type", "text/csv");
  return headers;
}

std::string TeamOf(DemoServer& server, const Credential& who) {
  HttpReply me = server.Call("GET", "/api/v1/me", who);
  const boost::json::value me_json = me.Json();
  for (const auto& m : me_json.at("memberships").as_array()) {
    if (m.at("team_name") == "Contoso Design") return std::string(m.at("team_id").as_string());
  }
  return "";
}

TEST(HeavyWorkTest, HealthzKeepsAnsweringDuringA25000RowImport) {
  DemoServer server(store::Backend::kSqlite);
  ASSERT_TRUE(server.started()) << server.Stderr();
  const Credential& ann = server.Person(DemoEmail("ann"));
  const std::string team = TeamOf(server, ann);
  const std::string csv = PeopleCsv("busy", 25'000);

  std::atomic<bool> done{false};
  HttpReply imported;
  std::thread importer([&] {
    imported = Send(server.port(), "POST", "/api/v1/teams/" + team + "/users/import",
                    CsvHeaders(ann), csv, kImportBound);
    done = true;
  });
  std::vector<double> latencies_ms;
  const auto deadline = steady_clock::now() + std::chrono::minutes(5);
  // At most 20,000 fresh connections, so the loopback port range is never a factor.
  while (!done && latencies_ms.size() < 20'000 && steady_clock::now() < deadline) {
    const auto start = steady_clock::now();
    HttpReply health = Send(server.port(), "GET", "/healthz", {}, "");
    const auto took = std::chrono::duration<double, std::milli>(steady_clock::now() - start);
    ASSERT_EQ(health.status, 200) << health.Describe();
    latencies_ms.push_back(took.count());
  }
  importer.join();
  ASSERT_EQ(imported.status, 200) << imported.Describe();
  EXPECT_EQ(imported.Json().at("summary").at("invited").as_int64(), 25'000);
  ASSERT_GE(latencies_ms.size(), 20u) << "the import ended before /healthz was measured";
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p99 = latencies_ms[latencies_ms.size() * 99 / 100];
  // The target is 50 ms (bench/README.md); the bound here leaves room for a loaded CI
  // machine and still fails by far when the import holds an I/O thread (seconds).
  EXPECT_LT(p99, 500.0) << "p99 " << p99 << " ms over " << latencies_ms.size() << " requests";
  std::cout << "[ figures  ] /healthz during a 25,000-row import: p99 " << p99 << " ms, max "
            << latencies_ms.back() << " ms over " << latencies_ms.size() << " requests\n";
}

TEST(HeavyWorkTest, AFileOfCommasIsRefusedWithoutCostingMemory) {
  DemoServer server(store::Backend::kSqlite);
  ASSERT_TRUE(server.started()) << server.Stderr();
  const Credential& ann = server.Person(DemoEmail("ann"));
  const std::string team = TeamOf(server, ann);
  const std::string target = "/api/v1/teams/" + team + "/users/import";
  const long before = PeakRssKib(server.pid());
  ASSERT_GT(before, 0);

  // Just under the 8 MiB body limit: refused at its first line, with a reason.
  const std::string commas(7u << 20, ',');
  HttpReply refused = Send(server.port(), "POST", target, CsvHeaders(ann), commas);
  EXPECT_EQ(refused.status, 400) << refused.Describe().substr(0, 400);
  EXPECT_NE(refused.body.find("fields"), std::string::npos) << refused.body.substr(0, 400);
  // Past the limit: refused without being read whole. The server answers 413 and closes
  // while this simple client is still sending, so the client may see the connection reset
  // before it reads the answer; either way the server is still there.
  const std::string too_big(10u << 20, ',');
  HttpReply huge = Send(server.port(), "POST", target, CsvHeaders(ann), too_big);
  EXPECT_TRUE(huge.status == 413 || huge.status == 0) << huge.Describe().substr(0, 400);
  EXPECT_EQ(Send(server.port(), "GET", "/healthz", {}, "").status, 200);
  // A file one row past the limit stops at that row.
  HttpReply over = Send(server.port(), "POST", target, CsvHeaders(ann), PeopleCsv("over", 25'001));
  EXPECT_EQ(over.status, 400) << over.Describe().substr(0, 400);
  EXPECT_NE(over.body.find("more than 25,000 rows"), std::string::npos);

  const long after = PeakRssKib(server.pid());
  EXPECT_LT(after - before, 64L * 1024)
      << "peak RSS grew from " << before << " to " << after << " KiB";
}

TEST(HeavyWorkTest, AnImportKilledHalfWayLeavesAnAuditEntryForEveryCommittedRow) {
  DemoServer server(store::Backend::kSqlite);
  ASSERT_TRUE(server.started()) << server.Stderr();
  const Credential& ann = server.Person(DemoEmail("ann"));
  const std::string team = TeamOf(server, ann);
  const std::string csv = PeopleCsv("killed", 25'000);
  std::thread importer([&, port = server.port()] {
    (void)Send(port, "POST", "/api/v1/teams/" + team + "/users/import", CsvHeaders(ann), csv,
               kImportBound);
  });

  auto db = server.OpenDatabase();
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto count = [&](const std::string& sql) -> std::int64_t {
    auto n = (*db)->Transact<std::int64_t>(
        store::TxMode::kRead, [&](store::Tx& tx) -> core::Result<std::int64_t> {
          SW_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, {}, "count"));
          return row.Int(0);
        });
    return n.ok() ? *n : -1;
  };
  const std::string committed_sql =
      "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id"
      " WHERE u.email LIKE 'killed%@import.example'";
  // Bounded poll until a few chunks have committed, then kill -9 in the middle of the import.
  const auto deadline = steady_clock::now() + std::chrono::minutes(3);
  while (count(committed_sql) < 1'500 && steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  server.Stop(SIGKILL);
  importer.join();

  const std::int64_t committed = count(committed_sql);
  ASSERT_GE(committed, 1'500) << "the import did not get far enough to be killed half-way";
  EXPECT_LT(committed, 25'000) << "the import finished before it was killed";
  const std::int64_t audited = count(
      "SELECT COUNT(*) FROM audit_entries WHERE action = 'user.invite'"
      " AND detail LIKE 'killed%@import.example invited (CSV import%'");
  EXPECT_EQ(audited, committed);
}

}  // namespace
}  // namespace seatwise::itest
